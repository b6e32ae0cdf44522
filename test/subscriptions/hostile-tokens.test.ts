import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { ethers } from "ethers";
import hre from "hardhat";
import { DAY, Reason, Status, createPlan, loadSubscriptions, subscribe, type SubscriptionsFixture } from "./fixture";

/**
 * Subscription charges against the hostile-token shelf (`contracts/mocks/`): every fund-moving path of
 * `CofferSubscriptions` (subscribe, charge, chargeMany, ETH payouts and credits) with tokens that return nothing,
 * return false, take a fee, rebase, blocklist or pause, have no code or burn all gas, and with payees that refuse
 * ETH. A failed charge must be recorded (event, past due) without moving anything and without stopping the rest
 * of a batch.
 */

const AMOUNT = 10_000_000n; // 10 units of a 6-decimal token
const PERIOD = 30 * DAY;
const GRACE = 3 * DAY;

type Signer = SubscriptionsFixture["subscribers"][number];

/** What a transaction did to each subscription, read from its logs. */
interface Outcomes {
  charged: Map<bigint, bigint>; // subscription id → period index
  failed: Map<bigint, bigint>; // subscription id → failure reason
  lapsed: bigint[];
}

async function outcomes(f: SubscriptionsFixture, tx: Promise<ContractTransactionResponse>): Promise<Outcomes> {
  const receipt = (await (await tx).wait()) as ContractTransactionReceipt;
  const result: Outcomes = { charged: new Map(), failed: new Map(), lapsed: [] };
  for (const log of receipt.logs) {
    const parsed = f.subscriptions.interface.parseLog(log);
    if (parsed === null) continue;
    if (parsed.name === "SubscriptionCharged") result.charged.set(parsed.args[0], parsed.args[7]);
    if (parsed.name === "SubscriptionChargeFailed") result.failed.set(parsed.args[0], parsed.args[7]);
    if (parsed.name === "SubscriptionLapsed") result.lapsed.push(parsed.args[0]);
  }
  return result;
}

async function statusOf(f: SubscriptionsFixture, id: bigint): Promise<bigint> {
  return (await f.subscriptions.getSubscription(id)).status;
}

/** A fresh address that has never held anything (a payee or a token address without code). */
const freshAddress = (): string => ethers.Wallet.createRandom().address;

