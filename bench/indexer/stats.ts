/** Pure helpers of the indexer benchmark: percentiles and counting the events of receipts' logs. */
import { ethers } from "ethers";

/** `Transfer(address,address,uint256)`: the ERC-20 event the indexer follows for balances. */
export const TRANSFER_TOPIC = ethers.id("Transfer(address,address,uint256)");

/**
 * The `p`-th percentile (0 < p ≤ 100) of `values` by the nearest-rank method: the smallest value with at least
 * p % of the values at or below it. Throws on an empty list or a `p` out of range.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error("percentile of no values");
  if (!(p > 0 && p <= 100)) throw new Error(`percentile ${p} is not in (0, 100]`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1]!;
}

/** What a set of logs holds, by who emitted it. */
export interface EventTally {
  /** Logs of Coffer's contracts (escrow, subscriptions, splits and their factory, treasury module). */
  coffer: number;
  /** ERC-20 `Transfer` logs of the followed tokens (indexed too: balances and activity). */
  transfers: number;
  /** Everything else: other logs of the tokens (approvals), the treasury Safe, contracts not indexed. */
  other: number;
}

export const emptyTally = (): EventTally => ({ coffer: 0, transfers: 0, other: 0 });

/** The smallest shape of a log: its emitter and topics. */
export interface LogLike {
  readonly address: string;
  readonly topics: readonly string[];
}

/**
 * Adds `logs` to `tally` (a new one by default): logs emitted by an address of `coffer` count as Coffer events,
 * `Transfer` logs of an address of `tokens` as transfers, the rest as other. Addresses compare case-insensitively.
 */
export function tallyLogs(
  logs: Iterable<LogLike>,
  contracts: { coffer: ReadonlySet<string>; tokens: ReadonlySet<string> },
  tally: EventTally = emptyTally(),
): EventTally {
  const coffer = new Set([...contracts.coffer].map((a) => a.toLowerCase()));
  const tokens = new Set([...contracts.tokens].map((a) => a.toLowerCase()));
  for (const log of logs) {
    const address = log.address.toLowerCase();
    if (coffer.has(address)) tally.coffer += 1;
    else if (tokens.has(address) && log.topics[0]?.toLowerCase() === TRANSFER_TOPIC) tally.transfers += 1;
    else tally.other += 1;
  }
  return tally;
}

/** Rounds to `digits` decimals (results files keep figures short). */
export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
