/** Ponder's checkpoints, read from its `_ponder_checkpoint` table: how far each chain is indexed. */
import { sql } from "ponder";
import { decodeCheckpoint, type IndexedBlocks } from "./freshness";

/** The database handle of `ponder:api` (its search path is the deployment's schema). */
export interface Executor {
  execute(query: ReturnType<typeof sql>): Promise<unknown>;
}

/** Rows of a `db.execute` answer: node-postgres gives `{ rows }`, PGlite too. */
function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** Per chain id, the indexed block and its timestamp, read from Ponder's `_ponder_checkpoint` table. */
export async function readCheckpoints(db: Executor): Promise<IndexedBlocks> {
  const rows = rowsOf<{ chain_id: string | number; latest_checkpoint: string }>(
    await db.execute(sql`SELECT chain_id, latest_checkpoint FROM _ponder_checkpoint`),
  );
  const byChain: IndexedBlocks = new Map();
  for (const row of rows) {
    const { blockNumber, timestamp } = decodeCheckpoint(row.latest_checkpoint);
    byChain.set(Number(row.chain_id), { blockNumber, timestamp });
  }
  return byChain;
}
