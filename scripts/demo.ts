/**
 * `npm run demo`: one command from a fresh checkout. Starts a local chain, deploys Coffer and its treasury Safe,
 * plays a day of a small business on it (`scripts/lib/scenario.ts`), prints what every account holds, then keeps
 * the chain serving until Ctrl-C (SIGINT) or SIGTERM.
 *
 * `npm run demo -- --check` does the same, checks the result, stops everything and exits 0 (all good) or 1.
 *
 * The chain listens on CHAIN_PORT, else on 8545 when it is free, else on any free port. In serving mode the
 * manifest goes to `deployments/31337.json` (or COFFER_DEPLOYMENTS_DIR), as with `npm run chain`, so that the
 * `coffer` CLI finds it; a check writes it to a temporary folder.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ethers } from "ethers";
import { deployCoffer, type Artifact } from "../deploy/deploy";
import { defaultDeploymentsDir } from "../deploy/manifest";
import { checkIndexerAgainstChain, curlCommand, exampleQueries } from "./lib/demo-check";
import { startDemoWeb } from "./lib/demo-web";
import { startIndexer } from "./lib/indexer-process";
import { eventLine, indexedEvents, startDemoWebhooks, waitForEvents, webhookProblems } from "./lib/demo-webhooks";
import { runDemoPaidApi } from "./lib/demo-paid-api";
import { freePort, startLocalChain, type LocalChain } from "./lib/local-chain";
import { runScenario, type ScenarioResult } from "./lib/scenario";

const ROOT = path.join(__dirname, "..");

/** What the demo was asked to do. */
interface DemoOptions {
  readonly check: boolean;
}

function parseArguments(argv: readonly string[]): DemoOptions {
  const unknown = argv.filter((argument) => argument !== "--check");
  if (unknown.length > 0)
    throw new Error(`Unknown argument(s): ${unknown.join(" ")}. Usage: npm run demo [-- --check]`);
  return { check: argv.includes("--check") };
}

/** Whether a TCP port is free on 127.0.0.1 now. */
function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** CHAIN_PORT when set; else 8545 when free; else any free port. */
async function choosePort(): Promise<{ port: number; note: string }> {
  const configured = process.env.CHAIN_PORT;
  if (configured !== undefined && configured !== "") {
    const port = Number(configured);
    if (!Number.isInteger(port) || port <= 0 || port > 65_535)
      throw new Error(`CHAIN_PORT=${configured} is not a port`);
    return { port, note: "from CHAIN_PORT" };
  }
  if (await isPortFree(8545)) return { port: 8545, note: "the default" };
  return { port: await freePort(), note: "8545 is taken" };
}

/** What is wrong with the served web app: its pages, its config, its way to the indexer (nothing when all answer). */
async function checkWebApp(url: string): Promise<string[]> {
  const problems: string[] = [];
  for (const page of ["checkout.html", "dashboard.html", "treasury.html", "config.json", "indexer/status"]) {
    const response = await fetch(`${url}/${page}`).catch((error: Error) => error);
    if (response instanceof Error) problems.push(`${page}: ${response.message}`);
    else if (!response.ok) problems.push(`${page}: HTTP ${response.status}`);
  }
  return problems;
}

/** WEB_PORT when set; else 5173 when free; else any free port. */
async function chooseWebPort(): Promise<number> {
  const configured = process.env.WEB_PORT;
  if (configured !== undefined && configured !== "") {
    const port = Number(configured);
    if (!Number.isInteger(port) || port <= 0 || port > 65_535) throw new Error(`WEB_PORT=${configured} is not a port`);
    return port;
  }
  return (await isPortFree(5173)) ? 5173 : freePort();
}

/** A compiled contract from Hardhat's `artifacts/` (the demo runs without loading Hardhat itself). */
async function readArtifact(name: string): Promise<Artifact> {
  const search = (directory: string): string | undefined => {
    for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        const found = search(full);
        if (found !== undefined) return found;
      } else if (entry.name === `${name}.json`) {
        return full;
      }
    }
    return undefined;
  };
  const folder = path.join(ROOT, "artifacts", "contracts");
  const file = fs.existsSync(folder) ? search(folder) : undefined;
  if (file === undefined) throw new Error(`No compiled artifact for ${name}: run \`npx hardhat compile\` first`);
  return JSON.parse(fs.readFileSync(file, "utf8")) as Artifact;
}

