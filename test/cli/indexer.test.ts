import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "ethers";
import { z } from "zod";
import { startIndexer, type RunningIndexer } from "../../scripts/lib/indexer-process";
import { devPrivateKey, freePort } from "../../scripts/lib/local-chain";
import { runScenario, SCENARIO_ACCOUNTS, type ScenarioResult } from "../../scripts/lib/scenario";
import { createCofferClient, type CofferClient } from "../../sdk/src/client";
import * as escrow from "../../sdk/src/escrow";
import { createIndexerClient, type IndexerClient } from "../../sdk/src/indexer";
import * as splits from "../../sdk/src/splits";
import { MockERC20__factory } from "../../typechain-types";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { cliEnv, runCli, runCliInProcess } from "./helpers";
import { readDeploymentManifest } from "../../sdk/src/node";

/** Blocks behind the head that Ponder treats as final on a 31337 chain: mined so the scenario is backfilled. */
const FINALITY = 32;
const CHAIN_ID = 31337;
const lc = (value: string) => value.toLowerCase();
/** Held in escrow after the story (which settles every order), so that a payer has funds escrowed. */
const HELD = ethers.parseEther("0.05");
/** Credited to the partner by a pull-only split after the story (whose split pushes every share). */
const CREDITED = ethers.parseEther("0.06");

interface Row {
  token: string;
  [key: string]: unknown;
}

