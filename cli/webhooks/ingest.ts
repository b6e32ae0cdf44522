import type { WebhookEvent } from "@coffer/sdk/webhooks";
import type pino from "pino";
import { revertEvent, storeAndFanOut } from "./outbox";
import type { EventSource } from "./source";
import type { WebhookStore } from "./store/database";

/** How one chain is followed. */
export interface ChainFollowing {
  readonly chainId: number;
  /** Blocks on top of an event's block before it is delivered (0: at once). */
  readonly confirmations: number;
  /** How many blocks below the cursor are read again to notice reorgs. */
  readonly reorgWindow: number;
}

/** The ingester's settings. */
export interface IngesterOptions {
  readonly store: WebhookStore;
  readonly source: EventSource;
  readonly chains: readonly ChainFollowing[];
  /** Between polls (ms). Default 250. */
  readonly pollMs?: number;
  /**
   * Where a chain seen for the first time starts: `head` (default: only events from now on; endpoints receive
   * only events ingested after they were made anyway) or `genesis` (every event the indexer has).
   */
  readonly startAt?: "head" | "genesis";
  readonly logger?: pino.Logger;
  /** Called after a poll stored something (the dispatcher in the same process wakes up). */
  readonly onChange?: () => void;
}

/** A running ingester. */
export interface Ingester {
  /** One poll of every chain (tests call it directly). */
  pollOnce(): Promise<void>;
  /** Polls every `pollMs` until stopped. */
  start(): void;
  /** Stops polling and waits for the poll under way. */
  stop(): Promise<void>;
}

interface StoredEventRow {
  id: string;
}

/**
 * The ingester: per chain, reads the indexer's events up to the confirmed head (indexed block − confirmations),
 * re-reading a window of blocks below its cursor, and diffs them against the stored events of those blocks: new
 * ids are stored and fanned out to the endpoints that select them; stored ids that disappeared (a reorg) are
 * reverted. Then the cursor advances. Each step is idempotent, so a crash anywhere loses nothing.
 */
export function createIngester(options: IngesterOptions): Ingester {
  const { store, source } = options;
  const pollMs = options.pollMs ?? 250;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const cursorOf = async (chainId: number): Promise<{ block: number; startBlock: number } | undefined> => {
    const [row] = await store.query<{ block: string | number; start_block: string | number }>(
      "SELECT block, start_block FROM coffer_webhooks.cursors WHERE chain_id = $1",
      [chainId],
    );
    return row === undefined ? undefined : { block: Number(row.block), startBlock: Number(row.start_block) };
  };
  const advance = (chainId: number, block: number) =>
    store.query(
      `INSERT INTO coffer_webhooks.cursors (chain_id, block, start_block) VALUES ($1, $2, $3)
       ON CONFLICT (chain_id) DO UPDATE SET block = GREATEST(coffer_webhooks.cursors.block, EXCLUDED.block), updated_at = now()`,
      [chainId, block, block + 1],
    );

  const followChain = async (chain: ChainFollowing): Promise<boolean> => {
    let changed = false;
    const confirmedHead = (await source.indexedBlock(chain.chainId)) - chain.confirmations;
    let cursor = await cursorOf(chain.chainId);
    if (cursor === undefined) {
      // First sight of this chain: from its confirmed head on (what came before is never read), or from block 0.
      await advance(chain.chainId, options.startAt === "genesis" ? -1 : Math.max(-1, confirmedHead));
      cursor = await cursorOf(chain.chainId);
      if (cursor === undefined) return false;
    }
    let from = Math.max(cursor.startBlock, cursor.block - chain.reorgWindow + 1);
    const to = confirmedHead;
    while (from <= to && !stopped) {
      const page = await source.events(chain.chainId, from, to);
      // The page may come from a later (or reorged) state of the indexer: never past its confirmed head.
      const through = Math.min(page.throughBlock, to, page.indexedBlock - chain.confirmations);
      if (through < from) break;
      const fresh = page.events.filter((event) => event.data.blockNumber >= from && event.data.blockNumber <= through);
      const freshIds = new Set(fresh.map((event) => event.id));
      const stored = await store.query<StoredEventRow>(
        `SELECT id FROM coffer_webhooks.events
         WHERE source = 'chain' AND chain_id = $1 AND block_number BETWEEN $2 AND $3
           AND NOT reverted AND reverts_event_id IS NULL ORDER BY seq`,
        [chain.chainId, from, through],
      );
      const storedIds = new Set(stored.map((row) => row.id));
      for (const row of stored) {
        if (freshIds.has(row.id)) continue;
        if (await revertEvent(store, row.id)) {
          changed = true;
          options.logger?.info({ chainId: chain.chainId, eventId: row.id }, "event removed by a reorg");
        }
      }
      for (const event of fresh) {
        if (storedIds.has(event.id)) continue;
        if (await storeAndFanOut(store, { event: event as WebhookEvent })) changed = true;
      }
      await advance(chain.chainId, through);
      from = through + 1;
    }
    return changed;
  };

  // Every chain is polled even when one fails; the first failure is thrown afterwards.
  const pollOnce = async (): Promise<void> => {
    let changed = false;
    let failure: unknown;
    for (const chain of options.chains) {
      try {
        if (await followChain(chain)) changed = true;
      } catch (error) {
        failure ??= error;
      }
    }
    if (changed) options.onChange?.();
    if (failure !== undefined) throw failure;
  };

  const loop = () => {
    if (stopped) return;
    running = pollOnce()
      .catch((error: unknown) =>
        options.logger?.warn({ err: error instanceof Error ? error.message : String(error) }, "ingest poll failed"),
      )
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(loop, pollMs);
      });
  };

  return {
    pollOnce,
    start: loop,
    stop: async () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
