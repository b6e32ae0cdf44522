import { PGlite } from "@electric-sql/pglite";
import { expect } from "chai";
import { discardPgliteIndex, ponderSchemaOf } from "../../indexer/src/pglite-restart";

/** A PGlite database in memory, laid out as a PGlite folder after one `ponder start`: an index and an RPC cache. */
async function indexedFolder(): Promise<PGlite> {
  const pglite = new PGlite();
  await pglite.exec(`
    CREATE TABLE public._ponder_meta (key text PRIMARY KEY, value jsonb);
    CREATE TABLE public._ponder_checkpoint (chain_name text PRIMARY KEY, latest_checkpoint text);
    CREATE TABLE public.token_balance (id text PRIMARY KEY, balance numeric);
    INSERT INTO public.token_balance VALUES ('a', 800000);
    CREATE SCHEMA ponder_sync;
    CREATE TABLE ponder_sync.blocks (chain_id bigint, number bigint, hash text);
    INSERT INTO ponder_sync.blocks VALUES (31337, 1, '0x01'), (31337, 2, '0x02');
    CREATE SCHEMA coffer_sync;
    CREATE TABLE coffer_sync.chain_marker (chain_id bigint PRIMARY KEY, genesis_hash text);
    INSERT INTO coffer_sync.chain_marker VALUES (31337, '0x00');
  `);
  return pglite;
}

const tablesOf = async (pglite: PGlite, schema: string) =>
  (
    await pglite.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
      [schema],
    )
  ).rows.map((row) => row.name);

describe("indexer on PGlite: ponder start begins from an empty index", function () {
  it("drops the index a previous run left in its schema and keeps the RPC cache and Coffer's marker", async function () {
    const pglite = await indexedFolder();
    try {
      expect(await discardPgliteIndex(pglite, "public")).to.equal(true);
      expect(await tablesOf(pglite, "public")).to.deep.equal([]);
      // The schema is there again, empty, for Ponder to create its tables in.
      const schemas = await pglite.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = 'public'");
      expect(schemas.rows).to.have.length(1);
      expect(await tablesOf(pglite, "ponder_sync")).to.deep.equal(["blocks"]);
      const cached = await pglite.query<{ n: number }>("SELECT count(*)::int AS n FROM ponder_sync.blocks");
      expect(cached.rows[0]?.n).to.equal(2);
      expect(await tablesOf(pglite, "coffer_sync")).to.deep.equal(["chain_marker"]);
      // Nothing left to drop: a second call does nothing.
      expect(await discardPgliteIndex(pglite, "public")).to.equal(false);
    } finally {
      await pglite.close();
    }
  });

  it("leaves a schema without Ponder's tables alone, and refuses the cache's schemas", async function () {
    const pglite = await indexedFolder();
    try {
      await pglite.exec(`CREATE SCHEMA "other ""app"""; CREATE TABLE "other ""app""".kept (id int)`);
      expect(await discardPgliteIndex(pglite, 'other "app"')).to.equal(false);
      expect(await tablesOf(pglite, 'other "app"')).to.deep.equal(["kept"]);
      expect(await discardPgliteIndex(pglite, "absent")).to.equal(false);
      for (const schema of ["ponder_sync", "coffer_sync"]) {
        let refused: Error | undefined;
        await discardPgliteIndex(pglite, schema).catch((error: Error) => (refused = error));
        expect(refused?.message).to.include(`"${schema}"`);
      }
      expect(await tablesOf(pglite, "public")).to.include("token_balance");
    } finally {
      await pglite.close();
    }
  });

  it("drops a schema whose name needs quoting", async function () {
    const pglite = new PGlite();
    try {
      await pglite.exec(`CREATE SCHEMA "we""ird"; CREATE TABLE "we""ird"._ponder_meta (key text)`);
      expect(await discardPgliteIndex(pglite, 'we"ird')).to.equal(true);
      expect(await tablesOf(pglite, 'we"ird')).to.deep.equal([]);
    } finally {
      await pglite.close();
    }
  });

  it("finds the schema as ponder start does: --schema, --schema=, else DATABASE_SCHEMA", function () {
    expect(ponderSchemaOf(["node", "ponder", "start", "--schema", "coffer_a"], { DATABASE_SCHEMA: "env" })).to.equal(
      "coffer_a",
    );
    expect(ponderSchemaOf(["node", "ponder", "start", "--schema=coffer_b"], {})).to.equal("coffer_b");
    expect(ponderSchemaOf(["node", "ponder", "start"], { DATABASE_SCHEMA: "public" })).to.equal("public");
    expect(ponderSchemaOf(["node", "ponder", "start"], { DATABASE_SCHEMA: "" })).to.equal(undefined);
    expect(ponderSchemaOf(["node", "ponder", "start"], {})).to.equal(undefined);
  });
});
