/**
 * `GET /webhooks/events`: the notifications of one chain in a block range, in chain order, each shaped as the
 * webhook body it becomes (`@coffer/sdk/webhooks`): amounts as decimal strings in the token's units, with the
 * token's symbol and decimals. The webhook service and `coffer listen` read it; `indexedBlock` tells them how far
 * the index has reached, so they can wait for confirmations.
 */
import { db } from "ponder:api";
import schema from "ponder:schema";
import { and, asc, eq, gte, lte } from "ponder";
import { formatUnits, hexToString, parseAbi, type PublicClient } from "viem";
import { notificationEventId, notificationIndex, UNITS_KEY } from "../notifications";
import { ReportError } from "./reports";
import { nativeSymbol } from "./native-balances";

type Hex = `0x${string}`;
type Row = typeof schema.notification.$inferSelect;

const ZERO = "0x0000000000000000000000000000000000000000";

export const DEFAULT_EVENTS_LIMIT = 1_000;
export const MAX_EVENTS_LIMIT = 5_000;

/** A token as events show it; null fields where the token does not say. */
export interface EventToken {
  address: Hex;
  symbol: string | null;
  decimals: number | null;
}

const metadataAbi = parseAbi(["function symbol() view returns (string)", "function decimals() view returns (uint8)"]);
const bytes32SymbolAbi = parseAbi(["function symbol() view returns (bytes32)"]);

const known = new Map<string, EventToken>();

/**
 * A token's symbol and decimals: from the indexer's `token` table, else read from the token (once: a token that
 * answers neither is asked again next time).
 */
async function tokenMetadata(
  database: typeof db,
  client: PublicClient,
  chainId: number,
  address: Hex,
): Promise<EventToken> {
  if (address === ZERO) return { address, symbol: nativeSymbol(chainId), decimals: 18 };
  const key = `${chainId}:${address}`;
  const cached = known.get(key);
  if (cached !== undefined) return cached;
  const [row] = await database
    .select()
    .from(schema.token)
    .where(and(eq(schema.token.chainId, chainId), eq(schema.token.address, address)));
  if (row !== undefined && row.symbol !== null && row.decimals !== null) {
    const token: EventToken = { address, symbol: row.symbol, decimals: row.decimals };
    known.set(key, token);
    return token;
  }
  const [symbol, decimals] = await Promise.all([
    client
      .readContract({ address, abi: metadataAbi, functionName: "symbol" })
      .catch(() =>
        client
          .readContract({ address, abi: bytes32SymbolAbi, functionName: "symbol" })
          .then((raw) => hexToString(raw, { size: 32 }).replace(/\0+$/, "")),
      )
      .catch(() => null),
    client.readContract({ address, abi: metadataAbi, functionName: "decimals" }).catch(() => null),
  ]);
  const token: EventToken = { address, symbol: symbol === "" ? null : symbol, decimals };
  if (symbol !== null && decimals !== null) known.set(key, token);
  return token;
}

/** Replaces every stored amount (`{ $units }`) with its decimal string in the token's units. */
function formatAmounts(value: unknown, decimals: number | null): unknown {
  if (Array.isArray(value)) return value.map((item) => formatAmounts(item, decimals));
  if (value !== null && typeof value === "object") {
    const units = (value as Record<string, unknown>)[UNITS_KEY];
    if (typeof units === "string") return decimals === null ? units : formatUnits(BigInt(units), decimals);
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, formatAmounts(inner, decimals)]),
    );
  }
  return value;
}

/** One notification as the body of its webhook. */
async function toWebhookEvent(database: typeof db, row: Row, client: PublicClient) {
  const token = row.token === null ? undefined : await tokenMetadata(database, client, row.chainId, row.token);
  const data = formatAmounts(row.data, token?.decimals ?? null) as Record<string, unknown>;
  return {
    id: notificationEventId(row.chainId, row.blockHash, row.logIndex, row.type, notificationIndex(row.id)),
    type: row.type,
    timestamp: new Date(Number(row.timestamp) * 1000).toISOString(),
    data: {
      chainId: row.chainId,
      blockNumber: Number(row.blockNumber),
      blockHash: row.blockHash,
      transactionHash: row.transactionHash,
      logIndex: row.logIndex,
      contract: row.contract,
      ...(token === undefined ? {} : { token }),
      ...data,
    },
  };
}

export interface EventsQuery {
  chainId: number;
  fromBlock: bigint;
  toBlock: bigint | undefined;
  limit: number;
  indexedBlock: bigint;
}

/**
 * The events of `query.chainId` from `fromBlock` to `toBlock` (at most the indexed block), cut after at most
 * `limit` events at a block boundary: `throughBlock` is the last block whose events are all included.
 */
export async function webhookEvents(database: typeof db, client: PublicClient, query: EventsQuery) {
  const last = query.toBlock === undefined || query.toBlock > query.indexedBlock ? query.indexedBlock : query.toBlock;
  const base = {
    chainId: query.chainId,
    indexedBlock: Number(query.indexedBlock),
  };
  if (last < query.fromBlock) return { ...base, throughBlock: Number(last), events: [] };
  const table = schema.notification;
  const inRange = (to: bigint) =>
    and(eq(table.chainId, query.chainId), gte(table.blockNumber, query.fromBlock), lte(table.blockNumber, to));
  let rows = await database
    .select()
    .from(table)
    .where(inRange(last))
    .orderBy(asc(table.id))
    .limit(query.limit + 1);
  let throughBlock = last;
  if (rows.length > query.limit) {
    const cut = (rows[query.limit] as Row).blockNumber;
    throughBlock = cut - 1n;
    rows = rows.filter((row) => row.blockNumber < cut);
    if (rows.length === 0) {
      // One block holds more than `limit` events: serve that block whole rather than never advancing.
      throughBlock = cut;
      rows = await database.select().from(table).where(inRange(cut)).orderBy(asc(table.id));
    }
  }
  const events = [];
  for (const row of rows) events.push(await toWebhookEvent(database, row, client));
  return { ...base, throughBlock: Number(throughBlock), events };
}

/** Parses `limit`: 1 to {@link MAX_EVENTS_LIMIT}, {@link DEFAULT_EVENTS_LIMIT} when absent. */
export function eventsLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_EVENTS_LIMIT;
  const limit = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(limit >= 1 && limit <= MAX_EVENTS_LIMIT)) {
    throw new ReportError(`"limit" must be an integer from 1 to ${MAX_EVENTS_LIMIT}, got ${JSON.stringify(value)}`);
  }
  return limit;
}
