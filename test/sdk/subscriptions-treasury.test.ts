import { expect } from "chai";
import { ethers } from "ethers";
import { createCofferClient, CofferContractError, type CofferClient } from "../../sdk/src";
import * as subscriptions from "../../sdk/src/subscriptions";
import * as treasury from "../../sdk/src/treasury";
import { MockERC20__factory } from "../../typechain-types";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { execSafeCall } from "../../scripts/lib/safe-exec";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { readDeploymentManifest } from "../../sdk/src/node";

describe("sdk: subscriptions and treasury actions against a local chain", function () {
  let local: DeployedLocalChain;
  let usdc: string;
  const wallet = (index: number) => new ethers.Wallet(devPrivateKey(index), local.chain.provider);
  const clientFor = (index: number): Promise<CofferClient> =>
    createCofferClient({ runner: wallet(index), manifest: readDeploymentManifest(local.deploymentsDir, 31337) });

  before(async function () {
    local = await startDeployedLocalChain();
    usdc = local.first.manifest.contracts["TestUSDC"]!.address;
    for (const index of [5, 6]) {
      const token = MockERC20__factory.connect(usdc, wallet(index));
      await (await token.mint(wallet(index).address, 1_000_000_000n)).wait();
      const client = await clientFor(index);
      await (await token.approve(await client.subscriptions.getAddress(), ethers.MaxUint256)).wait();
    }
  });
  after(async function () {
    await local.stop();
  });

  describe("subscriptions", function () {
    it("creates a plan, subscribes, and reports a batch's charged, failed and skipped subscriptions", async function () {
      const merchant = await clientFor(7);
      const { planId } = await subscriptions.createPlan(merchant, {
        payee: wallet(7).address,
        token: usdc,
        amount: 5_000_000n,
        period: 3_600,
        trial: 0,
        grace: 1_800,
        feeBps: 0,
        feeReceiver: ethers.ZeroAddress,
      });
      const alice = await subscriptions.subscribe(await clientFor(5), planId);
      const bob = await subscriptions.subscribe(await clientFor(6), planId);
      expect(alice.events.map((event) => event.name)).to.deep.equal(["SubscriptionCreated", "SubscriptionCharged"]);
      await local.chain.provider.send("evm_increaseTime", [3_600]);
      await local.chain.provider.send("evm_mine", []);
      const bobsToken = MockERC20__factory.connect(usdc, wallet(6));
      await (await bobsToken.approve(await merchant.subscriptions.getAddress(), 0n)).wait();
      const keeper = await clientFor(9);
      expect(await subscriptions.dueSubscriptions(keeper, [alice.subscriptionId, bob.subscriptionId])).to.deep.equal([
        alice.subscriptionId,
        bob.subscriptionId,
      ]);
      const outcome = await subscriptions.chargeDue(keeper, [alice.subscriptionId, bob.subscriptionId, 999n]);
      expect(outcome.charged).to.deep.equal([alice.subscriptionId]);
      expect(outcome.failed).to.deep.equal([{ subscriptionId: bob.subscriptionId, reason: 0n }]);
      expect(outcome.skipped).to.deep.equal([999n]);
    });

    it("throws a CofferContractError for a plan that does not exist", async function () {
      await expect(subscriptions.subscribe(await clientFor(5), 4242n)).to.be.rejectedWith(
        CofferContractError,
        "Subscriptions: plan not found (planId 4242) [CofferSubscriptionsPlanNotFound]",
      );
    });
  });

  describe("treasury", function () {
    it("encodes policy calls for the Safe, then spends a budget and queues a transfer", async function () {
      const admin = await clientFor(0);
      const safe = local.first.manifest.treasurySafe!.address;
      const keys = [devPrivateKey(1), devPrivateKey(2)];
      const sender = wallet(0);
      await (await MockERC20__factory.connect(usdc, wallet(0)).mint(safe, 10_000_000_000n)).wait();
      for (const policyCall of [
        await treasury.policy.enableModule(admin, safe),
        await treasury.policy.setOperator(admin, wallet(8).address, true, false),
        await treasury.policy.setBudget(admin, wallet(8).address, usdc, 1_000_000_000n, 86_400),
        await treasury.policy.setQueueLimit(admin, wallet(8).address, usdc, 5_000_000_000n, 86_400),
        await treasury.policy.setQueueDelay(admin, 3_600),
      ]) {
        await execSafeCall(safe, keys, sender, policyCall);
      }
      const operator = await clientFor(8);
      const spent = await treasury.budgetTransfer(operator, safe, usdc, wallet(9).address, 250_000_000n);
      expect(spent.events.find((event) => event.name === "BudgetSpent")!.args["spentInPeriod"]).to.equal(250_000_000n);
      await expect(treasury.budgetTransfer(operator, safe, usdc, wallet(9).address, 750_000_001n)).to.be.rejectedWith(
        CofferContractError,
        /CofferTreasuryBudgetExceeded/,
      );
      const queued = await treasury.queueTransfer(operator, safe, usdc, wallet(9).address, 5_000_000_000n);
      expect(await treasury.getQueueLimit(operator, safe, wallet(8).address, usdc)).to.deep.equal({
        amount: 5_000_000_000n,
        period: 86_400,
        remaining: 0n,
      });
      await expect(treasury.queueTransfer(operator, safe, usdc, wallet(9).address, 1n)).to.be.rejectedWith(
        CofferContractError,
        /CofferTreasuryQueueLimitExceeded/,
      );
      const window = await treasury.getExecutionWindow(operator, queued.transfer);
      expect(window.earliest).to.equal(BigInt(queued.transfer.queuedAt) + 3_600n);
      await local.chain.provider.send("evm_increaseTime", [3_600]);
      await local.chain.provider.send("evm_mine", []);
      const executed = await treasury.executeQueued(await clientFor(9), queued.transfer);
      expect(executed.events.find((event) => event.name === "TransferExecuted")!.args["transferId"]).to.equal(
        queued.transferId,
      );
    });
  });
});
