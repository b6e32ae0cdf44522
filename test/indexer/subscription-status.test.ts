import { expect } from "chai";
import { ethers } from "ethers";
import { startIndexer, type RunningIndexer } from "../../scripts/lib/indexer-process";
import { createCofferClient, type CofferClient } from "../../sdk/src";
import { createIndexerClient, SUBSCRIPTION_STATUSES } from "../../sdk/src/indexer";
import * as subscriptions from "../../sdk/src/subscriptions";
import type { WebhookEvent } from "../../sdk/src/webhooks/events";
import { MockERC20__factory, type MockERC20 } from "../../typechain-types";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { ROLES, wallet } from "./drive";
import { expectServedValue, freshPglite, gql } from "./helpers";

const HOUR = 3_600;

describe("indexer: a subscription's status, lower snake_case from the table to the webhook body", function () {
  this.timeout(170_000);
  let local: DeployedLocalChain;
  let indexer: RunningIndexer;
  let cleanup: () => void = () => undefined;
  let merchant: CofferClient;
  let usdc: MockERC20;
  let planId: bigint;

  before(async function () {
    local = await startDeployedLocalChain();
    const provider = local.chain.provider;
    const manifest = local.first.manifest;
    usdc = MockERC20__factory.connect(manifest.contracts["TestUSDC"]!.address, wallet(provider, 0));
    for (const role of [ROLES.alice, ROLES.bob]) await (await usdc.mint(wallet(provider, role).address, 100n)).wait();
    merchant = await createCofferClient({ runner: wallet(provider, ROLES.merchant), manifest });
    ({ planId } = await subscriptions.createPlan(merchant, {
      payee: wallet(provider, ROLES.merchant).address,
      token: await usdc.getAddress(),
      amount: 10n,
      period: HOUR,
      trial: 0,
      grace: HOUR / 2,
      feeBps: 0,
      feeReceiver: ethers.ZeroAddress,
    }));
    const made = freshPglite();
    cleanup = made.cleanup;
    indexer = await startIndexer({
      chainId: 31337,
      rpcUrl: local.chain.url,
      deploymentsDir: local.deploymentsDir,
      database: made.database,
    });
    await indexer.waitForBlock(await provider.getBlockNumber(), 150_000);
  });

  after(async function () {
    await indexer?.stop();
    await local?.stop();
    cleanup();
  });

  /** A subscriber of the plan whose next charge will fail: it takes back its allowance after the first. */
  async function subscribeThenWithdrawAllowance(role: number) {
    const provider = local.chain.provider;
    const client = await createCofferClient({ runner: wallet(provider, role), manifest: local.first.manifest });
    const { subscriptionId } = await subscriptions.subscribe(client, planId, { periods: 1 });
    await (await usdc.connect(wallet(provider, role)).approve(await merchant.subscriptions.getAddress(), 0n)).wait();
    return { client, subscriptionId };
  }

  async function advance(seconds: number) {
    await local.chain.provider.send("evm_increaseTime", [seconds]);
    await local.chain.provider.send("evm_mine", []);
  }

  /** The subscription's row once the indexer has the chain's head, and the chain's own status, by the SDK. */
  async function statuses(subscriptionId: bigint) {
    await indexer.waitForBlock(await local.chain.provider.getBlockNumber(), 30_000);
    const { subscription } = await gql<{ subscription: { status: string; statusBeforePause: string } }>(
      indexer,
      `query ($id: BigInt!) { subscription(chainId: 31337, id: $id) { status statusBeforePause } }`,
      { id: subscriptionId.toString() },
    );
    const onChain = await subscriptions.getSubscription(merchant, subscriptionId);
    return { ...subscription, onChain: onChain.status };
  }

  it("active, past due, paused, resumed to past due, canceled: the table, the SDK's client and the chain agree", async function () {
    const { client, subscriptionId } = await subscribeThenWithdrawAllowance(ROLES.alice);
    expect(await statuses(subscriptionId)).to.deep.equal({
      status: "active",
      statusBeforePause: "none",
      onChain: "active",
    });
    await advance(HOUR);
    await subscriptions.chargeDue(merchant, [subscriptionId]);
    expect(await statuses(subscriptionId)).to.deep.equal({
      status: "past_due",
      statusBeforePause: "none",
      onChain: "past_due",
    });
    await subscriptions.pause(client, subscriptionId);
    expect(await statuses(subscriptionId)).to.deep.equal({
      status: "paused",
      statusBeforePause: "past_due",
      onChain: "paused",
    });
    await subscriptions.resume(client, subscriptionId);
    expect((await statuses(subscriptionId)).status).to.equal("past_due");
    await subscriptions.cancel(client, subscriptionId);
    expect(await statuses(subscriptionId)).to.deep.include({ status: "canceled", onChain: "canceled" });

    const fromClient = await createIndexerClient({ url: indexer.url }).subscription(31337, subscriptionId);
    expect(fromClient?.status).to.equal("canceled");
    // The failed charge says why in the same casing: the contract's AllowanceTooLow.
    expect(fromClient?.chargeHistory.map((charge) => charge.failureReason)).to.deep.equal([null, "allowance_too_low"]);
    const canceled = await createIndexerClient({ url: indexer.url }).subscriptions(31337, { status: "canceled" });
    expect(canceled.items.map((row) => row.id)).to.include(subscriptionId);
  });

  it("lapsed once past due beyond the grace", async function () {
    const { subscriptionId } = await subscribeThenWithdrawAllowance(ROLES.bob);
    await advance(HOUR);
    await subscriptions.chargeDue(merchant, [subscriptionId]);
    await advance(HOUR / 2);
    await subscriptions.chargeDue(merchant, [subscriptionId]);
    expect(await statuses(subscriptionId)).to.deep.include({ status: "lapsed", onChain: "lapsed" });
  });

  it("every subscription event's body carries the new status, and a failed charge its reason, in the same words", async function () {
    await indexer.waitForBlock(await local.chain.provider.getBlockNumber(), 30_000);
    const response = await fetch(`${indexer.url}/webhooks/events?fromBlock=0&limit=5000`);
    const { events } = (await response.json()) as { events: WebhookEvent[] };
    const statusOf = (type: string) =>
      events.filter((event) => event.type === type).map((event) => event.data["status"] as string);
    expect(statusOf("subscription.paused")).to.deep.equal(["paused"]);
    expect(statusOf("subscription.resumed")).to.deep.equal(["past_due"]);
    expect(statusOf("subscription.canceled")).to.deep.equal(["canceled"]);
    expect(statusOf("subscription.lapsed")).to.deep.equal(["lapsed"]);
    const reasons = events.filter((event) => event.type === "subscription.charge_failed").map((e) => e.data["reason"]);
    expect(reasons).to.deep.equal(["allowance_too_low", "allowance_too_low"]);
    for (const event of events) {
      if (event.data["status"] !== undefined) {
        expectServedValue(String(event.data["status"]), SUBSCRIPTION_STATUSES, `${event.type} status`);
      }
    }
  });
});
