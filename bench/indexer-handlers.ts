/**
 * `npm run bench:indexer-handlers`: how fast the indexer's handlers are, from Ponder's own metrics (`/metrics`).
 *
 * A local Anvil chain gets a mixed Coffer workload (`bench/indexer/mixed.ts`: escrow charges, authorizations and
 * captures, invoices, subscription charges, split distributions, treasury spends and the token transfers they
 * make). For each size a fresh `ponder start` on a fresh PostgreSQL schema indexes the chain, and the bench reports
 * separately:
 * - start-up: spawning Ponder to its `/health` answering (build, database set-up, server);
 * - backfill: `/health` to `/ready` (historical sync, handlers, flushes);
 * - handler rate: events handled ÷ the sum of `ponder_indexing_function_duration` (the time spent inside the
 *   handlers, Ponder's cache included, flushes to the database excluded), per event type too;
 * - marginal backfill rate: extra events ÷ extra backfill seconds between the two largest sizes;
 * - store operations (`ponder_indexing_store_queries_total`) per event;
 * - database size: the indexed schema's tables, indexes and TOAST (`pg_total_relation_size`), in MiB.
 *
 * Writes `bench/results/indexer-handlers.json`. Settings: `BENCH_HANDLERS_SIZES` (Coffer event counts,
 * comma-separated; 10,000, 100,000 and 1,000,000 by default: the largest takes about an hour on 2 cores),
 * `BENCH_HANDLERS_ROUND_SCALE` (each block holds this many of the mixed workload's default rounds, ≈ 70 Coffer events
 * each; 10 by default), `BENCH_INDEXER_VERBOSE=true`, `PGHOST`/`PGPORT`/`PGUSER`.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ethers } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { deployCoffer } from "../deploy/deploy";
import { startIndexer, type RunningIndexer } from "../scripts/lib/indexer-process";
import { startLocalChain } from "../scripts/lib/local-chain";
import { gitCommit, machineInfo } from "./environment";
import { createMixedWorkload, DEFAULT_ROUND, scaledRound } from "./indexer/mixed";
import { round } from "./indexer/stats";
import { RESULTS_DIR } from "./results";

const CHAIN_ID = 31337;
const FINALITY_BLOCKS = 32;
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

/** One Prometheus sample: its name, labels and value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus' text format (the lines Ponder's `/metrics` serves; comments skipped). */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (match === null) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1]!] = pair[2]!;
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** What one indexing run's metrics say about the handlers. */
export interface HandlerFigures {
  events: number;
  handlerSeconds: number;
  eventsPerSecond: number;
  storeOperations: number;
  storeOperationsPerEvent: number;
  byEvent: Record<string, { count: number; meanMs: number }>;
  storeByTable: Record<string, number>;
}

/** Sums the handler histogram and the store counters of a `/metrics` text. */
export function handlerFigures(text: string): HandlerFigures {
  const samples = parseMetrics(text);
  const byEvent: Record<string, { count: number; meanMs: number }> = {};
  let events = 0;
  let ms = 0;
  for (const s of samples) {
    if (s.name === "ponder_indexing_function_duration_count") {
      const event = s.labels.event ?? "?";
      const sum = samples.find(
        (o) => o.name === "ponder_indexing_function_duration_sum" && o.labels.event === s.labels.event,
      );
      byEvent[event] = { count: s.value, meanMs: round((sum?.value ?? 0) / Math.max(1, s.value), 4) };
      events += s.value;
      ms += sum?.value ?? 0;
    }
  }
  const storeByTable: Record<string, number> = {};
  let storeOperations = 0;
  for (const s of samples) {
    if (s.name !== "ponder_indexing_store_queries_total") continue;
    const key = `${s.labels.table}.${s.labels.method}`;
    storeByTable[key] = (storeByTable[key] ?? 0) + s.value;
    storeOperations += s.value;
  }
  return {
    events,
    handlerSeconds: round(ms / 1000, 3),
    eventsPerSecond: Math.round(events / (ms / 1000)),
    storeOperations,
    storeOperationsPerEvent: round(storeOperations / Math.max(1, events), 2),
    byEvent,
    storeByTable,
  };
}

