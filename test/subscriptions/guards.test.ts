import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import hre from "hardhat";
import { DAY, Reason, Status, createPlan, loadSubscriptions, subscribe } from "./fixture";

/**
 * The guards of `CofferSubscriptions` that the behaviour suites leave untouched: input checks on deposits and
 * withdrawals, lookups of subscriptions that do not exist, cancelling a lapsed subscription, a permit on a plan
 * without a token contract, a zero payout, and the reentrancy guard on `subscribeWithPermit`, `resume` and
 * `deposit` (reached from a token hook, acting as the subscriber through its wallet).
 */

const PRICE = ethers.parseEther("0.01");
const PERIOD = 30 * DAY;
const AMOUNT = 10n ** 19n; // the ReentrantToken has 18 decimals

describe("CofferSubscriptions guards", function () {
  describe("deposit", function () {
    describe("when the subscriber is the zero address", function () {
      it("reverts with CofferSubscriptionsZeroAddress and records no deposit", async function () {
        const f = await loadSubscriptions();
        const tx = f.subscriptions.connect(f.stranger).deposit(ethers.ZeroAddress, { value: PRICE });
        await expect(tx).to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsZeroAddress");
        expect(await f.subscriptions.depositOf(ethers.ZeroAddress)).to.equal(0n);
      });
    });

    describe("when no ETH comes with it", function () {
      it("reverts with CofferSubscriptionsInvalidValue(0)", async function () {
        const f = await loadSubscriptions();
        const subscriber = f.subscribers[0]!;
        await expect(f.subscriptions.connect(subscriber).deposit(subscriber.address))
          .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsInvalidValue")
          .withArgs(0n);
      });
    });
  });

  describe("withdrawDeposit", function () {
    describe("when the receiver is the zero address", function () {
      it("reverts with CofferSubscriptionsZeroAddress and the deposit stays whole", async function () {
        const f = await loadSubscriptions();
        const subscriber = f.subscribers[0]!;
        await f.subscriptions.connect(subscriber).deposit(subscriber.address, { value: PRICE });
        const before = await f.subscriptions.depositOf(subscriber.address);
        await expect(
          f.subscriptions.connect(subscriber).withdrawDeposit(PRICE, ethers.ZeroAddress),
        ).to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsZeroAddress");
        expect(await f.subscriptions.depositOf(subscriber.address)).to.equal(before);
      });
    });

    describe("when the amount is 0", function () {
      it("reverts with CofferSubscriptionsInvalidValue(0) and the deposit stays whole", async function () {
        const f = await loadSubscriptions();
        const subscriber = f.subscribers[0]!;
        await f.subscriptions.connect(subscriber).deposit(subscriber.address, { value: PRICE });
        const before = await f.subscriptions.depositOf(subscriber.address);
        await expect(f.subscriptions.connect(subscriber).withdrawDeposit(0n, f.stranger.address))
          .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsInvalidValue")
          .withArgs(0n);
        expect(await f.subscriptions.depositOf(subscriber.address)).to.equal(before);
      });
    });
  });

  describe("withdrawCredit", function () {
    /** An ETH plan whose payee refuses ETH while rejecting: its share of one charge is credited. */
    async function credited() {
      const f = await loadSubscriptions();
      const payee = await hre.ethers.deployContract("RevertingReceiver");
      const payeeAddress = await payee.getAddress();
      const planId = await createPlan(f, { token: ethers.ZeroAddress, amount: PRICE, payee: payeeAddress });
      await expect(f.subscriptions.connect(f.subscribers[0]!).subscribe(planId, { value: PRICE }))
        .to.emit(f.subscriptions, "PayoutCredited")
        .withArgs(payeeAddress, PRICE);
      return { f, payee, payeeAddress };
    }

    describe("when the receiver is the zero address", function () {
      it("reverts with CofferSubscriptionsZeroAddress and the credit stays whole", async function () {
        const { f, payee, payeeAddress } = await credited();
        const subscriptionsAddress = await f.subscriptions.getAddress();
        const data = f.subscriptions.interface.encodeFunctionData("withdrawCredit", [ethers.ZeroAddress]);
        await expect(payee.execute(subscriptionsAddress, 0n, data)).to.be.revertedWithCustomError(
          f.subscriptions,
          "CofferSubscriptionsZeroAddress",
        );
        expect(await f.subscriptions.creditOf(payeeAddress)).to.equal(PRICE);
        // The same credit withdraws to a real address.
        const to = f.stranger.address;
        const withdraw = f.subscriptions.interface.encodeFunctionData("withdrawCredit", [to]);
        await expect(payee.execute(subscriptionsAddress, 0n, withdraw)).to.changeEtherBalances(
          [to, subscriptionsAddress],
          [PRICE, -PRICE],
        );
      });
    });

    describe("given the caller has no credit", function () {
      it("reverts with CofferSubscriptionsInvalidValue(0) and pays nothing", async function () {
        const { f } = await credited();
        for (const caller of [f.stranger, f.merchant, f.subscribers[0]!]) {
          await expect(f.subscriptions.connect(caller).withdrawCredit(caller.address))
            .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsInvalidValue")
            .withArgs(0n);
        }
      });
    });
  });

  describe("pause and resume", function () {
    describe("given the subscription does not exist", function () {
      it("reverts with CofferSubscriptionsNotFound, not an authorization error", async function () {
        const f = await loadSubscriptions();
        await subscribe(f, f.subscribers[0]!, await createPlan(f));
        for (const id of [0n, 77n]) {
          await expect(f.subscriptions.connect(f.subscribers[0]!).pause(id))
            .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsNotFound")
            .withArgs(id);
          await expect(f.subscriptions.connect(f.subscribers[0]!).resume(id))
            .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsNotFound")
            .withArgs(id);
        }
      });
    });
  });

  describe("cancel", function () {
    describe("given the subscription lapsed", function () {
      it("reverts with CofferSubscriptionsInvalidStatus(Lapsed), by the subscriber and by the merchant", async function () {
        const f = await loadSubscriptions();
        const subscriber = f.subscribers[0]!;
        const id = await subscribe(f, subscriber, await createPlan(f));
        await time.increase(PERIOD);
        await f.usdc.connect(subscriber).approve(await f.subscriptions.getAddress(), 0n);
        await expect(f.subscriptions.charge(id)).to.emit(f.subscriptions, "SubscriptionChargeFailed");
        await time.increase(3 * DAY);
        await expect(f.subscriptions.charge(id)).to.emit(f.subscriptions, "SubscriptionLapsed");
        for (const caller of [subscriber, f.merchant]) {
          await expect(f.subscriptions.connect(caller).cancel(id))
            .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsInvalidStatus")
            .withArgs(id, Status.Lapsed);
        }
        expect((await f.subscriptions.getSubscription(id)).status).to.equal(Status.Lapsed);
      });
    });
  });

  describe("subscribeWithPermit", function () {
    describe("when the plan is an ETH plan (no token contract to permit)", function () {
      it("skips the permit and charges the first period from the deposit", async function () {
        const f = await loadSubscriptions();
        const subscriber = f.subscribers[0]!;
        const planId = await createPlan(f, { token: ethers.ZeroAddress, amount: PRICE });
        await f.subscriptions.connect(subscriber).deposit(subscriber.address, { value: 2n * PRICE });
        const tx = f.subscriptions
          .connect(subscriber)
          .subscribeWithPermit(planId, 0n, 0n, 0, ethers.ZeroHash, ethers.ZeroHash);
        await expect(tx).to.emit(f.subscriptions, "SubscriptionCharged");
        await expect(tx).to.changeEtherBalances([f.payee, await f.subscriptions.getAddress()], [PRICE, -PRICE]);
        expect(await f.subscriptions.depositOf(subscriber.address)).to.equal(PRICE);
      });
    });

    describe("when the plan's token address has no code", function () {
      it("skips the permit and reverts with CofferSubscriptionsFirstChargeFailed(TransferFailed)", async function () {
        const f = await loadSubscriptions();
        const planId = await createPlan(f, { token: f.stranger.address });
        await expect(
          f.subscriptions
            .connect(f.subscribers[0]!)
            .subscribeWithPermit(planId, 0n, 0n, 0, ethers.ZeroHash, ethers.ZeroHash),
        )
          .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsFirstChargeFailed")
          .withArgs(Reason.TransferFailed, "0x");
      });
    });
  });

  describe("given an ETH plan with a 100% fee and a payee that refuses ETH", function () {
    it("pushes nothing to the payee (no zero credit) and the whole price to the fee receiver", async function () {
      const f = await loadSubscriptions();
      const payee = await hre.ethers.deployContract("RevertingReceiver");
      const payeeAddress = await payee.getAddress();
      const planId = await createPlan(f, {
        token: ethers.ZeroAddress,
        amount: PRICE,
        payee: payeeAddress,
        feeBps: 10_000,
        feeReceiver: f.feeReceiver.address,
      });
      const tx = f.subscriptions.connect(f.subscribers[0]!).subscribe(planId, { value: PRICE });
      await expect(tx).to.emit(f.subscriptions, "SubscriptionCharged");
      await expect(tx).not.to.emit(f.subscriptions, "PayoutCredited");
      await expect(tx).to.changeEtherBalances([f.feeReceiver, payeeAddress], [PRICE, 0n]);
      expect(await f.subscriptions.creditOf(payeeAddress)).to.equal(0n);
    });
  });

  describe("when a token hook re-enters as the subscriber's wallet", function () {
    /**
     * A ReentrantToken plan. The wallet (a ReentrantReceiver) holds tokens, ETH and an allowance, and has a
     * subscription it paused. The token is then armed so that the next transfer (dave's first charge) makes the
     * wallet call the subscriptions contract: every such call would succeed outside a charge.
     */
    async function setup() {
      const f = await loadSubscriptions();
      const subscriptionsAddress = await f.subscriptions.getAddress();
      const token = await hre.ethers.deployContract("ReentrantToken");
      const tokenAddress = await token.getAddress();
      const wallet = await hre.ethers.deployContract("ReentrantReceiver");
      const walletAddress = await wallet.getAddress();
      const planId = await createPlan(f, { token: tokenAddress, amount: AMOUNT });
      await token.mint(walletAddress, 100n * AMOUNT);
      await f.stranger.sendTransaction({ to: walletAddress, value: 10n * PRICE });
      await wallet.execute(
        tokenAddress,
        0n,
        token.interface.encodeFunctionData("approve", [subscriptionsAddress, ethers.MaxUint256]),
      );
      const iface = f.subscriptions.interface;
      await wallet.execute(subscriptionsAddress, 0n, iface.encodeFunctionData("subscribe", [planId]));
      const walletId = 1n;
      await wallet.execute(subscriptionsAddress, 0n, iface.encodeFunctionData("pause", [walletId]));
      const dave = f.subscribers[0]!;
      await token.mint(dave.address, 100n * AMOUNT);
      await token.connect(dave).approve(subscriptionsAddress, ethers.MaxUint256);
      /** Arms the token: its next transfer makes the wallet send `data` (with `value` wei) to the contract. */
      const armAsWallet = (data: string, value = 0n) =>
        token.arm(walletAddress, wallet.interface.encodeFunctionData("execute", [subscriptionsAddress, value, data]));
      const guardError = iface.encodeErrorResult("ReentrancyGuardReentrantCall", []);
      return { f, token, wallet, walletAddress, planId, walletId, dave, armAsWallet, guardError, iface };
    }
    type Setup = Awaited<ReturnType<typeof setup>>;

    /** Dave subscribes (the hook fires in his first charge): it succeeds, moves one amount, and the hook failed. */
    async function daveSubscribes(s: Setup) {
      const tx = s.f.subscriptions.connect(s.dave).subscribe(s.planId);
      await expect(tx).to.emit(s.f.subscriptions, "SubscriptionCharged");
      await expect(tx).to.changeTokenBalances(
        s.token,
        [s.dave.address, s.walletAddress, s.f.payee.address],
        [-AMOUNT, 0n, AMOUNT],
      );
      expect(await s.token.callbackCount()).to.equal(1n);
      expect(await s.token.lastCallbackSucceeded()).to.equal(false);
      expect(await s.token.lastCallbackReturnData()).to.equal(s.guardError);
      return tx;
    }

    describe("when it calls subscribeWithPermit", function () {
      it("fails with ReentrancyGuardReentrantCall: no subscription for the wallet, nothing taken from it", async function () {
        const s = await setup();
        await s.armAsWallet(
          s.iface.encodeFunctionData("subscribeWithPermit", [s.planId, 0n, 0n, 0, ethers.ZeroHash, ethers.ZeroHash]),
        );
        await daveSubscribes(s);
        // The wallet's subscription is 1, dave's 2: a nested subscription would have been 3.
        expect((await s.f.subscriptions.getSubscription(2n)).subscriber).to.equal(s.dave.address);
        expect((await s.f.subscriptions.getSubscription(3n)).status).to.equal(Status.None);
      });
    });

    describe("when it calls resume of its paused subscription", function () {
      it("fails with ReentrancyGuardReentrantCall and the subscription stays paused", async function () {
        const s = await setup();
        await s.armAsWallet(s.iface.encodeFunctionData("resume", [s.walletId]));
        const tx = await daveSubscribes(s);
        await expect(tx).not.to.emit(s.f.subscriptions, "SubscriptionResumed");
        expect((await s.f.subscriptions.getSubscription(s.walletId)).status).to.equal(Status.Paused);
      });
    });

    describe("when it calls deposit with ETH", function () {
      it("fails with ReentrancyGuardReentrantCall: no deposit, the ETH stays with the wallet", async function () {
        const s = await setup();
        await s.armAsWallet(s.iface.encodeFunctionData("deposit", [s.walletAddress]), PRICE);
        const tx = await daveSubscribes(s);
        await expect(tx).not.to.emit(s.f.subscriptions, "Deposited");
        await expect(tx).to.changeEtherBalances([s.walletAddress, await s.f.subscriptions.getAddress()], [0n, 0n]);
        expect(await s.f.subscriptions.depositOf(s.walletAddress)).to.equal(0n);
      });
    });
  });
});
