import { expect } from "chai";
import { getPaymentId } from "../../sdk/src/escrow";
import { ASSETS, authorize, balanceOf, loadEscrow, makePayment, signPaymentApproval, units, valueFor } from "./fixture";

describe("CofferEscrow.charge", function () {
  for (const asset of ASSETS) {
    describe(`with ${asset.name}`, function () {
      for (const feeBps of [0, 200]) {
        describe(`when the payer charges with a ${feeBps / 100}% fee`, function () {
          it("pays the payee and the fee receiver straight from the payer and keeps nothing in escrow", async function () {
            const f = await loadEscrow();
            const payment = await makePayment(f, asset);
            const amount = units(asset, 50n);
            const fee = (amount * BigInt(feeBps)) / 10_000n;
            const escrowAddress = await f.escrow.getAddress();
            const payeeBefore = await balanceOf(payment.token, f.payee.address);
            const feeBefore = await balanceOf(payment.token, f.feeReceiver.address);
            const escrowBefore = await balanceOf(payment.token, escrowAddress);
            await expect(
              f.escrow.connect(f.payer).charge(payment, amount, feeBps, "0x", { value: valueFor(payment, amount) }),
            )
              .to.emit(f.escrow, "PaymentCharged")
              .withArgs(
                getPaymentId(payment, f.domain),
                f.payer.address,
                f.payee.address,
                Object.values(payment),
                amount,
                fee,
              );
            expect(await balanceOf(payment.token, f.payee.address)).to.equal(payeeBefore + amount - fee);
            expect(await balanceOf(payment.token, f.feeReceiver.address)).to.equal(feeBefore + fee);
            expect(await balanceOf(payment.token, escrowAddress)).to.equal(escrowBefore);
            const state = await f.escrow.getPaymentState(getPaymentId(payment, f.domain));
            expect([state.capturable, state.refundable, state.status]).to.deep.equal([0n, amount, 1n]);
          });
        });
      }

      describe("when the operator charges with the payer's signature", function () {
        it("takes the payer's funds for exactly that payment", async function () {
          const f = await loadEscrow();
          if (asset.native) {
            // Native ETH comes with the call: only the payer can send it.
            const payment = await makePayment(f, asset);
            const signature = await signPaymentApproval(f.payer, payment, f.domain, "charge");
            await expect(
              f.escrow.connect(f.operator).charge(payment, 1n, 0, signature, { value: 1n }),
            ).to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidPayerSignature");
            return;
          }
          const payment = await makePayment(f, asset);
          const signature = await signPaymentApproval(f.payer, payment, f.domain, "charge");
          const before = await balanceOf(payment.token, f.payee.address);
          await f.escrow.connect(f.operator).charge(payment, units(asset, 3n), 0, signature);
          expect(await balanceOf(payment.token, f.payee.address)).to.equal(before + units(asset, 3n));
        });
      });
    });
  }

  const asset = ASSETS[1];
  describe("given the payment id was used by an authorization", function () {
    it("reverts with CofferEscrowPaymentAlreadyExists", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset);
      await authorize(f, payment, 1n);
      await expect(f.escrow.connect(f.payer).charge(payment, 1n, 0, "0x"))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowPaymentAlreadyExists")
        .withArgs(getPaymentId(payment, f.domain));
    });
  });

  describe("when the fee is outside the bounds", function () {
    it("reverts with CofferEscrowFeeOutOfBounds and takes nothing", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset, { minFeeBps: 100, maxFeeBps: 100 });
      const before = await balanceOf(payment.token, f.payer.address);
      await expect(f.escrow.connect(f.payer).charge(payment, 1_000n, 0, "0x"))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowFeeOutOfBounds")
        .withArgs(0, 100, 100);
      expect(await balanceOf(payment.token, f.payer.address)).to.equal(before);
    });
  });
});
