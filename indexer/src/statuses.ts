/**
 * Every state and status the indexer serves, in one casing: lower snake_case, as its webhook event types
 * (`subscription.past_due`) and `payment.state` have always been. The contract's enums (`PastDue`, `Cancelled`)
 * are mapped to these names where their events are indexed; "canceled" is spelt with one l, as in
 * `subscription.canceled`. The schema types its columns with these unions, so a handler cannot store any other
 * value; the SDK's indexer client holds the same lists (`@coffer/sdk` `indexer.*_STATUSES`).
 */

/** `payment.state`: what a payment holds now, in a word (see the schema). */
export const PAYMENT_STATES = [
  "authorized",
  "partially_captured",
  "captured",
  "partially_refunded",
  "refunded",
  "voided",
  "reclaimed",
  "disputed",
  "resolved",
] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];

/** `payment.status`: the contract's `PaymentStatus` (`getPaymentState`), `None` excepted: a row exists. */
export const PAYMENT_STATUSES = ["authorized", "disputed", "resolved"] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** `subscription.status`: the contract's `SubscriptionStatus`, `None` excepted. */
export const SUBSCRIPTION_STATUSES = ["active", "past_due", "paused", "canceled", "lapsed"] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** `subscription.statusBeforePause`: what a resume returns to; `none` until the first pause. */
export type SubscriptionStatusBeforePause = SubscriptionStatus | "none";

/**
 * `subscriptionCharge.failureReason` and the `reason` of `subscription.charge_failed`: the contract's
 * `FailureReason` by number; `unknown` for a number this ABI does not name.
 */
export const FAILURE_REASONS = [
  "allowance_too_low",
  "balance_too_low",
  "transfer_failed",
  "wrong_amount_delivered",
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number] | "unknown";

/** `queuedTransfer.status`: the treasury module's `QueuedStatus` (`getQueuedStatus`), `None` excepted. */
export const QUEUED_TRANSFER_STATUSES = ["queued", "executed", "canceled"] as const;
export type QueuedTransferStatus = (typeof QUEUED_TRANSFER_STATUSES)[number];

/**
 * `activity.role`: what the account is to the event its row stands for. A movement gives a role to its sender and
 * its receiver; every other account the event names (an operator, an arbiter, a plan's merchant...) gets a row of
 * amount 0 with its own. One row per account and event: the role that moved money wins, else the first named.
 * `sender`/`receiver`: a transfer with no Coffer meaning; `contract`: a Coffer contract that holds or pays out
 * funds (escrow, subscriptions' deposits, channels); `party`: a row whose writer named no role.
 */
export const ACTIVITY_ROLES = [
  "payer",
  "payee",
  "operator",
  "arbiter",
  "fee_receiver",
  "subscriber",
  "merchant",
  "split",
  "controller",
  "recipient",
  "distributor",
  "holder",
  "safe",
  "executor",
  "redeemer",
  "contract",
  "sender",
  "receiver",
  "party",
] as const;
export type ActivityRole = (typeof ACTIVITY_ROLES)[number];

/**
 * `channel.status`: the channel contract's `ChannelStatus` (`getChannel`), `None` excepted, with `exiting` for an
 * open channel whose payer started an exit (the contract keeps it `Open` and sets `exitAt`).
 */
export const CHANNEL_STATUSES = ["open", "exiting", "closed"] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];
