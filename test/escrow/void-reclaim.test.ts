import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { getPaymentId } from "../../sdk/src/escrow";
import { ASSETS, authorize, balanceOf, loadEscrow, makePayment, units } from "./fixture";

describe("CofferEscrow.void and CofferEscrow.reclaim", function () {
  for (const asset of ASSETS) {
    describe(`with ${asset.name}`, function () {
      describe("when the operator voids a partly captured payment", function () {
        it("returns what is still held to the payer and emits PaymentVoided", async function () {
          const f = await loadEscrow();
          const payment = await makePayment(f, asset);
          await authorize(f, payment, units(asset, 50n));
          await f.escrow.connect(f.operator).capture(payment, units(asset, 20n), 0);
          const escrowAddress = await f.escrow.getAddress();
          const payerBefore = await balanceOf(payment.token, f.payer.address);
          await expect(f.escrow.connect(f.operator).void(payment))
            .to.emit(f.escrow, "PaymentVoided")
            .withArgs(getPaymentId(payment, f.domain), units(asset, 30n));
          expect(await balanceOf(payment.token, f.payer.address)).to.equal(payerBefore + units(asset, 30n));
          expect(await balanceOf(payment.token, escrowAddress)).to.equal(0n);
          const state = await f.escrow.getPaymentState(getPaymentId(payment, f.domain));
          expect(state.capturable).to.equal(0n);
          expect(state.refundable).to.equal(units(asset, 20n));
        });
      });

      describe("when the payer reclaims after the authorization expiry", function () {
        it("returns everything held to the payer and emits PaymentReclaimed", async function () {
          const f = await loadEscrow();
          const payment = await makePayment(f, asset);
          const held = units(asset, 50n);
          await authorize(f, payment, held);
          await time.increaseTo(payment.authorizationExpiry);
          const payerBefore = await balanceOf(payment.token, f.payer.address);
          const tx = await f.escrow.connect(f.payer).reclaim(payment);
          await expect(tx).to.emit(f.escrow, "PaymentReclaimed").withArgs(getPaymentId(payment, f.domain), held);
          const receipt = await tx.wait();
          const gasPaid = asset.native ? receipt!.gasUsed * receipt!.gasPrice : 0n;
          expect(await balanceOf(payment.token, f.payer.address)).to.equal(payerBefore + held - gasPaid);
        });
      });
    });
  }

  const asset = ASSETS[1];

  describe("reclaim time boundaries", function () {
    for (const [offset, accepted] of [
      [-1n, false],
      [0n, true],
      [1n, true],
    ] as const) {
      it(`${accepted ? "reclaims" : "reverts with CofferEscrowNotYetExpired"} at authorization expiry ${offset >= 0n ? "+" : "-"} ${offset < 0n ? -offset : offset} s`, async function () {
        const f = await loadEscrow();
        const payment = await makePayment(f, asset);
        await authorize(f, payment, 1_000n);
        await time.setNextBlockTimestamp(payment.authorizationExpiry + offset);
        const tx = f.escrow.connect(f.payer).reclaim(payment);
        if (accepted) await expect(tx).to.emit(f.escrow, "PaymentReclaimed");
        else
          await expect(tx)
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowNotYetExpired")
            .withArgs(payment.authorizationExpiry, payment.authorizationExpiry + offset);
      });
    }
  });

  describe("when someone else calls", function () {
    it("void reverts with CofferEscrowUnauthorizedCaller for everyone but the operator", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset);
      await authorize(f, payment, 1_000n);
      for (const caller of [f.payer, f.payee, f.stranger, f.arbiter]) {
        await expect(f.escrow.connect(caller).void(payment))
          .to.be.revertedWithCustomError(f.escrow, "CofferEscrowUnauthorizedCaller")
          .withArgs(caller.address, f.operator.address);
      }
    });

    it("reclaim reverts with CofferEscrowUnauthorizedCaller for everyone but the payer", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset);
      await authorize(f, payment, 1_000n);
      await time.increaseTo(payment.authorizationExpiry);
      for (const caller of [f.operator, f.payee, f.stranger, f.arbiter]) {
        await expect(f.escrow.connect(caller).reclaim(payment))
          .to.be.revertedWithCustomError(f.escrow, "CofferEscrowUnauthorizedCaller")
          .withArgs(caller.address, f.payer.address);
      }
    });
  });

  describe("given nothing is held", function () {
    it("void and reclaim revert with CofferEscrowNothingHeld after a full capture", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset);
      await authorize(f, payment, 1_000n);
      await f.escrow.connect(f.operator).capture(payment, 1_000n, 0);
      const id = getPaymentId(payment, f.domain);
      await expect(f.escrow.connect(f.operator).void(payment))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowNothingHeld")
        .withArgs(id);
      await time.increaseTo(payment.authorizationExpiry);
      await expect(f.escrow.connect(f.payer).reclaim(payment))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowNothingHeld")
        .withArgs(id);
    });
  });

  describe("given the payment is disputed", function () {
    it("neither the operator's void nor the payer's reclaim can release frozen funds", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset);
      await authorize(f, payment, 1_000n);
      await f.escrow.connect(f.payer).dispute(payment);
      const id = getPaymentId(payment, f.domain);
      await expect(f.escrow.connect(f.operator).void(payment))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidStatus")
        .withArgs(id, 2);
      await time.increaseTo(payment.authorizationExpiry);
      await expect(f.escrow.connect(f.payer).reclaim(payment))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidStatus")
        .withArgs(id, 2);
    });
  });
});
