import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { Queryable, WebhookStore } from "./database";

/**
 * A {@link WebhookStore} on embedded PGlite: one connection in this process, kept in `directory` (created if
 * missing), or in memory when no directory is given (tests, `coffer listen`).
 */
export async function openPgliteStore(directory: string | undefined): Promise<WebhookStore> {
  if (directory !== undefined) fs.mkdirSync(directory, { recursive: true });
  const db = directory === undefined ? new PGlite() : new PGlite(directory);
  await db.waitReady;
  return {
    kind: "pglite",
    query: async <T>(sql: string, params?: readonly unknown[]) =>
      (await db.query<T>(sql, params as unknown[] | undefined)).rows,
    exec: async (sql) => {
      await db.exec(sql);
    },
    transaction: async <T>(work: (tx: Queryable) => Promise<T>): Promise<T> =>
      (await db.transaction(async (tx) =>
        work({
          query: async <R>(sql: string, params?: readonly unknown[]) =>
            (await tx.query<R>(sql, params as unknown[] | undefined)).rows,
        }),
      )) as T,
    close: () => db.close(),
  };
}
