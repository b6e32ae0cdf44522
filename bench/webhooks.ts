/**
 * `npm run bench:webhooks`: how fast merchants hear of payments, on this machine.
 * - From a payment's block to its arrival: a local chain with Coffer deployed, the indexer (Ponder on PGlite), the
 *   webhook service (0 confirmations) and a receiver that verifies every request; `BENCH_WEBHOOK_PAYMENTS`
 *   (default 30) payments charged one after another, each timed from its receipt to its `payment.charged` event.
 * - The service's own share, against a fake indexer (test/webhooks/fake-indexer.ts) and real HTTP receivers on
 *   127.0.0.1 that verify every signature: from an event appearing in the indexer's answer to its arrival; deliveries
 *   per second to one fast receiver (ordered per endpoint: one request at a time); to 100 endpoints of which 10
 *   answer after 200 ms, and how long the 90 fast ones took. On embedded PGlite and on PostgreSQL (127.0.0.1:5432).
 * Writes bench/results/webhooks.json and the report.
 */
import crypto from "node:crypto";
import os from "node:os";
import pg from "pg";
import pino from "pino";
import { parseApiKeys } from "../cli/webhooks/api-keys";
import { createEndpoint } from "../cli/webhooks/endpoints";
import { startWebhookService } from "../cli/webhooks/service";
import { indexerEventSource } from "../cli/webhooks/source";
import { openWebhookStore, type StoreLocation } from "../cli/webhooks/store/database";
import { startFakeIndexer } from "../test/webhooks/fake-indexer";
import { startReceiver, until, type Receiver } from "../test/webhooks/receiver";
import { buildPayment, createCofferClient, getChainTime } from "../sdk/src";
import * as escrow from "../sdk/src/escrow";
import { startIndexer } from "../scripts/lib/indexer-process";
import { devPrivateKey } from "../scripts/lib/local-chain";
import { startWebhookReceiver } from "../scripts/lib/webhook-receiver";
import { freshPglite } from "../test/indexer/helpers";
import { startDeployedLocalChain } from "../test/helpers/local-chain";
import { MockERC20__factory } from "../typechain-types";
import { ethers } from "ethers";
import { gitCommit, machineInfo, packageVersion } from "./environment";
import { writeSectionResults } from "./report";
import { WEBHOOKS_RESULTS_FILE, type WebhooksResults } from "./results";
import { percentiles } from "./stats";

/** From each payment's receipt to its `payment.charged` event at a receiver, through chain, indexer and service. */
async function blockToDelivery(payments: number): Promise<number[]> {
  const local = await startDeployedLocalChain();
  const database = freshPglite();
  const indexer = await startIndexer({
    chainId: 31337,
    rpcUrl: local.chain.url,
    deploymentsDir: local.deploymentsDir,
    database: database.database,
  });
  const store = await openWebhookStore({ kind: "memory" });
  const receiver = await startWebhookReceiver();
  let service: Awaited<ReturnType<typeof startWebhookService>> | undefined;
  try {
    await indexer.waitForBlock(await local.chain.provider.getBlockNumber(), 150_000);
    const endpoint = await createEndpoint(store, "bench", {
      url: receiver.url,
      eventTypes: ["payment.charged"],
      filters: {},
      description: "",
    });
    receiver.setSecret(endpoint.secret);
    service = await startWebhookService({
      store,
      ingest: {
        source: indexerEventSource(indexer.url),
        chains: [{ chainId: 31337, confirmations: 0, reorgWindow: 64 }],
        pollMs: 50,
      },
      dispatcherPollMs: 50,
      logger: pino({ level: "warn" }, pino.destination(2)),
    });
    const manifest = local.first.manifest;
    const payer = new ethers.Wallet(devPrivateKey(5), local.chain.provider);
    const usdc = manifest.contracts["TestUSDC"]!.address;
    await (
      await MockERC20__factory.connect(usdc, new ethers.Wallet(devPrivateKey(0), local.chain.provider)).mint(
        payer.address,
        10n ** 12n,
      )
    ).wait();
    const client = await createCofferClient({ runner: payer, manifest });
    const samples: number[] = [];
    for (let n = 0; n < payments; n++) {
      const payment = buildPayment({
        operator: payer.address,
        payer: payer.address,
        payee: new ethers.Wallet(devPrivateKey(7)).address,
        token: usdc,
        maxAmount: 1_000_000n,
        reference: `BENCH-${n}`,
        now: await getChainTime(local.chain.provider),
      });
      const receipt = await escrow.charge(client, payment, 1_000_000n, 0);
      const mined = Date.now();
      await until(
        () => receiver.events.some((item) => item.event.data.transactionHash === receipt.transactionHash),
        `the webhook of payment ${n}`,
        60_000,
      );
      const arrived = receiver.events.find((item) => item.event.data.transactionHash === receipt.transactionHash)!;
      samples.push(arrived.receivedAt - mined);
    }
    if (receiver.refused > 0) throw new Error(`${receiver.refused} requests did not verify`);
    return samples;
  } finally {
    await service?.stop();
    await store.close();
    await receiver.close();
    await indexer.stop();
    await local.stop();
    database.cleanup();
  }
}

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
    latencies,
  };
}

