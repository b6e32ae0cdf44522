import { expect } from "chai";
import { anyValue } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
import { setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ethers } from "ethers";
import type { PermitSignature as Signature } from "../../sdk/src/tokens";
import hre from "hardhat";
import { signPermit } from "../mocks/permit";
import { DAY, Reason, Status, createPlan, loadSubscriptions, type SubscriptionsFixture } from "./fixture";

/**
 * `subscribeWithPermit`: a subscriber that never sent an approval subscribes with an EIP-2612 signature. The
 * permit is tried and its failure ignored (so that a front-run permit does not block the subscription); the first
 * charge then decides: it succeeds on the allowance the permit set, or reverts the whole call.
 */

const AMOUNT = 10_000_000n;
const PERIOD = 30 * DAY;

/** A brand-new account: ETH for gas and 1,000 USDC, and no allowance at all. */
async function freshSubscriber(f: SubscriptionsFixture) {
  const wallet = ethers.Wallet.createRandom().connect(hre.ethers.provider);
  await setBalance(wallet.address, ethers.parseEther("10"));
  await f.usdc.mint(wallet.address, 1_000n * AMOUNT);
  // `signPermit` needs only `address` and `signTypedData`, which a wallet has too.
  return { wallet, signer: wallet as unknown as HardhatEthersSigner };
}

async function setup() {
  const f = await loadSubscriptions();
  const planId = await createPlan(f);
  const { wallet, signer } = await freshSubscriber(f);
  const spender = await f.subscriptions.getAddress();
  const deadline = BigInt(await time.latest()) + BigInt(DAY);
  expect(await f.usdc.allowance(wallet.address, spender)).to.equal(0n);
  return { f, planId, wallet, signer, spender, deadline };
}

const withPermit = (planId: bigint, value: bigint, deadline: bigint, sig: Signature) =>
  [planId, value, deadline, sig.v, sig.r, sig.s] as const;

