import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { ethers } from "ethers";
import hre from "hardhat";
import { DAY, Reason, Status, createPlan, loadSubscriptions, subscribe, type SubscriptionsFixture } from "./fixture";

/**
 * Reentrancy through token hooks and ETH receivers. A ReentrantToken's transfer hook (fired inside `collect`, while
 * a charge is under way) calls back into every entry point of `CofferSubscriptions`, either directly or as the
 * subscriber through its wallet (a ReentrantReceiver's `execute`). Every such call must fail (the reentrancy
 * guard, or `collect`'s self-only check) and the outer charge must still be booked once for its period.
 */

const AMOUNT = 10n ** 19n; // the ReentrantToken has 18 decimals
const PERIOD = 30 * DAY;

/** SubscriptionCharged events of a transaction, as [subscription id, period index]. */
async function chargedIn(f: SubscriptionsFixture, tx: Promise<ContractTransactionResponse>): Promise<bigint[][]> {
  const receipt = (await (await tx).wait()) as ContractTransactionReceipt;
  return receipt.logs
    .map((log) => f.subscriptions.interface.parseLog(log))
    .filter((parsed) => parsed?.name === "SubscriptionCharged")
    .map((parsed) => [parsed!.args[0] as bigint, BigInt(parsed!.args[7])]);
}

/**
 * A plan in a ReentrantToken with three subscriptions, all paid for period 0 and due for period 1: `walletId` is
 * a ReentrantReceiver acting as subscriber (so a callback can act as the subscriber), `bobId` and `carolId` are
 * EOAs.
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
  await wallet.execute(
    tokenAddress,
    0n,
    token.interface.encodeFunctionData("approve", [subscriptionsAddress, ethers.MaxUint256]),
  );
  await wallet.execute(subscriptionsAddress, 0n, f.subscriptions.interface.encodeFunctionData("subscribe", [planId]));
  const walletId = 1n;

  const [bob, carol, dave] = f.subscribers as [
    SubscriptionsFixture["subscribers"][number],
    SubscriptionsFixture["subscribers"][number],
    SubscriptionsFixture["subscribers"][number],
  ];
  for (const s of [bob, carol, dave]) {
    await token.mint(s.address, 100n * AMOUNT);
    await token.connect(s).approve(subscriptionsAddress, ethers.MaxUint256);
  }
  const bobId = await subscribe(f, bob, planId);
  const carolId = await subscribe(f, carol, planId);
  await time.increase(PERIOD);

  const guardError = f.subscriptions.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);
  const onlySelfError = f.subscriptions.interface.encodeErrorResult("CofferSubscriptionsOnlySelf", []);
  /** Calldata making the subscriber's wallet call the subscriptions contract with `data`. */
  const asWallet = (data: string) => wallet.interface.encodeFunctionData("execute", [subscriptionsAddress, 0n, data]);
  return {
    f,
    token,
    tokenAddress,
    wallet,
    walletAddress,
    subscriptionsAddress,
    planId,
    walletId,
    bob,
    carol,
    dave,
    bobId,
    carolId,
    guardError,
    onlySelfError,
    asWallet,
  };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** The reentrant calls: who the hook calls, with what, and the error it must get back. */
