import { PGlite } from "@electric-sql/pglite";
import { expect } from "chai";
import { ethers } from "ethers";
import { MockERC20__factory } from "../../typechain-types";
import { startIndexer, type IndexerDatabase, type RunningIndexer } from "../../scripts/lib/indexer-process";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { driveCoffer, wallet } from "./drive";
import { expectEventsMatchLogs } from "./webhook-events";
import { freshPglite, freshPostgres, psqlIn } from "./helpers";

/** Blocks behind the head that Ponder treats as final on a 31337 chain. */
const FINALITY = 32;
/**
 * Blocks of token mints after the scenario. The first run is killed once its first range (the scenario's blocks)
 * is committed; these blocks are the backfill left after it: about 10 s for Ponder to fetch and index on either
 * database here, ample time for the kill, and no more than that (the second run and the reference index them too).
 */
const TRANSFER_BLOCKS = 80;

type Made = { database: IndexerDatabase; cleanup(): void };

/** Ponder's log lines (Ponder 0.16): a backfill's range at start, each committed range, the end of the backfill. */
const STARTED = "Started backfill indexing";
const INDEXED = "Indexed block range";
const COMPLETED = "Completed backfill indexing";

/** `[from, to]` of the last of `lines` that contains `message` and a `block_range=[from,to]`. */
function lastBlockRange(lines: string[], message: string): [number, number] | undefined {
  for (const line of [...lines].reverse()) {
    const range = line.includes(message) ? /block_range=\[(\d+),(\d+)\]/.exec(line) : null;
    if (range !== null) return [Number(range[1]), Number(range[2])];
  }
  return undefined;
}

/** The user tables of `schema`; Ponder's own (`_ponder_meta`, `_ponder_checkpoint`) and reorg tables start with `_`. */
const tablesSql = (schema: string) =>
  `SELECT tablename FROM pg_tables WHERE schemaname = '${schema}' AND tablename NOT LIKE '\\_%' ORDER BY tablename`;
/** One table's rows as a JSON array, in a stable order. */
const rowsSql = (schema: string, table: string) =>
  `SELECT coalesce(json_agg(t ORDER BY t::text), '[]')::text AS rows FROM "${schema}"."${table}" t`;

/**
 * Every user table of the indexer's schema, each as its rows in a stable order (the same JSON text on both
 * databases). A PGlite folder is opened here in process, as Ponder opens it (`new PGlite({ dataDir })`): only one
 * process at a time may open it, so call this only once the indexer on it has exited.
 */
async function dumpTables(database: IndexerDatabase): Promise<Record<string, string>> {
  const dump: Record<string, string> = {};
  if (database.kind === "postgres") {
    const tables = psqlIn(database, tablesSql(database.schema)).trim().split("\n");
    for (const table of tables) dump[table] = psqlIn(database, rowsSql(database.schema, table)).trim();
    return dump;
  }
  const pglite = new PGlite({ dataDir: database.directory });
  try {
    const tables = await pglite.query<{ tablename: string }>(tablesSql("public"));
    for (const { tablename } of tables.rows) {
      const result = await pglite.query<{ rows: string }>(rowsSql("public", tablename));
      dump[tablename] = result.rows[0]?.rows ?? "";
    }
  } finally {
    await pglite.close();
  }
  return dump;
}

/**
 * How the second run goes on after the kill. PostgreSQL: Ponder's crash recovery resumes from the last committed
 * range (a range and its checkpoint commit together). PGlite: Ponder 0.16 commits each statement on its own there, so
 * the index may hold writes its checkpoint does not cover; Coffer drops it and indexes from the first block again
 * (`indexer/src/pglite-restart.ts`).
 */
type Recovery = "resumes" | "starts over";

/** Coffer's line when it drops a PGlite index before `ponder start`. */
const STARTS_OVER = "Coffer: indexing from the first block again";

/**
 * The restart suite, run once per database: a local chain with the scenario and `TRANSFER_BLOCKS` blocks of mints
 * (the backfill); one indexer run uninterrupted, another killed (SIGKILL) mid-backfill and restarted on the same
 * database; once both reach the head and have stopped, their tables must be equal.
 */
