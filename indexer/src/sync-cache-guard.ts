/**
 * Keeps Ponder's RPC cache (`ponder_sync`, one per database, keyed by chain id) from serving one chain's blocks for
 * another chain under the same id: a local chain restarted from scratch reuses 31337 with different blocks.
 *
 * Before Ponder starts, for each chain: the hash of its block 0 is compared with the one recorded last time (table
 * `coffer_sync.chain_marker`, beside the cache), and the deepest cached block that cannot reorg any more (the highest
 * at least {@link SETTLED_DEPTH} below the head, else the lowest cached) is compared with the chain's block of that
 * number; any cached block above the head counts as a difference too. On a difference every cached row of that chain
 * id is deleted, so Ponder fetches it again; then the marker is recorded. Equal hashes mean equal history (each block
 * commits to its parent), so the cache is kept and a restart fetches only what it lacks.
 */

import { discardPgliteIndex } from "./pglite-restart";

/** Depth below the head at which no chain Ponder knows reorganises (its deepest finality is 240 blocks). */
export const SETTLED_DEPTH = 256;

/** Ponder's cache tables that hold rows per chain (`factories` holds only the factories' definitions). */
const CHAIN_TABLES = [
  "blocks",
  "transactions",
  "transaction_receipts",
  "logs",
  "traces",
  "rpc_request_results",
  "intervals",
  "factory_addresses",
] as const;

/** A SQL connection: node-postgres' `Client` and PGlite both answer `query(text, params)` with `{ rows }`. */
export interface SqlConnection {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

/** What the guard did for one chain. */
export interface GuardOutcome {
  chainId: number;
  /** `kept`: the cache is of this chain; `dropped`: it was of another chain and its rows were deleted. */
  action: "kept" | "dropped";
  /** Why the rows were dropped. */
  reason?: string;
}

/** One JSON-RPC call; throws with the method, URL and error when it fails. */
async function rpc<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error !== undefined) throw new Error(`${method} on ${url} failed: ${body.error.message}`);
  return body.result as T;
}

/** The hash of block `number` on the chain, or null when it has no such block. */
async function blockHash(url: string, number: bigint): Promise<string | null> {
  const block = await rpc<{ hash: string } | null>(url, "eth_getBlockByNumber", [`0x${number.toString(16)}`, false]);
  return block?.hash.toLowerCase() ?? null;
}

/** Why the cached rows of `chainId` are not of the chain at `rpcUrl`, or undefined when they are. */
async function difference(
  connection: SqlConnection,
  chainId: number,
  rpcUrl: string,
  genesis: string,
  cacheExists: boolean,
): Promise<string | undefined> {
  const marker = await connection.query<{ genesis_hash: string }>(
    "SELECT genesis_hash FROM coffer_sync.chain_marker WHERE chain_id = $1",
    [chainId],
  );
  const recorded = marker.rows[0]?.genesis_hash;
  if (recorded !== undefined && recorded !== genesis) return `block 0 is ${genesis}, was ${recorded}`;
  if (!cacheExists) return undefined;
  const head = BigInt(await rpc<string>(rpcUrl, "eth_blockNumber", []));
  const above = await connection.query<{ number: string }>(
    "SELECT number::text FROM ponder_sync.blocks WHERE chain_id = $1 AND number > $2 LIMIT 1",
    [chainId, head.toString()],
  );
  if (above.rows[0] !== undefined) return `block ${above.rows[0].number} is cached but the head is ${head}`;
  const settled = head > BigInt(SETTLED_DEPTH) ? head - BigInt(SETTLED_DEPTH) : 0n;
  const probe =
    (
      await connection.query<{ number: string; hash: string }>(
        "SELECT number::text, hash FROM ponder_sync.blocks WHERE chain_id = $1 AND number <= $2 ORDER BY number DESC LIMIT 1",
        [chainId, settled.toString()],
      )
    ).rows[0] ??
    (
      await connection.query<{ number: string; hash: string }>(
        "SELECT number::text, hash FROM ponder_sync.blocks WHERE chain_id = $1 ORDER BY number ASC LIMIT 1",
        [chainId],
      )
    ).rows[0];
  if (probe === undefined) return undefined;
  const onChain = await blockHash(rpcUrl, BigInt(probe.number));
  if (onChain !== probe.hash.toLowerCase())
    return `cached block ${probe.number} is ${probe.hash}, the chain's is ${onChain}`;
  return undefined;
}

/**
 * Checks the cache of each chain against the chain (see the file comment) and deletes the rows of any chain id whose
 * cache is of another chain. Runs in one transaction under an advisory lock, so two writers starting at once on one
 * database do not race. Returns what it did per chain.
 */