/** One row of the holdings table. */
interface Holding {
  readonly name: string;
  readonly address: string;
  readonly eth: bigint;
  readonly usdc: bigint;
  readonly dai: bigint;
}

/** What each account of the story holds on chain now: ETH and `balanceOf` of the two test tokens. */
async function readHoldings(provider: ethers.Provider, result: ScenarioResult): Promise<Holding[]> {
  const erc20 = ["function balanceOf(address) view returns (uint256)"];
  const usdc = new ethers.Contract(result.tokens.TestUSDC, erc20, provider);
  const dai = new ethers.Contract(result.tokens.TestDAI, erc20, provider);
  const named: [string, string][] = [
    ...Object.entries(result.accounts).filter(([role]) => role !== "coldWallet"),
    ["treasury Safe", result.treasurySafe],
    ["revenue split", result.splits.revenue.address],
    ["coldWallet", result.coldWallet],
  ];
  return Promise.all(
    named.map(async ([name, address]) => ({
      name,
      address,
      eth: await provider.getBalance(address),
      usdc: (await usdc.getFunction("balanceOf")(address)) as bigint,
      dai: (await dai.getFunction("balanceOf")(address)) as bigint,
    })),
  );
}

function formatAmount(amount: bigint, decimals: number, places: number): string {
  const [whole = "0", fraction = ""] = ethers.formatUnits(amount, decimals).split(".");
  return `${whole}.${fraction.padEnd(places, "0").slice(0, places)}`;
}

function holdingsTable(holdings: readonly Holding[]): string[] {
  const header = `  ${"account".padEnd(18)} ${"address".padEnd(42)} ${"ETH".padStart(14)} ${"tUSDC".padStart(12)} ${"tDAI".padStart(12)}`;
  return [
    header,
    ...holdings.map(
      (holding) =>
        `  ${holding.name.padEnd(18)} ${holding.address} ${formatAmount(holding.eth, 18, 6).padStart(14)} ` +
        `${formatAmount(holding.usdc, 6, 3).padStart(12)} ${formatAmount(holding.dai, 18, 3).padStart(12)}`,
    ),
  ];
}

