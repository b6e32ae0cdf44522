/**
 * `npm run bench:indexer-backfill`: the Coffer indexer (Ponder) on PostgreSQL against a local Anvil chain. (`npm run
 * bench:indexer` runs it, then the handler, scale and reader benchmarks.)
 *
 * 1. Backfill: the chain grows in steps (1,000 … 50,000 Coffer events, `bench/indexer/generator.ts`); at each step
 *    a fresh indexer on a fresh schema indexes it from the deployment to the head. Time: from spawning
 *    `ponder start` to `/status` reporting the head block.
 * 2. Lag: with the last indexer live at the head, K single charges one at a time, each from its receipt to its
 *    activity row answering a GraphQL lookup by primary key (polled every 20 ms).
 * 3. GraphQL latency: autocannon on one account's 20 newest activity rows, at 1 and 10 connections.
 *
 * Writes `bench/results/indexer.json` through `writeIndexerResults` (which rewrites the report). One database is
 * created for the run and dropped after it. Settings from the environment: `BENCH_INDEXER_SIZES` (comma-separated
 * Coffer event counts), `BENCH_INDEXER_LAG_SAMPLES`, `BENCH_INDEXER_SECONDS` (autocannon duration),
 * `BENCH_INDEXER_VERBOSE=true` (the indexer's log), `BENCH_INDEXER_RESULTS_DIR` (bench/results by default; it needs
 * `gas.json`), `PGHOST`/`PGPORT`/`PGUSER` (127.0.0.1:5432, postgres).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { ethers } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { deployCoffer } from "../deploy/deploy";
import { startIndexer, type RunningIndexer } from "../scripts/lib/indexer-process";
import { startLocalChain } from "../scripts/lib/local-chain";
import { gitCommit, machineInfo, packageVersion } from "./environment";
import { createEventGenerator, SUBSCRIBER_ACCOUNTS } from "./indexer/generator";
import { percentile, round, type EventTally } from "./indexer/stats";
import { writeIndexerResults } from "./report";
import { RESULTS_DIR, type IndexerResults } from "./results";

export const DEFAULT_SIZES = [1_000, 5_000, 10_000, 25_000, 50_000] as const;
const CHAIN_ID = 31337;
/** Subscriptions created once; charged in `chargeMany` batches of 200 (two transactions, one block per round). */
const SUBSCRIPTIONS = 400;
const BATCH = 200;
/**
 * Ponder treats the last 30 blocks of a chain it does not know (31337) as unfinalized and indexes them one by one
 * after the backfill (its live mode). Empty blocks mined after each step put every event block behind them, so
 * the events go through the backfill path, as on a real chain's history; the timed run then ends with ~30 empty
 * blocks of live indexing.
 */
const FINALITY_BLOCKS = 30;

export interface IndexerBenchOptions {
  sizes: readonly number[];
  lagSamples: number;
  latencySeconds: number;
  verbose: boolean;
  resultsDir: string;
}

function numberList(raw: string | undefined, fallback: readonly number[]): number[] {
  if (raw === undefined || raw.trim() === "") return [...fallback];
  const values = raw.split(",").map((part) => Number(part.trim()));
  if (values.some((v) => !Number.isSafeInteger(v) || v <= 0)) throw new Error(`Not a list of counts: ${raw}`);
  return [...new Set(values)].sort((a, b) => a - b);
}

function positive(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`Not a positive number: ${raw}`);
  return value;
}

export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): IndexerBenchOptions {
  return {
    sizes: numberList(env.BENCH_INDEXER_SIZES, DEFAULT_SIZES),
    lagSamples: Math.round(positive(env.BENCH_INDEXER_LAG_SAMPLES, 50)),
    latencySeconds: positive(env.BENCH_INDEXER_SECONDS, 10),
    verbose: env.BENCH_INDEXER_VERBOSE === "true",
    resultsDir: env.BENCH_INDEXER_RESULTS_DIR ?? RESULTS_DIR,
  };
}

// ─── PostgreSQL ─────────────────────────────────────────────────────────────────────────────────────────

const PG = {
  host: process.env.PGHOST ?? "127.0.0.1",
  port: process.env.PGPORT ?? "5432",
  user: process.env.PGUSER ?? "postgres",
};

function psql(database: string, sql: string): string {
  return execFileSync(
    "psql",
    ["-h", PG.host, "-p", PG.port, "-U", PG.user, "-d", database, "-v", "ON_ERROR_STOP=1", "-Atc", sql],
    { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  ).trim();
}

const connectionString = (database: string) => `postgresql://${PG.user}@${PG.host}:${PG.port}/${database}`;

/** Ponder's version from its package.json (its `exports` hide it from `require`). */
function ponderVersion(): string {
  for (const dir of [
    path.join(__dirname, "..", "node_modules"),
    path.join(__dirname, "..", "indexer", "node_modules"),
  ]) {
    const file = path.join(dir, "ponder", "package.json");
    if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
  }
  return "unknown";
}

// ─── GraphQL ────────────────────────────────────────────────────────────────────────────────────────────

async function graphql<T>(url: string, query: string): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (!response.ok || body.errors !== undefined || body.data === undefined) {
    throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
  }
  return body.data;
}

