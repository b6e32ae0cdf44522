import fs from "node:fs";
import { expect } from "chai";
import { ethers } from "ethers";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { execSafeCall } from "../../scripts/lib/safe-exec";
import { CofferTreasuryModule__factory, type CofferTreasuryModule } from "../../typechain-types";
import { cliEnv, runCli } from "./helpers";
import { ok, refused, startModulesFixture, type ModulesFixture } from "./modules-fixture";

describe("cli: coffer treasury and coffer deployments (child processes against a local chain)", function () {
  // Each command is a separate Node process: slow on a loaded machine, hence a generous timeout per test.
  this.timeout(600_000);
  let f: ModulesFixture;
  let module: CofferTreasuryModule;
  let safe: string;
  const OPERATOR = 8;
  const KEEPER = 9;
  const recipient = ethers.Wallet.createRandom().address;
  const cold = ethers.Wallet.createRandom().address;
  /** Executes a call from the treasury Safe with two owners' signatures. */
  const asSafe = (to: string, data: string) =>
    execSafeCall(safe, [devPrivateKey(1), devPrivateKey(2)], f.wallet(0), { to, data });

  before(async function () {
    f = await startModulesFixture("treasury");
    safe = f.local.first.manifest.treasurySafe!.address;
    const moduleAddress = f.local.first.manifest.contracts["CofferTreasuryModule"]!.address;
    module = CofferTreasuryModule__factory.connect(moduleAddress, f.local.chain.provider);
    await (await f.usdc.mint(safe, 10_000_000_000n)).wait(); // 10,000 tUSDC
    const safeInterface = new ethers.Interface(["function enableModule(address module)"]);
    await asSafe(safe, safeInterface.encodeFunctionData("enableModule", [moduleAddress]));
    const calls = module.interface;
    await asSafe(moduleAddress, calls.encodeFunctionData("setOperator", [f.address(OPERATOR), true, false]));
    await asSafe(
      moduleAddress,
      calls.encodeFunctionData("setBudget", [f.address(OPERATOR), f.usdcAddress, 1_000_000_000n, 86_400]),
    );
    await asSafe(
      moduleAddress,
      calls.encodeFunctionData("setQueueLimit", [f.address(OPERATOR), f.usdcAddress, 6_000_000_000n, 86_400]),
    );
    await asSafe(moduleAddress, calls.encodeFunctionData("setQueueDelay", [3_600]));
    await asSafe(moduleAddress, calls.encodeFunctionData("setSweepRule", [f.usdcAddress, cold, 1_000_000_000n]));
  });
  after(async function () {
    await f.stop();
  });

  it("budget-transfer pays from the Safe within the operator's budget", async function () {
    const safeBefore = await f.usdc.balanceOf(safe);
    const out = ok<{ amount: string; remaining: string; events: string[] }>(
      await f.run(
        ["treasury", "budget-transfer", "--token", "TestUSDC", "--to", recipient, "--amount", "250", "--json"],
        OPERATOR,
      ),
    );
    expect(out).to.include({ amount: "250000000", remaining: "750000000" });
    expect(out.events).to.include("BudgetSpent");
    expect(await f.usdc.balanceOf(recipient)).to.equal(250_000_000n);
    expect(safeBefore - (await f.usdc.balanceOf(safe))).to.equal(250_000_000n);
  });

  it("status shows the Safe's settings, the operator's budget and the sweep rule (no key)", async function () {
    const out = ok<Record<string, unknown>>(
      await f.run(["treasury", "status", "--operator", f.address(OPERATOR), "--token", "TestUSDC", "--json"]),
    );
    expect(out).to.deep.include({ safe, paused: false, delay: "3600", sweepRule: { cold, cap: "1000000000" } });
    expect(out.operator).to.deep.include({ enabled: true, paused: false });
    expect((out.operator as { budget: unknown }).budget).to.deep.equal({
      amount: "1000000000",
      period: "86400",
      remaining: "750000000",
    });
    expect((out.operator as { queueLimit: unknown }).queueLimit).to.deep.equal({
      amount: "6000000000",
      period: 86400,
      remaining: "6000000000",
    });
  });

  it("queue writes the transfer; execute before the delay is refused (exit 1), after it pays", async function () {
    const queued = ok<{ transferId: string; file: string }>(
      await f.run(
        [
          ...["treasury", "queue", "--token", "TestUSDC", "--to", recipient, "--amount", "5000"],
          ...["--out", f.file("q.json"), "--json"],
        ],
        OPERATOR,
      ),
    );
    expect(fs.existsSync(f.file("q.json"))).to.equal(true);
    expect(await module.getQueuedStatus(queued.transferId)).to.equal(1n);
    const early = refused(
      await f.run(["treasury", "execute", f.file("q.json"), "--json"], KEEPER),
      "CofferTreasuryTooEarly",
    );
    expect(early.args.transferId).to.equal(queued.transferId);
    await f.local.chain.provider.send("evm_increaseTime", [3_600]);
    await f.local.chain.provider.send("evm_mine", []);
    const before = await f.usdc.balanceOf(recipient);
    const out = ok<{ transferId: string; events: string[] }>(
      await f.run(["treasury", "execute", f.file("q.json"), "--json"], KEEPER),
    );
    expect(out.events).to.include("TransferExecuted");
    expect((await f.usdc.balanceOf(recipient)) - before).to.equal(5_000_000_000n);
    const status = ok<{ queued: { status: string } }>(
      await f.run(["treasury", "status", "--transfer", f.file("q.json"), "--json"]),
    );
    expect(status.queued.status).to.equal("executed");
  });

  it("sweep sends the Safe's excess above the cap to the cold address (anyone)", async function () {
    const excess = (await f.usdc.balanceOf(safe)) - 1_000_000_000n;
    const out = ok<{ amount: string; cold: string }>(
      await f.run(["treasury", "sweep", "--token", "TestUSDC", "--json"], KEEPER),
    );
    expect(out).to.include({ amount: `${excess}`, cold });
    expect(await f.usdc.balanceOf(cold)).to.equal(excess);
    expect(await f.usdc.balanceOf(safe)).to.equal(1_000_000_000n);
  });

  it("policy encodes the queue limit, delay and pause calls for `coffer safe propose call`; status shows them once executed", async function () {
    const moduleAddress = await module.getAddress();
    const encoded = async (args: string[]) => {
      const out = ok<{ to: string; data: string }>(await f.run(["treasury", "policy", ...args, "--json"]));
      expect(out.to).to.equal(moduleAddress);
      return out.data;
    };
    const operator = f.address(OPERATOR);
    const limit = await encoded([
      ...["queue-limit", "--operator", operator, "--token", "TestUSDC", "--amount", "7000", "--period", "604800"],
    ]);
    expect(limit).to.equal(
      module.interface.encodeFunctionData("setQueueLimit", [operator, f.usdcAddress, 7_000_000_000n, 604_800]),
    );
    const delay = await encoded(["queue-delay", "--delay", "7200"]);
    expect(delay).to.equal(module.interface.encodeFunctionData("setQueueDelay", [7_200]));
    const pause = await encoded(["pause"]);
    expect(pause).to.equal(module.interface.encodeFunctionData("setPaused", [true]));
    for (const data of [limit, delay, pause]) await asSafe(moduleAddress, data);
    let status = ok<{ paused: boolean; delay: string; operator: { queueLimit: { amount: string; period: number } } }>(
      await f.run(["treasury", "status", "--operator", operator, "--token", "TestUSDC", "--json"]),
    );
    expect([status.paused, status.delay]).to.deep.equal([true, "7200"]);
    expect(status.operator.queueLimit).to.deep.include({ amount: "7000000000", period: 604800 });
    await asSafe(moduleAddress, await encoded(["unpause"]));
    status = ok(await f.run(["treasury", "status", "--json"]));
    expect([status.paused, status.delay]).to.deep.equal([false, "7200"]);
    for (const bad of [
      ["queue-delay", "--delay", "3599"],
      ["queue-delay", "--delay", "2592001"],
    ]) {
      const usage = await f.run(["treasury", "policy", ...bad, "--json"]);
      expect(usage.code, bad.join(" ")).to.equal(2);
      expect(usage.stderr).to.contain("--delay must be from 3600 to 2592000 seconds");
    }
  });

  it("deployments prints the manifest's addresses, all with code; a chain without one is a usage error", async function () {
    const out = ok<{ chainId: number; contracts: Record<string, string>; missing: string[]; treasurySafe: string }>(
      await f.run(["deployments", "--json"]),
    );
    expect(out.chainId).to.equal(31337);
    expect(out.treasurySafe).to.equal(safe);
    expect(out.missing).to.deep.equal([]);
    for (const [name, record] of Object.entries(f.local.first.manifest.contracts)) {
      expect(out.contracts[name], name).to.equal(record.address);
    }
    const none = await runCli(
      ["deployments", "--json", "--deployments-dir", f.file("nowhere")],
      cliEnv({ COFFER_RPC_URL: f.local.chain.url }),
    );
    expect(none.code).to.equal(2);
    expect(none.stderr).to.contain("Coffer is not deployed on chain 31337");
  });
});
