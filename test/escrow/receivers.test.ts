import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import { ethers } from "ethers";
import { getPaymentId, type Payment } from "../../sdk/src/escrow";
import type { GasBurningReceiver, ReentrantReceiver, RevertingReceiver } from "../../typechain-types";
import { ASSETS, authorize, balanceOf, loadEscrow, makePayment, units, type EscrowFixture } from "./fixture";
import { deployMock, freshAddress } from "./security-helpers";

/**
 * Native-ETH payments whose payee, payer or fee receiver is a hostile contract: one that reverts on every ETH
 * transfer, one that burns all the gas it is given, and one that re-enters the escrow when paid. None of them may
 * block a capture, void, reclaim, refund or resolution, nor anyone else's payment: ETH pushed out of escrow goes
 * with a 50,000-gas stipend, and a push that fails is credited to the receiver, who withdraws it later to any
 * address. Payer-initiated payments (charge) to a refusing receiver revert as a whole, keeping the payer's ETH.
 */

const asset = ASSETS[0];
const ETH = ethers.ZeroAddress;

type Receiver = RevertingReceiver | GasBurningReceiver | ReentrantReceiver;

interface Kind {
  name: string;
  contract: "RevertingReceiver" | "GasBurningReceiver" | "ReentrantReceiver";
}

const KINDS: Kind[] = [
  { name: "a receiver that reverts (RevertingReceiver)", contract: "RevertingReceiver" },
  { name: "a receiver that burns all gas (GasBurningReceiver)", contract: "GasBurningReceiver" },
  {
    name: "a receiver that re-enters the escrow when paid (ReentrantReceiver, reverting on re-entry)",
    contract: "ReentrantReceiver",
  },
];

/** Deploys the receiver; a reentrant one is armed (before every payout, by `rearm`) to call `void` again and bubble. */
async function deployReceiver(f: EscrowFixture, kind: Kind) {
  const receiver = await deployMock<Receiver>(kind.contract);
  const address = await receiver.getAddress();
  const escrowAddress = await f.escrow.getAddress();
  const rearm = async (payment: Payment) => {
    if (kind.contract !== "ReentrantReceiver") return;
    const reentrant = receiver as ReentrantReceiver;
    await reentrant.setBubbleRevert(true);
    await reentrant.arm(escrowAddress, f.escrow.interface.encodeFunctionData("void", [payment]));
  };
  /** Sends an escrow call from the receiver contract (as the payer or payee), with `value` wei. */
  const act = (data: string, value = 0n): Promise<ContractTransactionResponse> =>
    receiver.connect(f.stranger).execute(escrowAddress, value, data, { value });
  return { receiver, address, rearm, act };
}

/** The receiver's ETH plus its credit, the total it is owed or holds. */
async function heldAndOwed(f: EscrowFixture, account: string) {
  return { balance: await balanceOf(ETH, account), credit: await f.escrow.creditOf(account, ETH) };
}