const reentries: { name: string; call: (s: Setup) => { target: string; data: string; error: string } }[] = [
  {
    name: "charge of another due subscription",
    call: (s) => ({
      target: s.subscriptionsAddress,
      data: s.f.subscriptions.interface.encodeFunctionData("charge", [s.bobId]),
      error: s.guardError,
    }),
  },
  {
    name: "charge of the subscription being charged",
    call: (s) => ({
      target: s.subscriptionsAddress,
      data: s.f.subscriptions.interface.encodeFunctionData("charge", [s.walletId]),
      error: s.guardError,
    }),
  },
  {
    name: "chargeMany over the batch",
    call: (s) => ({
      target: s.subscriptionsAddress,
      data: s.f.subscriptions.interface.encodeFunctionData("chargeMany", [[s.walletId, s.bobId, s.carolId]]),
      error: s.guardError,
    }),
  },
  {
    name: "cancel by the subscriber itself (through its wallet)",
    call: (s) => ({
      target: s.walletAddress,
      data: s.asWallet(s.f.subscriptions.interface.encodeFunctionData("cancel", [s.walletId])),
      error: s.guardError,
    }),
  },
  {
    name: "pause by the subscriber itself (through its wallet)",
    call: (s) => ({
      target: s.walletAddress,
      data: s.asWallet(s.f.subscriptions.interface.encodeFunctionData("pause", [s.walletId])),
      error: s.guardError,
    }),
  },
  {
    name: "subscribe by the subscriber (through its wallet)",
    call: (s) => ({
      target: s.walletAddress,
      data: s.asWallet(s.f.subscriptions.interface.encodeFunctionData("subscribe", [s.planId])),
      error: s.guardError,
    }),
  },
  {
    name: "collect of another subscriber's allowance",
    call: (s) => ({
      target: s.subscriptionsAddress,
      data: s.f.subscriptions.interface.encodeFunctionData("collect", [
        s.tokenAddress,
        s.bob.address,
        s.walletAddress,
        AMOUNT,
        ethers.ZeroAddress,
        0n,
      ]),
      error: s.onlySelfError,
    }),
  },
];

