/**
 * `npm run bench:indexer-readers`: one writer (`ponder start`) and readers (`ponder serve`) on one PostgreSQL schema.
 *
 * 1. GraphQL latency (p50/p95/p99) of one account's 20 newest activity rows, at 10 and 50 concurrent keep-alive
 *    connections, on the writer alone (0 readers, for comparison), then spread over one reader and over two readers
 *    (the writer serves no queries meanwhile).
 * 2. Block to visible: token mints sent one at a time, each timed from its receipt to its activity row answering on
 *    a reader (polled every 20 ms), first with the readers idle, then with 50 connections of queries on them; last,
 *    for comparison, on the writer with the 50 connections on the writer (one process serving and indexing).
 *
 * The load is a small loop of keep-alive `fetch`es (one per connection, each waiting for its answer) rather than
 * autocannon: it merges the samples of both readers into one distribution and gives p95. The chain carries the
 * test scenario plus `BENCH_READERS_MINTS` (default 2,000) mints so that the query reads a table of some size.
 * Writes `bench/results/indexer-readers.json` and the report. Settings: `BENCH_READERS_SECONDS` (per latency run,
 * default 10), `BENCH_READERS_SAMPLES` (block-to-visible samples per phase, default 20).
 */
import os from "node:os";
import { ethers } from "ethers";
import { MockERC20__factory } from "../typechain-types";
import { startIndexer, startReader, type RunningIndexer } from "../scripts/lib/indexer-process";
import { startDeployedLocalChain } from "../test/helpers/local-chain";
import { driveCoffer, ROLES, wallet } from "../test/indexer/drive";
import { freshPostgres, psqlIn } from "../test/indexer/helpers";
import { gitCommit, machineInfo, packageVersion } from "./environment";
import { newestActivityQuery } from "./indexer";
import { writeSectionResults } from "./report";
import { INDEXER_READERS_RESULTS_FILE, type IndexerReadersResults } from "./results";
import { percentiles } from "./stats";

const CHAIN_ID = 31337;
const positive = (raw: string | undefined, fallback: number) => {
  const value = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`Not a positive integer: ${raw}`);
  return value;
};

/** {@link percentiles} rounded to 0.1 ms. */
function summary(times: number[]) {
  const { samples, p50Ms, p95Ms, maxMs } = percentiles(times);
  const round = (value: number) => Math.round(value * 10) / 10;
  return { samples, p50Ms: round(p50Ms), p95Ms: round(p95Ms), maxMs: round(maxMs) };
}

/** `p` percent of sorted `samples`, nearest rank. */
function rank(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * `connections` loops, spread evenly over `urls`, each POSTing `body` and waiting for the answer, for `seconds` (or
 * until `stop.now`).
 * Every answer must be a 200 without GraphQL errors. Returns the latencies in milliseconds.
 */
async function load(
  urls: string[],
  body: string,
  connections: number,
  seconds: number,
  stop = { now: false },
): Promise<number[]> {
  const samples: number[] = [];
  const until = performance.now() + seconds * 1000;
  const loop = async (url: string) => {
    while (performance.now() < until && !stop.now) {
      const start = performance.now();
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
      const text = await response.text();
      if (response.status !== 200 || text.includes('"errors"')) {
        throw new Error(`${url} answered ${response.status}: ${text.slice(0, 200)}`);
      }
      samples.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: connections }, (_, index) => loop(urls[index % urls.length]!)));
  return samples;
}

