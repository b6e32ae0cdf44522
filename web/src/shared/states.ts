/**
 * How the app shows the indexer's states and statuses to people. The indexer serves them lower snake_case
 * (`past_due`, `partially_refunded`, `canceled`); the app keeps that word in `data-state` attributes and shows
 * these labels.
 */
import type { indexer } from "@coffer/sdk";

/** Every word the app labels: payment states and statuses, the `charged` mode, subscription and transfer statuses. */
export type StateWord =
  | indexer.IndexedPaymentState
  | indexer.IndexedPaymentStatus
  | "charged"
  | indexer.IndexedSubscriptionStatus
  | indexer.IndexedQueuedTransferStatus;

const LABELS: Readonly<Record<StateWord, string>> = {
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
  active: "Active",
  past_due: "Past due",
  paused: "Paused",
  canceled: "Canceled",
  lapsed: "Lapsed",
  queued: "Queued",
  executed: "Executed",
};

/** The label of a state or status, e.g. `past_due` → "Past due"; a word the app does not know is shown as is. */
export function stateLabel(word: string): string {
  return (LABELS as Readonly<Record<string, string>>)[word] ?? word;
}