export async function guardSyncCache(
  connection: SqlConnection,
  chains: readonly { chainId: number; rpcUrl: string }[],
): Promise<GuardOutcome[]> {
  const checked = await Promise.all(
    chains.map(async (chain) => {
      const genesis = await blockHash(chain.rpcUrl, 0n);
      if (genesis === null) throw new Error(`Chain ${chain.chainId} at ${chain.rpcUrl} has no block 0`);
      return { ...chain, genesis };
    }),
  );
  const outcomes: GuardOutcome[] = [];
  await connection.query("BEGIN");
  try {
    await connection.query("SELECT pg_advisory_xact_lock(7305042)"); // any constant: "one guard at a time"
    await connection.query("CREATE SCHEMA IF NOT EXISTS coffer_sync");
    await connection.query(
      "CREATE TABLE IF NOT EXISTS coffer_sync.chain_marker (chain_id bigint PRIMARY KEY, genesis_hash text NOT NULL, checked_at timestamptz NOT NULL DEFAULT now())",
    );
    const existing = await connection.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'ponder_sync'",
    );
    const tables = new Set(existing.rows.map((row) => row.name));
    for (const chain of checked) {
      const reason = await difference(connection, chain.chainId, chain.rpcUrl, chain.genesis, tables.has("blocks"));
      if (reason !== undefined) {
        for (const table of CHAIN_TABLES) {
          if (tables.has(table))
            await connection.query(`DELETE FROM ponder_sync.${table} WHERE chain_id = $1`, [chain.chainId]);
        }
      }
      await connection.query(
        "INSERT INTO coffer_sync.chain_marker (chain_id, genesis_hash) VALUES ($1, $2) ON CONFLICT (chain_id) DO UPDATE SET genesis_hash = excluded.genesis_hash, checked_at = now()",
        [chain.chainId, chain.genesis],
      );
      outcomes.push(
        reason === undefined
          ? { chainId: chain.chainId, action: "kept" }
          : { chainId: chain.chainId, action: "dropped", reason },
      );
    }
    await connection.query("COMMIT");
  } catch (error) {
    await connection.query("ROLLBACK");
    throw error;
  }
  return outcomes;
}

/** Where the writer keeps its tables, as `ponder.config.ts` chooses. */
export type GuardDatabase = { kind: "postgres"; connectionString: string } | { kind: "pglite"; directory: string };

/**
 * Opens the database, runs {@link guardSyncCache} and closes it; logs a line per chain whose cache was dropped.
 * On PGlite with `pgliteIndexSchema` (`ponder start`), also drops the index a previous run left in that schema
 * (`pglite-restart.ts` says why). Called by `ponder.config.ts` before Ponder opens the database, for the commands that
 * index (`start`, `dev`).
 */
export async function guardDatabase(
  database: GuardDatabase,
  chains: readonly { chainId: number; rpcUrl: string }[],
  pgliteIndexSchema?: string,
): Promise<GuardOutcome[]> {
  let connection: SqlConnection & { close(): Promise<void> };
  if (database.kind === "postgres") {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: database.connectionString });
    await client.connect();
    connection = {
      query: async <T>(text: string, params?: unknown[]) => ({ rows: (await client.query(text, params)).rows as T[] }),
      close: () => client.end(),
    };
  } else {
    const fs = await import("node:fs");
    fs.mkdirSync(database.directory, { recursive: true });
    const { PGlite } = await import("@electric-sql/pglite");
    const pglite = new PGlite({ dataDir: database.directory });
    connection = {
      query: async <T>(text: string, params?: unknown[]) => ({ rows: (await pglite.query<T>(text, params)).rows }),
      close: () => pglite.close(),
    };
  }
  try {
    const outcomes = await guardSyncCache(connection, chains);
    for (const outcome of outcomes) {
      if (outcome.action === "dropped") {
        console.warn(`Coffer: dropped Ponder's cached RPC data of chain ${outcome.chainId}: ${outcome.reason}`);
      }
    }
    if (database.kind === "pglite" && pgliteIndexSchema !== undefined) {
      if (await discardPgliteIndex(connection, pgliteIndexSchema)) {
        console.warn(
          `Coffer: indexing from the first block again (from the RPC cache where it is on): on PGlite, Ponder ` +
            `commits a block range and its checkpoint separately, so the index left in schema ` +
            `"${pgliteIndexSchema}" may hold writes its checkpoint does not cover`,
        );
      }
    }
    return outcomes;
  } finally {
    await connection.close();
  }
}