/** The query of the latency run: an account's 20 newest activity rows (the dashboard's history page). */
export function newestActivityQuery(chainId: number, account: string): string {
  return `{ activitys(where: { chainId: ${chainId}, account: "${account.toLowerCase()}" }, orderBy: "id", orderDirection: "desc", limit: 20) { items { id kind reference token amount counterparty contract transactionHash blockNumber timestamp } pageInfo { hasNextPage endCursor } } }`;
}

/** The activity row id the indexer gives the first account of a log (`<block>-<logIndex>-01`): a transfer's sender. */
export function activityRowId(blockNumber: number, logIndex: number): string {
  return `${blockNumber.toString().padStart(12, "0")}-${logIndex.toString().padStart(6, "0")}-01`;
}

// ─── The benchmark ──────────────────────────────────────────────────────────────────────────────────────

interface BackfillPoint {
  events: number;
  seconds: number;
  /** Spawn to `/health`: Ponder's build, database set-up and server start. */
  startupSeconds: number;
  /** `/health` to `/ready`: the backfill proper (historical sync and handlers up to the finalized block). */
  backfillSeconds: number;
  tally: EventTally;
  blocks: number;
  activityRows: number;
}

/**
 * Resolves with the time (`performance.now()`) at which `/ready` first answers 200, polled every 100 ms; with
 * NaN once `cancelled()` says so (the wait for the head failed).
 */
async function whenReady(url: string, cancelled: () => boolean): Promise<number> {
  while (!cancelled()) {
    try {
      if ((await fetch(`${url}/ready`)).ok) return performance.now();
    } catch {
      // not listening (any more): the caller's wait for the head reports why
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Number.NaN;
}

async function autocannonRun(
  url: string,
  body: string,
  connections: number,
  seconds: number,
): Promise<{ p50Ms: number; p99Ms: number; requestsPerSecond: number; requests: number }> {
  const result = await autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    connections,
    duration: seconds,
  });
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
    throw new Error(
      `autocannon at ${connections} connections: ${result.errors} errors, ${result.non2xx} non-2xx, ${result.timeouts} timeouts`,
    );
  }
  return {
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requestsPerSecond: round(result.requests.average, 1),
    requests: result.requests.total,
  };
}