/** Everything the demo started, stopped in reverse order. */
class Resources {
  private readonly stops: { name: string; stop: () => Promise<void> }[] = [];
  add(name: string, stop: () => Promise<void>): void {
    this.stops.push({ name, stop });
  }
  async stopAll(): Promise<void> {
    while (this.stops.length > 0) {
      const next = this.stops.pop();
      if (next === undefined) break;
      try {
        await next.stop();
      } catch (error) {
        console.error(`Stopping ${next.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}

async function main(): Promise<number> {
  const options = parseArguments(process.argv.slice(2));
  const started = Date.now();
  const resources = new Resources();
  let stopping = false;
  const stopAndExit = (code: number): void => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping…");
    void resources.stopAll().then(() => process.exit(code));
  };
  process.on("SIGINT", () => stopAndExit(0));
  process.on("SIGTERM", () => stopAndExit(0));

  try {
    const { port, note } = await choosePort();
    const chain: LocalChain = await startLocalChain({ port });
    resources.add("the local chain", () => chain.stop());
    console.log(`Local chain (${chain.kind}) at ${chain.url} (port ${note}), chain id 31337`);

    // This run's files (the indexer's database, the story's ids, a check's manifest), removed on exit.
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-demo-"));
    resources.add("the run's folder", async () => fs.rmSync(runDir, { recursive: true, force: true }));
    const deploymentsDir = options.check ? path.join(runDir, "deployments") : defaultDeploymentsDir();
    const accounts = await chain.provider.listAccounts();
    const deployer = accounts[0];
    if (deployer === undefined) throw new Error("The local chain has no accounts");
    console.log("\nDeploying Coffer and the 2-of-3 treasury Safe");
    const deployment = await deployCoffer({
      signer: deployer,
      network: "local",
      local: true,
      readArtifact,
      deploymentsDir,
      treasuryOwners: accounts.slice(1, 4).map((account) => account.address),
      log: (line) => console.log(line),
    });

    console.log("\nA day at Bean & Leaf Coffee Roasters");
    const result = await runScenario({
      rpcUrl: chain.url,
      deploymentsDir,
      log: (line) => console.log(`  ${line}`),
    });

    console.log(`\nWhat each account holds now (on chain, block ${result.blockNumber})`);
    for (const line of holdingsTable(await readHoldings(chain.provider, result))) console.log(line);
    const resultFile = path.join(runDir, "scenario.json");
    fs.writeFileSync(resultFile, JSON.stringify(result, null, 2) + "\n");
    console.log(`\nManifest: ${deployment.manifestFile ?? deploymentsDir}`);
    console.log(`The story's accounts, ids and addresses: ${resultFile}`);

    // The indexer, on a fresh PGlite folder: Ponder's caches are keyed by chain id, and this chain is new.
    console.log("\nStarting the indexer (Ponder on PGlite) and waiting until it reaches the chain head");
    const pglite = path.join(runDir, "pglite");
    const verbose = process.env.COFFER_DEMO_VERBOSE === "true";
    const indexerLines: string[] = [];
    const indexer = await startIndexer({
      chainId: result.chainId,
      rpcUrl: chain.url,
      deploymentsDir,
      database: { kind: "pglite", directory: pglite },
      log: (line) => (verbose ? console.log(`  [indexer] ${line}`) : indexerLines.push(line)),
    });
    resources.add("the indexer", () => indexer.stop());
    const indexingStarted = Date.now();
    await indexer.waitForBlock(result.blockNumber, 180_000);
    console.log(
      `  indexed up to block ${result.blockNumber} in ${((Date.now() - indexingStarted) / 1000).toFixed(1)} s`,
    );

    console.log(`\nGraphQL: ${indexer.graphqlUrl}  (open it in a browser for GraphiQL)`);
    for (const example of exampleQueries(result)) {
      console.log(`\n  # ${example.title}`);
      console.log(`  ${curlCommand(indexer.graphqlUrl, example)}`);
    }
    const window = `token=${result.tokens.TestUSDC.toLowerCase()}&from=${result.startTime}&to=${result.endTime + 86_400}`;
    console.log("\nReports");
    console.log(
      "  # Settlement in tUSDC per day, CSV: the orders (paid to the revenue split), then the shop's invoices and plans",
    );
    for (const merchant of [result.splits.revenue.address, result.accounts.shop]) {
      console.log(
        `  curl -s '${indexer.url}/reports/settlement?merchant=${merchant.toLowerCase()}&${window}&format=csv'`,
      );
    }
    console.log("  # Indexed balances against balanceOf on chain");
    console.log(`  curl -s '${indexer.url}/reports/reconciliation'`);
    console.log(`  Status: ${indexer.url}/status`);

    const web = await startDemoWeb({
      rpcUrl: chain.url,
      indexerUrl: indexer.url,
      manifest: deployment.manifest,
      result,
      runDir,
      port: await chooseWebPort(),
    });
    resources.add("the web app", () => web.stop());
    console.log(`\nWeb app: ${web.url}/  (its wallet menu offers the story's accounts: local chains only)`);
    for (const link of web.links) console.log(`  ${link.role}:\n    ${link.url}`);
    console.log(`  Safe approval service: ${web.safeServiceUrl} (one payout waits for a second signer)`);

    // Pay-per-request: an agent buys bean-price quotes from the roastery's API through a payment channel.
    const quotes = Number(process.env.COFFER_DEMO_PAID_REQUESTS ?? 200);
    const paidApi = await runDemoPaidApi({
      provider: chain.provider,
      funder: deployer,
      manifest: deployment.manifest,
      requests: quotes,
    });
    resources.add("the paid API", () => paidApi.stop());
    console.log(
      `\nPaid API (HTTP 402, x402 format, Coffer channels): ${paidApi.url} sells quotes at 0.001 tUSDC each.\n` +
        `  An agent paid ${paidApi.requests} quotes with ${paidApi.payerTransactions} transactions of its own ` +
        `(approval and one deposit of ${ethers.formatUnits(paidApi.deposit, 6)} tUSDC, channel ${paidApi.channelId});\n` +
        `  the roastery redeemed them in one transaction (${paidApi.redemptionTx ?? "none"}) and received ` +
        `${ethers.formatUnits(paidApi.received, 6)} tUSDC.\n` +
        `  curl -i ${paidApi.url}   # 402 with the PAYMENT-REQUIRED header`,
    );
    // The shop's server learns of its payments by webhook: an endpoint of its own, told of every event.
    const webhooks = await startDemoWebhooks({ indexerUrl: indexer.url });
    resources.add("the webhook service", () => webhooks.stop());
    // Every event up to the chain's head, the paid API's channel included.
    await indexer.waitForBlock(await chain.provider.getBlockNumber(), 120_000);
    const expectedEvents = await indexedEvents(indexer.url);
    const arrived = await waitForEvents(webhooks.receiver, expectedEvents.length);
    console.log(
      `\nWebhooks: the shop's endpoint ${webhooks.receiver.url} received ${webhooks.receiver.events.length} of ` +
        `${expectedEvents.length} events${arrived ? "" : " (still waiting)"}, each verified (Standard Webhooks ` +
        "signature), in chain order:",
    );
    for (const { event } of webhooks.receiver.events) console.log(`  ${eventLine(event)}`);
    console.log(`  Webhook service API: ${webhooks.apiUrl}  (COFFER_WEBHOOKS_API_KEY=${webhooks.apiKey})`);
    console.log(
      `  coffer webhooks list --api ${webhooks.apiUrl}   ·   coffer webhooks deliveries ${webhooks.endpointId} --api ${webhooks.apiUrl}`,
    );

    const paidProblems =
      paidApi.received === BigInt(quotes) * 1_000n
        ? []
        : [`the roastery received ${paidApi.received}, not ${BigInt(quotes) * 1_000n}`];

    if (options.check) {
      console.log("\nChecking the indexer's answers against the chain");
      // The paid API's transactions came after the story: let the indexer catch up first.
      await indexer.waitForBlock(await chain.provider.getBlockNumber(), 120_000);
      const report = await checkIndexerAgainstChain(indexer.url, chain.provider, result);
      for (const mismatch of report.mismatches) console.log(`  MISMATCH ${mismatch}`);
      const webProblems = await checkWebApp(web.url);
      for (const problem of webProblems) console.log(`  WEB APP ${problem}`);
      const hookProblems = webhookProblems(webhooks.receiver, expectedEvents);
      if (expectedEvents.length === 0) hookProblems.push("the indexer has no events for the shop");
      for (const problem of hookProblems) console.log(`  WEBHOOKS ${problem}`);
      for (const problem of paidProblems) console.log(`  PAID API ${problem}`);
      const passed =
        report.mismatches.length === 0 &&
        webProblems.length === 0 &&
        hookProblems.length === 0 &&
        paidProblems.length === 0;
      console.log(
        `\nDemo check ${passed ? "passed" : "FAILED"}: ${report.compared - report.mismatches.length} of ` +
          `${report.compared} values equal, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      if (!passed && !verbose) console.log(`\nLast indexer lines:\n${indexerLines.slice(-20).join("\n")}`);
      await resources.stopAll();
      return passed ? 0 : 1;
    }
    console.log(`\nReady. RPC ${chain.url}, GraphQL ${indexer.graphqlUrl}. Press Ctrl-C to stop.`);
    // Serve until a signal: the timer keeps the process alive even if every child is quiet.
    setInterval(() => undefined, 1 << 30);
    return await new Promise<number>(() => undefined);
  } catch (error) {
    console.error(`\nDemo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await resources.stopAll();
    return 1;
  }
}

void main().then((code) => process.exit(code));
