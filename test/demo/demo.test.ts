import { spawn, execFile, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "ethers";
import { checkIndexerAgainstChain } from "../../scripts/lib/demo-check";
import { freePort } from "../../scripts/lib/local-chain";
import type { ScenarioResult } from "../../scripts/lib/scenario";
import {
  createIndexerClient,
  IndexerQueryError,
  IndexerResponseError,
  IndexerUnavailableError,
  type IndexerClient,
} from "../../sdk/src/indexer";
import { MockERC20__factory } from "../../typechain-types";
import { z } from "zod";
import { startDeployedLocalChain } from "../helpers/local-chain";

const ROOT = path.join(__dirname, "..", "..");
const DEMO_TIMEOUT_MS = 300_000;

/** The demo as a child process (ts-node, no compile: the test run has compiled already). */
function spawnDemo(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/demo.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

function exitOf(child: ChildProcess, timeoutMs: number, output: () => string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`The demo did not exit within ${timeoutMs} ms:\n${output().slice(-3000)}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

async function rpcAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(2_000),
    });
    return response.ok;
  } catch {
    return false;
  }
}

const ROLES = ["keeper", "shop", "customerDana", "customerEli", "customerFay", "partner", "supplier", "coldWallet"];

describe("demo: npm run demo", function () {
  this.timeout(DEMO_TIMEOUT_MS);

  it("with --check, compares the indexer with the chain, prints the story, holdings and summary, and exits 0", async function () {
    const chainPort = await freePort();
    const { child, output } = spawnDemo(["--check"], { CHAIN_PORT: String(chainPort) });
    const code = await exitOf(child, DEMO_TIMEOUT_MS, output);
    const text = output();
    expect(code, text.slice(-3000)).to.equal(0);
    expect(text).to.contain(`Local chain (anvil) at http://127.0.0.1:${chainPort}`);
    expect(text).to.match(/\[day 1 16:00\] The arbiter resolves ORDER-2003/);
    expect(text).to.match(/\[day 2 10:00\] .*failed #2 \(allowance too low\)/);
    expect(text).to.match(/\[day 2 13:00\] The keeper sweeps 34\.225 tUSDC/);
    for (const role of ROLES) expect(text).to.match(new RegExp(`^  ${role} +0x[0-9a-fA-F]{40} `, "m"));
    expect(text).to.match(/^ {2}treasury Safe +0x[0-9a-fA-F]{40} +0\.101150 +100\.000 +82\.467$/m);
    expect(text).to.match(/^GraphQL: http:\/\/127\.0\.0\.1:\d+\/graphql/m);
    expect(text.match(/^ {2}curl -s http:\/\/127\.0\.0\.1:\d+\/graphql /gm)).to.have.length(4);
    expect(text).not.to.contain("MISMATCH");
    // The shop's endpoint was told of every event of the day, each verified, in chain order.
    const hooks =
      /^Webhooks: the shop's endpoint http:\/\/127\.0\.0\.1:\d+\/hooks received (\d+) of (\d+) events, each verified/m.exec(
        text,
      );
    expect(hooks, text.slice(-3000)).to.not.equal(null);
    // The paid API: 200 quotes over one channel, with two transactions of the agent's and one redemption.
    expect(text).to.match(
      /^ {2}An agent paid 200 quotes with 2 transactions of its own \(approval and one deposit of 5\.0 tUSDC/m,
    );
    expect(text).to.match(
      /^ {2}the roastery redeemed them in one transaction \(0x[0-9a-f]{64}\) and received 0\.2 tUSDC\.$/m,
    );
    expect(hooks![1]).to.equal(hooks![2]);
    expect(Number(hooks![1])).to.be.greaterThan(25);
    for (const type of [
      "invoice.paid",
      "payment.captured",
      "payment.refunded",
      "subscription.past_due",
      "treasury.swept",
    ]) {
      expect(text).to.match(new RegExp(`^  ${type.replace(".", "\\.")} +.* block \\d+  evt_[0-9a-f]{32}$`, "m"));
    }
    const blocks = [...text.matchAll(/^ {2}[a-z_.]+ +.* block (\d+) {2}evt_[0-9a-f]{32}$/gm)].map((match) =>
      Number(match[1]),
    );
    expect(blocks).to.have.length(Number(hooks![1]));
    expect(blocks).to.deep.equal([...blocks].sort((a, b) => a - b));
    expect(text).not.to.contain("WEBHOOKS ");
    const summary = /Demo check passed: (\d+) of (\d+) values equal/.exec(text);
    expect(summary, text.slice(-2000)).to.not.equal(null);
    expect(summary![1]).to.equal(summary![2]);
    expect(Number(summary![2])).to.be.greaterThan(60);
    // Every child stopped: the chain no longer answers.
    expect(await rpcAnswers(`http://127.0.0.1:${chainPort}`)).to.equal(false);
  });

  describe("serving until stopped", function () {
    let demo: { child: ChildProcess; output: () => string };
    let rpcUrl: string;
    let graphqlUrl: string;
    let result: ScenarioResult;
    let client: IndexerClient;
    let provider: ethers.JsonRpcProvider;
    let deploymentsDir: string;

    before(async function () {
      deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-demo-test-"));
      demo = spawnDemo([], {
        CHAIN_PORT: String(await freePort()),
        WEB_PORT: String(await freePort()),
        COFFER_DEPLOYMENTS_DIR: deploymentsDir,
      });
      const deadline = Date.now() + DEMO_TIMEOUT_MS - 30_000;
      let ready: RegExpExecArray | null = null;
      while (ready === null) {
        if (demo.child.exitCode !== null) throw new Error(`The demo exited:\n${demo.output().slice(-3000)}`);
        if (Date.now() > deadline) throw new Error(`The demo was not ready in time:\n${demo.output().slice(-3000)}`);
        ready = /^Ready\. RPC (\S+), GraphQL (\S+)\. Press Ctrl-C to stop\.$/m.exec(demo.output());
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      rpcUrl = ready[1]!;
      graphqlUrl = ready[2]!;
      const resultFile = /^The story's accounts, ids and addresses: (\S+)$/m.exec(demo.output())![1]!;
      result = JSON.parse(fs.readFileSync(resultFile, "utf8")) as ScenarioResult;
      client = createIndexerClient({ url: graphqlUrl });
      provider = new ethers.JsonRpcProvider(rpcUrl, 31337, { staticNetwork: true });
      expect(fs.existsSync(path.join(deploymentsDir, "31337.json"))).to.equal(true);
    });

    after(async function () {
      provider?.destroy();
      if (demo !== undefined && demo.child.exitCode === null) {
        demo.child.kill("SIGKILL");
      }
      fs.rmSync(deploymentsDir, { recursive: true, force: true });
    });

    it("runs a webhook service whose API shows the shop's endpoint and every delivery made", async function () {
      const match = /^ {2}Webhook service API: (\S+) {2}\(COFFER_WEBHOOKS_API_KEY=(\S+)\)$/m.exec(demo.output());
      expect(match, demo.output().slice(-2000)).to.not.equal(null);
      const [, api, key] = match as unknown as [string, string, string];
      const get = (route: string, auth = `Bearer ${key}`) =>
        fetch(`${api}${route}`, { headers: { authorization: auth } });
      expect((await get("/v1/endpoints", "Bearer wrong-key-0123456789")).status).to.equal(401);
      const { endpoints } = (await (await get("/v1/endpoints")).json()) as { endpoints: { id: string; url: string }[] };
      expect(endpoints).to.have.length(1);
      const { deliveries } = (await (await get(`/v1/endpoints/${endpoints[0]!.id}/deliveries?limit=1000`)).json()) as {
        deliveries: { status: string; attempts: { statusCode: number | null }[] }[];
      };
      const received = Number(/received (\d+) of/.exec(demo.output())![1]);
      expect(deliveries).to.have.length(received);
      expect(new Set(deliveries.map((delivery) => delivery.status))).to.deep.equal(new Set(["succeeded"]));
    });

    it("prints curl commands that answer rows", async function () {
      const commands = demo.output().match(/^ {2}curl -s http:\/\/127\.0\.0\.1:\d+\/graphql .*$/gm) ?? [];
      expect(commands).to.have.length(4);
      for (const command of commands) {
        const stdout = await new Promise<string>((resolve, reject) =>
          execFile("sh", ["-c", command.trim()], (error, out) => (error ? reject(error) : resolve(out))),
        );
        const body = JSON.parse(stdout) as { data?: Record<string, { items: unknown[] }>; errors?: unknown };
        expect(body.errors, command).to.equal(undefined);
        const rows = Object.values(body.data ?? {}).reduce((sum, page) => sum + page.items.length, 0);
        expect(rows, command).to.be.greaterThan(0);
      }
    });

    it("serves the web app with a link per role, its config, and the indexer and Safe service behind it", async function () {
      const web = /^Web app: (http:\/\/127\.0\.0\.1:\d+)\/ /m.exec(demo.output());
      expect(web, demo.output().slice(-3000)).to.not.equal(null);
      const links = [...demo.output().matchAll(/^ {4}(http:\/\/127\.0\.0\.1:\d+\/\S+)$/gm)].map((match) => match[1]!);
      expect(links.map((link) => new URL(link).pathname)).to.deep.equal([
        "/checkout.html",
        "/checkout.html",
        "/checkout.html",
        "/dashboard.html",
        "/dashboard.html",
        "/treasury.html",
      ]);
      for (const link of links) {
        const response = await fetch(link);
        expect(response.status, link).to.equal(200);
        expect(await response.text(), link).to.include('<div id="root"></div>');
      }
      const config = (await (await fetch(`${web![1]}/config.json`)).json()) as {
        chainId: number;
        testAccounts: { name: string }[];
        treasurySafe: string;
      };
      expect(config.chainId).to.equal(31337);
      expect(config.treasurySafe).to.equal(result.treasurySafe);
      expect(config.testAccounts.map((account) => account.name)).to.include("Dana (customer)");
      const status = (await (await fetch(`${web![1]}/indexer/status`)).json()) as Record<string, { id: number }>;
      expect(Object.values(status).map((chain) => chain.id)).to.deep.equal([31337]);
      const pending = (await (await fetch(`${web![1]}/safe/v1/safes/${result.treasurySafe}/transactions`)).json()) as {
        transactions: { signatures: unknown[] }[];
      };
      expect(pending.transactions, "one payout waits for a second signer").to.have.length(1);
      expect(pending.transactions[0]!.signatures).to.have.length(1);
    });

    it("the SDK client reads balances equal to balanceOf, and an account's history newest first", async function () {
      const usdc = MockERC20__factory.connect(result.tokens.TestUSDC, provider);
      for (const role of ["customerDana", "customerEli", "shop", "coldWallet"] as const) {
        const account = result.accounts[role];
        expect(await client.balance(31337, account, result.tokens.TestUSDC), role).to.equal(
          await usdc.balanceOf(account),
        );
      }
      const balances = await client.balances(31337, result.treasurySafe);
      expect(balances.map((row) => row.token).sort()).to.deep.equal(
        [result.tokens.TestUSDC, result.tokens.TestDAI].map((token) => token.toLowerCase()).sort(),
      );
      const history = await client.activity(31337, result.treasurySafe, { limit: 3 });
      expect(history.items).to.have.length(3);
      expect(history.totalCount).to.be.greaterThan(3);
      expect(history.hasNextPage).to.equal(true);
      const ids = history.items.map((row) => row.id);
      expect([...ids].sort().reverse()).to.deep.equal(ids);
      const next = await client.activity(31337, result.treasurySafe, { limit: 3, after: history.endCursor! });
      expect(next.items.map((row) => row.id)).not.to.include.members(ids);
    });

    it("the SDK client reads payments with their steps, invoices, plans and subscriptions with their charges", async function () {
      const disputed = await client.payment(31337, result.payments["ORDER-2003"]!.id);
      expect(disputed?.state).to.equal("resolved");
      expect(disputed?.steps.map((step) => step.kind)).to.deep.equal(["authorized", "disputed", "resolved"]);
      const refunded = await client.payment(31337, result.payments["ORDER-2002"]!.id);
      expect(refunded?.refunded).to.equal(ethers.parseUnits("30", 6));
      expect(await client.payment(31337, ethers.ZeroHash)).to.equal(null);

      const toSplit = await client.payments(31337, { payee: result.splits.revenue.address });
      expect(toSplit.items.map((payment) => payment.id).sort()).to.deep.equal(
        Object.values(result.payments)
          .map((payment) => payment.id)
          .sort(),
      );
      const voided = await client.payments(31337, { payee: result.splits.revenue.address, state: "voided" });
      expect(voided.items.map((payment) => payment.id)).to.deep.equal([result.payments["ORDER-2004"]!.id]);

      const office = await client.plan(31337, BigInt(result.plans["officeCoffeeDaily"]!.id));
      expect(office?.token).to.equal(result.plans["officeCoffeeDaily"]!.token.toLowerCase());
      expect(office?.amount).to.equal(BigInt(result.plans["officeCoffeeDaily"]!.amount));
      expect(office?.retired).to.equal(false);
      expect(await client.plan(31337, 999_999n)).to.equal(null);

      const invoice = await client.invoice(31337, result.invoices["INV-1001"]!.id);
      expect(invoice?.amount).to.equal(ethers.parseUnits("120", 6));

      const eli = await client.subscription(31337, BigInt(result.subscriptions["eliOfficeCoffee"]!.id));
      expect(eli?.status).to.equal("active");
      expect(
        eli?.chargeHistory.map((charge) => [charge.periodIndex, charge.success, charge.failureReason]),
      ).to.deep.equal([
        [0, true, null],
        [1, false, "allowance_too_low"],
        [1, true, null],
      ]);
      const dana = await client.subscriptions(31337, { subscriber: result.accounts.customerDana });
      expect(dana.items.map((subscription) => subscription.id)).to.deep.equal([
        BigInt(result.subscriptions["danaOfficeCoffee"]!.id),
      ]);
    });

    it("the SDK client reads the settlement report (JSON and CSV) and a clean reconciliation", async function () {
      const usdc = (amount: string) => ethers.parseUnits(amount, 6);
      const window = {
        token: result.tokens.TestUSDC,
        from: result.startTime,
        to: result.endTime + 86_400,
        chainId: 31337,
      };
      // Paid to the revenue split: the orders (ORDER-2002 captured with a 1% fee and refunded in part, ORDER-2003's
      // 20) and the office-coffee plans, whose payee it is (two subscriptions, two days: income counts where it
      // was received).
      const orders = await client.settlementReport({ ...window, merchant: result.splits.revenue.address });
      expect(orders.totals).to.deep.equal({
        gross: usdc("230"),
        fees: usdc("1.5"),
        refunds: usdc("30"),
        net: usdc("198.5"),
        entries: 7,
      });
      expect(orders.days.map((day) => [day.date, day.gross, day.entries])).to.deep.equal([
        ["2030-03-04", usdc("200"), 5],
        ["2030-03-05", usdc("30"), 2],
      ]);
      // The shop as invoice payee: INV-1001 (its plans pay the split).
      const shop = await client.settlementReport({ ...window, merchant: result.accounts.shop });
      expect(shop.days.map((day) => [day.date, day.gross, day.entries])).to.deep.equal([
        ["2030-03-04", usdc("120"), 1],
      ]);
      const csv = (await client.settlementCsv({ ...window, merchant: result.accounts.shop })).trim().split("\n");
      expect(csv).to.deep.equal([
        "date,gross,fees,refunds,net,entries",
        "2030-03-04,120000000,0,0,120000000,1",
        "total,120000000,0,0,120000000,1",
      ]);
      await expect(client.settlementReport({ ...window, merchant: "0x1234" })).to.be.rejectedWith(
        IndexerQueryError,
        /merchant/,
      );

      const reconciliation = await client.reconciliation(31337);
      expect(reconciliation.ok).to.equal(true);
      expect(reconciliation.chains[0]!.checked).to.be.greaterThan(10);
      expect(reconciliation.chains[0]!.differences).to.deep.equal([]);
    });

    it("the SDK client fails with readable, typed errors", async function () {
      const closed = createIndexerClient({ url: `http://127.0.0.1:${await freePort()}` });
      await expect(closed.balances(31337, result.treasurySafe)).to.be.rejectedWith(
        IndexerUnavailableError,
        /Cannot reach the indexer/,
      );
      await expect(client.query("bad", "{ noSuchTable { items { id } } }", {}, z.unknown())).to.be.rejectedWith(
        IndexerQueryError,
        /noSuchTable/,
      );
      await expect(
        client.query(
          "wrong shape",
          "{ tokenBalances(limit: 1) { items { balance } } }",
          {},
          z.object({ tokenBalances: z.object({ items: z.array(z.object({ balance: z.number() })) }) }),
        ),
      ).to.be.rejectedWith(IndexerResponseError, /tokenBalances\.items\.0\.balance/);
    });

    it("--check's comparison finds every difference: another chain's balances and states, an unknown payment", async function () {
      const other = await startDeployedLocalChain();
      try {
        const report = await checkIndexerAgainstChain(graphqlUrl, other.chain.provider, result);
        expect(report.mismatches).to.include(`tUSDC balance of customerDana: indexer 730000000, chain 0`);
        expect(report.mismatches).to.include(`payment ORDER-2003 status: indexer resolved, chain none`);
        expect(report.mismatches.some((line) => line.startsWith("subscription eliOfficeCoffee status"))).to.equal(true);
      } finally {
        await other.stop();
      }
      const unknown = {
        ...result,
        payments: { ...result.payments, "ORDER-9999": { ...result.payments["ORDER-2001"]!, id: ethers.id("none") } },
      };
      const report = await checkIndexerAgainstChain(graphqlUrl, provider, unknown);
      expect(report.mismatches).to.deep.equal(["payment ORDER-9999: missing from the indexer"]);
    });

    it("stops the indexer and the chain on SIGINT and exits 0", async function () {
      demo.child.kill("SIGINT");
      expect(await exitOf(demo.child, 60_000, demo.output)).to.equal(0);
      expect(await answers(graphqlUrl)).to.equal(false);
      expect(await rpcAnswers(rpcUrl)).to.equal(false);
    });
  });
});