export async function runIndexerBench(
  hre: HardhatRuntimeEnvironment,
  options: IndexerBenchOptions = optionsFromEnv(),
): Promise<string[]> {
  const started = Date.now();
  const date = new Date().toISOString();
  const loadAtStart = os.loadavg()[0]!;
  const log = (line: string) => console.log(line);
  const database = `coffer_bench_${process.pid}_${Date.now()}`;
  psql("postgres", `CREATE DATABASE "${database}"`);
  const pgVersion = psql("postgres", "SHOW server_version");
  const chain = await startLocalChain({ chainId: CHAIN_ID });
  const deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-bench-indexer-"));
  let indexer: RunningIndexer | undefined;
  let provider: ethers.JsonRpcProvider | undefined;
  try {
    const accounts = await chain.provider.listAccounts();
    const { manifest } = await deployCoffer({
      signer: accounts[0]!,
      network: "local",
      local: true,
      readArtifact: (name) => hre.artifacts.readArtifact(name),
      deploymentsDir,
      treasuryOwners: accounts.slice(1, 4).map((account) => account.address),
    });
    // Its own provider: one request per call, without ethers' 10 ms batching delay.
    provider = new ethers.JsonRpcProvider(chain.url, CHAIN_ID, { staticNetwork: true, batchMaxCount: 1 });
    const generator = await createEventGenerator(provider, manifest, {
      subscriptions: SUBSCRIPTIONS,
      batch: BATCH,
      log,
    });

    // 1. Backfill series, one chain growing in steps, a fresh schema for each measurement.
    const series: BackfillPoint[] = [];
    for (const [i, size] of options.sizes.entries()) {
      const madeAt = Date.now();
      const tally = await generator.growTo(size);
      await provider.send("anvil_mine", [ethers.toQuantity(FINALITY_BLOCKS + 2)]);
      const head = await generator.head();
      log(
        `Chain: ${tally.coffer} Coffer events, ${tally.transfers} token transfers, ${tally.other} other logs up to ` +
          `block ${head} (${((Date.now() - madeAt) / 1000).toFixed(1)} s to generate)`,
      );
      const schema = `backfill_${size}`;
      const spawnedAt = performance.now();
      indexer = await startIndexer({
        chainId: CHAIN_ID,
        rpcUrl: chain.url,
        deploymentsDir,
        database: { kind: "postgres", connectionString: connectionString(database), schema },
        log: options.verbose ? (line) => console.log(`  [ponder] ${line}`) : undefined,
      });
      const healthyAt = performance.now();
      let failed = false;
      const readyAt = whenReady(indexer.url, () => failed);
      await indexer.waitForBlock(head, 60 * 60_000).catch((error: unknown) => {
        failed = true;
        throw error;
      });
      const seconds = (performance.now() - spawnedAt) / 1000;
      const backfilledAt = await readyAt;
      const activityRows = Number(psql(database, `SELECT count(*) FROM "${schema}".activity`));
      const point: BackfillPoint = {
        events: tally.coffer,
        seconds: round(seconds, 2),
        startupSeconds: round((healthyAt - spawnedAt) / 1000, 2),
        backfillSeconds: round((backfilledAt - healthyAt) / 1000, 2),
        tally,
        blocks: head,
        activityRows,
      };
      series.push(point);
      log(
        `Backfill of ${point.events} Coffer events (${tally.coffer + tally.transfers} indexed logs, ${activityRows} ` +
          `activity rows): ${point.seconds} s (server up after ${point.startupSeconds} s, backfill ` +
          `${point.backfillSeconds} s to /ready), ` +
          `${Math.round(point.events / point.seconds)} Coffer events/s`,
      );
      if (i < options.sizes.length - 1) {
        await indexer.stop();
        indexer = undefined;
        psql(database, `DROP SCHEMA "${schema}" CASCADE`);
      }
    }
    const last = series[series.length - 1]!;
    if (indexer === undefined) throw new Error("No backfill was measured");
    const live = indexer;

    // 2. Lag: one charge at a time, receipt → its activity row answering a lookup by primary key.
    const chargeOne = await generator.singleCharges();
    await live.waitForBlock(await generator.head(), 60_000);
    const lags: number[] = [];
    for (let k = 0; k < options.lagSamples; k++) {
      const { blockNumber, transferLogIndex } = await chargeOne();
      const receivedAt = performance.now();
      const query = `{ activity(chainId: ${CHAIN_ID}, id: "${activityRowId(blockNumber, transferLogIndex)}") { id } }`;
      for (;;) {
        const data = await graphql<{ activity: { id: string } | null }>(live.graphqlUrl, query);
        if (data.activity !== null) break;
        if (performance.now() - receivedAt > 60_000) throw new Error(`No activity row for block ${blockNumber}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      lags.push(performance.now() - receivedAt);
    }
    const lag = {
      p50Ms: Math.round(percentile(lags, 50)),
      p95Ms: Math.round(percentile(lags, 95)),
      samples: lags.length,
    };
    const lagMax = Math.round(Math.max(...lags));
    log(`Lag over ${lag.samples} charges: p50 ${lag.p50Ms} ms, p95 ${lag.p95Ms} ms, max ${lagMax} ms`);

    // 3. GraphQL latency on the table as indexed (plus the lag's rows).
    const account = generator.queriedAccount;
    const body = JSON.stringify({ query: newestActivityQuery(CHAIN_ID, account) });
    const sample = await graphql<{ activitys: { items: unknown[] } }>(
      live.graphqlUrl,
      newestActivityQuery(CHAIN_ID, account),
    );
    if (sample.activitys.items.length !== 20) {
      throw new Error(`The latency query returns ${sample.activitys.items.length} rows, not 20`);
    }
    const tableRows = Number(psql(database, `SELECT count(*) FROM "backfill_${last.events}".activity`));
    const accountRows = Number(
      psql(database, `SELECT count(*) FROM "backfill_${last.events}".activity WHERE account = '${account}'`),
    );
    const latencyRuns = async (label: string) => {
      const figures = [];
      for (const connections of [1, 10]) {
        const figure = await autocannonRun(live.graphqlUrl, body, connections, options.latencySeconds);
        log(
          `GraphQL ${label} at ${connections} connection(s): p50 ${figure.p50Ms} ms, p99 ${figure.p99Ms} ms, ` +
            `${figure.requestsPerSecond} req/s (${figure.requests} requests)`,
        );
        figures.push({ connections, ...figure });
      }
      return figures;
    };
    // As the indexer leaves the table: PostgreSQL has no statistics on it until it is analyzed (autovacuum is off
    // on the benchmark's server), and plans the query with the wrong index.
    const asIndexed = await latencyRuns("as indexed (no statistics)");
    const autovacuum = psql(database, "SHOW autovacuum");
    psql(database, `ANALYZE "backfill_${last.events}".activity`);
    // What a server with autovacuum on reaches within a minute: the figures of the report.
    const graphqlFigures = await latencyRuns("after ANALYZE");
    await live.stop();
    indexer = undefined;

    const totalLogs = last.tally.coffer + last.tally.transfers;
    const results: IndexerResults = {
      schema: 1,
      date,
      ...gitCommit(),
      machine: machineInfo(),
      versions: {
        node: process.version,
        ponder: ponderVersion(),
        postgresql: pgVersion,
        anvil: packageVersion("@foundry-rs/anvil-linux-amd64"),
        autocannon: packageVersion("autocannon"),
        ethers: packageVersion("ethers"),
      },
      database: `PostgreSQL ${pgVersion}`,
      method: {
        backfill:
          `Events: subscriptions of an hourly plan with a 1 % fee (${SUBSCRIPTIONS} subscriptions from ` +
          `${SUBSCRIBER_ACCOUNTS.length} accounts), charged in chargeMany batches of ${BATCH}, ${SUBSCRIPTIONS} ` +
          "charges per block-hour on Anvil; “events” counts Coffer contracts' logs from the receipts (here " +
          "SubscriptionCreated/Charged, PlanCreated and the deployment's), each charge also making two token " +
          "Transfer logs that the indexer handles too. One chain grows through the sizes; each size is indexed by " +
          "a fresh `ponder start` on a fresh PostgreSQL schema, timed from spawning it to `/status` reporting the " +
          "head block (polled every 200 ms), Ponder's start-up included.",
        lag:
          "Lag with the indexer live at the head: single `charge` transactions one at a time (automine), each " +
          "timed from its receipt to its activity row answering a GraphQL lookup by primary key, polled every 20 ms.",
        graphql:
          `autocannon, ${options.latencySeconds} s per run, POSTing one account's 20 newest activity rows ` +
          `(\`activitys\` where chainId and account, orderBy id desc, limit 20) with ${tableRows.toLocaleString("en-US")} ` +
          `rows in the table (${accountRows.toLocaleString("en-US")} of them the account's), all indexed from the chain; ` +
          "measured after `ANALYZE` of the table (as autovacuum would do within a minute), and before it (see the notes)",
      },
      backfill: {
        eventsPerSecond: Math.round(last.events / last.seconds),
        series: series.map((p) => ({ events: p.events, seconds: p.seconds })),
      },
      lag,
      graphql: graphqlFigures.map(({ connections, p50Ms, p99Ms, requestsPerSecond }) => ({
        connections,
        p50Ms,
        p99Ms,
        requestsPerSecond,
      })),
      notes: [
        `Largest size: ${last.events.toLocaleString("en-US")} Coffer events + ${last.tally.transfers.toLocaleString("en-US")} ` +
          `token Transfers = ${totalLogs.toLocaleString("en-US")} indexed logs in ${last.blocks} blocks, ` +
          `${Math.round(totalLogs / last.seconds).toLocaleString("en-US")} indexed logs/s; ` +
          `${last.activityRows.toLocaleString("en-US")} activity rows.`,
        "Per size (Coffer events → indexed logs, activity rows; seconds from spawning Ponder to its server up, " +
          "to `/ready` (backfill done), to the head): " +
          series
            .map(
              (p) =>
                `${p.events} → ${p.tally.coffer + p.tally.transfers} logs, ${p.activityRows} rows; ` +
                `${p.startupSeconds} s, ${round(p.startupSeconds + p.backfillSeconds, 2)} s, ${p.seconds} s`,
            )
            .join("; ") +
          ".",
        "GraphQL before `ANALYZE` (the table as indexed: no planner statistics, the server's autovacuum is " +
          `${autovacuum}; PostgreSQL sorts all the account's rows): ` +
          asIndexed
            .map(
              (f) =>
                `${f.connections} connection(s) p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, ${f.requestsPerSecond} req/s`,
            )
            .join("; ") +
          ".",
        `Lag max ${lagMax} ms over ${lag.samples} samples; Ponder polls a local chain every 250 ms.`,
        `Load generator, indexer, PostgreSQL and Anvil share the machine's ${machineInfo().cores} cores; its 1-minute ` +
          `load average (other work included) was ${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end.`,
      ],
    };
    const written = writeIndexerResults(results, options.resultsDir);
    log(
      `\nWrote ${written.map((file) => path.relative(process.cwd(), path.join(options.resultsDir, file))).join(", ")} ` +
        `in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return written;
  } finally {
    if (indexer !== undefined) await indexer.stop();
    provider?.destroy();
    await chain.stop();
    fs.rmSync(deploymentsDir, { recursive: true, force: true });
    psql("postgres", `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }
}

if (require.main === module) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hre = require("hardhat") as HardhatRuntimeEnvironment;
  runIndexerBench(hre).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
