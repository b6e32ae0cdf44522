import pg from "pg";
import type { Queryable, WebhookStore } from "./database";

/** A {@link WebhookStore} on PostgreSQL through a `pg` pool. */
export async function openPostgresStore(connectionString: string): Promise<WebhookStore> {
  const pool = new pg.Pool({ connectionString, max: 10 });
  // An idle client's error (the server restarting) must not crash the process: the next query reconnects.
  pool.on("error", () => undefined);
  const client = await pool.connect().catch((error: unknown) => {
    void pool.end();
    throw new Error(
      `cannot connect to the webhook database: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  client.release();
  const query = async <T>(runner: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]) =>
    (await runner.query(sql, params as unknown[] | undefined)).rows as T[];
  return {
    kind: "postgres",
    query: (sql, params) => query(pool, sql, params),
    exec: async (sql) => {
      await pool.query(sql);
    },
    transaction: async <T>(work: (tx: Queryable) => Promise<T>): Promise<T> => {
      const connection = await pool.connect();
      try {
        await connection.query("BEGIN");
        const result = await work({ query: (sql, params) => query(connection, sql, params) });
        await connection.query("COMMIT");
        return result;
      } catch (error) {
        await connection.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        connection.release();
      }
    },
    close: () => pool.end(),
  };
}