describe("CofferSubscriptions reentrancy", function () {
  for (const before of [false, true]) {
    describe(`when the token's hook calls back ${before ? "before" : "after"} the balances move`, function () {
      for (const reentry of reentries) {
        describe(`when the hook attempts a ${reentry.name}`, function () {
          it("fails the reentrant call, and the outer charge books its period once and moves one amount", async function () {
            const s = await setup();
            const { target, data, error } = reentry.call(s);
            await s.token.setCallbackBeforeUpdate(before);
            await s.token.arm(target, data);
            const tx = s.f.subscriptions.connect(s.f.keeper).charge(s.walletId);
            await expect(tx).to.changeTokenBalances(
              s.token,
              [s.walletAddress, s.bob.address, s.carol.address, s.f.payee.address],
              [-AMOUNT, 0n, 0n, AMOUNT],
            );
            expect(await chargedIn(s.f, tx)).to.deep.equal([[s.walletId, 1n]]);
            await expect(tx).not.to.emit(s.f.subscriptions, "SubscriptionCancelled");
            await expect(tx).not.to.emit(s.f.subscriptions, "SubscriptionPaused");
            await expect(tx).not.to.emit(s.f.subscriptions, "SubscriptionCreated");
            expect(await s.token.callbackCount()).to.equal(1n);
            expect(await s.token.lastCallbackSucceeded()).to.equal(false);
            expect(await s.token.lastCallbackReturnData()).to.equal(error);

            const subscription = await s.f.subscriptions.getSubscription(s.walletId);
            expect(subscription.status).to.equal(Status.Active);
            expect(subscription.nextPeriod).to.equal(2n);
            await expect(s.f.subscriptions.charge(s.walletId)).to.be.revertedWithCustomError(
              s.f.subscriptions,
              "CofferSubscriptionsNotDue",
            );
            // The others were not charged by the reentrant call, and are charged once now.
            const rest = s.f.subscriptions.connect(s.f.keeper).chargeMany([s.bobId, s.carolId]);
            expect(await chargedIn(s.f, rest)).to.deep.equal([
              [s.bobId, 1n],
              [s.carolId, 1n],
            ]);
          });
        });
      }
    });
  }

  describe("when the outer call is chargeMany and the hook re-enters charge for the next subscription of the batch", function () {
    it("fails the reentrant charge and the batch charges every subscription exactly once", async function () {
      const s = await setup();
      await s.token.arm(s.subscriptionsAddress, s.f.subscriptions.interface.encodeFunctionData("charge", [s.bobId]));
      const tx = s.f.subscriptions.connect(s.f.keeper).chargeMany([s.walletId, s.bobId, s.carolId]);
      expect(await chargedIn(s.f, tx)).to.deep.equal([
        [s.walletId, 1n],
        [s.bobId, 1n],
        [s.carolId, 1n],
      ]);
      await expect(tx).to.changeTokenBalances(
        s.token,
        [s.walletAddress, s.bob.address, s.carol.address, s.f.payee.address],
        [-AMOUNT, -AMOUNT, -AMOUNT, 3n * AMOUNT],
      );
      expect(await s.token.lastCallbackReturnData()).to.equal(s.guardError);
    });
  });

  describe("when the hook's failed reentrant call is bubbled (the token reverts the transfer)", function () {
    it("records the outer charge as failed (TransferFailed, with the guard's error) and moves nothing", async function () {
      const s = await setup();
      await s.token.setBubbleRevert(true);
      await s.token.arm(s.subscriptionsAddress, s.f.subscriptions.interface.encodeFunctionData("charge", [s.bobId]));
      const tx = s.f.subscriptions.connect(s.f.keeper).charge(s.walletId);
      await expect(tx)
        .to.emit(s.f.subscriptions, "SubscriptionChargeFailed")
        .withArgs(
          s.walletId,
          s.planId,
          s.walletAddress,
          s.f.merchant.address,
          s.tokenAddress,
          AMOUNT,
          1,
          Reason.TransferFailed,
          s.guardError,
        );
      await expect(tx).to.changeTokenBalances(s.token, [s.walletAddress, s.f.payee.address], [0n, 0n]);
      expect((await s.f.subscriptions.getSubscription(s.walletId)).status).to.equal(Status.PastDue);
    });
  });

  describe("when the hook re-enters during a subscription's first charge", function () {
    it("fails the reentrant charge and the new subscription is created and charged once", async function () {
      const s = await setup();
      await s.token.arm(s.subscriptionsAddress, s.f.subscriptions.interface.encodeFunctionData("charge", [s.bobId]));
      const tx = s.f.subscriptions.connect(s.dave).subscribe(s.planId);
      expect(await chargedIn(s.f, tx)).to.deep.equal([[4n, 0n]]);
      await expect(tx).to.changeTokenBalances(s.token, [s.dave.address, s.bob.address], [-AMOUNT, 0n]);
      expect(await s.token.lastCallbackReturnData()).to.equal(s.guardError);
    });
  });

  describe("given an ETH plan whose payee re-enters on receiving", function () {
    const PRICE = ethers.parseEther("1");

    async function ethSetup() {
      const f = await loadSubscriptions();
      const payee = await hre.ethers.deployContract("ReentrantReceiver");
      const payeeAddress = await payee.getAddress();
      const planId = await createPlan(f, { token: ethers.ZeroAddress, amount: PRICE, payee: payeeAddress });
      const [alice, bob] = f.subscribers as [
        SubscriptionsFixture["subscribers"][number],
        SubscriptionsFixture["subscribers"][number],
      ];
      const aliceId = await subscribe(f, alice, planId, 3n * PRICE);
      const bobId = await subscribe(f, bob, planId, 3n * PRICE);
      await time.increase(PERIOD);
      return { f, payee, payeeAddress, planId, alice, bob, aliceId, bobId };
    }
    type EthSetup = Awaited<ReturnType<typeof ethSetup>>;

    /**
     * Makes one callback outside any charge (a `collect`, which fails with a 4-byte error), so that the receiver's
     * own bookkeeping slots are non-zero and its next callback costs little enough to run within the stipend.
     */
    async function warmUp(s: EthSetup) {
      const collect = s.f.subscriptions.interface.encodeFunctionData("collect", [
        ethers.ZeroAddress,
        s.alice.address,
        s.payeeAddress,
        1n,
        ethers.ZeroAddress,
        0n,
      ]);
      await s.payee.arm(await s.f.subscriptions.getAddress(), collect);
      await s.f.stranger.sendTransaction({ to: s.payeeAddress, value: 1n });
      expect(await s.payee.callbackCount()).to.equal(1n);
    }

    const reentrantCalls = [
      ["charge", (s: EthSetup) => s.f.subscriptions.interface.encodeFunctionData("charge", [s.bobId])],
      [
        "withdrawDeposit",
        (s: EthSetup) => s.f.subscriptions.interface.encodeFunctionData("withdrawDeposit", [PRICE, s.payeeAddress]),
      ],
      [
        "withdrawCredit",
        (s: EthSetup) => s.f.subscriptions.interface.encodeFunctionData("withdrawCredit", [s.payeeAddress]),
      ],
    ] as const;

    describe("when the payee's reentrant call does not fit in the 50,000-gas payout stipend (a cold receiver)", function () {
      it("credits the payee instead (PayoutCredited), the reentrant call undone, one price taken from one deposit", async function () {
        const s = await ethSetup();
        await s.payee.arm(await s.f.subscriptions.getAddress(), reentrantCalls[0][1](s));
        const tx = s.f.subscriptions.connect(s.f.keeper).charge(s.aliceId);
        expect(await chargedIn(s.f, tx)).to.deep.equal([[s.aliceId, 1n]]);
        await expect(tx).to.emit(s.f.subscriptions, "PayoutCredited").withArgs(s.payeeAddress, PRICE);
        await expect(tx).to.changeEtherBalances([s.payeeAddress, await s.f.subscriptions.getAddress()], [0n, 0n]);
        expect(await s.payee.callbackCount()).to.equal(0n);
        expect(await s.f.subscriptions.creditOf(s.payeeAddress)).to.equal(PRICE);
        expect(await s.f.subscriptions.depositOf(s.alice.address)).to.equal(PRICE);
        expect(await s.f.subscriptions.depositOf(s.bob.address)).to.equal(2n * PRICE);
      });
    });

    for (const [name, data] of reentrantCalls) {
      describe(`when the payee re-enters with ${name} within the stipend (a warmed-up receiver)`, function () {
        it("fails the reentrant call with ReentrancyGuardReentrantCall and pushes one price from one deposit", async function () {
          const s = await ethSetup();
          await warmUp(s);
          await s.payee.arm(await s.f.subscriptions.getAddress(), data(s));
          const tx = s.f.subscriptions.connect(s.f.keeper).charge(s.aliceId);
          expect(await chargedIn(s.f, tx)).to.deep.equal([[s.aliceId, 1n]]);
          await expect(tx).to.changeEtherBalances(
            [s.payeeAddress, await s.f.subscriptions.getAddress()],
            [PRICE, -PRICE],
          );
          await expect(tx).not.to.emit(s.f.subscriptions, "PayoutCredited");
          expect(await s.payee.callbackCount()).to.equal(2n);
          expect(await s.payee.lastCallbackSucceeded()).to.equal(false);
          expect(await s.payee.lastCallbackReturnData()).to.equal(
            s.f.subscriptions.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []),
          );
          expect(await s.f.subscriptions.depositOf(s.alice.address)).to.equal(PRICE);
          expect(await s.f.subscriptions.depositOf(s.bob.address)).to.equal(2n * PRICE);
          expect(await s.f.subscriptions.creditOf(s.payeeAddress)).to.equal(0n);
        });
      });
    }
  });

  describe("when anyone calls collect directly", function () {
    it("reverts with CofferSubscriptionsOnlySelf for a stranger, the merchant, the payee and a subscriber", async function () {
      const f = await loadSubscriptions();
      const victim = f.subscribers[0]!; // holds USDC with a max allowance to the contract
      const before = await f.usdc.balanceOf(victim.address);
      for (const caller of [f.stranger, f.merchant, f.payee, f.subscribers[1]!, victim]) {
        await expect(
          f.subscriptions
            .connect(caller)
            .collect(await f.usdc.getAddress(), victim.address, caller.address, 10_000_000n, ethers.ZeroAddress, 0n),
        ).to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsOnlySelf");
      }
      expect(await f.usdc.balanceOf(victim.address)).to.equal(before);
    });
  });
});
