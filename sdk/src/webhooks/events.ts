/**
 * The events Coffer's webhooks deliver: their type names and the shape of their bodies. The indexer produces them
 * (`GET /webhooks/events`), the webhook service delivers them, and receivers verify them with `verifyWebhook`.
 */
import { z } from "zod";

/** Every event type, each named `<object>.<what happened>` in the past tense, as Stripe and Svix name theirs. */
export const WEBHOOK_EVENT_TYPES = [
  "payment.authorized",
  "payment.charged",
  "payment.captured",
  "payment.voided",
  "payment.reclaimed",
  "payment.refunded",
  "payment.disputed",
  "payment.resolved",
  "invoice.paid",
  "subscription.created",
  "subscription.charged",
  "subscription.charge_failed",
  "subscription.past_due",
  "subscription.lapsed",
  "subscription.paused",
  "subscription.resumed",
  "subscription.canceled",
  "split.distributed",
  "split.credited",
  "treasury.transfer_made",
  "treasury.transfer_queued",
  "treasury.transfer_executed",
  "treasury.transfer_canceled",
  "treasury.swept",
  "safe.transaction_executed",
  "channel.opened",
  "channel.topped_up",
  "channel.redeemed",
  "channel.exit_started",
  "channel.closed",
] as const;

/** One of {@link WEBHOOK_EVENT_TYPES}. */
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The suffix of the event that follows a delivered event whose block a reorg removed. */
export const REVERTED_SUFFIX = ".reverted";

/** An event type, or the `…reverted` event that undoes it. */
export type WebhookEventName = WebhookEventType | `${WebhookEventType}${typeof REVERTED_SUFFIX}`;

/** Whether `name` is an event type or its `…reverted` form. */
export function isWebhookEventName(name: string): name is WebhookEventName {
  const base = name.endsWith(REVERTED_SUFFIX) ? name.slice(0, -REVERTED_SUFFIX.length) : name;
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(base);
}

const hex = (bytes: number) =>
  z.string().regex(new RegExp(`^0x[0-9a-f]{${bytes * 2}}$`), `a lower-case 0x-prefixed ${bytes}-byte hex string`);

/** A token as events show it: symbol and decimals as the token reports them (null when it does not). */
export const webhookTokenSchema = z.object({
  address: hex(20),
  symbol: z.string().nullable(),
  decimals: z.number().int().nullable(),
});

/**
 * What every event's `data` carries, beside the fields of its type: where on chain it happened, and the parties
 * an endpoint may filter on. Amounts are decimal strings in the token's units (`"49.5"` with 6 decimals is
 * 49,500,000 base units); when a token reports no decimals they are base units and `token.decimals` is null.
 */
export const webhookEventDataSchema = z
  .object({
    chainId: z.number().int().positive(),
    blockNumber: z.number().int().nonnegative(),
    blockHash: hex(32),
    transactionHash: hex(32),
    logIndex: z.number().int().nonnegative(),
    /** The contract that emitted the log. */
    contract: hex(20),
    /** The merchant's order or invoice reference, where the event has one. */
    reference: hex(32).nullable().optional(),
    token: webhookTokenSchema.optional(),
    payee: hex(20).optional(),
    merchant: hex(20).optional(),
    safe: hex(20).optional(),
    split: hex(20).optional(),
    /** On `…reverted` events: the id of the event a reorg undid. */
    revertedEventId: z.string().optional(),
  })
  .passthrough();

/** A webhook's body: the Standard Webhooks envelope (`type`, `timestamp`, `data`) with the event's id. */
export const webhookEventSchema = z.object({
  /** Stable id, also sent as the `webhook-id` header: the same event always has the same id, so skip repeats. */
  id: z.string().regex(/^evt_[0-9a-f]{32}$/),
  type: z.string().refine(isWebhookEventName, "a Coffer webhook event type"),
  /** When the event's block was made (ISO 8601, UTC). */
  timestamp: z.string().datetime(),
  data: webhookEventDataSchema,
});

/** A webhook's body, parsed. */
export type WebhookEvent = Omit<z.output<typeof webhookEventSchema>, "type"> & { type: WebhookEventName };