async function whenReady(url: string): Promise<number> {
  for (;;) {
    try {
      if ((await fetch(`${url}/ready`)).ok) return performance.now();
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Point {
  cofferEvents: number;
  transfers: number;
  startupSeconds: number;
  backfillSeconds: number;
  /** The indexer's schema on disk once it reached the head: tables, indexes and TOAST, MiB. */
  databaseMiB: number;
  handlers: HandlerFigures;
}

/** The size of `schema`'s relations in `database`, MiB (Ponder's own tables in that schema included). */
function schemaMiB(database: string, schema: string): number {
  const bytes = psql(
    database,
    "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c " +
      `JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '${schema}' AND c.relkind IN ('r', 'm')`,
  );
  return round(Number(bytes) / 2 ** 20, 1);
}

async function main(hre: HardhatRuntimeEnvironment): Promise<void> {
  const sizes = (process.env.BENCH_HANDLERS_SIZES ?? "10000,100000,1000000").split(",").map((s) => Number(s.trim()));
  const verbose = process.env.BENCH_INDEXER_VERBOSE === "true";
  const database = `coffer_handlers_${process.pid}_${Date.now()}`;
  psql("postgres", `CREATE DATABASE "${database}"`);
  const chain = await startLocalChain({ chainId: CHAIN_ID });
  const deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-bench-handlers-"));
  let indexer: RunningIndexer | undefined;
  const provider = new ethers.JsonRpcProvider(chain.url, CHAIN_ID, { staticNetwork: true, batchMaxCount: 1 });
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
    const chainUrl = chain.url;
    const roundScale = Number(process.env.BENCH_HANDLERS_ROUND_SCALE ?? "10");
    const workload = await createMixedWorkload(
      provider,
      chainUrl,
      deploymentsDir,
      manifest,
      scaledRound(DEFAULT_ROUND, roundScale),
    );
    const points: Point[] = [];
    for (const size of sizes) {
      const madeAt = Date.now();
      const tally = await workload.growTo(size);
      await provider.send("anvil_mine", [ethers.toQuantity(FINALITY_BLOCKS)]);
      const head = await provider.getBlockNumber();
      console.log(
        `Chain: ${tally.coffer} Coffer events, ${tally.transfers} token transfers up to block ${head} ` +
          `(${((Date.now() - madeAt) / 1000).toFixed(1)} s to generate)`,
      );
      const schema = `handlers_${size}`;
      const spawnedAt = performance.now();
      indexer = await startIndexer({
        chainId: CHAIN_ID,
        rpcUrl: chainUrl,
        deploymentsDir,
        database: {
          kind: "postgres",
          connectionString: `postgresql://${PG.user}@${PG.host}:${PG.port}/${database}`,
          schema,
        },
        log: verbose ? (line) => console.log(`  [ponder] ${line}`) : undefined,
      });
      const healthyAt = performance.now();
      const readyAt = await whenReady(indexer.url);
      await indexer.waitForBlock(head, 30 * 60_000);
      const handlers = handlerFigures(await (await fetch(`${indexer.url}/metrics`)).text());
      const point: Point = {
        cofferEvents: tally.coffer,
        transfers: tally.transfers,
        startupSeconds: round((healthyAt - spawnedAt) / 1000, 2),
        backfillSeconds: round((readyAt - healthyAt) / 1000, 2),
        databaseMiB: schemaMiB(database, schema),
        handlers,
      };
      points.push(point);
      console.log(
        `${point.cofferEvents} Coffer events + ${point.transfers} transfers: start-up ${point.startupSeconds} s, ` +
          `backfill ${point.backfillSeconds} s; handlers ${handlers.events} events in ${handlers.handlerSeconds} s = ` +
          `${handlers.eventsPerSecond} events/s; ${handlers.storeOperationsPerEvent} store operations per event; ` +
          `database ${point.databaseMiB} MiB`,
      );
      await indexer.stop();
      indexer = undefined;
      psql(database, `DROP SCHEMA "${schema}" CASCADE`);
    }
    const [a, b] = points.slice(-2);
    const marginal =
      a !== undefined && b !== undefined && b.backfillSeconds > a.backfillSeconds
        ? Math.round((b.handlers.events - a.handlers.events) / (b.backfillSeconds - a.backfillSeconds))
        : null;
    if (marginal !== null)
      console.log(`Marginal backfill rate (${a!.cofferEvents} → ${b!.cofferEvents}): ${marginal} events/s`);
    const results = {
      schema: 1,
      date: new Date().toISOString(),
      ...gitCommit(),
      machine: machineInfo(),
      method:
        "Mixed workload (bench/indexer/mixed.ts) on Anvil, indexed by a fresh `ponder start` on PostgreSQL per size. " +
        "Handler rate: events ÷ sum of ponder_indexing_function_duration from /metrics; start-up: spawn to /health; " +
        "backfill: /health to /ready; marginal: extra handled events ÷ extra backfill seconds between the two sizes.",
      round: { scale: roundScale, perRound: scaledRound(DEFAULT_ROUND, roundScale) },
      points,
      marginalBackfillEventsPerSecond: marginal,
    };
    const file = path.join(process.env.BENCH_HANDLERS_RESULTS_DIR ?? RESULTS_DIR, "indexer-handlers.json");
    fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`Wrote ${path.relative(process.cwd(), file)}`);
  } finally {
    if (indexer !== undefined) await indexer.stop();
    provider.destroy();
    await chain.stop();
    fs.rmSync(deploymentsDir, { recursive: true, force: true });
    psql("postgres", `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }
}

if (require.main === module) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hre = require("hardhat") as HardhatRuntimeEnvironment;
  main(hre).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