async function main() {
  const date = new Date().toISOString();
  const loadAtStart = os.loadavg()[0]!;
  const payments = Number(process.env.BENCH_WEBHOOK_PAYMENTS ?? 30);
  console.log(`From block to delivery: ${payments} payments through the chain, the indexer and the service…`);
  const fromBlock = percentiles(await blockToDelivery(payments));
  console.log(`  p50 ${fromBlock.p50Ms} ms, p95 ${fromBlock.p95Ms} ms`);
  const database = `coffer_webhooks_bench_${crypto.randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const stores: WebhooksResults["stores"] = [];
  try {
    for (const [name, location] of [
      ["PGlite (embedded, in memory)", { kind: "memory" }],
      [
        "PostgreSQL (127.0.0.1)",
        { kind: "postgres", connectionString: `postgres://postgres@127.0.0.1:5432/${database}` },
      ],
    ] as [string, StoreLocation][]) {
      if (process.env.BENCH_STORE !== undefined && !name.toLowerCase().startsWith(process.env.BENCH_STORE)) continue;
      const latency = await scenario(location, 1, 0, 100, 20);
      const oneFast = await scenario(location, 1, 0, 1000, 0);
      const hundred = await scenario(location, 100, 10, 30, 0);
      stores.push({
        store: name,
        eventToDelivery: percentiles(latency.latencies),
        oneReceiver: {
          deliveries: oneFast.deliveries,
          seconds: oneFast.allDoneMs / 1000,
          perSecond: oneFast.deliveriesPerSecond,
        },
        manyEndpoints: {
          endpoints: 100,
          slowEndpoints: 10,
          slowResponseMs: 200,
          deliveries: hundred.deliveries,
          seconds: hundred.allDoneMs / 1000,
          perSecond: hundred.deliveriesPerSecond,
          fastEndpointsSeconds: hundred.fastDoneMs / 1000,
        },
      });
      console.log(name, JSON.stringify(stores.at(-1)));
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
  const results: WebhooksResults = {
    schema: 1,
    date,
    ...gitCommit(),
    machine: machineInfo(),
    versions: { node: process.version, ponder: packageVersion("ponder"), pg: packageVersion("pg") },
    blockToDelivery: fromBlock,
    stores,
    notes: [
      `Wall-clock on a machine shared with other work: its 1-minute load average was ${loadAtStart.toFixed(1)} at ` +
        `the start and ${os.loadavg()[0]!.toFixed(1)} at the end (${os.cpus().length} cores). Chain, indexer, ` +
        "service and receivers run on the same machine (loopback): no network latency is included.",
      "From block to delivery includes the indexer's polling of the chain (250 ms on a local chain) and the " +
        "service's polling of the indexer (50 ms here; `--poll-ms`, 250 ms by default).",
      "Deliveries to one endpoint go one at a time, in order; a slow endpoint holds only its own queue.",
    ],
  };
  const written = writeSectionResults(WEBHOOKS_RESULTS_FILE, results);
  console.log(`Wrote ${written.map((file) => `bench/results/${file}`).join(", ")}`);
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
