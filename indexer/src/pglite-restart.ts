/**
 * Why `ponder start` on PGlite indexes from the start each time, from its RPC cache.
 *
 * Ponder 0.16 runs no SQL transactions on PGlite: its query builder runs a "transaction"'s statements one by one,
 * each committed on its own (ponder-sh/ponder c1716f9, "no pglite transaction"). A block range's rows and the
 * checkpoint that says they are written are therefore separate commits, and an indexer stopped between them (killed,
 * out of memory, a power cut, or a stop that lands mid-write) leaves rows that its checkpoint does not cover. Ponder's
 * crash recovery resumes from that checkpoint and applies those rows' events a second time: a balance credited twice,
 * or a duplicate key that stops the indexer. On PostgreSQL the range and its checkpoint commit together, and crash
 * recovery stays as Ponder made it.
 *
 * So, before Ponder opens a PGlite folder for `ponder start`, the index Ponder left in its schema is dropped: Ponder
 * then indexes from the first block again. Its RPC cache (`ponder_sync`) is kept, and Ponder records a block range
 * there as fetched only after writing its data, so where the cache is on (real chains; see `ponder.config.ts`) the
 * restart reads the chain's history from it instead of fetching it again.
 */
import type { SqlConnection } from "./sync-cache-guard";

/** Ponder's own table in each schema it indexes into; its presence means a previous run left an index there. */
const PONDER_META_TABLE = "_ponder_meta";

/** `name` quoted as a PostgreSQL identifier. */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The schema Ponder will index into, as `ponder start` chooses it: `--schema <name>` (or `--schema=<name>`), else
 * `DATABASE_SCHEMA`; undefined when neither is given (Ponder then refuses to start).
 */
export function ponderSchemaOf(argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  for (const [index, arg] of argv.entries()) {
    if (arg === "--schema") return argv[index + 1];
    if (arg.startsWith("--schema=")) return arg.slice("--schema=".length);
  }
  return env.DATABASE_SCHEMA === "" ? undefined : env.DATABASE_SCHEMA;
}

/**
 * Drops the index a previous `ponder start` left in `schema` of a PGlite folder (the schema and everything in it:
 * Ponder's tables, its checkpoints and reorg tables; then an empty schema of the same name). Returns true when there
 * was one. The RPC cache (`ponder_sync`) and Coffer's marker (`coffer_sync`) are other schemas and stay.
 */
export async function discardPgliteIndex(connection: SqlConnection, schema: string): Promise<boolean> {
  if (schema === "ponder_sync" || schema === "coffer_sync") {
    throw new Error(`Refusing to treat "${schema}" as an index schema: it holds the RPC cache`);
  }
  const found = await connection.query<{ present: number }>(
    "SELECT 1 AS present FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2",
    [schema, PONDER_META_TABLE],
  );
  if (found.rows.length === 0) return false;
  await connection.query("BEGIN");
  try {
    await connection.query(`DROP SCHEMA ${quoteIdentifier(schema)} CASCADE`);
    await connection.query(`CREATE SCHEMA ${quoteIdentifier(schema)}`);
    await connection.query("COMMIT");
  } catch (error) {
    await connection.query("ROLLBACK");
    throw error;
  }
  return true;
}
