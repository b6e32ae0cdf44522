import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { Status, createPlan, loadSubscriptions, subscribe } from "./fixture";

describe("CofferSubscriptions cancel, pause and resume", function () {
  describe("cancel", function () {
    for (const by of ["subscriber", "merchant"] as const) {
      it(`by the ${by}: the subscription is never charged again`, async function () {
        const f = await loadSubscriptions();
        const subscriber = f.subscribers[0]!;
        const id = await subscribe(f, subscriber, await createPlan(f));
        const caller = by === "subscriber" ? subscriber : f.merchant;
        await expect(f.subscriptions.connect(caller).cancel(id))
          .to.emit(f.subscriptions, "SubscriptionCancelled")
          .withArgs(id, caller.address);
        await time.increase(90 * 86_400);
        await expect(f.subscriptions.charge(id))
          .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsNotChargeable")
          .withArgs(id, Status.Cancelled);
        await expect(f.subscriptions.chargeMany([id]))
          .to.emit(f.subscriptions, "SubscriptionChargeSkipped")
          .withArgs(id, Status.Cancelled);
        await expect(f.subscriptions.connect(subscriber).resume(id))
          .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsInvalidStatus")
          .withArgs(id, Status.Cancelled);
        await expect(f.subscriptions.connect(caller).cancel(id))
          .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsInvalidStatus")
          .withArgs(id, Status.Cancelled);
      });
    }

    it("reverts with CofferSubscriptionsUnauthorizedCaller for the payee, a keeper or a stranger", async function () {
      const f = await loadSubscriptions();
      const id = await subscribe(f, f.subscribers[0]!, await createPlan(f));
      for (const caller of [f.payee, f.keeper, f.stranger, f.subscribers[1]!]) {
        await expect(f.subscriptions.connect(caller).cancel(id))
          .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsUnauthorizedCaller")
          .withArgs(caller.address);
      }
      await expect(f.subscriptions.connect(f.merchant).cancel(77n))
        .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsNotFound")
        .withArgs(77n);
    });
  });

  describe("pause and resume", function () {
    it("stops charges while paused; on resume the unpaid current period is due, on the same grid", async function () {
      const f = await loadSubscriptions();
      const subscriber = f.subscribers[0]!;
      const id = await subscribe(f, subscriber, await createPlan(f));
      await expect(f.subscriptions.connect(subscriber).pause(id)).to.emit(f.subscriptions, "SubscriptionPaused");
      const [, period1] = await f.subscriptions.isDue(id);
      expect(period1).to.equal(0n); // paused: never due
      await time.increase(65 * 86_400); // into period 2
      await expect(f.subscriptions.charge(id))
        .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsNotChargeable")
        .withArgs(id, Status.Paused);
      await expect(f.subscriptions.connect(subscriber).resume(id)).to.emit(f.subscriptions, "SubscriptionResumed");
      await expect(f.subscriptions.charge(id))
        .to.emit(f.subscriptions, "SubscriptionCharged")
        .withArgs(id, 1n, subscriber.address, f.merchant.address, await f.usdc.getAddress(), 10_000_000n, 0n, 2);
    });

    it("returns a past-due subscription to past due on resume", async function () {
      const f = await loadSubscriptions();
      const subscriber = f.subscribers[0]!;
      const id = await subscribe(f, subscriber, await createPlan(f));
      await time.increase(31 * 86_400);
      await f.usdc.connect(subscriber).approve(await f.subscriptions.getAddress(), 0n);
      await f.subscriptions.charge(id);
      await f.subscriptions.connect(subscriber).pause(id);
      await f.subscriptions.connect(subscriber).resume(id);
      expect((await f.subscriptions.getSubscription(id)).status).to.equal(Status.PastDue);
    });

    it("only the subscriber pauses and resumes, and only from the right status", async function () {
      const f = await loadSubscriptions();
      const subscriber = f.subscribers[0]!;
      const id = await subscribe(f, subscriber, await createPlan(f));
      for (const caller of [f.merchant, f.payee, f.stranger]) {
        await expect(f.subscriptions.connect(caller).pause(id))
          .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsUnauthorizedCaller")
          .withArgs(caller.address);
      }
      await expect(f.subscriptions.connect(subscriber).resume(id))
        .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsInvalidStatus")
        .withArgs(id, Status.Active);
      await f.subscriptions.connect(subscriber).pause(id);
      for (const caller of [f.merchant, f.stranger]) {
        await expect(f.subscriptions.connect(caller).resume(id))
          .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsUnauthorizedCaller")
          .withArgs(caller.address);
      }
      await expect(f.subscriptions.connect(subscriber).pause(id))
        .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsInvalidStatus")
        .withArgs(id, Status.Paused);
    });
  });
});
