/**
 * The webhook service's one way to reach its database: `query(sql, params)` over PostgreSQL (`pg`, when a
 * `DATABASE_URL` is given) or embedded PGlite (a directory, or in memory), and `transaction` for the few writes
 * that must land together.
 */

/** Something that runs SQL: the store itself, or one open transaction. */
export interface Queryable {
  /** Runs one statement with `$1…` parameters and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/** The webhook service's database. */
export interface WebhookStore extends Queryable {
  /** Which database: `postgres` or `pglite`. */
  readonly kind: "postgres" | "pglite";
  /** Runs several statements separated by `;` (no parameters): the migrations. */
  exec(sql: string): Promise<void>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Closes the connections. */
  close(): Promise<void>;
}

/** Where the store lives. */
export type StoreLocation =
  | { readonly kind: "postgres"; readonly connectionString: string }
  | { readonly kind: "pglite"; readonly directory: string }
  | { readonly kind: "memory" };

/** Opens the store at `location` and runs the migrations (idempotent: safe on every start, and concurrently). */
export async function openWebhookStore(location: StoreLocation): Promise<WebhookStore> {
  const store =
    location.kind === "postgres"
      ? await (await import("./postgres")).openPostgresStore(location.connectionString)
      : await (await import("./pglite")).openPgliteStore(location.kind === "pglite" ? location.directory : undefined);
  try {
    await (await import("./migrations")).migrate(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
