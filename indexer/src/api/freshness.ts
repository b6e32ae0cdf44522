/**
 * How fresh the index is, per chain: the block indexed (Ponder's checkpoint), the chain head (read from the chain's
 * RPC at most once per `headTtlMs`, shared by concurrent requests), the lag between them in blocks and seconds, and
 * the finalized block (head minus Ponder's finality depth for the chain). Served as `GET /freshness`, as
 * `X-Coffer-*` headers on every API answer, and as a readiness verdict (`GET /healthy?maxLagSeconds=`).
 */
import type { PublicClient } from "viem";

/** The freshness of one chain; block numbers and unix seconds. */
export interface ChainFreshness {
  chainId: number;
  /** Ponder's name of the chain (`chain<chainId>`). */
  name: string;
  /** Last block whose events are in the answer (Ponder's latest checkpoint); null before indexing starts. */
  indexedBlock: number | null;
  indexedTimestamp: number | null;
  /** The chain's head when last read (at most `headTtlMs` ago); null when the RPC did not answer. */
  headBlock: number | null;
  headTimestamp: number | null;
  /** `headBlock − indexedBlock` (0 when the index is at the head); null when either is unknown. */
  lagBlocks: number | null;
  /** `headTimestamp − indexedTimestamp`, at least 0: how much chain time the answer misses. */
  lagSeconds: number | null;
  /** Blocks behind the head that Ponder treats as final on this chain (its `finalityBlockCount`). */
  finalityBlocks: number;
  /** `headBlock − finalityBlocks` (at least 0): a row of a block at or below it is final. */
  finalizedBlock: number | null;
  /** Why the head is unknown, when it is. */
  headError?: string;
}

/** Every chain's freshness and when it was taken (unix milliseconds). */
export interface Freshness {
  checkedAt: number;
  chains: ChainFreshness[];
}

/** A chain as the freshness reader needs it. */
export interface FreshnessChain {
  chainId: number;
  name: string;
  finalityBlocks: number;
  client: Pick<PublicClient, "getBlock">;
}

// Ponder 0.16's checkpoint string: 10 digits of block timestamp, 16 of chain id, 16 of block number, then more.
const TIMESTAMP_DIGITS = 10;
const CHAIN_ID_DIGITS = 16;
const BLOCK_DIGITS = 16;

/** `{ chainId, blockNumber, timestamp }` of a Ponder checkpoint string. */
export function decodeCheckpoint(checkpoint: string): { chainId: number; blockNumber: number; timestamp: number } {
  if (!/^\d{42,}$/.test(checkpoint)) throw new Error(`Not a Ponder checkpoint: ${JSON.stringify(checkpoint)}`);
  const timestamp = Number(checkpoint.slice(0, TIMESTAMP_DIGITS));
  const chainId = Number(checkpoint.slice(TIMESTAMP_DIGITS, TIMESTAMP_DIGITS + CHAIN_ID_DIGITS));
  const start = TIMESTAMP_DIGITS + CHAIN_ID_DIGITS;
  return { chainId, blockNumber: Number(checkpoint.slice(start, start + BLOCK_DIGITS)), timestamp };
}

/** Per chain id, the indexed block and its timestamp. */
export type IndexedBlocks = Map<number, { blockNumber: number; timestamp: number }>;

/** One chain's freshness from its indexed block and head. */
export function chainFreshness(
  chain: Pick<FreshnessChain, "chainId" | "name" | "finalityBlocks">,
  indexed: { blockNumber: number; timestamp: number } | undefined,
  head: { number: number; timestamp: number } | { error: string },
): ChainFreshness {
  const known = "number" in head ? head : undefined;
  // The head was read up to `headTtlMs` ago: the index may have passed it since, and then it is the head.
  const headBlock = known === undefined ? null : Math.max(known.number, indexed?.blockNumber ?? 0);
  const headTimestamp = known === undefined ? null : Math.max(known.timestamp, indexed?.timestamp ?? 0);
  const both = indexed !== undefined && headBlock !== null && headTimestamp !== null;
  return {
    chainId: chain.chainId,
    name: chain.name,
    indexedBlock: indexed?.blockNumber ?? null,
    indexedTimestamp: indexed?.timestamp ?? null,
    headBlock,
    headTimestamp,
    lagBlocks: both ? headBlock - indexed.blockNumber : null,
    lagSeconds: both ? headTimestamp - indexed.timestamp : null,
    finalityBlocks: chain.finalityBlocks,
    finalizedBlock: headBlock === null ? null : Math.max(0, headBlock - chain.finalityBlocks),
    ...("error" in head ? { headError: head.error } : {}),
  };
}

/**
 * A reader of the index's freshness. The checkpoint is read once per `checkpointTtlMs`, by one query at a time that
 * concurrent calls share: a request storm makes no query storm, and a checkpoint read before the answer is made is a
 * lower bound of what the answer holds (an answer is at least as fresh as its headers say). Each chain's head is refreshed in the background once it is `headTtlMs` old,
 * by one call at a time, so that a request storm does not become an RPC storm and a slow or dead RPC never holds an
 * answer up: only the very first read waits for it. A head older than `headStaleMs` (the RPC has not answered since)
 * counts as unknown.
 */