describe("CofferSubscriptions with hostile tokens", function () {
  describe("given a token that returns nothing (USDT-like NoReturnToken, 6 decimals)", function () {
    async function setup() {
      const f = await loadSubscriptions();
      const token = await hre.ethers.deployContract("NoReturnToken");
      const tokenAddress = await token.getAddress();
      const subscriber = f.subscribers[0]!;
      await token.mint(subscriber.address, 1_000n * AMOUNT);
      await token.connect(subscriber).approve(await f.subscriptions.getAddress(), ethers.MaxUint256);
      const planId = await createPlan(f, { token: tokenAddress, feeBps: 250, feeReceiver: f.feeReceiver.address });
      return { f, token, tokenAddress, subscriber, planId };
    }

    it("subscribes (charging the first period) and charges the next period at its start, on both legs", async function () {
      const { f, token, tokenAddress, subscriber, planId } = await setup();
      const fee = (AMOUNT * 250n) / 10_000n;
      const first = f.subscriptions.connect(subscriber).subscribe(planId);
      await expect(first)
        .to.emit(f.subscriptions, "SubscriptionCharged")
        .withArgs(1n, planId, subscriber.address, f.merchant.address, tokenAddress, AMOUNT, fee, 0);
      const [, period1] = await f.subscriptions.isDue(1n);
      await time.setNextBlockTimestamp(period1);
      const second = f.subscriptions.connect(f.keeper).charge(1n);
      await expect(second)
        .to.emit(f.subscriptions, "SubscriptionCharged")
        .withArgs(1n, planId, subscriber.address, f.merchant.address, tokenAddress, AMOUNT, fee, 1);
      expect(await token.balanceOf(subscriber.address)).to.equal(998n * AMOUNT);
      expect(await token.balanceOf(f.payee.address)).to.equal(2n * (AMOUNT - fee));
      expect(await token.balanceOf(f.feeReceiver.address)).to.equal(2n * fee);
      expect(await token.balanceOf(await f.subscriptions.getAddress())).to.equal(0n);
    });

    it("records a revoked allowance as AllowanceTooLow with the token's own error, moving nothing", async function () {
      const { f, token, tokenAddress, subscriber, planId } = await setup();
      const id = await subscribe(f, subscriber, planId);
      await token.connect(subscriber).approve(await f.subscriptions.getAddress(), 0n);
      await time.increase(PERIOD);
      const fee = (AMOUNT * 250n) / 10_000n;
      const tokenError = token.interface.encodeErrorResult("NoReturnTokenInsufficientAllowance", [
        subscriber.address,
        await f.subscriptions.getAddress(),
        0n,
        AMOUNT - fee,
      ]);
      const before = await token.balanceOf(subscriber.address);
      await expect(f.subscriptions.connect(f.keeper).charge(id))
        .to.emit(f.subscriptions, "SubscriptionChargeFailed")
        .withArgs(
          id,
          planId,
          subscriber.address,
          f.merchant.address,
          tokenAddress,
          AMOUNT,
          1,
          Reason.AllowanceTooLow,
          tokenError,
        );
      expect(await token.balanceOf(subscriber.address)).to.equal(before);
      expect(await statusOf(f, id)).to.equal(Status.PastDue);
    });
  });

  describe("given a token that returns false instead of reverting (ReturnsFalseToken)", function () {
    async function setup() {
      const f = await loadSubscriptions();
      const token = await hre.ethers.deployContract("ReturnsFalseToken");
      const tokenAddress = await token.getAddress();
      const subscriber = f.subscribers[0]!;
      const amount = 10n ** 19n;
      await token.mint(subscriber.address, 100n * amount);
      await token.connect(subscriber).approve(await f.subscriptions.getAddress(), ethers.MaxUint256);
      const planId = await createPlan(f, { token: tokenAddress, amount, grace: GRACE });
      const id = await subscribe(f, subscriber, planId);
      await time.increase(PERIOD);
      const safeErc20Error = f.subscriptions.interface.encodeErrorResult("SafeERC20FailedOperation", [tokenAddress]);
      return { f, token, tokenAddress, subscriber, planId, id, amount, safeErc20Error };
    }

    const cases = [
      {
        when: "when every transfer returns false",
        reason: Reason.TransferFailed,
        reasonName: "TransferFailed",
        break: async (s: Awaited<ReturnType<typeof setup>>) => {
          await s.token.setFailAll(true);
        },
        repair: async (s: Awaited<ReturnType<typeof setup>>) => {
          await s.token.setFailAll(false);
        },
      },
      {
        when: "when the allowance was revoked (transferFrom returns false)",
        reason: Reason.AllowanceTooLow,
        reasonName: "AllowanceTooLow",
        break: async (s: Awaited<ReturnType<typeof setup>>) => {
          await s.token.connect(s.subscriber).approve(await s.f.subscriptions.getAddress(), 0n);
        },
        repair: async (s: Awaited<ReturnType<typeof setup>>) => {
          await s.token.connect(s.subscriber).approve(await s.f.subscriptions.getAddress(), ethers.MaxUint256);
        },
      },
      {
        when: "when the balance is too low (transferFrom returns false)",
        reason: Reason.BalanceTooLow,
        reasonName: "BalanceTooLow",
        break: async (s: Awaited<ReturnType<typeof setup>>) => {
          const balance = await s.token.balanceOf(s.subscriber.address);
          await s.token.connect(s.subscriber).transfer(s.f.stranger.address, balance - s.amount + 1n);
        },
        repair: async (s: Awaited<ReturnType<typeof setup>>) => {
          await s.token.mint(s.subscriber.address, s.amount);
        },
      },
    ];
    for (const c of cases) {
      describe(c.when, function () {
        it(`records the charge as failed with reason ${c.reasonName}, marks it past due and moves nothing`, async function () {
          const s = await setup();
          await c.break(s);
          const subscriberBefore = await s.token.balanceOf(s.subscriber.address);
          const payeeBefore = await s.token.balanceOf(s.f.payee.address);
          await expect(s.f.subscriptions.connect(s.f.keeper).charge(s.id))
            .to.emit(s.f.subscriptions, "SubscriptionChargeFailed")
            .withArgs(
              s.id,
              s.planId,
              s.subscriber.address,
              s.f.merchant.address,
              s.tokenAddress,
              s.amount,
              1,
              c.reason,
              s.safeErc20Error,
            );
          expect(await statusOf(s.f, s.id)).to.equal(Status.PastDue);
          expect(await s.token.balanceOf(s.subscriber.address)).to.equal(subscriberBefore);
          expect(await s.token.balanceOf(s.f.payee.address)).to.equal(payeeBefore);
        });

        it("charges the same period on a retry within grace once repaired, and the subscription is active again", async function () {
          const s = await setup();
          await c.break(s);
          await s.f.subscriptions.connect(s.f.keeper).charge(s.id);
          await c.repair(s);
          await time.increase(GRACE - 60);
          await expect(s.f.subscriptions.connect(s.f.keeper).charge(s.id))
            .to.emit(s.f.subscriptions, "SubscriptionCharged")
            .withArgs(s.id, s.planId, s.subscriber.address, s.f.merchant.address, s.tokenAddress, s.amount, 0n, 1);
          expect(await statusOf(s.f, s.id)).to.equal(Status.Active);
          expect(await s.token.balanceOf(s.f.payee.address)).to.equal(2n * s.amount);
        });
      });
    }
  });

  describe("given a fee-on-transfer token (1% to a sink)", function () {
    async function setup(initialFeeBps: bigint) {
      const f = await loadSubscriptions();
      const sink = freshAddress();
      const token = await hre.ethers.deployContract("FeeOnTransferToken", [initialFeeBps, sink]);
      const tokenAddress = await token.getAddress();
      const subscriber = f.subscribers[0]!;
      const amount = 10n ** 19n;
      await token.mint(subscriber.address, 100n * amount);
      await token.connect(subscriber).approve(await f.subscriptions.getAddress(), ethers.MaxUint256);
      // A plan fee, so that a charge has two legs (payee and fee receiver).
      const planId = await createPlan(f, {
        token: tokenAddress,
        amount,
        feeBps: 500,
        feeReceiver: f.feeReceiver.address,
      });
      return { f, token, tokenAddress, sink, subscriber, planId, amount };
    }

    describe("when subscribing without a trial", function () {
      it("reverts with CofferSubscriptionsFirstChargeFailed(WrongAmountDelivered) and creates nothing", async function () {
        const { f, token, tokenAddress, sink, subscriber, planId, amount } = await setup(100n);
        const net = amount - (amount * 500n) / 10_000n;
        const wrongAmount = f.subscriptions.interface.encodeErrorResult(
          "CofferSubscriptionsTokenDeliveredWrongAmount",
          [tokenAddress, net, net - net / 100n],
        );
        await expect(f.subscriptions.connect(subscriber).subscribe(planId))
          .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsFirstChargeFailed")
          .withArgs(Reason.WrongAmountDelivered, wrongAmount);
        expect(await statusOf(f, 1n)).to.equal(Status.None);
        expect(await token.balanceOf(sink)).to.equal(0n);
      });
    });

    describe("when the fee is switched on after subscribing (as USDT could)", function () {
      it("records WrongAmountDelivered, marks it past due, and moves nothing on either leg", async function () {
        const { f, token, tokenAddress, sink, subscriber, planId, amount } = await setup(0n);
        const id = await subscribe(f, subscriber, planId);
        await token.setFeeBps(100n);
        await time.increase(PERIOD);
        const balances = async () =>
          Promise.all(
            [subscriber.address, f.payee.address, f.feeReceiver.address, sink].map((a) => token.balanceOf(a)),
          );
        const before = await balances();
        const net = amount - (amount * 500n) / 10_000n;
        const wrongAmount = f.subscriptions.interface.encodeErrorResult(
          "CofferSubscriptionsTokenDeliveredWrongAmount",
          [tokenAddress, net, net - net / 100n],
        );
        await expect(f.subscriptions.connect(f.keeper).charge(id))
          .to.emit(f.subscriptions, "SubscriptionChargeFailed")
          .withArgs(
            id,
            planId,
            subscriber.address,
            f.merchant.address,
            tokenAddress,
            amount,
            1,
            Reason.WrongAmountDelivered,
            wrongAmount,
          );
        expect(await balances()).to.deep.equal(before);
        expect(await statusOf(f, id)).to.equal(Status.PastDue);
      });
    });
  });

  describe("given a rebasing token", function () {
    it("charges exactly at an index of one, and records WrongAmountDelivered when a rebase makes a transfer round down", async function () {
      const f = await loadSubscriptions();
      const token = await hre.ethers.deployContract("RebasingToken");
      const tokenAddress = await token.getAddress();
      const subscriber = f.subscribers[0]!;
      const amount = 10n ** 19n;
      await token.mint(subscriber.address, 100n * amount);
      await token.connect(subscriber).approve(await f.subscriptions.getAddress(), ethers.MaxUint256);
      const planId = await createPlan(f, { token: tokenAddress, amount });
      const id = await subscribe(f, subscriber, planId);
      expect(await token.balanceOf(f.payee.address)).to.equal(amount);
      await token.rebase(11n, 10n);
      await time.increase(PERIOD);
      const payeeBefore = await token.balanceOf(f.payee.address);
      const subscriberBefore = await token.balanceOf(subscriber.address);
      // 1e19 at an index of 1.1 moves 9_090_909_090_909_090_909 shares, worth 1e19 - 1 to the payee.
      const wrongAmount = f.subscriptions.interface.encodeErrorResult("CofferSubscriptionsTokenDeliveredWrongAmount", [
        tokenAddress,
        amount,
        amount - 1n,
      ]);
      await expect(f.subscriptions.connect(f.keeper).charge(id))
        .to.emit(f.subscriptions, "SubscriptionChargeFailed")
        .withArgs(
          id,
          planId,
          subscriber.address,
          f.merchant.address,
          tokenAddress,
          amount,
          1,
          Reason.WrongAmountDelivered,
          wrongAmount,
        );
      expect(await token.balanceOf(f.payee.address)).to.equal(payeeBefore);
      expect(await token.balanceOf(subscriber.address)).to.equal(subscriberBefore);
    });
  });

  describe("given a token with more than 18 decimals (24)", function () {
    it("charges amounts up to the uint96 bound per period (about 79,228 whole tokens) end to end", async function () {
      const f = await loadSubscriptions();
      const token = await hre.ethers.deployContract("MockERC20", ["Big Decimals", "BIG", 24]);
      const subscriber = f.subscribers[0]!;
      const amount = 79_000n * 10n ** 24n;
      await token.mint(subscriber.address, 3n * amount);
      await token.connect(subscriber).approve(await f.subscriptions.getAddress(), ethers.MaxUint256);
      const planId = await createPlan(f, { token: await token.getAddress(), amount });
      const id = await subscribe(f, subscriber, planId);
      await time.increase(PERIOD);
      await f.subscriptions.connect(f.keeper).charge(id);
      expect(await token.balanceOf(f.payee.address)).to.equal(2n * amount);
    });
  });

  describe("given a blocklisting and pausable USDC-like token (BlocklistToken)", function () {
    /**
     * Two plans in the token (A pays `f.payee`, B pays another payee), three subscriptions (two on A, one on B),
     * all paid for period 0 and moved to the start of period 1.
     */
    async function setup() {
      const f = await loadSubscriptions();
      const token = await hre.ethers.deployContract("BlocklistToken");
      const tokenAddress = await token.getAddress();
      const [alice, bob, carol] = f.subscribers as [Signer, Signer, Signer];
      for (const s of [alice, bob, carol]) {
        await token.mint(s.address, 1_000n * AMOUNT);
        await token.connect(s).approve(await f.subscriptions.getAddress(), ethers.MaxUint256);
      }
      const payeeB = freshAddress();
      const planA = await createPlan(f, { token: tokenAddress, grace: GRACE });
      const planB = await createPlan(f, { token: tokenAddress, grace: GRACE, payee: payeeB });
      const aliceId = await subscribe(f, alice, planA);
      const bobId = await subscribe(f, bob, planA);
      const carolId = await subscribe(f, carol, planB);
      await time.increase(PERIOD);
      const failed = (id: bigint, planId: bigint, who: Signer, reason: bigint, data: string) =>
        [id, planId, who.address, f.merchant.address, tokenAddress, AMOUNT, 1, reason, data] as const;
      return { f, token, tokenAddress, alice, bob, carol, payeeB, planA, planB, aliceId, bobId, carolId, failed };
    }

    describe("when a subscriber is blocklisted", function () {
      it("fails its charge with TransferFailed inside chargeMany while the other subscriptions are charged", async function () {
        const s = await setup();
        await s.token.blocklist(s.bob.address);
        const tx = s.f.subscriptions.connect(s.f.keeper).chargeMany([s.aliceId, s.bobId, s.carolId]);
        await expect(tx)
          .to.emit(s.f.subscriptions, "SubscriptionChargeFailed")
          .withArgs(
            ...s.failed(
              s.bobId,
              s.planA,
              s.bob,
              Reason.TransferFailed,
              s.token.interface.encodeErrorResult("BlocklistTokenBlocklisted", [s.bob.address]),
            ),
          );
        await expect(tx).to.changeTokenBalances(
          s.token,
          [s.alice, s.bob, s.carol, s.f.payee.address, s.payeeB],
          [-AMOUNT, 0n, -AMOUNT, AMOUNT, AMOUNT],
        );
        const { charged, failed } = await outcomes(s.f, tx);
        expect([...charged]).to.deep.equal([
          [s.aliceId, 1n],
          [s.carolId, 1n],
        ]);
        expect([...failed.keys()]).to.deep.equal([s.bobId]);
        expect(await statusOf(s.f, s.bobId)).to.equal(Status.PastDue);
        expect(await statusOf(s.f, s.aliceId)).to.equal(Status.Active);
      });
    });

    describe("when the token is paused", function () {
      it("fails every charge of the batch with TransferFailed, and after unpausing a retry within grace recovers them all", async function () {
        const s = await setup();
        await s.token.pause();
        const paused = (who: Signer, payee: string) =>
          s.token.interface.encodeErrorResult("BlocklistTokenPaused", [who.address, payee]);
        const tx = s.f.subscriptions.connect(s.f.keeper).chargeMany([s.aliceId, s.bobId, s.carolId]);
        await expect(tx)
          .to.emit(s.f.subscriptions, "SubscriptionChargeFailed")
          .withArgs(
            ...s.failed(s.aliceId, s.planA, s.alice, Reason.TransferFailed, paused(s.alice, s.f.payee.address)),
          );
        await expect(tx)
          .to.emit(s.f.subscriptions, "SubscriptionChargeFailed")
          .withArgs(...s.failed(s.carolId, s.planB, s.carol, Reason.TransferFailed, paused(s.carol, s.payeeB)));
        const first = await outcomes(s.f, tx);
        expect(first.charged.size).to.equal(0);
        expect([...first.failed]).to.deep.equal([
          [s.aliceId, Reason.TransferFailed],
          [s.bobId, Reason.TransferFailed],
          [s.carolId, Reason.TransferFailed],
        ]);
        for (const id of [s.aliceId, s.bobId, s.carolId]) expect(await statusOf(s.f, id)).to.equal(Status.PastDue);

        await s.token.unpause();
        await time.increase(GRACE - 3_600);
        const retry = s.f.subscriptions.connect(s.f.keeper).chargeMany([s.aliceId, s.bobId, s.carolId]);
        await expect(retry)
          .to.emit(s.f.subscriptions, "SubscriptionCharged")
          .withArgs(s.bobId, s.planA, s.bob.address, s.f.merchant.address, s.tokenAddress, AMOUNT, 0n, 1);
        await expect(retry).to.changeTokenBalances(
          s.token,
          [s.alice, s.bob, s.carol, s.f.payee.address, s.payeeB],
          [-AMOUNT, -AMOUNT, -AMOUNT, 2n * AMOUNT, AMOUNT],
        );
        const second = await outcomes(s.f, retry);
        expect([...second.charged.values()]).to.deep.equal([1n, 1n, 1n]);
        for (const id of [s.aliceId, s.bobId, s.carolId]) expect(await statusOf(s.f, id)).to.equal(Status.Active);
      });
    });

    describe("when a plan's payee is blocklisted", function () {
      // The payee is the merchant's responsibility: the contract cannot tell a blocked payee from a blocked payer,
      // so the merchant's subscriptions fail (TransferFailed) and, if the merchant does not fix it within grace,
      // they lapse. Other merchants' subscriptions in the same batch are unaffected.
      it("fails that plan's charges with TransferFailed and still charges another plan's subscriptions in the batch", async function () {
        const s = await setup();
        await s.token.blocklist(s.payeeB);
        const tx = s.f.subscriptions.connect(s.f.keeper).chargeMany([s.carolId, s.aliceId, s.bobId]);
        await expect(tx)
          .to.emit(s.f.subscriptions, "SubscriptionChargeFailed")
          .withArgs(
            ...s.failed(
              s.carolId,
              s.planB,
              s.carol,
              Reason.TransferFailed,
              s.token.interface.encodeErrorResult("BlocklistTokenBlocklisted", [s.payeeB]),
            ),
          );
        await expect(tx).to.changeTokenBalances(
          s.token,
          [s.alice, s.bob, s.carol, s.f.payee.address, s.payeeB],
          [-AMOUNT, -AMOUNT, 0n, 2n * AMOUNT, 0n],
        );
        const { charged } = await outcomes(s.f, tx);
        expect([...charged.keys()]).to.deep.equal([s.aliceId, s.bobId]);
      });

      it("lets the subscription lapse after grace although the subscriber could pay (documented: the merchant must fix its payee)", async function () {
        const s = await setup();
        await s.token.blocklist(s.payeeB);
        await s.f.subscriptions.connect(s.f.keeper).charge(s.carolId);
        await time.increase(GRACE);
        const { lapsed, charged } = await outcomes(s.f, s.f.subscriptions.connect(s.f.keeper).charge(s.carolId));
        expect(lapsed).to.deep.equal([s.carolId]);
        expect(charged.size).to.equal(0);
        expect(await statusOf(s.f, s.carolId)).to.equal(Status.Lapsed);
      });
    });

    describe("when the fee receiver is blocklisted", function () {
      it("undoes the payee's leg with the fee's: the charge fails with TransferFailed and nothing moves", async function () {
        const s = await setup();
        const planC = await createPlan(s.f, {
          token: s.tokenAddress,
          feeBps: 1_000,
          feeReceiver: s.f.feeReceiver.address,
        });
        const dave = s.f.subscribers[3]!;
        await s.token.mint(dave.address, 1_000n * AMOUNT);
        await s.token.connect(dave).approve(await s.f.subscriptions.getAddress(), ethers.MaxUint256);
        const daveId = await subscribe(s.f, dave, planC);
        await s.token.blocklist(s.f.feeReceiver.address);
        await time.increase(PERIOD);
        const tx = s.f.subscriptions.connect(s.f.keeper).chargeMany([daveId, s.aliceId]);
        await expect(tx)
          .to.emit(s.f.subscriptions, "SubscriptionChargeFailed")
          .withArgs(
            daveId,
            planC,
            dave.address,
            s.f.merchant.address,
            s.tokenAddress,
            AMOUNT,
            1,
            Reason.TransferFailed,
            s.token.interface.encodeErrorResult("BlocklistTokenBlocklisted", [s.f.feeReceiver.address]),
          );
        // The payee leg (9 units) ran first and was undone: only Alice's charge reached the payee.
        await expect(tx).to.changeTokenBalances(
          s.token,
          [dave, s.alice, s.f.payee.address, s.f.feeReceiver.address],
          [0n, -AMOUNT, AMOUNT, 0n],
        );
      });
    });
  });

  describe("given a plan whose token address has no code", function () {
    it("rejects subscribing without a trial with CofferSubscriptionsFirstChargeFailed(TransferFailed)", async function () {
      const f = await loadSubscriptions();
      const planId = await createPlan(f, { token: freshAddress() });
      await expect(f.subscriptions.connect(f.subscribers[0]!).subscribe(planId))
        .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsFirstChargeFailed")
        .withArgs(Reason.TransferFailed, "0x");
    });

    it("fails its charges cleanly with TransferFailed without reverting the batch", async function () {
      const f = await loadSubscriptions();
      const [alice, bob] = f.subscribers as [Signer, Signer];
      const ghost = freshAddress();
      const ghostPlan = await createPlan(f, { token: ghost, trial: DAY });
      const usdcPlan = await createPlan(f);
      const ghostId = await subscribe(f, alice, ghostPlan);
      const usdcId = await subscribe(f, bob, usdcPlan);
      await time.increase(PERIOD);
      const tx = f.subscriptions.connect(f.keeper).chargeMany([ghostId, usdcId]);
      await expect(tx)
        .to.emit(f.subscriptions, "SubscriptionChargeFailed")
        .withArgs(ghostId, ghostPlan, alice.address, f.merchant.address, ghost, AMOUNT, 0, Reason.TransferFailed, "0x");
      await expect(tx).to.changeTokenBalances(f.usdc, [alice, bob, f.payee], [0n, -AMOUNT, AMOUNT]);
      const { charged } = await outcomes(f, tx);
      expect([...charged]).to.deep.equal([[usdcId, 1n]]);
      expect(await statusOf(f, ghostId)).to.equal(Status.PastDue);
    });
  });

  describe("given a gas-hungry token (ReentrantToken armed to call a GasBurningReceiver)", function () {
    it("bounds its failed charge by COLLECT_GAS and still charges the other subscriptions of the batch", async function () {
      const f = await loadSubscriptions();
      const [alice, bob, carol] = f.subscribers as [Signer, Signer, Signer];
      const token = await hre.ethers.deployContract("ReentrantToken");
      const burner = await hre.ethers.deployContract("GasBurningReceiver");
      const amount = 10n ** 19n;
      await token.mint(carol.address, 100n * amount);
      await token.connect(carol).approve(await f.subscriptions.getAddress(), ethers.MaxUint256);
      const usdcPlan = await createPlan(f);
      const hungryPlan = await createPlan(f, { token: await token.getAddress(), amount });
      const aliceId = await subscribe(f, alice, usdcPlan);
      const hungryId = await subscribe(f, carol, hungryPlan);
      const bobId = await subscribe(f, bob, usdcPlan);
      const batch = [aliceId, hungryId, bobId];
      const collectGas = await f.subscriptions.COLLECT_GAS();

      // Period 1: the token behaves; measure the batch.
      await time.increase(PERIOD);
      const calm = await (await f.subscriptions.connect(f.keeper).chargeMany(batch, { gasLimit: 10_000_000 })).wait();

      // Period 2: the token's transfer hook burns all the gas it is given.
      await token.arm(await burner.getAddress(), "0x");
      await time.increase(PERIOD);
      const tx = f.subscriptions.connect(f.keeper).chargeMany(batch, { gasLimit: 10_000_000 });
      await expect(tx)
        .to.emit(f.subscriptions, "SubscriptionChargeFailed")
        .withArgs(
          hungryId,
          hungryPlan,
          carol.address,
          f.merchant.address,
          await token.getAddress(),
          amount,
          2,
          Reason.TransferFailed,
          "0x",
        );
      const { charged } = await outcomes(f, tx);
      expect([...charged]).to.deep.equal([
        [aliceId, 2n],
        [bobId, 2n],
      ]);
      const hungry = (await (await tx).wait())!;
      // The burner did burn (well over a normal charge), but no more than COLLECT_GAS over the calm batch,
      // although the keeper offered 10M gas.
      expect(hungry.gasUsed - calm!.gasUsed).to.be.greaterThan(collectGas / 2n);
      expect(hungry.gasUsed - calm!.gasUsed).to.be.lessThan(collectGas);
      expect(await token.balanceOf(f.payee.address)).to.equal(2n * amount);
    });
  });

  // A token that turns hostile in its views or its revert data once its transfers fail (anyone can plant one: create
  // a plan in it, subscribe while it behaves, then switch it) must not break `chargeMany`'s promise nor its gas cap:
  // the diagnosis runs in a gas-capped call and only a bounded prefix of the revert data is kept.
  describe("given a token that is hostile in its views or its revert data once its transfers fail", function () {
    async function setup() {
      const f = await loadSubscriptions();
      const token = await hre.ethers.deployContract("SubscriptionHostileViewsToken");
      const mallory = f.subscribers[5]!;
      await token.mint(mallory.address, 100n * 10n ** 18n);
      await token.connect(mallory).approve(await f.subscriptions.getAddress(), ethers.MaxUint256);
      const poisonPlan = await createPlan(f, { token: await token.getAddress(), amount: 10n ** 18n });
      const usdcPlan = await createPlan(f);
      const poisonId = await subscribe(f, mallory, poisonPlan);
      const innocents: bigint[] = [];
      for (const s of f.subscribers.slice(0, 3)) innocents.push(await subscribe(f, s, usdcPlan));
      await time.increase(PERIOD);
      return { f, token, poisonId, innocents, batch: [innocents[0]!, poisonId, ...innocents.slice(1)] };
    }
    const MODE = { BurnGasInAllowance: 1, NoDataFromAllowance: 2, HugeRevertData: 3 } as const;

    /** Gas of the same batch when the poisoned token merely fails (its views behave). */
    async function calmBatchGas(): Promise<bigint> {
      const { f, token, batch } = await setup();
      await token.setMode(MODE.HugeRevertData);
      await token.setRevertSize(4n);
      return (await (await f.subscriptions.connect(f.keeper).chargeMany(batch)).wait())!.gasUsed;
    }

    for (const [name, mode] of [
      ["allowance() burns all the gas it is given", MODE.BurnGasInAllowance],
      ["allowance() returns no data", MODE.NoDataFromAllowance],
    ] as const) {
      describe(`when ${name}`, function () {
        it("records the poisoned charge as TransferFailed, charges the rest of the batch, within the gas caps", async function () {
          const calm = await calmBatchGas();
          const { f, token, poisonId, innocents, batch } = await setup();
          await token.setMode(mode);
          const tx = f.subscriptions.connect(f.keeper).chargeMany(batch, { gasLimit: 1_000_000 });
          const { charged, failed } = await outcomes(f, tx);
          expect([...failed]).to.deep.equal([[poisonId, Reason.TransferFailed]]);
          expect([...charged.keys()].sort()).to.deep.equal([...innocents].sort());
          const gasUsed = (await (await tx).wait())!.gasUsed;
          expect(gasUsed - calm).to.be.lessThanOrEqual(await f.subscriptions.DIAGNOSE_GAS());
          // Alone, `charge` records the failure too (the subscription is past due, retried within grace).
          await expect(f.subscriptions.connect(f.keeper).charge(poisonId, { gasLimit: 1_000_000 })).to.emit(
            f.subscriptions,
            "SubscriptionChargeFailed",
          );
        });
      });
    }

    describe("when transferFrom reverts with 192 KiB of revert data", function () {
      it("keeps only the first 256 bytes, so the failed charge costs at most the collect cap more", async function () {
        const calm = await calmBatchGas();
        const { f, token, poisonId, batch } = await setup();
        await token.setMode(MODE.HugeRevertData);
        await token.setRevertSize(192n * 1024n);
        const tx = f.subscriptions.connect(f.keeper).chargeMany(batch, { gasLimit: 3_000_000 });
        const { charged, failed } = await outcomes(f, tx);
        expect(failed.get(poisonId)).to.equal(Reason.TransferFailed);
        expect(charged.size).to.equal(3);
        const receipt = (await (await tx).wait())!;
        const failedLog = receipt.logs
          .map((log) => f.subscriptions.interface.parseLog(log))
          .find((e) => e?.name === "SubscriptionChargeFailed")!;
        expect(ethers.dataLength(failedLog.args[8] as string)).to.equal(256);
        expect(receipt.gasUsed - calm).to.be.lessThanOrEqual(await f.subscriptions.COLLECT_GAS());
      });
    });
  });

  describe("given a keeper that sends too little gas", function () {
    it("never records a payable charge as failed: either the call runs out of gas or the charge succeeds", async function () {
      const f = await loadSubscriptions();
      // A fee plan (two legs) and a fresh payee and fee receiver: the most expensive token charge.
      const planId = await createPlan(f, { payee: freshAddress(), feeBps: 100, feeReceiver: freshAddress() });
      const id = await subscribe(f, f.subscribers[0]!, planId);
      await time.increase(PERIOD);
      const keeper = f.subscriptions.connect(f.keeper);
      let lowest = 0n;
      for (let gasLimit = 40_000n; gasLimit <= 400_000n; gasLimit += 2_000n) {
        const charged = await keeper.charge.staticCall(id, { gasLimit }).catch(() => undefined);
        if (charged === undefined) continue; // out of gas: nothing recorded
        if (lowest === 0n) lowest = gasLimit;
        expect(charged, `charge with a gas limit of ${gasLimit}`).to.equal(true);
      }
      // Around the lowest gas that works, gas by gas.
      for (let gasLimit = lowest - 2_000n; gasLimit <= lowest + 2_000n; gasLimit += 25n) {
        const charged = await keeper.charge.staticCall(id, { gasLimit }).catch(() => undefined);
        if (charged !== undefined) expect(charged, `charge with a gas limit of ${gasLimit}`).to.equal(true);
      }
      expect(lowest).to.be.greaterThan(0n);
    });
  });

  for (const receiver of ["RevertingReceiver", "GasBurningReceiver"] as const) {
    describe(`given an ETH plan whose payee is a ${receiver}`, function () {
      const PRICE = ethers.parseEther("1");
      const FEE = PRICE / 10n;

      async function setup() {
        const f = await loadSubscriptions();
        const payee = await hre.ethers.deployContract(receiver);
        const planId = await createPlan(f, {
          payee: await payee.getAddress(),
          token: ethers.ZeroAddress,
          amount: PRICE,
          feeBps: 1_000,
          feeReceiver: f.feeReceiver.address,
        });
        return { f, payee, payeeAddress: await payee.getAddress(), planId, subscriber: f.subscribers[0]! };
      }

      it("charges the deposit and credits the payee (PayoutCredited, creditOf), paying the fee receiver as usual", async function () {
        const { f, payeeAddress, planId, subscriber } = await setup();
        const tx = f.subscriptions.connect(subscriber).subscribe(planId, { value: 3n * PRICE });
        await expect(tx)
          .to.emit(f.subscriptions, "PayoutCredited")
          .withArgs(payeeAddress, PRICE - FEE);
        await expect(tx)
          .to.emit(f.subscriptions, "SubscriptionCharged")
          .withArgs(1n, planId, subscriber.address, f.merchant.address, ethers.ZeroAddress, PRICE, FEE, 0);
        await expect(tx).to.changeEtherBalances([subscriber, f.feeReceiver, payeeAddress], [-3n * PRICE, FEE, 0n]);
        expect((await (await tx).wait())!.gasUsed).to.be.lessThan(300_000n);
        await time.increase(PERIOD);
        await expect(f.subscriptions.connect(f.keeper).charge(1n))
          .to.emit(f.subscriptions, "PayoutCredited")
          .withArgs(payeeAddress, PRICE - FEE);
        expect(await f.subscriptions.creditOf(payeeAddress)).to.equal(2n * (PRICE - FEE));
        expect(await f.subscriptions.depositOf(subscriber.address)).to.equal(PRICE);
      });

      it("lets the payee withdraw its credit to another address with withdrawCredit (through its execute)", async function () {
        const { f, payee, payeeAddress, planId, subscriber } = await setup();
        await subscribe(f, subscriber, planId, 2n * PRICE);
        const credit = PRICE - FEE;
        const withdraw = f.subscriptions.interface.encodeFunctionData("withdrawCredit", [f.stranger.address]);
        const tx = payee.execute(await f.subscriptions.getAddress(), 0n, withdraw);
        await expect(tx).to.emit(f.subscriptions, "CreditWithdrawn").withArgs(payeeAddress, f.stranger.address, credit);
        await expect(tx).to.changeEtherBalances([f.stranger, await f.subscriptions.getAddress()], [credit, -credit]);
        expect(await f.subscriptions.creditOf(payeeAddress)).to.equal(0n);
        // The deposit left for the next period is untouched.
        expect(await f.subscriptions.depositOf(subscriber.address)).to.equal(PRICE);
      });

      if (receiver === "RevertingReceiver") {
        it("reverts a withdrawal to the refusing payee itself with CofferSubscriptionsNativeTransferFailed and keeps the credit", async function () {
          const { f, payee, payeeAddress, planId, subscriber } = await setup();
          await subscribe(f, subscriber, planId, PRICE);
          const withdraw = f.subscriptions.interface.encodeFunctionData("withdrawCredit", [payeeAddress]);
          await expect(payee.execute(await f.subscriptions.getAddress(), 0n, withdraw))
            .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsNativeTransferFailed")
            .withArgs(payeeAddress, PRICE - FEE);
          expect(await f.subscriptions.creditOf(payeeAddress)).to.equal(PRICE - FEE);
        });
      }
    });
  }
});
