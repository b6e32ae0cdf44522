import { expect } from "chai";
import { ethers } from "ethers";
import { createCofferClient, CofferContractError, type CofferClient } from "../../sdk/src";
import * as subscriptions from "../../sdk/src/subscriptions";
import * as treasury from "../../sdk/src/treasury";
import { signPermit } from "../../sdk/src/tokens";
import { MockERC20__factory, type MockERC20 } from "../../typechain-types";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { execSafeCall } from "../../scripts/lib/safe-exec";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { readDeploymentManifest } from "../../sdk/src/node";

/**
 * Every subscriptions and treasury action of the SDK not covered by `subscriptions-treasury.test.ts`, each with its
 * success and its error path, against a local chain.
 */
describe("sdk: subscriptions and treasury actions, success and error paths", function () {
  let local: DeployedLocalChain;
  let usdc: MockERC20;
  let usdcAddress: string;
  const wallet = (index: number) => new ethers.Wallet(devPrivateKey(index), local.chain.provider);
  const clientFor = (index: number): Promise<CofferClient> =>
    createCofferClient({ runner: wallet(index), manifest: readDeploymentManifest(local.deploymentsDir, 31337) });
  const contractError = async (promise: Promise<unknown>, name: string): Promise<CofferContractError> => {
    const error = await promise.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error, `expected ${name}`).to.be.instanceOf(CofferContractError);
    expect((error as CofferContractError).errorName).to.equal(name);
    expect((error as CofferContractError).message).to.match(new RegExp(`^(Subscriptions|Treasury): .+ \\[${name}\\]$`));
    return error as CofferContractError;
  };
  const advance = async (seconds: number) => {
    await local.chain.provider.send("evm_increaseTime", [seconds]);
    await local.chain.provider.send("evm_mine", []);
  };

  before(async function () {
    local = await startDeployedLocalChain();
    usdcAddress = local.first.manifest.contracts["TestUSDC"]!.address;
    usdc = MockERC20__factory.connect(usdcAddress, wallet(0));
    for (const index of [5, 6]) {
      await (await usdc.mint(wallet(index).address, 1_000_000_000n)).wait();
    }
    const subscriptionsAddress = local.first.manifest.contracts["CofferSubscriptions"]!.address;
    await (await usdc.connect(wallet(5)).approve(subscriptionsAddress, ethers.MaxUint256)).wait();
  });
  after(async function () {
    await local.stop();
  });

  describe("subscriptions", function () {
    let merchant: CofferClient;
    let subscriber: CofferClient;
    let planId: bigint;
    const plan = (overrides: Partial<subscriptions.PlanParams> = {}): subscriptions.PlanParams => ({
      payee: wallet(7).address,
      token: usdcAddress,
      amount: 2_000_000n,
      period: 3_600,
      trial: 0,
      grace: 1_800,
      feeBps: 0,
      feeReceiver: ethers.ZeroAddress,
      ...overrides,
    });

    before(async function () {
      merchant = await clientFor(7);
      subscriber = await clientFor(5);
      planId = (await subscriptions.createPlan(merchant, plan())).planId;
    });

    it("createPlan refuses an invalid plan (zero period) with the parameters in the error", async function () {
      const error = await contractError(
        subscriptions.createPlan(merchant, plan({ period: 0 })),
        "CofferSubscriptionsInvalidPlan",
      );
      expect((error.args["params"] as ethers.Result).toObject()).to.deep.include({ period: 0n });
    });

    it("pause stops charging and resume restarts it; each refused in the wrong state or by another account", async function () {
      const { subscriptionId } = await subscriptions.subscribe(subscriber, planId);
      await contractError(subscriptions.pause(merchant, subscriptionId), "CofferSubscriptionsUnauthorizedCaller");
      await contractError(subscriptions.resume(subscriber, subscriptionId), "CofferSubscriptionsInvalidStatus");
      const paused = await subscriptions.pause(subscriber, subscriptionId);
      expect(paused.events.map((event) => event.name)).to.deep.equal(["SubscriptionPaused"]);
      await advance(3_600);
      expect(await subscriptions.dueSubscriptions(merchant, [subscriptionId])).to.deep.equal([]);
      const outcome = await subscriptions.chargeDue(merchant, [subscriptionId]);
      expect(outcome.skipped).to.deep.equal([subscriptionId]);
      const resumed = await subscriptions.resume(subscriber, subscriptionId);
      expect(resumed.events.map((event) => event.name)).to.include("SubscriptionResumed");
      expect((await merchant.subscriptions.getSubscription(subscriptionId)).status).to.equal(1n); // Active
    });

    it("cancel ends a subscription (merchant or subscriber), once; a stranger may not", async function () {
      const { subscriptionId } = await subscriptions.subscribe(subscriber, planId);
      await contractError(
        subscriptions.cancel(await clientFor(9), subscriptionId),
        "CofferSubscriptionsUnauthorizedCaller",
      );
      const cancelled = await subscriptions.cancel(merchant, subscriptionId);
      expect(cancelled.events[0]!.args).to.deep.equal({ subscriptionId, by: wallet(7).address });
      const again = await contractError(
        subscriptions.cancel(subscriber, subscriptionId),
        "CofferSubscriptionsInvalidStatus",
      );
      expect(again.args).to.deep.equal({ subscriptionId, status: 4n }); // Cancelled
    });

    it("retirePlan stops new subscriptions (merchant only)", async function () {
      const { planId: retiring } = await subscriptions.createPlan(merchant, plan());
      await contractError(subscriptions.retirePlan(subscriber, retiring), "CofferSubscriptionsUnauthorizedCaller");
      const retired = await subscriptions.retirePlan(merchant, retiring);
      expect(retired.events.map((event) => event.name)).to.deep.equal(["PlanRetired"]);
      const error = await contractError(
        subscriptions.subscribe(subscriber, retiring),
        "CofferSubscriptionsPlanRetired",
      );
      expect(error.args).to.deep.equal({ planId: retiring });
    });

    it("subscribe with an EIP-2612 permit instead of an allowance; an expired permit leaves the first charge failed", async function () {
      const holder = wallet(6);
      const client = await clientFor(6);
      const spender = await client.subscriptions.getAddress();
      const permitFor = async (value: bigint, deadline: bigint) => {
        const signature = await signPermit(holder, usdcAddress, spender, value, deadline);
        return { value, deadline, v: signature.v, r: signature.r, s: signature.s };
      };
      const now = BigInt((await local.chain.provider.getBlock("latest"))!.timestamp);
      const expired = await contractError(
        subscriptions.subscribe(client, planId, { permit: await permitFor(6_000_000n, now - 1n) }),
        "CofferSubscriptionsFirstChargeFailed",
      );
      expect(expired.args["reason"]).to.equal(0n); // AllowanceTooLow: the permit was not applied
      const before = await usdc.balanceOf(holder.address);
      const result = await subscriptions.subscribe(client, planId, {
        permit: await permitFor(6_000_000n, now + 3_600n),
      });
      expect(result.events.map((event) => event.name)).to.deep.equal(["SubscriptionCreated", "SubscriptionCharged"]);
      expect(before - (await usdc.balanceOf(holder.address))).to.equal(2_000_000n);
      expect(await usdc.allowance(holder.address, spender)).to.equal(4_000_000n);
    });
  });

  describe("treasury", function () {
    let safe: string;
    let admin: CofferClient;
    const operatorIndex = 8;
    const cold = ethers.Wallet.createRandom().address;
    const asSafe = (call: treasury.PolicyCall) =>
      execSafeCall(safe, [devPrivateKey(1), devPrivateKey(2)], wallet(0), call);

    before(async function () {
      safe = local.first.manifest.treasurySafe!.address;
      admin = await clientFor(0);
      await (await usdc.mint(safe, 10_000_000_000n)).wait();
      await asSafe(await treasury.policy.enableModule(admin, safe));
      await asSafe(await treasury.policy.setOperator(admin, wallet(operatorIndex).address, true, true));
      await asSafe(
        await treasury.policy.setBudget(admin, wallet(operatorIndex).address, usdcAddress, 1_000_000_000n, 86_400),
      );
      await asSafe(
        await treasury.policy.setQueueLimit(admin, wallet(operatorIndex).address, usdcAddress, 10_000_000_000n, 86_400),
      );
      await asSafe(await treasury.policy.setQueueDelay(admin, 3_600));
    });

    it("setRecipient restricts a restricted operator to allowed recipients", async function () {
      const operator = await clientFor(operatorIndex);
      const allowed = ethers.Wallet.createRandom().address;
      const error = await contractError(
        treasury.budgetTransfer(operator, safe, usdcAddress, allowed, 1_000_000n),
        "CofferTreasuryRecipientNotAllowed",
      );
      expect(error.args).to.deep.equal({ safe, operator: wallet(operatorIndex).address, recipient: allowed });
      await asSafe(await treasury.policy.setRecipient(admin, wallet(operatorIndex).address, allowed, true));
      await treasury.budgetTransfer(operator, safe, usdcAddress, allowed, 1_000_000n);
      expect(await usdc.balanceOf(allowed)).to.equal(1_000_000n);
    });

    it("setOperatorPaused stops an operator until unpaused", async function () {
      const operator = await clientFor(operatorIndex);
      const allowed = ethers.Wallet.createRandom().address;
      await asSafe(await treasury.policy.setRecipient(admin, wallet(operatorIndex).address, allowed, true));
      await asSafe(await treasury.policy.setOperatorPaused(admin, wallet(operatorIndex).address, true));
      await contractError(
        treasury.budgetTransfer(operator, safe, usdcAddress, allowed, 1_000_000n),
        "CofferTreasuryOperatorPaused",
      );
      await asSafe(await treasury.policy.setOperatorPaused(admin, wallet(operatorIndex).address, false));
      await treasury.budgetTransfer(operator, safe, usdcAddress, allowed, 1_000_000n);
      expect(await usdc.balanceOf(allowed)).to.equal(1_000_000n);
    });

    it("queueTransfer is for operators only; executeQueued is refused before the delay and after a cancel", async function () {
      await contractError(
        treasury.queueTransfer(await clientFor(9), safe, usdcAddress, cold, 1n),
        "CofferTreasuryNotOperator",
      );
      const operator = await clientFor(operatorIndex);
      const recipient = ethers.Wallet.createRandom().address;
      await asSafe(await treasury.policy.setRecipient(admin, wallet(operatorIndex).address, recipient, true));
      const queued = await treasury.queueTransfer(operator, safe, usdcAddress, recipient, 3_000_000_000n);
      const keeper = await clientFor(9);
      const early = await contractError(treasury.executeQueued(keeper, queued.transfer), "CofferTreasuryTooEarly");
      expect(early.args["transferId"]).to.equal(queued.transferId);
      const cancelled = await treasury.queueTransfer(operator, safe, usdcAddress, recipient, 1_000_000n);
      await asSafe(await treasury.policy.cancelQueued(admin, cancelled.transfer));
      await advance(3_600);
      await contractError(treasury.executeQueued(keeper, cancelled.transfer), "CofferTreasuryNotQueued");
      await treasury.executeQueued(keeper, queued.transfer);
      expect(await usdc.balanceOf(recipient)).to.equal(3_000_000_000n);
    });

    it("sweep sends the excess above the cap to the cold address; with no excess it is refused", async function () {
      const keeper = await clientFor(9);
      await contractError(treasury.sweep(keeper, safe, usdcAddress), "CofferTreasuryNothingToSweep");
      await asSafe(await treasury.policy.setSweepRule(admin, usdcAddress, cold, 2_000_000_000n));
      const excess = (await usdc.balanceOf(safe)) - 2_000_000_000n;
      expect(excess > 0n).to.equal(true);
      const swept = await treasury.sweep(keeper, safe, usdcAddress);
      expect(swept.events.find((event) => event.name === "Swept")!.args).to.deep.include({ cold, amount: excess });
      expect(await usdc.balanceOf(cold)).to.equal(excess);
      expect(await usdc.balanceOf(safe)).to.equal(2_000_000_000n);
      await contractError(treasury.sweep(keeper, safe, usdcAddress), "CofferTreasuryNothingToSweep");
    });
  });
});
