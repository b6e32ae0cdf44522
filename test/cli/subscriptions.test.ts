import { expect } from "chai";
import { CofferSubscriptions__factory, type CofferSubscriptions } from "../../typechain-types";
import { ok, refused, startModulesFixture, type ModulesFixture } from "./modules-fixture";

describe("cli: coffer subs (child processes against a local chain)", function () {
  // Each command is a separate Node process: slow on a loaded machine, hence a generous timeout per test.
  this.timeout(600_000);
  let f: ModulesFixture;
  let contract: CofferSubscriptions;
  const MERCHANT = 7;
  const ALICE = 5;
  const BOB = 6;
  const KEEPER = 9;
  let planId: string;
  let aliceSub: string;
  let bobSub: string;

  before(async function () {
    f = await startModulesFixture("subs");
    contract = CofferSubscriptions__factory.connect(
      f.local.first.manifest.contracts["CofferSubscriptions"]!.address,
      f.local.chain.provider,
    );
    for (const index of [ALICE, BOB]) await (await f.usdc.mint(f.address(index), 100_000_000n)).wait();
  });
  after(async function () {
    await f.stop();
  });

  it("plan-create publishes a 5 tUSDC hourly plan (merchant)", async function () {
    const out = ok<{ planId: string; plan: Record<string, unknown> }>(
      await f.run(
        ["subs", "plan-create", "--token", "TestUSDC", "--amount", "5", "--period", "1h", "--grace", "45m", "--json"],
        MERCHANT,
      ),
    );
    planId = out.planId;
    const plan = await contract.getPlan(planId);
    expect(plan.amount).to.equal(5_000_000n);
    expect(plan.period).to.equal(3_600n);
    expect(plan.payee).to.equal(f.address(MERCHANT));
    expect(out.plan).to.include({ amount: "5000000", period: "3600", grace: "2700", merchant: f.address(MERCHANT) });
  });

  it("subscribe signs a permit for 12 periods and charges the first at once; --no-permit approves", async function () {
    const [aliceBefore, merchantBefore] = await Promise.all([
      f.usdc.balanceOf(f.address(ALICE)),
      f.usdc.balanceOf(f.address(MERCHANT)),
    ]);
    const alice = ok<{ subscriptionId: string; method: string; charged: boolean }>(
      await f.run(["subs", "subscribe", "--plan", planId, "--json"], ALICE),
    );
    expect(alice).to.include({ method: "permit", charged: true });
    aliceSub = alice.subscriptionId;
    expect(aliceBefore - (await f.usdc.balanceOf(f.address(ALICE)))).to.equal(5_000_000n);
    expect((await f.usdc.balanceOf(f.address(MERCHANT))) - merchantBefore).to.equal(5_000_000n);
    const spender = await contract.getAddress();
    expect(await f.usdc.allowance(f.address(ALICE), spender)).to.equal(55_000_000n); // 12 periods, one charged
    const bob = ok<{ subscriptionId: string; method: string }>(
      await f.run(["subs", "subscribe", "--plan", planId, "--no-permit", "--periods", "2", "--json"], BOB),
    );
    expect(bob.method).to.equal("approve");
    bobSub = bob.subscriptionId;
    expect(await f.usdc.allowance(f.address(BOB), spender)).to.equal(5_000_000n);
  });

  it("status shows a subscription and a plan (no key)", async function () {
    const out = ok<Record<string, unknown>>(await f.run(["subs", "status", aliceSub, "--json"]));
    expect(out).to.include({ subscriptionId: aliceSub, subscriber: f.address(ALICE), status: "active", due: false });
    const plan = ok<{ plan: Record<string, unknown> }>(await f.run(["subs", "status", "--plan", planId, "--json"]));
    expect(plan.plan).to.include({ planId, amount: "5000000", retired: false });
    const text = await f.run(["subs", "status", aliceSub]);
    expect(text.stdout).to.contain(`Subscription ${aliceSub}: active`);
    expect(text.stdout).to.contain("5.0 tUSDC every 1h");
  });

  it("charge-due finds the plan's subscriptions in the events and charges both due ones (keeper)", async function () {
    await f.local.chain.provider.send("evm_increaseTime", [3_600]);
    await f.local.chain.provider.send("evm_mine", []);
    const merchantBefore = await f.usdc.balanceOf(f.address(MERCHANT));
    const out = ok<{ due: string[]; charged: string[]; failed: unknown[] }>(
      await f.run(["subs", "charge-due", "--plan", planId, "--json"], KEEPER),
    );
    expect(out.due).to.deep.equal([aliceSub, bobSub]);
    expect(out.charged).to.deep.equal([aliceSub, bobSub]);
    expect(out.failed).to.deep.equal([]);
    expect((await f.usdc.balanceOf(f.address(MERCHANT))) - merchantBefore).to.equal(10_000_000n);
    const again = ok<{ due: string[] }>(
      await f.run(["subs", "charge-due", "--ids", `${aliceSub},${bobSub}`, "--json"], KEEPER),
    );
    expect(again.due).to.deep.equal([]);
  });

  it("cancel ends a subscription (subscriber); cancelling it again is refused (exit 1)", async function () {
    const out = ok<{ status: string }>(await f.run(["subs", "cancel", bobSub, "--json"], BOB));
    expect(out.status).to.equal("canceled");
    expect((await contract.getSubscription(bobSub)).status).to.equal(4n);
    const error = refused(await f.run(["subs", "cancel", bobSub, "--json"], BOB), "CofferSubscriptionsInvalidStatus");
    expect(error.args).to.deep.equal({ subscriptionId: bobSub, status: "4" });
    expect(error.message).to.contain(`Subscriptions: invalid status (subscriptionId ${bobSub}, status 4)`);
  });

  it("plan-create defaults the grace to half a short period, and refuses a grace of a period or more (exit 2, nothing sent)", async function () {
    const out = ok<{ plan: Record<string, unknown> }>(
      await f.run(
        ["subs", "plan-create", "--token", "TestUSDC", "--amount", "1", "--period", "1d", "--json"],
        MERCHANT,
      ),
    );
    expect(out.plan).to.include({ period: "86400", grace: "43200" });
    const monthly = ok<{ plan: Record<string, unknown> }>(
      await f.run(
        ["subs", "plan-create", "--token", "TestUSDC", "--amount", "1", "--period", "30d", "--json"],
        MERCHANT,
      ),
    );
    expect(monthly.plan).to.include({ grace: "259200" });
    const nonce = () => f.local.chain.provider.send("eth_getTransactionCount", [f.address(MERCHANT), "latest"]);
    const sent = await nonce();
    const usage = await f.run(
      ["subs", "plan-create", "--token", "TestUSDC", "--amount", "1", "--period", "1d", "--grace", "1d", "--json"],
      MERCHANT,
    );
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.contain("--grace 1d must be shorter than --period 1d");
    expect(await nonce()).to.equal(sent);
  });
});
