/**
 * `npm run bench:indexer-scale`: a configured token as busy as USDC on a large chain, with and without the
 * indexer's filter (issue #22, item 1).
 *
 * A local Anvil chain gets the mixed Coffer workload (`bench/indexer/mixed.ts`, 10,000 Coffer events in the test
 * tokens) and a `SpamERC20` configured through `COFFER_TOKENS_31337`, whose `spam(seed, n)` emits `n` `Transfer`
 * logs between made-up accounts from the token's own address (no storage writes): 1,000,000 of them by default.
 * The same chain is then indexed twice, each on a fresh PostgreSQL database: with the filter (the default: only
 * transfers from or to tracked accounts) and without it (`COFFER_TOKENS_ALL_TRANSFERS_31337=true`). Each run
 * reports start-up (spawn to `/health`), backfill (`/health` to `/ready`) and the events its handlers ran, from
 * Ponder's `/metrics`. A run that does not finish within `BENCH_SCALE_TIMEOUT_MINUTES` (30) is reported with how
 * far it got.
 *
 * Writes `bench/results/indexer-scale.json`. Settings: `BENCH_SCALE_SPAM` (unrelated transfers), `BENCH_SCALE_COFFER`
 * (Coffer events), `BENCH_SCALE_ONLY=filtered` (skip the run without the filter), `BENCH_INDEXER_VERBOSE=true`.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ethers } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { deployCoffer } from "../deploy/deploy";
import { startIndexer, type RunningIndexer } from "../scripts/lib/indexer-process";
import { devPrivateKey, startLocalChain } from "../scripts/lib/local-chain";
import { gitCommit, machineInfo } from "./environment";
import { handlerFigures, type HandlerFigures } from "./indexer-handlers";
import { createMixedWorkload } from "./indexer/mixed";
import { round } from "./indexer/stats";
import { RESULTS_DIR } from "./results";

const CHAIN_ID = 31337;
const FINALITY_BLOCKS = 32;
/** Logs per `spam` call: ≈ 2.3 M gas, a dozen calls per 30 M-gas block. */
const PER_CALL = 1_000;
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

function count(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`Not a count: ${raw}`);
  return value;
}

interface Run {
  filter: "tracked accounts" | "none";
  finished: boolean;
  startupSeconds: number;
  /** `/health` to `/ready`; for a run that did not finish, to when it was stopped. */
  backfillSeconds: number;
  handlers: HandlerFigures;
  /** Handler calls of the spam token's `Transfer` (both filtered sources, or `Token` without the filter). */
  tokenTransferEvents: number;
  tokenBalanceRows: number;
}

async function metricsOf(indexer: RunningIndexer): Promise<HandlerFigures> {
  return handlerFigures(await (await fetch(`${indexer.url}/metrics`)).text());
}

