import { expect } from "chai";
import { ethers } from "ethers";
import { HOUR, createPlan, loadSubscriptions, planParams, subscribe } from "./fixture";

describe("CofferSubscriptions plans", function () {
  describe("createPlan", function () {
    it("stores the plan with the caller as merchant and emits PlanCreated with all of it", async function () {
      const f = await loadSubscriptions();
      const params = await planParams(f, { trial: 7 * 86_400, feeBps: 250, feeReceiver: f.feeReceiver.address });
      await expect(f.subscriptions.connect(f.merchant).createPlan(params))
        .to.emit(f.subscriptions, "PlanCreated")
        .withArgs(1n, f.merchant.address, [
          params.token,
          params.amount,
          params.payee,
          params.period,
          params.grace,
          params.feeBps,
          false,
          f.merchant.address,
          params.trial,
          params.feeReceiver,
        ]);
      const plan = await f.subscriptions.getPlan(1n);
      expect(plan.merchant).to.equal(f.merchant.address);
      expect(plan.amount).to.equal(params.amount);
    });

    it("accepts any period from an hour to decades", async function () {
      const f = await loadSubscriptions();
      for (const period of [HOUR, 10 * 365 * 86_400, 2 ** 32 - 1]) {
        await expect(f.subscriptions.connect(f.merchant).createPlan(await planParams(f, { period, grace: 0 }))).to.emit(
          f.subscriptions,
          "PlanCreated",
        );
      }
    });

    describe("when the parameters are invalid", function () {
      it("reverts with CofferSubscriptionsInvalidPlan for a short period, no amount, no payee, or a fee without receiver", async function () {
        const f = await loadSubscriptions();
        for (const overrides of [
          { period: HOUR - 1 },
          { amount: 0n },
          { payee: ethers.ZeroAddress },
          { feeBps: 10_001, feeReceiver: f.feeReceiver.address },
          { feeBps: 100, feeReceiver: ethers.ZeroAddress },
        ]) {
          await expect(
            f.subscriptions.connect(f.merchant).createPlan(await planParams(f, overrides)),
          ).to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsInvalidPlan");
        }
      });
    });
  });

  describe("when the grace is not shorter than the period", function () {
    it("reverts with CofferSubscriptionsGraceNotShorterThanPeriod carrying the grace and the period", async function () {
      const f = await loadSubscriptions();
      for (const [grace, period] of [
        [HOUR, HOUR],
        [30 * HOUR, 24 * HOUR],
        [2 ** 32 - 1, 30 * 86_400],
      ]) {
        await expect(f.subscriptions.connect(f.merchant).createPlan(await planParams(f, { grace, period })))
          .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsGraceNotShorterThanPeriod")
          .withArgs(grace, period);
      }
    });

    it("accepts a grace one second shorter than the period, and none at all", async function () {
      const f = await loadSubscriptions();
      for (const grace of [HOUR - 1, 0]) {
        await expect(
          f.subscriptions.connect(f.merchant).createPlan(await planParams(f, { grace, period: HOUR })),
        ).to.emit(f.subscriptions, "PlanCreated");
      }
    });
  });

  describe("retirePlan", function () {
    it("stops new subscriptions and lets existing ones go on", async function () {
      const f = await loadSubscriptions();
      const planId = await createPlan(f);
      const existing = await subscribe(f, f.subscribers[0]!, planId);
      await expect(f.subscriptions.connect(f.merchant).retirePlan(planId))
        .to.emit(f.subscriptions, "PlanRetired")
        .withArgs(planId);
      await expect(f.subscriptions.connect(f.subscribers[1]!).subscribe(planId))
        .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsPlanRetired")
        .withArgs(planId);
      const [due] = await f.subscriptions.isDue(existing);
      expect(due).to.equal(false); // charged for this period; charged again next period (see charge tests)
      expect((await f.subscriptions.getSubscription(existing)).status).to.equal(1n);
    });

    it("reverts with CofferSubscriptionsUnauthorizedCaller for anyone but the merchant, and PlanNotFound for no plan", async function () {
      const f = await loadSubscriptions();
      const planId = await createPlan(f);
      for (const caller of [f.payee, f.stranger, f.subscribers[0]!]) {
        await expect(f.subscriptions.connect(caller).retirePlan(planId))
          .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsUnauthorizedCaller")
          .withArgs(caller.address);
      }
      await expect(f.subscriptions.connect(f.merchant).retirePlan(99n))
        .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsPlanNotFound")
        .withArgs(99n);
    });
  });
});