describe("CofferSubscriptions subscribeWithPermit", function () {
  describe("given a fresh subscriber with tokens and no allowance", function () {
    describe("when the permit is valid", function () {
      it("subscribes, charges the first period, and leaves the rest of the permit as allowance", async function () {
        const { f, planId, wallet, signer, spender, deadline } = await setup();
        const sig = await signPermit(f.usdc, signer, spender, 3n * AMOUNT, deadline);
        const tx = f.subscriptions
          .connect(wallet)
          .subscribeWithPermit(...withPermit(planId, 3n * AMOUNT, deadline, sig));
        await expect(tx)
          .to.emit(f.subscriptions, "SubscriptionCharged")
          .withArgs(1n, planId, wallet.address, f.merchant.address, await f.usdc.getAddress(), AMOUNT, 0n, 0);
        await expect(tx).to.changeTokenBalances(f.usdc, [wallet.address, f.payee.address], [-AMOUNT, AMOUNT]);
        expect((await f.subscriptions.getSubscription(1n)).subscriber).to.equal(wallet.address);
        expect(await f.usdc.allowance(wallet.address, spender)).to.equal(2n * AMOUNT);
        expect(await f.usdc.nonces(wallet.address)).to.equal(1n);
      });

      it("charges later periods from that allowance, and records AllowanceTooLow once it is used up", async function () {
        const { f, planId, wallet, signer, spender, deadline } = await setup();
        const sig = await signPermit(f.usdc, signer, spender, 2n * AMOUNT, deadline);
        await f.subscriptions.connect(wallet).subscribeWithPermit(...withPermit(planId, 2n * AMOUNT, deadline, sig));
        await time.increase(PERIOD);
        await expect(f.subscriptions.connect(f.keeper).charge(1n)).to.emit(f.subscriptions, "SubscriptionCharged");
        await time.increase(PERIOD);
        await expect(f.subscriptions.connect(f.keeper).charge(1n))
          .to.emit(f.subscriptions, "SubscriptionChargeFailed")
          .withArgs(
            1n,
            planId,
            wallet.address,
            f.merchant.address,
            await f.usdc.getAddress(),
            AMOUNT,
            2,
            Reason.AllowanceTooLow,
            f.usdc.interface.encodeErrorResult("ERC20InsufficientAllowance", [spender, 0n, AMOUNT]),
          );
      });
    });

    describe("when someone submits the permit to the token first (front-run)", function () {
      it("still subscribes on the allowance that the permit set", async function () {
        const { f, planId, wallet, signer, spender, deadline } = await setup();
        const sig = await signPermit(f.usdc, signer, spender, 3n * AMOUNT, deadline);
        await f.usdc.connect(f.stranger).permit(wallet.address, spender, 3n * AMOUNT, deadline, sig.v, sig.r, sig.s);
        expect(await f.usdc.nonces(wallet.address)).to.equal(1n);
        const tx = f.subscriptions
          .connect(wallet)
          .subscribeWithPermit(...withPermit(planId, 3n * AMOUNT, deadline, sig));
        await expect(tx)
          .to.emit(f.subscriptions, "SubscriptionCharged")
          .withArgs(1n, planId, wallet.address, f.merchant.address, await f.usdc.getAddress(), AMOUNT, 0n, 0);
        await expect(tx).to.changeTokenBalances(f.usdc, [wallet.address, f.payee.address], [-AMOUNT, AMOUNT]);
        expect((await f.subscriptions.getSubscription(1n)).status).to.equal(Status.Active);
        expect(await f.usdc.allowance(wallet.address, spender)).to.equal(2n * AMOUNT);
      });
    });

    describe("when the permit is bad", function () {
      const bad: {
        when: string;
        sign: (s: Awaited<ReturnType<typeof setup>>) => Promise<[bigint, bigint, Signature]>;
      }[] = [
        {
          when: "when it is signed by another key",
          sign: async (s) => {
            const other = (await freshSubscriber(s.f)).signer;
            return [3n * AMOUNT, s.deadline, await signPermit(s.f.usdc, other, s.spender, 3n * AMOUNT, s.deadline)];
          },
        },
        {
          when: "when it was signed over another value",
          sign: async (s) => [
            3n * AMOUNT,
            s.deadline,
            await signPermit(s.f.usdc, s.signer, s.spender, 30n * AMOUNT, s.deadline),
          ],
        },
        {
          when: "when it names another spender",
          sign: async (s) => [
            3n * AMOUNT,
            s.deadline,
            await signPermit(s.f.usdc, s.signer, s.f.stranger.address, 3n * AMOUNT, s.deadline),
          ],
        },
        {
          when: "when its deadline has passed",
          sign: async (s) => {
            const expired = BigInt(await time.latest()) - 1n;
            return [3n * AMOUNT, expired, await signPermit(s.f.usdc, s.signer, s.spender, 3n * AMOUNT, expired)];
          },
        },
      ];
      for (const b of bad) {
        describe(b.when, function () {
          it("reverts with CofferSubscriptionsFirstChargeFailed(AllowanceTooLow) and creates nothing", async function () {
            const s = await setup();
            const [value, deadline, sig] = await b.sign(s);
            const before = await s.f.usdc.balanceOf(s.wallet.address);
            await expect(
              s.f.subscriptions.connect(s.wallet).subscribeWithPermit(...withPermit(s.planId, value, deadline, sig)),
            )
              .to.be.revertedWithCustomError(s.f.subscriptions, "CofferSubscriptionsFirstChargeFailed")
              .withArgs(
                Reason.AllowanceTooLow,
                s.f.usdc.interface.encodeErrorResult("ERC20InsufficientAllowance", [s.spender, 0n, AMOUNT]),
              );
            expect((await s.f.subscriptions.getSubscription(1n)).status).to.equal(Status.None);
            expect(await s.f.usdc.balanceOf(s.wallet.address)).to.equal(before);
            expect(await s.f.usdc.allowance(s.wallet.address, s.spender)).to.equal(0n);
            expect(await s.f.usdc.nonces(s.wallet.address)).to.equal(0n);
            // The id was not used up: the next subscription gets 1.
            await s.f.usdc.connect(s.wallet).approve(s.spender, AMOUNT);
            await expect(s.f.subscriptions.connect(s.wallet).subscribe(s.planId))
              .to.emit(s.f.subscriptions, "SubscriptionCreated")
              .withArgs(1n, s.planId, s.wallet.address, s.f.merchant.address, anyValue);
          });
        });
      }
    });

    describe("when the permit covers less than one period", function () {
      it("reverts with CofferSubscriptionsFirstChargeFailed(AllowanceTooLow), undoing the permit too", async function () {
        const { f, planId, wallet, signer, spender, deadline } = await setup();
        const sig = await signPermit(f.usdc, signer, spender, AMOUNT - 1n, deadline);
        await expect(
          f.subscriptions.connect(wallet).subscribeWithPermit(...withPermit(planId, AMOUNT - 1n, deadline, sig)),
        )
          .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsFirstChargeFailed")
          .withArgs(
            Reason.AllowanceTooLow,
            f.usdc.interface.encodeErrorResult("ERC20InsufficientAllowance", [spender, AMOUNT - 1n, AMOUNT]),
          );
        expect(await f.usdc.nonces(wallet.address)).to.equal(0n);
        expect(await f.usdc.allowance(wallet.address, spender)).to.equal(0n);
      });
    });

    describe("when someone else submits the subscriber's signed permit", function () {
      it("cannot subscribe the signer: the permit is checked against the caller, whose first charge fails", async function () {
        const { f, planId, wallet, signer, spender, deadline } = await setup();
        const sig = await signPermit(f.usdc, signer, spender, 3n * AMOUNT, deadline);
        const thief = f.stranger; // no allowance of its own
        await expect(
          f.subscriptions.connect(thief).subscribeWithPermit(...withPermit(planId, 3n * AMOUNT, deadline, sig)),
        )
          .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsFirstChargeFailed")
          .withArgs(
            Reason.AllowanceTooLow,
            f.usdc.interface.encodeErrorResult("ERC20InsufficientAllowance", [spender, 0n, AMOUNT]),
          );
        expect(await f.usdc.nonces(wallet.address)).to.equal(0n);
        expect(await f.usdc.balanceOf(wallet.address)).to.equal(1_000n * AMOUNT);
        // The signature is still good for its owner.
        await f.subscriptions.connect(wallet).subscribeWithPermit(...withPermit(planId, 3n * AMOUNT, deadline, sig));
        expect((await f.subscriptions.getSubscription(1n)).subscriber).to.equal(wallet.address);
      });
    });
  });

  describe("given a plan with a trial", function () {
    it("sets the allowance without charging, and the first period is charged at the trial's end", async function () {
      const f = await loadSubscriptions();
      const planId = await createPlan(f, { trial: 7 * DAY });
      const { wallet, signer } = await freshSubscriber(f);
      const spender = await f.subscriptions.getAddress();
      const deadline = BigInt(await time.latest()) + BigInt(DAY);
      const sig = await signPermit(f.usdc, signer, spender, 12n * AMOUNT, deadline);
      const tx = f.subscriptions
        .connect(wallet)
        .subscribeWithPermit(...withPermit(planId, 12n * AMOUNT, deadline, sig));
      await expect(tx).to.changeTokenBalance(f.usdc, wallet.address, 0n);
      await expect(tx).not.to.emit(f.subscriptions, "SubscriptionCharged");
      expect(await f.usdc.allowance(wallet.address, spender)).to.equal(12n * AMOUNT);
      await time.increase(7 * DAY);
      await expect(f.subscriptions.connect(f.keeper).charge(1n)).to.changeTokenBalance(f.usdc, wallet.address, -AMOUNT);
    });
  });
});
