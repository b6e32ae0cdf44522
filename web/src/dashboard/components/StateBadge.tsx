/** Badge tone of each payment state and subscription status: settled green, waiting amber, failed red. */
const TONES: Readonly<Record<string, "ok" | "warn" | "bad" | "neutral">> = {
  authorized: "warn",
  partially_captured: "warn",
  captured: "ok",
  charged: "ok",
  voided: "neutral",
  reclaimed: "neutral",
  refunded: "neutral",
  partially_refunded: "ok",
  disputed: "bad",
  resolved: "neutral",
  Active: "ok",
  PastDue: "bad",
  Paused: "warn",
  Cancelled: "neutral",
  Lapsed: "neutral",
};

const LABELS: Readonly<Record<string, string>> = {
  authorized: "Authorized",
  partially_captured: "Partially captured",
  captured: "Captured",
  charged: "Charged",
  voided: "Voided",
  reclaimed: "Reclaimed",
  refunded: "Refunded",
  partially_refunded: "Partially refunded",
  disputed: "Disputed",
  resolved: "Resolved",
  Active: "Active",
  PastDue: "Past due",
  Paused: "Paused",
  Cancelled: "Cancelled",
  Lapsed: "Lapsed",
};

/** A state or status as a coloured, readable badge; `data-state` keeps the indexer's word for tests. */
export function StateBadge(props: { state: string }) {
  const tone = TONES[props.state] ?? "neutral";
  return (
    <span className={tone === "neutral" ? "badge" : `badge badge-${tone}`} data-testid="state" data-state={props.state}>
      {LABELS[props.state] ?? props.state}
    </span>
  );
}
