/**
 * What merchants are told: one `notification` row per Coffer event a webhook announces (see `@coffer/sdk/webhooks`
 * for the event types). The handlers call {@link notify}; the API serves the rows with amounts formatted
 * (`api/webhook-events.ts`), and the webhook service delivers them once their block is final enough.
 */
import type { Context } from "ponder:registry";
import { notification } from "ponder:schema";
import { keccak256, stringToHex } from "viem";

type Hex = `0x${string}`;

/** The parts of a Ponder event a notification records. */
export interface NotifiedEvent {
  readonly block: { readonly number: bigint; readonly timestamp: bigint; readonly hash: Hex };
  readonly log: { readonly logIndex: number; readonly address: Hex };
  readonly transaction: { readonly hash: Hex };
}

/** A JSON value of a notification's data, where a `bigint` is an amount in base units of the event's token. */
export type NotificationValue =
  | string
  | number
  | boolean
  | null
  | bigint
  | readonly NotificationValue[]
  | { readonly [key: string]: NotificationValue | undefined };

/**
 * An event's fields. `token` names the token its amounts are in; the party fields (`payee`, `merchant`, `safe`,
 * `split`) are what an endpoint filters on; every other field is the event's own (ids as strings).
 */
export interface NotificationFields {
  readonly token?: Hex;
  readonly reference?: Hex | null;
  readonly payee?: Hex;
  readonly merchant?: Hex;
  readonly safe?: Hex;
  readonly split?: Hex;
  readonly [field: string]: NotificationValue | undefined;
}

/** Marks an amount in stored data, so the API can format it with the token's decimals. */
export const UNITS_KEY = "$units";

function storable(value: NotificationValue | undefined): unknown {
  if (typeof value === "bigint") return { [UNITS_KEY]: value.toString() };
  if (Array.isArray(value)) return value.map(storable);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value as Record<string, NotificationValue | undefined>)) {
      if (inner !== undefined) out[key] = storable(inner);
    }
    return out;
  }
  return value;
}

/**
 * The stable id receivers see of the `index`-th notification of `type` from one log: the same on every re-index of
 * the same block, and a different one when a reorg puts the log in another block. Derived from stored columns when
 * the API serves the row (not stored: a keccak per notification was a twentieth of the handlers' time).
 */
export function notificationEventId(
  chainId: number,
  blockHash: Hex,
  logIndex: number,
  type: string,
  index: number,
): string {
  const key = `coffer-event/1:${chainId}:${blockHash}:${logIndex}:${index}:${type}`;
  return `evt_${keccak256(stringToHex(key)).slice(2, 34)}`;
}

/** A notification's row id: block, log and `index`, zero-padded so that text order is chain order. */
function notificationRowId(blockNumber: bigint, logIndex: number, index: number): string {
  return [
    blockNumber.toString().padStart(12, "0"),
    logIndex.toString().padStart(6, "0"),
    index.toString().padStart(3, "0"),
  ].join("-");
}

/** The `index` a notification's row id holds (its last part). */
export function notificationIndex(rowId: string): number {
  return Number(rowId.slice(rowId.lastIndexOf("-") + 1));
}

/**
 * Records that `event` is announced as `type`. `index` numbers the notifications one log makes (0, 1, …) so that
 * their ids and their order stay distinct.
 */
export async function notify(
  context: Context,
  event: NotifiedEvent,
  type: string,
  fields: NotificationFields,
  index = 0,
): Promise<void> {
  const chainId = context.chain.id;
  const { token, ...rest } = fields;
  await context.db.insert(notification).values({
    chainId,
    id: notificationRowId(event.block.number, event.log.logIndex, index),
    type,
    blockNumber: event.block.number,
    blockHash: event.block.hash,
    transactionHash: event.transaction.hash,
    logIndex: event.log.logIndex,
    contract: event.log.address.toLowerCase() as Hex,
    timestamp: event.block.timestamp,
    token: token ?? null,
    data: storable(rest) as Record<string, unknown>,
  });
}