describe("CofferEscrow with hostile ETH receivers", function () {
  for (const kind of KINDS) {
    describe(`given ${kind.name}`, function () {
      describe("when it is the payee", function () {
        it("capture and resolve credit its part, pay everyone else, and it withdraws to another address", async function () {
          const f = await loadEscrow();
          const r = await deployReceiver(f, kind);
          const toCapture = await makePayment(f, asset, { payee: r.address });
          const toResolve = await makePayment(f, asset, { payee: r.address });
          const unrelated = await makePayment(f, asset);
          await authorize(f, toCapture, units(asset, 10n));
          await authorize(f, toResolve, units(asset, 20n));
          await authorize(f, unrelated, units(asset, 5n));
          await f.escrow.connect(f.payer).dispute(toResolve);
          const escrowAddress = await f.escrow.getAddress();
          const escrowBefore = await balanceOf(ETH, escrowAddress);
          const feeBefore = await balanceOf(ETH, f.feeReceiver.address);
          const payerBefore = await balanceOf(ETH, f.payer.address);
          const payeeBefore = await balanceOf(ETH, f.payee.address);

          await r.rearm(toCapture);
          const fee = units(asset, 10n) / 50n;
          await expect(f.escrow.connect(f.operator).capture(toCapture, units(asset, 10n), 200))
            .to.emit(f.escrow, "PayoutCredited")
            .withArgs(r.address, ETH, units(asset, 10n) - fee);
          await r.rearm(toResolve);
          await expect(f.escrow.connect(f.arbiter).resolve(toResolve, units(asset, 6n)))
            .to.emit(f.escrow, "PayoutCredited")
            .withArgs(r.address, ETH, units(asset, 14n));
          await f.escrow.connect(f.operator).capture(unrelated, units(asset, 5n), 0);

          expect(await heldAndOwed(f, r.address)).to.deep.equal({
            balance: 0n,
            credit: units(asset, 24n) - fee,
          });
          expect(await balanceOf(ETH, f.feeReceiver.address)).to.equal(feeBefore + fee);
          expect(await balanceOf(ETH, f.payer.address)).to.equal(payerBefore + units(asset, 6n));
          expect(await balanceOf(ETH, f.payee.address)).to.equal(payeeBefore + units(asset, 5n));
          expect(await balanceOf(ETH, escrowAddress)).to.equal(escrowBefore - units(asset, 11n) - fee);

          const to = freshAddress();
          await r.act(f.escrow.interface.encodeFunctionData("withdraw", [ETH, to]));
          expect(await balanceOf(ETH, to)).to.equal(units(asset, 24n) - fee);
          expect(await balanceOf(ETH, escrowAddress)).to.equal(escrowBefore - units(asset, 35n));
        });

        if (kind.contract !== "ReentrantReceiver") {
          it("a charge or withdrawal pushed to it reverts with CofferEscrowNativeTransferFailed, keeping the ETH", async function () {
            const f = await loadEscrow();
            const r = await deployReceiver(f, kind);
            const payment = await makePayment(f, asset, { payee: r.address });
            const amount = units(asset, 3n);
            const escrowAddress = await f.escrow.getAddress();
            await expect(
              f.escrow.connect(f.payer).charge(payment, amount, 0, "0x", { value: amount, gasLimit: 1_000_000 }),
            )
              .to.be.revertedWithCustomError(f.escrow, "CofferEscrowNativeTransferFailed")
              .withArgs(r.address, amount);
            expect((await f.escrow.getPaymentState(getPaymentId(payment, f.domain))).status).to.equal(0n);

            // A credit withdrawn to the refusing receiver itself reverts and stays owed.
            await authorize(f, payment, amount);
            await f.escrow.connect(f.operator).capture(payment, amount, 0);
            const escrowBefore = await balanceOf(ETH, escrowAddress);
            await expect(
              r.act(f.escrow.interface.encodeFunctionData("withdraw", [ETH, r.address])),
            ).to.be.revertedWithCustomError(f.escrow, "CofferEscrowNativeTransferFailed");
            expect(await f.escrow.creditOf(r.address, ETH)).to.equal(amount);
            expect(await balanceOf(ETH, escrowAddress)).to.equal(escrowBefore);
          });
        }
      });

      describe("when it is the payer", function () {
        it("void, resolve, refund and reclaim credit it; it withdraws everything to another address", async function () {
          const f = await loadEscrow();
          const r = await deployReceiver(f, kind);
          const make = () => makePayment(f, asset, { payer: r.address });
          const [toVoid, toResolve, toRefund, toReclaim] = [await make(), await make(), await make(), await make()];
          for (const [p, amount] of [
            [toVoid, 10n],
            [toResolve, 20n],
            [toRefund, 30n],
            [toReclaim, 40n],
          ] as const) {
            await r.act(
              f.escrow.interface.encodeFunctionData("authorize", [p, units(asset, amount), "0x"]),
              units(asset, amount),
            );
          }
          await r.act(f.escrow.interface.encodeFunctionData("dispute", [toResolve]));
          await f.escrow.connect(f.operator).capture(toRefund, units(asset, 30n), 0);
          const escrowAddress = await f.escrow.getAddress();
          const escrowBefore = await balanceOf(ETH, escrowAddress);
          const payeeBefore = await balanceOf(ETH, f.payee.address);

          await r.rearm(toVoid);
          await expect(f.escrow.connect(f.operator).void(toVoid))
            .to.emit(f.escrow, "PayoutCredited")
            .withArgs(r.address, ETH, units(asset, 10n));
          await r.rearm(toResolve);
          await f.escrow.connect(f.arbiter).resolve(toResolve, units(asset, 8n));
          await r.rearm(toRefund);
          await f.escrow.connect(f.operator).refund(toRefund, units(asset, 5n), { value: units(asset, 5n) });
          await time.increaseTo(toReclaim.authorizationExpiry);
          await r.rearm(toReclaim);
          await r.act(f.escrow.interface.encodeFunctionData("reclaim", [toReclaim]));

          expect(await heldAndOwed(f, r.address)).to.deep.equal({ balance: 0n, credit: units(asset, 63n) });
          expect(await balanceOf(ETH, f.payee.address)).to.equal(payeeBefore + units(asset, 12n));
          // Out: 12 to the payee; in: the refund's 5; the payer's 63 stay as its credit.
          expect(await balanceOf(ETH, escrowAddress)).to.equal(escrowBefore - units(asset, 7n));
          const to = freshAddress();
          await r.act(f.escrow.interface.encodeFunctionData("withdraw", [ETH, to]));
          expect(await balanceOf(ETH, to)).to.equal(units(asset, 63n));
          expect(await f.escrow.creditOf(r.address, ETH)).to.equal(0n);
        });
      });

      describe("when it is the fee receiver", function () {
        it("capture credits the fee and pays the payee; a charge with a fee reverts, one without goes through", async function () {
          const f = await loadEscrow();
          const r = await deployReceiver(f, kind);
          const payment = await makePayment(f, asset, { feeReceiver: r.address });
          await authorize(f, payment, units(asset, 100n));
          const payeeBefore = await balanceOf(ETH, f.payee.address);
          await r.rearm(payment);
          await expect(f.escrow.connect(f.operator).capture(payment, units(asset, 100n), 200))
            .to.emit(f.escrow, "PayoutCredited")
            .withArgs(r.address, ETH, units(asset, 2n));
          expect(await balanceOf(ETH, f.payee.address)).to.equal(payeeBefore + units(asset, 98n));
          expect(await f.escrow.creditOf(r.address, ETH)).to.equal(units(asset, 2n));

          if (kind.contract !== "ReentrantReceiver") {
            const charged = await makePayment(f, asset, { feeReceiver: r.address });
            const amount = units(asset, 10n);
            await expect(
              f.escrow.connect(f.payer).charge(charged, amount, 100, "0x", { value: amount, gasLimit: 1_000_000 }),
            )
              .to.be.revertedWithCustomError(f.escrow, "CofferEscrowNativeTransferFailed")
              .withArgs(r.address, amount / 100n);
            await expect(f.escrow.connect(f.payer).charge(charged, amount, 0, "0x", { value: amount })).to.emit(
              f.escrow,
              "PaymentCharged",
            );
          }
        });
      });
    });
  }

  describe("given a receiver that burns all gas", function () {
    it("a payout to it costs the stipend, not the transaction's gas", async function () {
      const f = await loadEscrow();
      const r = await deployReceiver(f, KINDS[1]!);
      const payment = await makePayment(f, asset, { payer: r.address });
      await r.act(f.escrow.interface.encodeFunctionData("authorize", [payment, 1n, "0x"]), 1n);
      const tx = await f.escrow.connect(f.operator).void(payment, { gasLimit: 5_000_000 });
      const receipt = await tx.wait();
      const stipend = await f.escrow.ETH_PAYOUT_GAS();
      expect(receipt!.gasUsed).to.be.lessThan(stipend + 100_000n);
      expect(await f.escrow.creditOf(r.address, ETH)).to.equal(1n);
    });
  });

  describe("given a receiver that re-enters but swallows the failure", function () {
    it("is paid once: the re-entry is refused by the guard and the ETH arrives exactly", async function () {
      const f = await loadEscrow();
      const receiver = await deployMock<ReentrantReceiver>("ReentrantReceiver");
      const address = await receiver.getAddress();
      const payment = await makePayment(f, asset, { payee: address });
      await authorize(f, payment, units(asset, 10n));
      await receiver.arm(
        await f.escrow.getAddress(),
        f.escrow.interface.encodeFunctionData("capture", [payment, units(asset, 1n), 0]),
      );
      const escrowBefore = await balanceOf(ETH, await f.escrow.getAddress());
      await f.escrow.connect(f.operator).capture(payment, units(asset, 4n), 0);
      const paid = await balanceOf(ETH, address);
      const credited = await f.escrow.creditOf(address, ETH);
      // Either pushed (the callback ran and was refused) or credited (the stipend ran out): never both, never more.
      expect(paid + credited).to.equal(units(asset, 4n));
      if (paid > 0n) {
        expect(await receiver.lastCallbackSucceeded()).to.equal(false);
        expect(await receiver.lastCallbackReturnData()).to.equal(
          f.escrow.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []),
        );
      }
      const state = await f.escrow.getPaymentState(getPaymentId(payment, f.domain));
      expect([state.capturable, state.refundable]).to.deep.equal([units(asset, 6n), units(asset, 4n)]);
      expect(await balanceOf(ETH, await f.escrow.getAddress())).to.equal(escrowBefore - paid);
    });
  });
});