/** Mints one token a block; for each, the time from its receipt to its activity row answering on `reader`. */
async function blockToVisible(
  reader: RunningIndexer,
  token: ReturnType<typeof MockERC20__factory.connect>,
  to: string,
  samples: number,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const receipt = await (await token.mint(to, 1n + BigInt(i))).wait();
    if (receipt === null) throw new Error("No receipt");
    const mined = performance.now();
    const query = JSON.stringify({
      query: `{ activitys(where: { transactionHash: "${receipt.hash}" }) { items { id } } }`,
    });
    const deadline = mined + 60_000;
    for (;;) {
      const response = await fetch(reader.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: query,
      });
      const body = (await response.json()) as { data?: { activitys: { items: unknown[] } } };
      if ((body.data?.activitys.items.length ?? 0) > 0) break;
      if (performance.now() > deadline) throw new Error(`Mint ${receipt.hash} not visible within 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    times.push(performance.now() - mined);
  }
  return times;
}

async function main(): Promise<void> {
  const seconds = positive(process.env.BENCH_READERS_SECONDS, 10);
  const samples = positive(process.env.BENCH_READERS_SAMPLES, 20);
  const mints = positive(process.env.BENCH_READERS_MINTS, 2_000);
  const date = new Date().toISOString();
  const loadAtStart = os.loadavg()[0]!;
  const local = await startDeployedLocalChain();
  const made = freshPostgres("bench_readers");
  const running: RunningIndexer[] = [];
  try {
    if (made.database.kind !== "postgres") throw new Error("unreachable");
    await driveCoffer({ rpcUrl: local.chain.url, deploymentsDir: local.deploymentsDir });
    const provider = local.chain.provider;
    const minter = wallet(provider, 0);
    const usdc = MockERC20__factory.connect(local.first.manifest.contracts["TestUSDC"]?.address ?? "", minter);
    const account = wallet(provider, ROLES.alice).address;
    // Many mints to one account in few blocks (Anvil's automine: one block each; sent without waiting).
    let nonce = await provider.getTransactionCount(minter.address);
    const sent: ethers.ContractTransactionResponse[] = [];
    for (let i = 0; i < mints; i += 1) sent.push(await usdc.mint(account, 1n + BigInt(i), { nonce: nonce++ }));
    await sent.at(-1)?.wait();
    await provider.send("anvil_mine", [ethers.toQuantity(32)]);
    const head = await provider.getBlockNumber();

    const options = { chainId: CHAIN_ID, rpcUrl: local.chain.url, deploymentsDir: local.deploymentsDir };
    const writer = await startIndexer({ ...options, database: made.database });
    running.push(writer);
    await writer.waitForBlock(head, 600_000);
    // Planner statistics, as a production server's autovacuum would gather them (this one's is off): without them
    // PostgreSQL sorts all of the account's rows for each query (bench/indexer.ts measures both).
    psqlIn(made.database, "ANALYZE");
    const readers: RunningIndexer[] = [];
    for (let i = 0; i < 2; i += 1) {
      const reader = await startReader({ ...options, database: made.database });
      running.push(reader);
      readers.push(reader);
      await reader.waitForBlock(head);
    }
    const body = JSON.stringify({ query: newestActivityQuery(CHAIN_ID, account) });

    const latency: IndexerReadersResults["latency"] = [];
    // 0 readers: the writer serves the queries itself (the set-up before readers), for comparison.
    for (const readerCount of [0, 1, 2]) {
      const urls =
        readerCount === 0 ? [writer.graphqlUrl] : readers.slice(0, readerCount).map((reader) => reader.graphqlUrl);
      await load(urls, body, 10, 2); // warm-up: connections, query plans
      for (const connections of [10, 50]) {
        const times = (await load(urls, body, connections, seconds)).sort((a, b) => a - b);
        const figure = {
          readers: readerCount,
          connections,
          requests: times.length,
          requestsPerSecond: Math.round(times.length / seconds),
          p50Ms: Math.round(rank(times, 50) * 10) / 10,
          p95Ms: Math.round(rank(times, 95) * 10) / 10,
          p99Ms: Math.round(rank(times, 99) * 10) / 10,
        };
        console.log(JSON.stringify(figure));
        latency.push(figure);
      }
    }

    const idle = summary(await blockToVisible(readers[0]!, usdc, account, samples));
    console.log(`block to visible, idle: ${JSON.stringify(idle)}`);
    /** Block to visible on `target` while 50 connections of queries go to `urls`. */
    const duringStorm = async (urls: string[], target: RunningIndexer, count: number) => {
      const stop = { now: false };
      const storm = load(urls, body, 50, 3_600, stop);
      let stormError: unknown;
      storm.catch((error: unknown) => (stormError = error));
      // Let the storm run at full width before the first mint.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const times = await blockToVisible(target, usdc, account, count);
      stop.now = true;
      const requests = (await storm).length;
      if (stormError !== undefined) throw stormError;
      return { connections: 50, requests, ...summary(times) };
    };
    const underLoad = await duringStorm(
      readers.map((reader) => reader.graphqlUrl),
      readers[0]!,
      samples,
    );
    console.log(`block to visible, 50 connections on the readers: ${JSON.stringify(underLoad)}`);
    // The set-up before readers: the writer serves the storm and indexes in one process.
    const writerUnderLoad = await duringStorm([writer.graphqlUrl], writer, Math.min(samples, 5));
    console.log(`block to visible on the writer, 50 connections on it: ${JSON.stringify(writerUnderLoad)}`);

    const { commit, dirty } = gitCommit();
    const results: IndexerReadersResults = {
      schema: 1,
      date,
      commit,
      dirty,
      machine: machineInfo(),
      versions: { node: process.version, ponder: packageVersion("ponder"), postgresql: "127.0.0.1:5432" },
      head,
      latency,
      blockToVisible: { idle, underLoad, writerUnderLoad },
      notes: [
        `Taken on a machine shared with other jobs (load average ${loadAtStart.toFixed(1)} at the start, ` +
          `${os.loadavg()[0]!.toFixed(1)} at the end): the load generator, the chain, PostgreSQL, the writer and ` +
          `both readers share its ${os.cpus().length} cores, so the figures are upper bounds under contention.`,
        `Query: one account's 20 newest activity rows out of ${mints} and the scenario's, after ANALYZE; ${seconds} s ` +
          "per run after a 2 s warm-up. Each answer includes the freshness headers (the indexed block read at most once per 100 ms, shared by the requests).",
      ],
    };
    const written = writeSectionResults(INDEXER_READERS_RESULTS_FILE, results);
    console.log(`Wrote ${written.map((file) => `bench/results/${file}`).join(", ")}`);
  } finally {
    for (const indexer of running.reverse()) await indexer.stop();
    await local.stop();
    made.cleanup();
  }
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
