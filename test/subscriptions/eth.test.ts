import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import { Reason, Status, createPlan, loadSubscriptions, subscribe } from "./fixture";

const PRICE = ethers.parseEther("0.01");

describe("CofferSubscriptions ETH plans (charged from deposits)", function () {
  it("takes the first period from the ETH sent on subscribing, then later periods from the deposit", async function () {
    const f = await loadSubscriptions();
    const planId = await createPlan(f, {
      token: ethers.ZeroAddress,
      amount: PRICE,
      feeBps: 100,
      feeReceiver: f.feeReceiver.address,
    });
    const subscriber = f.subscribers[0]!;
    const fee = PRICE / 100n;
    await expect(f.subscriptions.connect(subscriber).subscribe(planId, { value: PRICE * 3n })).to.changeEtherBalances(
      [subscriber, f.payee, f.feeReceiver],
      [-PRICE * 3n, PRICE - fee, fee],
    );
    expect(await f.subscriptions.depositOf(subscriber.address)).to.equal(PRICE * 2n);
    await time.increase(30 * 86_400);
    await expect(f.subscriptions.charge(1n)).to.changeEtherBalances([f.payee, f.feeReceiver], [PRICE - fee, fee]);
    expect(await f.subscriptions.depositOf(subscriber.address)).to.equal(PRICE);
  });

  it("records BalanceTooLow when the deposit runs out, and recovers after a top-up", async function () {
    const f = await loadSubscriptions();
    const planId = await createPlan(f, { token: ethers.ZeroAddress, amount: PRICE });
    const subscriber = f.subscribers[0]!;
    const id = await subscribe(f, subscriber, planId, PRICE);
    await time.increase(30 * 86_400);
    await expect(f.subscriptions.charge(id))
      .to.emit(f.subscriptions, "SubscriptionChargeFailed")
      .withArgs(
        id,
        planId,
        subscriber.address,
        f.merchant.address,
        ethers.ZeroAddress,
        PRICE,
        1,
        Reason.BalanceTooLow,
        "0x",
      );
    await expect(f.subscriptions.connect(f.stranger).deposit(subscriber.address, { value: PRICE }))
      .to.emit(f.subscriptions, "Deposited")
      .withArgs(subscriber.address, PRICE);
    await expect(f.subscriptions.charge(id)).to.emit(f.subscriptions, "SubscriptionCharged");
    expect((await f.subscriptions.getSubscription(id)).status).to.equal(Status.Active);
  });

  it("lets the subscriber withdraw an unused deposit to any address, and no more", async function () {
    const f = await loadSubscriptions();
    const subscriber = f.subscribers[0]!;
    await f.subscriptions.connect(subscriber).deposit(subscriber.address, { value: PRICE });
    await expect(f.subscriptions.connect(subscriber).withdrawDeposit(PRICE + 1n, f.stranger.address))
      .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsInvalidValue")
      .withArgs(PRICE + 1n);
    await expect(f.subscriptions.connect(f.stranger).withdrawDeposit(1n, f.stranger.address))
      .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsInvalidValue")
      .withArgs(1n);
    await expect(f.subscriptions.connect(subscriber).withdrawDeposit(PRICE, f.stranger.address)).to.changeEtherBalance(
      f.stranger,
      PRICE,
    );
    expect(await f.subscriptions.depositOf(subscriber.address)).to.equal(0n);
  });

  it("rejects ETH sent to subscribe to a token plan", async function () {
    const f = await loadSubscriptions();
    const planId = await createPlan(f);
    await expect(f.subscriptions.connect(f.subscribers[0]!).subscribe(planId, { value: 1n }))
      .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsInvalidValue")
      .withArgs(1n);
  });
});
