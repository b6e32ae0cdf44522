import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { getPaymentId } from "../../sdk/src/escrow";
import { ASSETS, authorize, balanceOf, loadEscrow, makePayment, units } from "./fixture";

describe("CofferEscrow.capture", function () {
  for (const asset of ASSETS) {
    describe(`with ${asset.name}`, function () {
      describe("when the operator captures part, then the rest", function () {
        it("pays the payee minus the fee and the fee receiver the fee, each time", async function () {
          const f = await loadEscrow();
          const payment = await makePayment(f, asset);
          const held = units(asset, 100n);
          await authorize(f, payment, held);
          const payeeBefore = await balanceOf(payment.token, f.payee.address);
          const feeBefore = await balanceOf(payment.token, f.feeReceiver.address);

          const first = units(asset, 30n);
          await expect(f.escrow.connect(f.operator).capture(payment, first, 150))
            .to.emit(f.escrow, "PaymentCaptured")
            .withArgs(getPaymentId(payment, f.domain), first, (first * 150n) / 10_000n);
          await f.escrow.connect(f.operator).capture(payment, held - first, 0);

          const fee = (first * 150n) / 10_000n;
          expect(await balanceOf(payment.token, f.payee.address)).to.equal(payeeBefore + held - fee);
          expect(await balanceOf(payment.token, f.feeReceiver.address)).to.equal(feeBefore + fee);
          const state = await f.escrow.getPaymentState(getPaymentId(payment, f.domain));
          expect(state.capturable).to.equal(0n);
          expect(state.refundable).to.equal(held);
          expect(await balanceOf(payment.token, await f.escrow.getAddress())).to.equal(0n);
        });
      });

      describe("when the amount exceeds what is held", function () {
        it("reverts with CofferEscrowInvalidAmount carrying the amount and what is held", async function () {
          const f = await loadEscrow();
          const payment = await makePayment(f, asset);
          const held = units(asset, 10n);
          await authorize(f, payment, held);
          await expect(f.escrow.connect(f.operator).capture(payment, held + 1n, 0))
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidAmount")
            .withArgs(held + 1n, held);
          await expect(f.escrow.connect(f.operator).capture(payment, 0n, 0))
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidAmount")
            .withArgs(0n, held);
        });
      });
    });
  }

  const asset = ASSETS[1];

  describe("when the fee lies outside the payment's bounds", function () {
    it("reverts with CofferEscrowFeeOutOfBounds", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset, { minFeeBps: 50, maxFeeBps: 100 });
      await authorize(f, payment, 1_000n);
      for (const fee of [49, 101]) {
        await expect(f.escrow.connect(f.operator).capture(payment, 1_000n, fee))
          .to.be.revertedWithCustomError(f.escrow, "CofferEscrowFeeOutOfBounds")
          .withArgs(fee, 50, 100);
      }
    });
  });

  describe("when anyone but the operator captures", function () {
    it("reverts with CofferEscrowUnauthorizedCaller for the payer, the payee and a stranger", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset);
      await authorize(f, payment, 1_000n);
      for (const caller of [f.payer, f.payee, f.stranger, f.arbiter]) {
        await expect(f.escrow.connect(caller).capture(payment, 1_000n, 0))
          .to.be.revertedWithCustomError(f.escrow, "CofferEscrowUnauthorizedCaller")
          .withArgs(caller.address, f.operator.address);
      }
    });
  });

  describe("given the payment was never authorized", function () {
    it("reverts with CofferEscrowPaymentNotFound", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset);
      await expect(f.escrow.connect(f.operator).capture(payment, 1n, 0))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowPaymentNotFound")
        .withArgs(getPaymentId(payment, f.domain));
    });
  });

  describe("given the payment is disputed", function () {
    it("reverts with CofferEscrowInvalidStatus", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset);
      await authorize(f, payment, 1_000n);
      await f.escrow.connect(f.payer).dispute(payment);
      await expect(f.escrow.connect(f.operator).capture(payment, 1n, 0))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidStatus")
        .withArgs(getPaymentId(payment, f.domain), 2);
    });
  });

  describe("time boundaries of the authorization expiry", function () {
    for (const [offset, accepted] of [
      [-1n, true],
      [0n, false],
      [1n, false],
    ] as const) {
      it(`${accepted ? "captures" : "reverts with CofferEscrowExpired"} at expiry ${offset < 0n ? "-" : "+"} ${offset < 0n ? -offset : offset} s`, async function () {
        const f = await loadEscrow();
        const payment = await makePayment(f, asset);
        await authorize(f, payment, 1_000n);
        await time.setNextBlockTimestamp(payment.authorizationExpiry + offset);
        const tx = f.escrow.connect(f.operator).capture(payment, 1_000n, 0);
        if (accepted) await expect(tx).to.emit(f.escrow, "PaymentCaptured");
        else
          await expect(tx)
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowExpired")
            .withArgs(payment.authorizationExpiry, payment.authorizationExpiry + offset);
      });
    }
  });
});