function describeRestart(name: string, make: (label: string) => Made, recovery: Recovery): void {
  describe(`indexer killed mid-backfill and restarted on the same ${name} database`, function () {
    this.timeout(170_000);
    let local: DeployedLocalChain;
    let head: number;
    const made: Made[] = [];
    const running: RunningIndexer[] = [];

    before(async function () {
      made.push(make("restart_a"));
      made.push(make("restart_b"));
      local = await startDeployedLocalChain();
      const provider = local.chain.provider;
      await driveCoffer({ rpcUrl: local.chain.url, deploymentsDir: local.deploymentsDir });
      // One mint per block, sent without waiting: Anvil mines each at once.
      const minter = wallet(provider, 0);
      const usdc = MockERC20__factory.connect(local.first.manifest.contracts["TestUSDC"]?.address ?? "", minter);
      let nonce = await provider.getTransactionCount(minter.address);
      const sent: ethers.ContractTransactionResponse[] = [];
      for (let i = 0; i < TRANSFER_BLOCKS; i += 1) {
        sent.push(await usdc.mint(wallet(provider, 1 + (i % 9)).address, 1_000n + BigInt(i), { nonce: nonce++ }));
      }
      await sent.at(-1)?.wait();
      await provider.send("anvil_mine", [ethers.toQuantity(FINALITY)]);
      head = await provider.getBlockNumber();
    });

    after(async function () {
      for (const indexer of running) await indexer.stop();
      await local?.stop();
      for (const entry of made) entry.cleanup();
    });

    it("ends with exactly the tables of an uninterrupted run", async function () {
      const options = { chainId: 31337, rpcUrl: local.chain.url, deploymentsDir: local.deploymentsDir };
      const [interrupted, reference] = made as [Made, Made];
      const started = Date.now();

      // The reference runs alongside; the other is killed (SIGKILL) once it has committed part of the backfill:
      // Ponder logs "Indexed block range" after the transaction that holds the range and its checkpoint.
      // Both start at once (each takes seconds); a run that did start is stopped by `after` even if the other failed.
      const firstLines: string[] = [];
      const starts = await Promise.allSettled([
        startIndexer({ ...options, database: reference.database }),
        startIndexer({ ...options, database: interrupted.database, log: (line) => firstLines.push(line) }),
      ]);
      for (const start of starts) if (start.status === "fulfilled") running.push(start.value);
      for (const start of starts) if (start.status === "rejected") throw start.reason;
      const [uninterrupted, first] = running as [RunningIndexer, RunningIndexer];
      const deployBlock = local.first.manifest.contracts["TestUSDC"]?.deploymentBlock ?? 0;
      let killedAt: number | undefined;
      const deadline = Date.now() + 120_000;
      while (killedAt === undefined) {
        if (Date.now() > deadline)
          throw new Error(`The first run never showed progress:\n${firstLines.slice(-40).join("\n")}`);
        const committed = lastBlockRange(firstLines, INDEXED)?.[1];
        const ready = (await fetch(`${first.url}/ready`)).status === 200;
        if (ready || firstLines.some((line) => line.includes(COMPLETED)) || (committed ?? 0) >= head - FINALITY) {
          throw new Error(`The backfill finished (block ${committed}) before it could be interrupted: add blocks`);
        }
        if (committed !== undefined && committed > deployBlock) {
          await first.kill();
          killedAt = committed;
        } else {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      const [firstStart, backfillEnd] = lastBlockRange(firstLines, STARTED) ?? [NaN, NaN];
      console.log(`      (${name}: killed with blocks ${firstStart}..${killedAt} of ${backfillEnd} committed)`);
      expect(killedAt).to.be.lessThan(backfillEnd);
      expect(firstLines.some((line) => line.includes(COMPLETED))).to.equal(false);

      // The second run: on PostgreSQL it resumes from what the first committed; on PGlite it starts over (see `Recovery`).
      const lines: string[] = [];
      const second = await startIndexer({
        ...options,
        database: interrupted.database,
        log: (line) => lines.push(line),
      });
      running.push(second);
      await second.waitForBlock(head, 150_000);
      await uninterrupted.waitForBlock(head, 150_000);
      const resumedFrom = lastBlockRange(lines, STARTED)?.[0];
      console.log(`      (${name}: the second run began its backfill at block ${resumedFrom})`);
      if (recovery === "resumes") {
        expect(lines.some((line) => line.includes("Detected crash recovery"))).to.equal(true);
        expect(lines.some((line) => line.includes(STARTS_OVER))).to.equal(false);
        expect(resumedFrom).to.be.greaterThan(firstStart);
        expect(resumedFrom).to.be.within(killedAt, backfillEnd);
      } else {
        expect(lines.some((line) => line.includes(STARTS_OVER))).to.equal(true);
        expect(lines.some((line) => line.includes("Detected crash recovery"))).to.equal(false);
        expect(resumedFrom).to.equal(firstStart);
      }
      // Every module's events are announced once, with the same ids after the crash as without it.
      const { types } = await expectEventsMatchLogs(uninterrupted, local.chain.provider, local.deploymentsDir, head);
      expect(types.size, [...types].join(", ")).to.be.at.least(20);
      // Stopped (SIGTERM) before the dump: a PGlite folder is open to one process at a time.
      await second.stop();
      await uninterrupted.stop();

      const resumed = await dumpTables(interrupted.database);
      const whole = await dumpTables(reference.database);
      expect(Object.keys(resumed)).to.include.members([
        "activity",
        "token_balance",
        "payment",
        "subscription",
        "notification",
      ]);
      expect(JSON.parse(resumed["activity"] ?? "[]")).to.have.length.greaterThan(TRANSFER_BLOCKS);
      for (const table of Object.keys(whole)) {
        expect(resumed[table], `table ${table}`).to.equal(whole[table]);
      }
      expect(Object.keys(resumed)).to.deep.equal(Object.keys(whole));
      console.log(`      (${name}: both runs at block ${head} and dumped in ${Date.now() - started} ms)`);
    });
  });
}

describeRestart("PGlite", freshPglite, "starts over");
describeRestart("PostgreSQL", freshPostgres, "resumes");