async function main(hre: HardhatRuntimeEnvironment): Promise<void> {
  const spamTarget = count(process.env.BENCH_SCALE_SPAM, 1_000_000);
  const cofferTarget = count(process.env.BENCH_SCALE_COFFER, 10_000);
  const timeoutMs = count(process.env.BENCH_SCALE_TIMEOUT_MINUTES, 30) * 60_000;
  const verbose = process.env.BENCH_INDEXER_VERBOSE === "true";
  const chain = await startLocalChain({ chainId: CHAIN_ID });
  const deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-bench-scale-"));
  const provider = new ethers.JsonRpcProvider(chain.url, CHAIN_ID, { staticNetwork: true, batchMaxCount: 1 });
  const databases: string[] = [];
  let indexer: RunningIndexer | undefined;
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
    const artifact = await hre.artifacts.readArtifact("SpamERC20");
    const spammer = new ethers.Wallet(devPrivateKey(2), provider);
    const spamToken = await new ethers.ContractFactory(artifact.abi, artifact.bytecode, spammer).deploy(
      "Busy USD",
      "BUSD",
      6,
    );
    await spamToken.waitForDeployment();
    const spamAddress = (await spamToken.getAddress()).toLowerCase();
    const spamStart = (await spamToken.deploymentTransaction()!.wait())!.blockNumber;

    const generatedAt = Date.now();
    const workload = await createMixedWorkload(provider, chain.url, deploymentsDir, manifest, undefined, [spamAddress]);
    const tally = await workload.growTo(cofferTarget);
    const cofferSeconds = (Date.now() - generatedAt) / 1000;
    console.log(
      `${tally.coffer} Coffer events, ${tally.transfers} test-token transfers in ${cofferSeconds.toFixed(1)} s`,
    );

    // The unrelated transfers: automine is off (the workload left it so); a round of calls, then blocks until the
    // pool is empty.
    const spamAt = Date.now();
    const iface = new ethers.Interface(artifact.abi);
    // Full blocks raise the base fee by 12.5 % each: it is set back to 1 gwei before each block, so that a million
    // logs cost the same gas price throughout.
    const baseFee = 1_000_000_000n;
    const gasPrice = 2n * baseFee;
    let nonce = await provider.getTransactionCount(spammer.address, "pending");
    let spam = 0;
    let spamBlocks = 0;
    while (spam < spamTarget) {
      const hashes: string[] = [];
      for (let i = 0; i < 50 && spam < spamTarget; i++) {
        const n = Math.min(PER_CALL, spamTarget - spam);
        const signed = await spammer.signTransaction({
          to: spamAddress,
          data: iface.encodeFunctionData("spam", [BigInt(spam), BigInt(n)]),
          gasLimit: 3_000_000n,
          gasPrice,
          nonce: nonce++,
          chainId: CHAIN_ID,
          type: 0,
        });
        hashes.push((await provider.send("eth_sendRawTransaction", [signed])) as string);
        spam += n;
      }
      for (;;) {
        const status = (await provider.send("txpool_status", [])) as { pending: string };
        if (BigInt(status.pending) === 0n) break;
        await provider.send("anvil_setNextBlockBaseFeePerGas", [ethers.toQuantity(baseFee)]);
        await provider.send("evm_mine", []);
        spamBlocks += 1;
      }
      const last = await provider.getTransactionReceipt(hashes[hashes.length - 1]!);
      if (last === null || last.status !== 1) {
        throw new Error(
          `spam transaction ${hashes[hashes.length - 1]} ${last === null ? "was not mined" : `reverted (gas used ${last.gasUsed})`}`,
        );
      }
    }
    const spamSeconds = (Date.now() - spamAt) / 1000;
    console.log(`${spam} unrelated transfers in ${spamBlocks} blocks, ${spamSeconds.toFixed(1)} s`);
    await provider.send("anvil_mine", [ethers.toQuantity(FINALITY_BLOCKS)]);
    const head = await provider.getBlockNumber();

    const runs: Run[] = [];
    const modes: Run["filter"][] =
      process.env.BENCH_SCALE_ONLY === "filtered" ? ["tracked accounts"] : ["tracked accounts", "none"];
    for (const mode of modes) {
      const database = `coffer_scale_${process.pid}_${Date.now()}`;
      psql("postgres", `CREATE DATABASE "${database}"`);
      databases.push(database);
      const spawnedAt = performance.now();
      indexer = await startIndexer({
        chainId: CHAIN_ID,
        rpcUrl: chain.url,
        deploymentsDir,
        database: {
          kind: "postgres",
          connectionString: `postgresql://${PG.user}@${PG.host}:${PG.port}/${database}`,
          schema: "scale",
        },
        env: {
          [`COFFER_TOKENS_${CHAIN_ID}`]: `${spamAddress}@${spamStart}`,
          ...(mode === "none" ? { [`COFFER_TOKENS_ALL_TRANSFERS_${CHAIN_ID}`]: "true" } : {}),
        },
        log: verbose ? (line) => console.log(`  [ponder] ${line}`) : undefined,
      });
      const healthyAt = performance.now();
      let readyAt: number | undefined;
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if ((await fetch(`${indexer.url}/ready`)).ok) {
          readyAt = performance.now();
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const finished = readyAt !== undefined;
      if (finished) await indexer.waitForBlock(head, timeoutMs);
      const handlers = await metricsOf(indexer);
      const tokenTransferEvents = Object.entries(handlers.byEvent)
        .filter(([event]) => event.endsWith(":Transfer"))
        .reduce((sum, [, figure]) => sum + figure.count, 0);
      await indexer.stop();
      indexer = undefined;
      const tokenBalanceRows = finished
        ? Number(psql(database, `SELECT count(*) FROM scale.token_balance WHERE token = '${spamAddress}'`))
        : -1;
      const run: Run = {
        filter: mode,
        finished,
        startupSeconds: round((healthyAt - spawnedAt) / 1000, 2),
        backfillSeconds: round(((readyAt ?? performance.now()) - healthyAt) / 1000, 2),
        handlers,
        tokenTransferEvents,
        tokenBalanceRows,
      };
      runs.push(run);
      console.log(
        `Filter ${mode}: ${finished ? "" : "NOT FINISHED, stopped after "}start-up ${run.startupSeconds} s, backfill ` +
          `${run.backfillSeconds} s; ${handlers.events} handler events (${tokenTransferEvents} token Transfer) in ` +
          `${handlers.handlerSeconds} s of handler time; ${tokenBalanceRows} balances of the busy token`,
      );
    }
    const results = {
      schema: 1,
      date: new Date().toISOString(),
      ...gitCommit(),
      machine: machineInfo(),
      chain: {
        cofferEvents: tally.coffer,
        testTokenTransfers: tally.transfers,
        unrelatedTransfers: spam,
        blocks: head,
        generateSeconds: { coffer: round(cofferSeconds, 1), unrelated: round(spamSeconds, 1) },
      },
      method:
        "One Anvil chain: the mixed Coffer workload in the test tokens, and a configured token (COFFER_TOKENS_31337) " +
        "emitting unrelated Transfer logs between made-up accounts; indexed by a fresh `ponder start` on a fresh " +
        "PostgreSQL database with the filter (transfers from or to tracked accounts) and without it " +
        "(COFFER_TOKENS_ALL_TRANSFERS_31337=true). Start-up: spawn to /health; backfill: /health to /ready; handler " +
        "events and time from Ponder's /metrics.",
      loadAverage: os.loadavg().map((value) => round(value, 1)),
      runs,
    };
    const file = path.join(process.env.BENCH_SCALE_RESULTS_DIR ?? RESULTS_DIR, "indexer-scale.json");
    fs.writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`Wrote ${path.relative(process.cwd(), file)}`);
  } finally {
    if (indexer !== undefined) await indexer.stop();
    provider.destroy();
    await chain.stop();
    fs.rmSync(deploymentsDir, { recursive: true, force: true });
    for (const database of databases) psql("postgres", `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
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