export function createFreshnessReader(options: {
  /** Reads Ponder's checkpoints (`readCheckpoints` of `checkpoints.ts`). */
  readIndexed: () => Promise<IndexedBlocks>;
  chains: FreshnessChain[];
  headTtlMs: number;
  headStaleMs: number;
  /** How long a checkpoint reading is reused; 0 reads it on every call not sharing a query in flight. */
  checkpointTtlMs?: number;
  now?: () => number;
}): { read(): Promise<Freshness> } {
  const now = options.now ?? Date.now;
  const checkpointTtlMs = options.checkpointTtlMs ?? 0;
  let checkpoint: { reading: Promise<IndexedBlocks>; settledAt?: number } | undefined;
  const checkpoints = () => {
    if (
      checkpoint !== undefined &&
      (checkpoint.settledAt === undefined || now() - checkpoint.settledAt < checkpointTtlMs)
    ) {
      return checkpoint.reading;
    }
    const current: { reading: Promise<IndexedBlocks>; settledAt?: number } = { reading: options.readIndexed() };
    checkpoint = current;
    current.reading.then(
      () => {
        current.settledAt = now();
      },
      // A failed read is not reused: the next call tries again.
      () => {
        if (checkpoint === current) checkpoint = undefined;
      },
    );
    return current.reading;
  };
  type Head = { number: number; timestamp: number; readAt: number };
  const state = new Map<number, { head?: Head; error?: string; refreshing?: Promise<void> }>();
  const refresh = (chain: FreshnessChain, entry: { head?: Head; error?: string; refreshing?: Promise<void> }) => {
    entry.refreshing ??= chain.client
      .getBlock({ blockTag: "latest" })
      .then(
        (block) => {
          entry.head = { number: Number(block.number), timestamp: Number(block.timestamp), readAt: now() };
          entry.error = undefined;
        },
        (error: unknown) => {
          entry.error = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
        },
      )
      .finally(() => {
        entry.refreshing = undefined;
      });
    return entry.refreshing;
  };
  const headOf = async (chain: FreshnessChain): Promise<{ number: number; timestamp: number } | { error: string }> => {
    let entry = state.get(chain.chainId);
    if (entry === undefined) state.set(chain.chainId, (entry = {}));
    if (entry.head === undefined || now() - entry.head.readAt >= options.headTtlMs) {
      const pending = refresh(chain, entry);
      if (entry.head === undefined) await pending;
    }
    const { head } = entry;
    if (head !== undefined && now() - head.readAt <= options.headStaleMs) return head;
    const age = head === undefined ? "" : ` (last head ${Math.round((now() - head.readAt) / 1000)} s ago)`;
    return { error: `${entry.error ?? "the chain's RPC has not answered"}${age}` };
  };
  return {
    read: async () => {
      const [indexed, chains] = await Promise.all([
        checkpoints(),
        Promise.all(options.chains.map(async (chain) => ({ chain, head: await headOf(chain) }))),
      ]);
      return {
        checkedAt: now(),
        chains: chains.map(({ chain, head }) => chainFreshness(chain, indexed.get(chain.chainId), head)),
      };
    },
  };
}

/** `31337=120, 1=2000`: one value per chain that has it. */
function perChainHeader(chains: ChainFreshness[], pick: (chain: ChainFreshness) => number | null): string {
  return chains
    .flatMap((chain) => {
      const value = pick(chain);
      return value === null ? [] : [`${chain.chainId}=${value}`];
    })
    .join(", ");
}

/** The `X-Coffer-*` headers of a freshness reading (a header is left out when no chain has its value). */
export function freshnessHeaders(freshness: Freshness): Record<string, string> {
  const headers: Record<string, string> = {
    "X-Coffer-Indexed-Block": perChainHeader(freshness.chains, (chain) => chain.indexedBlock),
    "X-Coffer-Head-Block": perChainHeader(freshness.chains, (chain) => chain.headBlock),
    "X-Coffer-Lag-Blocks": perChainHeader(freshness.chains, (chain) => chain.lagBlocks),
    "X-Coffer-Lag-Seconds": perChainHeader(freshness.chains, (chain) => chain.lagSeconds),
    "X-Coffer-Finalized-Block": perChainHeader(freshness.chains, (chain) => chain.finalizedBlock),
  };
  return Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== ""));
}

/**
 * Whether the answer is fresh enough: every chain indexed, its head known, and at most `maxLagSeconds` of chain
 * time behind it. Returns the reasons it is not (empty when it is).
 */
export function stalenessReasons(freshness: Freshness, maxLagSeconds: number): string[] {
  const reasons: string[] = [];
  for (const chain of freshness.chains) {
    if (chain.indexedBlock === null) reasons.push(`chain ${chain.chainId}: not indexed yet`);
    else if (chain.lagSeconds === null) reasons.push(`chain ${chain.chainId}: head unknown (${chain.headError})`);
    else if (chain.lagSeconds > maxLagSeconds) {
      reasons.push(
        `chain ${chain.chainId}: indexed block ${chain.indexedBlock} is ${chain.lagSeconds} s (${chain.lagBlocks} blocks) behind head ${chain.headBlock}, more than ${maxLagSeconds} s`,
      );
    }
  }
  return reasons;
}
