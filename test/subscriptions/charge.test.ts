import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import {
  DAY,
  HOUR,
  Reason,
  Status,
  createPlan,
  loadSubscriptions,
  subscribe,
  type SubscriptionsFixture,
} from "./fixture";

/** Start of period `k` of a subscription. */
async function periodStart(f: SubscriptionsFixture, subscriptionId: bigint, k: bigint): Promise<bigint> {
  const subscription = await f.subscriptions.getSubscription(subscriptionId);
  const plan = await f.subscriptions.getPlan(subscription.planId);
  return subscription.anchor + k * plan.period;
}

describe("CofferSubscriptions charging", function () {
  describe("subscribe", function () {
    it("charges the first period at once without a trial, and emits SubscriptionCreated then SubscriptionCharged", async function () {
      const f = await loadSubscriptions();
      const planId = await createPlan(f);
      const subscriber = f.subscribers[0]!;
      const tx = f.subscriptions.connect(subscriber).subscribe(planId);
      await expect(tx).to.changeTokenBalances(f.usdc, [subscriber, f.payee], [-10_000_000n, 10_000_000n]);
      const receipt = await (await tx).wait();
      const now = BigInt((await receipt!.getBlock()).timestamp);
      await expect(tx)
        .to.emit(f.subscriptions, "SubscriptionCreated")
        .withArgs(1n, planId, subscriber.address, f.merchant.address, now);
      await expect(tx)
        .to.emit(f.subscriptions, "SubscriptionCharged")
        .withArgs(1n, planId, subscriber.address, f.merchant.address, await f.usdc.getAddress(), 10_000_000n, 0n, 0);
    });

    it("charges nothing during a trial and the first period at the trial's end, not 1 s before", async function () {
      const f = await loadSubscriptions();
      const planId = await createPlan(f, { trial: 14 * DAY });
      const subscriber = f.subscribers[0]!;
      const before = await f.usdc.balanceOf(subscriber.address);
      const id = await subscribe(f, subscriber, planId);
      expect(await f.usdc.balanceOf(subscriber.address)).to.equal(before);
      const trialEnd = await periodStart(f, id, 0n);
      await time.setNextBlockTimestamp(trialEnd - 1n);
      await expect(f.subscriptions.charge(id))
        .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsNotDue")
        .withArgs(id, trialEnd);
      await time.setNextBlockTimestamp(trialEnd);
      await expect(f.subscriptions.charge(id)).to.emit(f.subscriptions, "SubscriptionCharged");
    });

    it("reverts with CofferSubscriptionsFirstChargeFailed when the first charge cannot be paid, creating nothing", async function () {
      const f = await loadSubscriptions();
      const planId = await createPlan(f);
      const poor = f.stranger; // no tokens, no allowance
      const tokenError = f.usdc.interface.encodeErrorResult("ERC20InsufficientAllowance", [
        await f.subscriptions.getAddress(),
        0n,
        10_000_000n,
      ]);
      await expect(f.subscriptions.connect(poor).subscribe(planId))
        .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsFirstChargeFailed")
        .withArgs(Reason.AllowanceTooLow, tokenError);
      expect((await f.subscriptions.getSubscription(1n)).status).to.equal(Status.None);
    });

    it("reverts with CofferSubscriptionsPlanNotFound for a plan that does not exist", async function () {
      const f = await loadSubscriptions();
      await expect(f.subscriptions.connect(f.subscribers[0]!).subscribe(7n))
        .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsPlanNotFound")
        .withArgs(7n);
    });
  });

  describe("charge on the period grid", function () {
    for (const [offset, due] of [
      [-1n, false],
      [0n, true],
      [1n, true],
    ] as const) {
      it(`${due ? "charges" : "reverts with CofferSubscriptionsNotDue"} at the start of period 1 ${offset < 0n ? "-" : "+"} ${offset < 0n ? -offset : offset} s`, async function () {
        const f = await loadSubscriptions();
        const id = await subscribe(f, f.subscribers[0]!, await createPlan(f));
        const start = await periodStart(f, id, 1n);
        await time.setNextBlockTimestamp(start + offset);
        if (due) {
          await expect(f.subscriptions.charge(id)).to.emit(f.subscriptions, "SubscriptionCharged");
        } else {
          await expect(f.subscriptions.charge(id))
            .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsNotDue")
            .withArgs(id, start);
        }
      });
    }

    it("charges at the last second of a period, then not again until the next one starts", async function () {
      const f = await loadSubscriptions();
      const id = await subscribe(f, f.subscribers[0]!, await createPlan(f));
      const start2 = await periodStart(f, id, 2n);
      await time.setNextBlockTimestamp(start2 - 1n);
      await expect(f.subscriptions.charge(id))
        .to.emit(f.subscriptions, "SubscriptionCharged")
        .withArgs(id, 1n, f.subscribers[0]!.address, f.merchant.address, await f.usdc.getAddress(), 10_000_000n, 0n, 1);
      await time.setNextBlockTimestamp(start2);
      await expect(f.subscriptions.charge(id))
        .to.emit(f.subscriptions, "SubscriptionCharged")
        .withArgs(id, 1n, f.subscribers[0]!.address, f.merchant.address, await f.usdc.getAddress(), 10_000_000n, 0n, 2);
    });

    it("never charges twice in one period", async function () {
      const f = await loadSubscriptions();
      const id = await subscribe(f, f.subscribers[0]!, await createPlan(f));
      const start1 = await periodStart(f, id, 1n);
      await time.increaseTo(start1 + 5n);
      await f.subscriptions.charge(id);
      await expect(f.subscriptions.charge(id))
        .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsNotDue")
        .withArgs(id, await periodStart(f, id, 2n));
      await expect(f.subscriptions.chargeMany([id]))
        .to.emit(f.subscriptions, "SubscriptionChargeSkipped")
        .withArgs(id, Status.Active);
    });

    it("charges only the current period after missed ones: no catching up", async function () {
      const f = await loadSubscriptions();
      const subscriber = f.subscribers[0]!;
      const id = await subscribe(f, subscriber, await createPlan(f));
      await time.increaseTo((await periodStart(f, id, 4n)) + 10n);
      const before = await f.usdc.balanceOf(subscriber.address);
      await expect(f.subscriptions.charge(id))
        .to.emit(f.subscriptions, "SubscriptionCharged")
        .withArgs(id, 1n, subscriber.address, f.merchant.address, await f.usdc.getAddress(), 10_000_000n, 0n, 4);
      expect(await f.usdc.balanceOf(subscriber.address)).to.equal(before - 10_000_000n);
      const [due, dueAt] = await f.subscriptions.isDue(id);
      expect(due).to.equal(false);
      expect(dueAt).to.equal(await periodStart(f, id, 5n));
    });

    it("works with the shortest period (one hour) and a very long one (ten years)", async function () {
      const f = await loadSubscriptions();
      const hourly = await subscribe(f, f.subscribers[0]!, await createPlan(f, { period: HOUR, grace: HOUR / 2 }));
      const decade = await subscribe(f, f.subscribers[1]!, await createPlan(f, { period: 10 * 365 * DAY }));
      await time.increaseTo(await periodStart(f, hourly, 1n));
      await expect(f.subscriptions.charge(hourly)).to.emit(f.subscriptions, "SubscriptionCharged");
      await expect(f.subscriptions.charge(decade)).to.be.revertedWithCustomError(
        f.subscriptions,
        "CofferSubscriptionsNotDue",
      );
      await time.increaseTo(await periodStart(f, decade, 1n));
      await expect(f.subscriptions.charge(decade)).to.emit(f.subscriptions, "SubscriptionCharged");
    });

    it("splits each charge between payee and fee receiver", async function () {
      const f = await loadSubscriptions();
      const planId = await createPlan(f, { feeBps: 300, feeReceiver: f.feeReceiver.address });
      await expect(f.subscriptions.connect(f.subscribers[0]!).subscribe(planId)).to.changeTokenBalances(
        f.usdc,
        [f.subscribers[0]!, f.payee, f.feeReceiver],
        [-10_000_000n, 9_700_000n, 300_000n],
      );
    });

    it("reverts with CofferSubscriptionsNotFound for an unknown subscription", async function () {
      const f = await loadSubscriptions();
      await expect(f.subscriptions.charge(42n))
        .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsNotFound")
        .withArgs(42n);
    });
  });
});
