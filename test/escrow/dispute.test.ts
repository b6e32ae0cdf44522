import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import { getPaymentId } from "../../sdk/src/escrow";
import { ASSETS, authorize, balanceOf, loadEscrow, makePayment, units } from "./fixture";

describe("CofferEscrow.dispute and CofferEscrow.resolve", function () {
  for (const asset of ASSETS) {
    describe(`with ${asset.name}`, function () {
      describe("when the payer disputes and the arbiter divides the held funds", function () {
        it("freezes the funds, then pays each side its part without fee", async function () {
          const f = await loadEscrow();
          const payment = await makePayment(f, asset, { minFeeBps: 100, maxFeeBps: 100 });
          const held = units(asset, 80n);
          await authorize(f, payment, held);
          const id = getPaymentId(payment, f.domain);
          await expect(f.escrow.connect(f.payer).dispute(payment))
            .to.emit(f.escrow, "PaymentDisputed")
            .withArgs(id, held);
          expect((await f.escrow.getPaymentState(id)).status).to.equal(2n);

          const payerBefore = await balanceOf(payment.token, f.payer.address);
          const payeeBefore = await balanceOf(payment.token, f.payee.address);
          const feeBefore = await balanceOf(payment.token, f.feeReceiver.address);
          const toPayer = units(asset, 30n);
          await expect(f.escrow.connect(f.arbiter).resolve(payment, toPayer))
            .to.emit(f.escrow, "PaymentResolved")
            .withArgs(id, toPayer, held - toPayer);
          expect(await balanceOf(payment.token, f.payer.address)).to.equal(payerBefore + toPayer);
          expect(await balanceOf(payment.token, f.payee.address)).to.equal(payeeBefore + held - toPayer);
          expect(await balanceOf(payment.token, f.feeReceiver.address)).to.equal(feeBefore);
          const state = await f.escrow.getPaymentState(id);
          expect(state.capturable).to.equal(0n);
          expect(state.refundable).to.equal(held - toPayer);
          expect(state.status).to.equal(3n);
        });
      });
    });
  }

  const asset = ASSETS[1];

  describe("dispute", function () {
    it("reverts with CofferEscrowNoArbiter when the payment has no arbiter", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset, { arbiter: ethers.ZeroAddress });
      await authorize(f, payment, 1_000n);
      await expect(f.escrow.connect(f.payer).dispute(payment))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowNoArbiter")
        .withArgs(getPaymentId(payment, f.domain));
    });

    it("reverts with CofferEscrowUnauthorizedCaller for anyone but the payer", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset);
      await authorize(f, payment, 1_000n);
      for (const caller of [f.operator, f.payee, f.arbiter, f.stranger]) {
        await expect(f.escrow.connect(caller).dispute(payment))
          .to.be.revertedWithCustomError(f.escrow, "CofferEscrowUnauthorizedCaller")
          .withArgs(caller.address, f.payer.address);
      }
    });

    it("reverts with CofferEscrowNothingHeld once everything is captured", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset);
      await authorize(f, payment, 1_000n);
      await f.escrow.connect(f.operator).capture(payment, 1_000n, 0);
      await expect(f.escrow.connect(f.payer).dispute(payment))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowNothingHeld")
        .withArgs(getPaymentId(payment, f.domain));
    });

    it("reverts with CofferEscrowInvalidStatus when already disputed", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset);
      await authorize(f, payment, 1_000n);
      await f.escrow.connect(f.payer).dispute(payment);
      await expect(f.escrow.connect(f.payer).dispute(payment))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidStatus")
        .withArgs(getPaymentId(payment, f.domain), 2);
    });

    for (const [offset, accepted] of [
      [-1n, true],
      [0n, false],
      [1n, false],
    ] as const) {
      it(`${accepted ? "opens" : "reverts with CofferEscrowExpired"} at authorization expiry ${offset < 0n ? "-" : "+"} ${offset < 0n ? -offset : offset} s`, async function () {
        const f = await loadEscrow();
        const payment = await makePayment(f, asset);
        await authorize(f, payment, 1_000n);
        await time.setNextBlockTimestamp(payment.authorizationExpiry + offset);
        const tx = f.escrow.connect(f.payer).dispute(payment);
        if (accepted) await expect(tx).to.emit(f.escrow, "PaymentDisputed");
        else await expect(tx).to.be.revertedWithCustomError(f.escrow, "CofferEscrowExpired");
      });
    }
  });

  describe("resolve", function () {
    it("reverts with CofferEscrowUnauthorizedCaller for anyone but the arbiter", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset);
      await authorize(f, payment, 1_000n);
      await f.escrow.connect(f.payer).dispute(payment);
      for (const caller of [f.operator, f.payer, f.payee, f.stranger]) {
        await expect(f.escrow.connect(caller).resolve(payment, 0n))
          .to.be.revertedWithCustomError(f.escrow, "CofferEscrowUnauthorizedCaller")
          .withArgs(caller.address, f.arbiter.address);
      }
    });

    it("reverts with CofferEscrowInvalidAmount when the payer's part exceeds what is frozen", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset);
      await authorize(f, payment, 1_000n);
      await f.escrow.connect(f.payer).dispute(payment);
      await expect(f.escrow.connect(f.arbiter).resolve(payment, 1_001n))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidAmount")
        .withArgs(1_001n, 1_000n);
    });

    it("reverts with CofferEscrowInvalidStatus for a payment that is not disputed, or resolved already", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset);
      await authorize(f, payment, 1_000n);
      const id = getPaymentId(payment, f.domain);
      await expect(f.escrow.connect(f.arbiter).resolve(payment, 0n))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidStatus")
        .withArgs(id, 1);
      await f.escrow.connect(f.payer).dispute(payment);
      await f.escrow.connect(f.arbiter).resolve(payment, 1_000n);
      await expect(f.escrow.connect(f.arbiter).resolve(payment, 0n))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidStatus")
        .withArgs(id, 3);
    });

    it("resolves after the authorization expiry, when the payer could otherwise reclaim", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset);
      await authorize(f, payment, 1_000n);
      await f.escrow.connect(f.payer).dispute(payment);
      await time.increaseTo(payment.authorizationExpiry + 1n);
      await expect(f.escrow.connect(f.arbiter).resolve(payment, 400n))
        .to.emit(f.escrow, "PaymentResolved")
        .withArgs(getPaymentId(payment, f.domain), 400n, 600n);
    });
  });
});
