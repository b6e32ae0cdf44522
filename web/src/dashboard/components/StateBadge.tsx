import { stateLabel, type StateWord } from "../../shared/states";

/** Badge tone of each payment state and subscription status: settled green, waiting amber, failed red. */
const TONES: Readonly<Partial<Record<StateWord, "ok" | "warn" | "bad" | "neutral">>> = {
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
  active: "ok",
  past_due: "bad",
  paused: "warn",
  canceled: "neutral",
  lapsed: "neutral",
};

/** A state or status as a coloured, readable badge; `data-state` keeps the indexer's word for tests. */
export function StateBadge(props: { state: StateWord }) {
  const tone = TONES[props.state] ?? "neutral";
  return (
    <span className={tone === "neutral" ? "badge" : `badge badge-${tone}`} data-testid="state" data-state={props.state}>
      {stateLabel(props.state)}
    </span>
  );
}