describe("coffer balances, history, payments and reports (the indexer, as child processes)", function () {
  this.timeout(170_000);
  let local: DeployedLocalChain;
  let scenario: ScenarioResult;
  let indexer: RunningIndexer;
  let client: IndexerClient;
  let coffer: CofferClient;
  let env: NodeJS.ProcessEnv;
  let pglite: string;

  before(async function () {
    local = await startDeployedLocalChain();
    scenario = await runScenario({ rpcUrl: local.chain.url, deploymentsDir: local.deploymentsDir });
    // One more order, authorized and left in escrow: Fay holds 0.05 ETH there.
    const fay = new ethers.Wallet(devPrivateKey(SCENARIO_ACCOUNTS.customerFay), local.chain.provider);
    const time = BigInt((await local.chain.provider.getBlock("latest"))?.timestamp ?? 0);
    await escrow.authorize(
      await createCofferClient({ runner: fay, manifest: readDeploymentManifest(local.deploymentsDir, 31337) }),
      {
        operator: scenario.accounts.shop,
        payer: fay.address,
        payee: scenario.splits.revenue.address,
        token: ethers.ZeroAddress,
        maxAmount: HELD,
        preApprovalExpiry: time + 3_600n,
        authorizationExpiry: time + 7n * 86_400n,
        refundExpiry: time + 30n * 86_400n,
        minFeeBps: 0,
        maxFeeBps: 100,
        feeReceiver: scenario.accounts.processor,
        arbiter: scenario.accounts.arbiter,
        referenceId: ethers.encodeBytes32String("ORDER-CLI-1"),
        salt: 424242n,
      },
      HELD,
    );
    // And a pull-only split given 0.1 ETH and distributed: the partner is credited 60% of it, to withdraw.
    const keeper = new ethers.Wallet(devPrivateKey(SCENARIO_ACCOUNTS.keeper), local.chain.provider);
    const keeperClient = await createCofferClient({
      runner: keeper,
      manifest: readDeploymentManifest(local.deploymentsDir, 31337),
    });
    const config = splits.splitConfig(
      [
        { account: scenario.accounts.partner, allocation: 600_000n },
        { account: scenario.accounts.supplier, allocation: 400_000n },
      ],
      { pullOnly: true },
    );
    const { split } = await splits.createSplit(keeperClient, config);
    await (await keeper.sendTransaction({ to: split, value: ethers.parseEther("0.1") })).wait();
    await splits.distribute(keeperClient, split, config, ethers.ZeroAddress);
    // Plain ETH to the treasury Safe: `coffer balances` shows it, read by the indexer at its indexed block.
    await (await keeper.sendTransaction({ to: scenario.treasurySafe, value: ethers.parseEther("0.3") })).wait();
    await local.chain.provider.send("anvil_mine", [ethers.toQuantity(FINALITY)]);
    const head = await local.chain.provider.getBlockNumber();
    pglite = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-cli-indexer-"));
    indexer = await startIndexer({
      chainId: CHAIN_ID,
      rpcUrl: local.chain.url,
      deploymentsDir: local.deploymentsDir,
      database: { kind: "pglite", directory: pglite },
    });
    await indexer.waitForBlock(head, 120_000);
    client = createIndexerClient({ url: indexer.url });
    coffer = await createCofferClient({
      runner: local.chain.provider,
      manifest: readDeploymentManifest(local.deploymentsDir, 31337),
    });
    env = cliEnv({ COFFER_INDEXER_URL: indexer.url, COFFER_DEPLOYMENTS_DIR: local.deploymentsDir });
  });

  after(async function () {
    await indexer?.stop();
    await local?.stop();
    if (pglite !== undefined) fs.rmSync(pglite, { recursive: true, force: true });
  });

  it("balances --json: the tokens held equal balanceOf on the chain, escrow equals the indexer's, split credits the split's", async function () {
    const held = await client.query(
      "holders",
      `{ escrowBalances(where: { chainId: ${CHAIN_ID} }, limit: 1000) { items { account token amount } }
         credits(where: { chainId: ${CHAIN_ID}, sourceKind: "split" }, limit: 1000) { items { account source token amount } } }`,
      {},
      z.object({
        escrowBalances: z.object({
          items: z.array(z.object({ account: z.string(), token: z.string(), amount: z.string() })),
        }),
        credits: z.object({
          items: z.array(
            z.object({
              account: z.string(),
              source: z.string(),
              token: z.string(),
              amount: z.string(),
            }),
          ),
        }),
      }),
    );
    expect(held.escrowBalances.items).to.deep.include({
      account: lc(scenario.accounts.customerFay),
      token: ethers.ZeroAddress,
      amount: HELD.toString(),
    });
    expect(held.credits.items.map((row) => [row.account, row.token, row.amount])).to.deep.include([
      lc(scenario.accounts.partner),
      ethers.ZeroAddress,
      CREDITED.toString(),
    ]);
    const accounts = [scenario.treasurySafe, scenario.accounts.customerFay, scenario.accounts.partner];
    let checked = 0;
    for (const account of accounts) {
      const run = await runCli(["balances", account, "--json"], env);
      expect(run.code, run.stderr).to.equal(0);
      const out = run.json<{
        ok: boolean;
        chainId: number;
        account: string;
        native: { symbol: string; balance: string; formatted: string; block: number };
        tokens: (Row & { balance: string })[];
        escrowed: (Row & { amount: string })[];
        credits: (Row & { source: string; sourceKind: string; amount: string })[];
      }>();
      expect(out.ok).to.equal(true);
      expect(out.chainId).to.equal(CHAIN_ID);
      expect(out.account).to.equal(ethers.getAddress(account));
      expect(out.native.symbol).to.equal("ETH");
      expect(out.native.block).to.equal(await client.indexedBlock(CHAIN_ID));
      expect(BigInt(out.native.balance), `${account} ETH`).to.equal(
        await local.chain.provider.getBalance(account, out.native.block),
      );
      for (const token of [scenario.tokens.TestUSDC, scenario.tokens.TestDAI]) {
        const onChain = await MockERC20__factory.connect(token, local.chain.provider).balanceOf(account);
        const row = out.tokens.find((candidate) => candidate.token === lc(token));
        expect(BigInt(row?.balance ?? "0"), `${account} ${token}`).to.equal(onChain);
        checked += 1;
      }
      const escrowed = held.escrowBalances.items.filter((row) => row.account === lc(account) && row.amount !== "0");
      expect(out.escrowed.map((row) => [row.token, row.amount])).to.have.deep.members(
        escrowed.map((row) => [row.token, row.amount]),
      );
      const credits = held.credits.items.filter((row) => row.account === lc(account) && row.amount !== "0");
      expect(out.credits.map((row) => [row.source, row.token, row.amount])).to.have.deep.members(
        credits.map((row) => [row.source, row.token, row.amount]),
      );
      for (const credit of out.credits.filter((row) => row.sourceKind === "split")) {
        const onChain = await splits.splitBalances(coffer, credit.source, credit.token, [account]);
        expect(BigInt(credit.amount)).to.equal(onChain.credits[0]?.credit);
        checked += 1;
      }
    }
    // Two tokens for each account, and the partner's split credit.
    expect(checked).to.equal(accounts.length * 2 + 1);
  });

  it("balances prints a table in token units from the manifest", async function () {
    const run = await runCli(["balances", scenario.treasurySafe], env);
    expect(run.code, run.stderr).to.equal(0);
    const usdc = await MockERC20__factory.connect(scenario.tokens.TestUSDC, local.chain.provider).balanceOf(
      scenario.treasurySafe,
    );
    expect(usdc).to.be.greaterThan(0n);
    expect(run.stdout).to.contain(`Account ${ethers.getAddress(scenario.treasurySafe)} on chain ${CHAIN_ID}`);
    expect(run.stdout).to.match(
      new RegExp(`^ {2}tUSDC +${ethers.formatUnits(usdc, 6).replace(".", "\\.")} tUSDC$`, "m"),
    );
    const eth = await local.chain.provider.getBalance(scenario.treasurySafe);
    expect(eth).to.be.at.least(ethers.parseEther("0.3"));
    const ethText = ethers.formatEther(eth).replace(/\.0$/, "").replace(".", "\\.");
    expect(run.stdout).to.match(new RegExp(`^ {2}ETH +${ethText} ETH$`, "m"));
    expect(run.stdout).to.match(/^Held \(ETH read at indexed block \d+\)$/m);
  });

  it("history pages newest first with --limit and --after, as the SDK client does, and prints the next cursor", async function () {
    const account = scenario.accounts.customerDana;
    const first = await runCli(["history", account, "--limit", "3", "--json"], env);
    expect(first.code, first.stderr).to.equal(0);
    const page1 = first.json<{
      items: { id: string; blockNumber: string }[];
      endCursor: string;
      hasNextPage: boolean;
    }>();
    const expected1 = await client.activity(CHAIN_ID, account, { limit: 3 });
    expect(page1.items.map((row) => row.id)).to.deep.equal(expected1.items.map((row) => row.id));
    expect(page1.hasNextPage).to.equal(true);
    expect(page1.endCursor).to.equal(expected1.endCursor);

    const second = await runCli(["history", account, "--limit", "3", "--after", page1.endCursor, "--json"], env);
    expect(second.code, second.stderr).to.equal(0);
    const page2 = second.json<{ items: { id: string; blockNumber: string }[] }>();
    const expected2 = await client.activity(CHAIN_ID, account, { limit: 3, after: page1.endCursor });
    expect(page2.items.map((row) => row.id)).to.deep.equal(expected2.items.map((row) => row.id));
    expect(page2.items.map((row) => row.id)).to.not.include.members(page1.items.map((row) => row.id));
    const blocks = [...page1.items, ...page2.items].map((row) => BigInt(row.blockNumber));
    expect(blocks).to.deep.equal([...blocks].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));

    const readable = await runCli(["history", account, "--limit", "3"], env);
    expect(readable.code, readable.stderr).to.equal(0);
    expect(readable.stdout).to.contain(`Next page: --after ${page1.endCursor}`);
    expect(readable.stdout).to.match(/time \(UTC\) +kind +role +amount/);
  });

  it("payments --merchant [--state] lists a payee's payments as the SDK client does, every order of the story included", async function () {
    const payee = Object.values(scenario.payments)[0]?.payee;
    if (payee === undefined) throw new Error("the scenario made no payment");
    const all = await runCli(["payments", "--merchant", payee, "--json"], env);
    expect(all.code, all.stderr).to.equal(0);
    const listed = all.json<{ items: { id: string; state: string; payee: string; captured: string }[] }>().items;
    const expected = await client.payments(CHAIN_ID, { payee });
    expect(listed.map((row) => row.id)).to.deep.equal(expected.items.map((row) => row.id));
    expect(listed.length).to.be.greaterThan(0);
    for (const row of listed) expect(row.payee).to.equal(lc(payee));
    // Every payment of the story to this payee is listed.
    const story = Object.values(scenario.payments).filter((payment) => lc(payment.payee) === lc(payee));
    expect(listed.map((row) => row.id)).to.include.members(story.map((payment) => lc(payment.id)));

    const state = listed[0]?.state ?? "captured";
    const filtered = await runCli(["payments", "--merchant", payee, "--state", state, "--json"], env);
    expect(filtered.code, filtered.stderr).to.equal(0);
    const only = filtered.json<{ items: { id: string; state: string }[] }>().items;
    expect(only.map((row) => row.state)).to.deep.equal(only.map(() => state));
    expect(only.map((row) => row.id)).to.deep.equal(listed.filter((row) => row.state === state).map((row) => row.id));
  });

  it("report settlement: --json and --csv equal the SDK client's reports, dates or unix seconds", async function () {
    const payment = Object.values(scenario.payments).find((candidate) => candidate.token === scenario.tokens.TestUSDC);
    if (payment === undefined) throw new Error("no TestUSDC payment in the scenario");
    const fromDate = new Date(scenario.startTime * 1000).toISOString().slice(0, 10);
    const from = BigInt(Date.parse(`${fromDate}T00:00:00Z`) / 1000);
    const to = BigInt(scenario.endTime + 1);
    const args = ["report", "settlement", "--merchant", payment.payee, "--token", "TestUSDC", "--from", fromDate];
    const json = await runCli([...args, "--to", to.toString(), "--json"], env);
    expect(json.code, json.stderr).to.equal(0);
    const expected = await client.settlementReport({
      merchant: payment.payee,
      token: scenario.tokens.TestUSDC,
      from,
      to,
      chainId: CHAIN_ID,
    });
    const report = json.json<{
      ok: boolean;
      totals: { gross: string; net: string; entries: number };
      days: unknown[];
    }>();
    expect(report.ok).to.equal(true);
    expect(report.totals).to.deep.equal({
      gross: expected.totals.gross.toString(),
      fees: expected.totals.fees.toString(),
      refunds: expected.totals.refunds.toString(),
      net: expected.totals.net.toString(),
      entries: expected.totals.entries,
    });
    expect(report.days).to.have.length(expected.days.length);
    expect(expected.totals.entries).to.be.greaterThan(0);

    const csv = await runCli([...args, "--to", to.toString(), "--csv"], env);
    expect(csv.code, csv.stderr).to.equal(0);
    const expectedCsv = await client.settlementCsv({
      merchant: payment.payee,
      token: scenario.tokens.TestUSDC,
      from,
      to,
      chainId: CHAIN_ID,
    });
    expect(csv.stdout.trimEnd()).to.equal(expectedCsv.trimEnd());

    const readable = await runCli([...args, "--to", to.toString()], env);
    expect(readable.code, readable.stderr).to.equal(0);
    expect(readable.stdout).to.match(
      new RegExp(
        `^ {2}total +${expected.totals.entries} +${ethers.formatUnits(expected.totals.gross, 6).replace(".", "\\.")} tUSDC`,
        "m",
      ),
    );
  });

  it("report reconcile exits 0 when the indexer equals the chain", async function () {
    const json = await runCli(["report", "reconcile", "--json"], env);
    expect(json.code, json.stderr).to.equal(0);
    const report = json.json<{ ok: boolean; chains: { chainId: number; checked: number; differences: unknown[] }[] }>();
    expect(report.ok).to.equal(true);
    expect(report.chains[0]?.chainId).to.equal(CHAIN_ID);
    expect(report.chains[0]?.checked).to.be.greaterThan(0);
    const readable = await runCli(["report", "reconcile"], env);
    expect(readable.code, readable.stderr).to.equal(0);
    expect(readable.stdout).to.contain("the indexer equals the chain");
  });

  it("exits 2 on a malformed address or time before any request, 1 with a readable message when the indexer is down", async function () {
    // An unreachable indexer: exit 2 (not 1) shows the argument was refused before any request.
    const down = `http://127.0.0.1:${await freePort()}`;
    const offline = cliEnv({ COFFER_INDEXER_URL: down, COFFER_DEPLOYMENTS_DIR: local.deploymentsDir });
    const bad = await runCli(["balances", "0x1234", "--json"], offline);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain("account 0x1234 is not an address");
    expect(bad.json<{ ok: boolean; error: { name: string } }>().error.name).to.equal("UsageError");
    // The other usage errors in this process (the same `main` as the bin), to keep the file short.
    const badMerchant = await runCliInProcess(["payments", "--merchant", "shop"], offline);
    expect(badMerchant.code).to.equal(2);
    const badTime = await runCliInProcess(
      [
        "report",
        "settlement",
        "--merchant",
        scenario.accounts.shop,
        "--token",
        "TestUSDC",
        "--from",
        "yesterday",
        "--to",
        "0",
      ],
      offline,
    );
    expect(badTime.code).to.equal(2);
    expect(badTime.stderr).to.contain("--from yesterday is not a date");

    const unreachable = await runCli(["history", scenario.accounts.shop, "--json"], offline);
    expect(unreachable.code).to.equal(1);
    expect(unreachable.stderr).to.match(/^coffer: Cannot reach the indexer at http:\/\/127\.0\.0\.1:\d+/);
    expect(unreachable.json<{ ok: boolean; error: { name: string } }>()).to.deep.include({ ok: false });
    expect(unreachable.json<{ error: { name: string } }>().error.name).to.equal("IndexerUnavailableError");
    const reconcile = await runCli(["report", "reconcile", "--indexer", down], env);
    expect(reconcile.code).to.equal(1);
    expect(reconcile.stderr).to.contain("Cannot reach the indexer");
  });
});
