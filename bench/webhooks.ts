/**
 * `npm run bench:webhooks`: the webhook service's own share of the work, on this machine, against a fake indexer
 * (test/webhooks/fake-indexer.ts) and real HTTP receivers on 127.0.0.1 that verify every signature:
 * - latency: from an event appearing in the indexer's answer (0 confirmations) to its arrival at the receiver,
 *   p50 and p95 (the indexer's own delay behind the chain is bench:indexer's);
 * - throughput to one fast receiver (ordered per endpoint: one request at a time);
 * - throughput to 100 endpoints of which 10 answer after 200 ms, and how long the 90 fast ones took.
 * Each on embedded PGlite and on PostgreSQL (127.0.0.1:5432). Writes bench/results/webhooks.json.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import pino from "pino";
import { parseApiKeys } from "../cli/webhooks/api-keys";
import { createEndpoint } from "../cli/webhooks/endpoints";
import { startWebhookService } from "../cli/webhooks/service";
import { indexerEventSource } from "../cli/webhooks/source";
import { openWebhookStore, type StoreLocation } from "../cli/webhooks/store/database";
import { startFakeIndexer } from "../test/webhooks/fake-indexer";
import { startReceiver, until, type Receiver } from "../test/webhooks/receiver";
import { gitCommit, machineInfo } from "./environment";

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

async function scenario(location: StoreLocation, endpoints: number, slow: number, events: number, spacedMs: number) {
  const indexer = await startFakeIndexer();
  const store = await openWebhookStore(location);
  const receivers: Receiver[] = [];
  for (let i = 0; i < endpoints; i++) {
    const receiver = await startReceiver([], () => (i < slow ? { status: 200, delayMs: 200 } : { status: 204 }));
    receiver.secrets.push(
      (await createEndpoint(store, "bench", { url: receiver.url, eventTypes: [], filters: {}, description: "" }))
        .secret,
    );
    receivers.push(receiver);
  }
  const service = await startWebhookService({
    store,
    ingest: {
      source: indexerEventSource(indexer.url),
      chains: [{ chainId: 31337, confirmations: 0, reorgWindow: 64 }],
      pollMs: 50,
    },
    api: { keys: parseApiKeys("bench:bench-key-0123456789") },
    concurrency: Math.max(20, endpoints),
    dispatcherPollMs: 50,
    logger: pino({ level: "warn" }, pino.destination(2)),
  });
  const appeared = new Map<string, number>();
  const started = Date.now();
  for (let i = 0; i < events; i++) {
    const event = indexer.add("payment.captured", 10 + i);
    appeared.set(event.id, Date.now());
    if (spacedMs > 0) await new Promise((resolve) => setTimeout(resolve, spacedMs));
  }
  const fast = receivers.slice(slow);
  await until(() => fast.every((receiver) => receiver.acceptedIds().length === events), "the fast endpoints", 600_000);
  const fastDoneMs = Date.now() - started;
  await until(() => receivers.every((receiver) => receiver.acceptedIds().length === events), "every endpoint", 600_000);
  const allDoneMs = Date.now() - started;
  const latencies = fast.flatMap((receiver) =>
    receiver.received.map((item) => item.at - (appeared.get(item.id) ?? item.at)),
  );
  const rejected = receivers.reduce((sum, receiver) => sum + receiver.rejected.length, 0);
  await service.stop();
  // Each scenario starts from an empty store (a fake indexer's blocks start again at 10).
  if (location.kind === "postgres") await store.query("DROP SCHEMA coffer_webhooks CASCADE");
  await store.close();
  for (const receiver of receivers) await receiver.close();
  await indexer.close();
  if (rejected > 0) throw new Error(`${rejected} requests did not verify`);
  return {
    deliveries: endpoints * events,
    allDoneMs,
    fastDoneMs,
    deliveriesPerSecond: Math.round((endpoints * events * 1000) / allDoneMs),
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
  };
}

async function main() {
  const database = `coffer_webhooks_bench_${crypto.randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const results: Record<string, unknown> = {};
  try {
    for (const [name, location] of [
      ["pglite", { kind: "memory" }],
      ["postgres", { kind: "postgres", connectionString: `postgres://postgres@127.0.0.1:5432/${database}` }],
    ] as [string, StoreLocation][]) {
      if (process.env.BENCH_STORE !== undefined && process.env.BENCH_STORE !== name) continue;
      const latency = await scenario(location, 1, 0, 100, 20);
      const oneFast = await scenario(location, 1, 0, 1000, 0);
      const hundred = await scenario(location, 100, 10, 30, 0);
      results[name] = {
        latency: { events: 100, spacedMs: 20, p50Ms: latency.latencyP50Ms, p95Ms: latency.latencyP95Ms },
        oneFastReceiver: {
          deliveries: oneFast.deliveries,
          ms: oneFast.allDoneMs,
          perSecond: oneFast.deliveriesPerSecond,
        },
        hundredEndpointsTenSlow: {
          deliveries: hundred.deliveries,
          ms: hundred.allDoneMs,
          perSecond: hundred.deliveriesPerSecond,
          fastEndpointsDoneMs: hundred.fastDoneMs,
        },
      };
      console.log(name, JSON.stringify(results[name]));
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
  const file = path.join(__dirname, "results", "webhooks.json");
  fs.writeFileSync(
    file,
    `${JSON.stringify({ ...gitCommit(), machine: machineInfo(), date: new Date().toISOString(), results }, null, 2)}\n`,
  );
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
