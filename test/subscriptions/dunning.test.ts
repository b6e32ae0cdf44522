import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import {
  DAY,
  Reason,
  Status,
  createPlan,
  loadSubscriptions,
  planParams,
  subscribe,
  type SubscriptionsFixture,
} from "./fixture";

/** Two subscribers on a 30-day plan with 3 days of grace, moved to the start of period 1. */
async function dueSubscriptions(f: SubscriptionsFixture) {
  const planId = await createPlan(f, { grace: 3 * DAY });
  const [alice, bob] = f.subscribers as [(typeof f.subscribers)[number], (typeof f.subscribers)[number]];
  const aliceId = await subscribe(f, alice, planId);
  const bobId = await subscribe(f, bob, planId);
  const [, period1] = await f.subscriptions.isDue(aliceId);
  await time.increaseTo(period1);
  return { planId, alice, bob, aliceId, bobId };
}

describe("CofferSubscriptions failed charges, grace and lapse", function () {
  describe("when one subscriber of a batch revoked its allowance", function () {
    it("records the failure as an event, marks it past due, and still charges the others", async function () {
      const f = await loadSubscriptions();
      const { planId, alice, bob, aliceId, bobId } = await dueSubscriptions(f);
      await f.usdc.connect(alice).approve(await f.subscriptions.getAddress(), 0n);
      const bobBefore = await f.usdc.balanceOf(bob.address);
      const tx = f.subscriptions.connect(f.keeper).chargeMany([aliceId, bobId]);
      await expect(tx)
        .to.emit(f.subscriptions, "SubscriptionChargeFailed")
        .withArgs(
          aliceId,
          planId,
          alice.address,
          f.merchant.address,
          await f.usdc.getAddress(),
          10_000_000n,
          1,
          Reason.AllowanceTooLow,
          f.usdc.interface.encodeErrorResult("ERC20InsufficientAllowance", [
            await f.subscriptions.getAddress(),
            0n,
            10_000_000n,
          ]),
        );
      await expect(tx)
        .to.emit(f.subscriptions, "SubscriptionCharged")
        .withArgs(bobId, planId, bob.address, f.merchant.address, await f.usdc.getAddress(), 10_000_000n, 0n, 1);
      expect(await f.usdc.balanceOf(bob.address)).to.equal(bobBefore - 10_000_000n);
      const alices = await f.subscriptions.getSubscription(aliceId);
      expect(alices.status).to.equal(Status.PastDue);
      expect(alices.nextPeriod).to.equal(1n);
    });
  });

  describe("when one subscriber's balance is too low", function () {
    it("records BalanceTooLow and charges the others", async function () {
      const f = await loadSubscriptions();
      const { alice, aliceId, bobId } = await dueSubscriptions(f);
      await f.usdc.burn(alice.address, await f.usdc.balanceOf(alice.address));
      const tx = f.subscriptions.chargeMany([aliceId, bobId]);
      await expect(tx).to.emit(f.subscriptions, "SubscriptionChargeFailed");
      const failed = (await (await tx).wait())!.logs
        .map((log) => f.subscriptions.interface.parseLog(log))
        .find((event) => event?.name === "SubscriptionChargeFailed");
      expect(failed!.args.reason).to.equal(Reason.BalanceTooLow);
      expect(await f.subscriptions.chargeMany.staticCall([bobId])).to.equal(0n); // bob was charged: skipped now
      expect((await f.subscriptions.getSubscription(bobId)).status).to.equal(Status.Active);
    });
  });

  describe("given a past-due subscription", function () {
    it("comes back to active with a successful retry within the grace period, and is charged once for the period", async function () {
      const f = await loadSubscriptions();
      const { alice, aliceId } = await dueSubscriptions(f);
      const subscriptions = await f.subscriptions.getAddress();
      await f.usdc.connect(alice).approve(subscriptions, 0n);
      await f.subscriptions.charge(aliceId);
      const failedAt = BigInt(await time.latest());
      expect((await f.subscriptions.getSubscription(aliceId)).pastDueSince).to.equal(failedAt);

      await f.usdc.connect(alice).approve(subscriptions, 10_000_000n);
      await time.setNextBlockTimestamp(failedAt + 3n * 86_400n - 1n);
      await expect(f.subscriptions.charge(aliceId))
        .to.emit(f.subscriptions, "SubscriptionCharged")
        .withArgs(aliceId, 1n, alice.address, f.merchant.address, await f.usdc.getAddress(), 10_000_000n, 0n, 1);
      const after = await f.subscriptions.getSubscription(aliceId);
      expect([after.status, after.pastDueSince, after.nextPeriod]).to.deep.equal([Status.Active, 0n, 2n]);
    });

    it("lapses at the end of the grace period and can never be charged again", async function () {
      const f = await loadSubscriptions();
      const { planId, alice, aliceId } = await dueSubscriptions(f);
      const subscriptions = await f.subscriptions.getAddress();
      await f.usdc.connect(alice).approve(subscriptions, 0n);
      await f.subscriptions.charge(aliceId);
      const failedAt = BigInt(await time.latest());
      await f.usdc.connect(alice).approve(subscriptions, 10_000_000n);
      await time.setNextBlockTimestamp(failedAt + 3n * 86_400n);
      const before = await f.usdc.balanceOf(alice.address);
      await expect(f.subscriptions.charge(aliceId))
        .to.emit(f.subscriptions, "SubscriptionLapsed")
        .withArgs(aliceId, planId, alice.address);
      expect(await f.usdc.balanceOf(alice.address)).to.equal(before);
      expect((await f.subscriptions.getSubscription(aliceId)).status).to.equal(Status.Lapsed);
      await time.increase(40 * 86_400);
      await expect(f.subscriptions.charge(aliceId))
        .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsNotChargeable")
        .withArgs(aliceId, Status.Lapsed);
    });

    it("keeps the grace counted from the first failure when later retries fail too", async function () {
      const f = await loadSubscriptions();
      const { alice, aliceId } = await dueSubscriptions(f);
      await f.usdc.connect(alice).approve(await f.subscriptions.getAddress(), 0n);
      await f.subscriptions.charge(aliceId);
      const firstFailure = BigInt(await time.latest());
      await time.increase(86_400);
      await f.subscriptions.charge(aliceId);
      expect((await f.subscriptions.getSubscription(aliceId)).pastDueSince).to.equal(firstFailure);
    });
  });

  describe("given a subscriber who lets every other charge fail (revoking its allowance before each odd period)", function () {
    /**
     * Runs `periods` periods of a daily plan with `grace`, a keeper charging at each period's start: the subscriber
     * revokes its allowance before odd periods and restores it before even ones. Returns the periods charged and
     * the final status.
     */
    async function alternate(f: SubscriptionsFixture, grace: number, periods: number) {
      const planId = await createPlan(f, { period: DAY, grace });
      const alice = f.subscribers[0]!;
      const id = await subscribe(f, alice, planId);
      const spender = await f.subscriptions.getAddress();
      const [, start] = await f.subscriptions.isDue(id);
      const charged = [0];
      for (let k = 1; k <= periods; k++) {
        await f.usdc.connect(alice).approve(spender, k % 2 === 1 ? 0n : 10n ** 30n);
        await time.increaseTo(start + BigInt((k - 1) * DAY));
        const receipt = await (await f.subscriptions.connect(f.keeper).charge(id)).wait();
        for (const log of receipt!.logs) {
          const event = f.subscriptions.interface.parseLog(log);
          if (event?.name === "SubscriptionCharged") charged.push(Number(event.args.periodIndex));
        }
        if ((await f.subscriptions.getSubscription(id)).status === Status.Lapsed) break;
      }
      return { charged, status: (await f.subscriptions.getSubscription(id)).status };
    }

    it("refuses a plan whose grace (30 hours) is longer than its period (a day), which let such a subscriber pay half the periods and never lapse", async function () {
      const f = await loadSubscriptions();
      await expect(
        f.subscriptions.connect(f.merchant).createPlan(await planParams(f, { period: DAY, grace: 30 * 3600 })),
      )
        .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsGraceNotShorterThanPeriod")
        .withArgs(30 * 3600, DAY);
    });

    it("with the longest grace allowed (a period less a second), lapses at the first period after a failed one: no period is skipped while subscribed", async function () {
      const f = await loadSubscriptions();
      const { charged, status } = await alternate(f, DAY - 1, 8);
      expect(status).to.equal(Status.Lapsed);
      // Period 0 on subscribing; period 1 failed; at period 2 the grace was over: lapsed, nothing more charged.
      expect(charged).to.deep.equal([0]);
    });
  });
});
