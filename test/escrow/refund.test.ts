import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { getPaymentId } from "../../sdk/src/escrow";
import { ASSETS, authorize, balanceOf, loadEscrow, makePayment, units, valueFor } from "./fixture";

describe("CofferEscrow.refund", function () {
  for (const asset of ASSETS) {
    describe(`with ${asset.name}`, function () {
      for (const refunderRole of ["operator", "payee"] as const) {
        describe(`when the ${refunderRole} refunds part of what was captured`, function () {
          it("moves the amount from the refunder to the payer and lowers what is refundable", async function () {
            const f = await loadEscrow();
            const refunder = f[refunderRole];
            const payment = await makePayment(f, asset);
            await authorize(f, payment, units(asset, 60n));
            await f.escrow.connect(f.operator).capture(payment, units(asset, 60n), 100);
            const amount = units(asset, 25n);
            const payerBefore = await balanceOf(payment.token, f.payer.address);
            const escrowBefore = await balanceOf(payment.token, await f.escrow.getAddress());
            await expect(f.escrow.connect(refunder).refund(payment, amount, { value: valueFor(payment, amount) }))
              .to.emit(f.escrow, "PaymentRefunded")
              .withArgs(getPaymentId(payment, f.domain), refunder.address, amount);
            expect(await balanceOf(payment.token, f.payer.address)).to.equal(payerBefore + amount);
            expect(await balanceOf(payment.token, await f.escrow.getAddress())).to.equal(escrowBefore);
            const state = await f.escrow.getPaymentState(getPaymentId(payment, f.domain));
            expect(state.refundable).to.equal(units(asset, 35n));
          });
        });
      }

      describe("when the refund exceeds what was captured and not refunded", function () {
        it("reverts with CofferEscrowInvalidAmount", async function () {
          const f = await loadEscrow();
          const payment = await makePayment(f, asset);
          await authorize(f, payment, units(asset, 10n));
          await f.escrow.connect(f.operator).capture(payment, units(asset, 4n), 0);
          const over = units(asset, 4n) + 1n;
          await expect(f.escrow.connect(f.operator).refund(payment, over, { value: valueFor(payment, over) }))
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidAmount")
            .withArgs(over, units(asset, 4n));
        });
      });
    });
  }

  const asset = ASSETS[1];

  describe("refund expiry boundaries", function () {
    for (const [offset, accepted] of [
      [-1n, true],
      [0n, false],
      [1n, false],
    ] as const) {
      it(`${accepted ? "refunds" : "reverts with CofferEscrowExpired"} at refund expiry ${offset < 0n ? "-" : "+"} ${offset < 0n ? -offset : offset} s`, async function () {
        const f = await loadEscrow();
        const payment = await makePayment(f, asset);
        await authorize(f, payment, 1_000n);
        await f.escrow.connect(f.operator).capture(payment, 1_000n, 0);
        await time.setNextBlockTimestamp(payment.refundExpiry + offset);
        const tx = f.escrow.connect(f.operator).refund(payment, 1_000n);
        if (accepted) await expect(tx).to.emit(f.escrow, "PaymentRefunded");
        else
          await expect(tx)
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowExpired")
            .withArgs(payment.refundExpiry, payment.refundExpiry + offset);
      });
    }
  });

  describe("when anyone but the operator or the payee refunds", function () {
    it("reverts with CofferEscrowUnauthorizedCaller", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset);
      await authorize(f, payment, 1_000n);
      await f.escrow.connect(f.operator).capture(payment, 1_000n, 0);
      for (const caller of [f.payer, f.stranger, f.arbiter]) {
        await expect(f.escrow.connect(caller).refund(payment, 1n))
          .to.be.revertedWithCustomError(f.escrow, "CofferEscrowUnauthorizedCaller")
          .withArgs(caller.address, f.operator.address);
      }
    });
  });

  describe("given the payment was never made", function () {
    it("reverts with CofferEscrowPaymentNotFound", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset);
      await expect(f.escrow.connect(f.operator).refund(payment, 1n))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowPaymentNotFound")
        .withArgs(getPaymentId(payment, f.domain));
    });
  });
});
