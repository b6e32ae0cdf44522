import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import { getPayerApprovalDigest, getPaymentId } from "../../sdk/src/escrow";
import { ASSETS, HOUR, authorize, balanceOf, loadEscrow, makePayment, units, valueFor } from "./fixture";

describe("CofferEscrow.authorize", function () {
  for (const asset of ASSETS) {
    describe(`with ${asset.name}`, function () {
      describe("when the payer authorizes an amount up to the maximum", function () {
        it("moves the amount from the payer into escrow and records it as capturable", async function () {
          const f = await loadEscrow();
          const payment = await makePayment(f, asset);
          const amount = units(asset, 40n);
          const id = getPaymentId(payment, f.domain);
          await expect(authorize(f, payment, amount)).to.changeEtherBalances(
            asset.native ? [f.payer, f.escrow] : [],
            asset.native ? [-amount, amount] : [],
          );
          const state = await f.escrow.getPaymentState(id);
          expect(state.capturable).to.equal(amount);
          expect(state.refundable).to.equal(0n);
          expect(state.status).to.equal(1n); // Authorized
          expect(await balanceOf(payment.token, await f.escrow.getAddress())).to.equal(amount);
        });

        it("emits PaymentAuthorized with the id, the parties, the whole payment and the amount", async function () {
          const f = await loadEscrow();
          const payment = await makePayment(f, asset);
          const amount = units(asset, 100n);
          const tx = authorize(f, payment, amount);
          await expect(tx)
            .to.emit(f.escrow, "PaymentAuthorized")
            .withArgs(
              getPaymentId(payment, f.domain),
              f.payer.address,
              f.payee.address,
              Object.values(payment),
              amount,
            );
        });
      });

      describe("when the amount exceeds the maximum or is zero", function () {
        it("reverts with CofferEscrowInvalidAmount carrying the amount and the maximum", async function () {
          const f = await loadEscrow();
          const payment = await makePayment(f, asset);
          const over = payment.maxAmount + 1n;
          await expect(authorize(f, payment, over))
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidAmount")
            .withArgs(over, payment.maxAmount);
          await expect(authorize(f, payment, 0n))
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidAmount")
            .withArgs(0n, payment.maxAmount);
        });
      });

      describe("given the payment was authorized before", function () {
        it("reverts with CofferEscrowPaymentAlreadyExists: a payment id is used once", async function () {
          const f = await loadEscrow();
          const payment = await makePayment(f, asset);
          await authorize(f, payment, units(asset, 1n));
          await expect(authorize(f, payment, units(asset, 1n)))
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowPaymentAlreadyExists")
            .withArgs(getPaymentId(payment, f.domain));
        });
      });
    });
  }

  describe("time boundaries of the pre-approval expiry", function () {
    const asset = ASSETS[1];
    it("accepts at expiry - 1 s and rejects at the expiry and 1 s after", async function () {
      const f = await loadEscrow();
      for (const [offset, accepted] of [
        [-1n, true],
        [0n, false],
        [1n, false],
      ] as const) {
        const payment = await makePayment(f, asset, { preApprovalExpiry: BigInt(await time.latest()) + HOUR });
        await time.setNextBlockTimestamp(payment.preApprovalExpiry + offset);
        const tx = authorize(f, payment, units(asset, 1n));
        if (accepted) {
          await expect(tx).to.emit(f.escrow, "PaymentAuthorized");
        } else {
          await expect(tx)
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowExpired")
            .withArgs(payment.preApprovalExpiry, payment.preApprovalExpiry + offset);
        }
      }
    });
  });

  describe("when the payment is malformed", function () {
    const asset = ASSETS[1];
    it("reverts with CofferEscrowInvalidExpiries when the expiries are out of order", async function () {
      const f = await loadEscrow();
      const base = await makePayment(f, asset);
      const bad = { ...base, refundExpiry: base.authorizationExpiry - 1n };
      await expect(authorize(f, bad, 1n))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidExpiries")
        .withArgs(bad.preApprovalExpiry, bad.authorizationExpiry, bad.refundExpiry);
    });

    it("reverts with CofferEscrowInvalidFeeBounds for inverted bounds, over 100% or a fee without receiver", async function () {
      const f = await loadEscrow();
      for (const overrides of [
        { minFeeBps: 300, maxFeeBps: 200 },
        { minFeeBps: 0, maxFeeBps: 10_001 },
        { maxFeeBps: 100, feeReceiver: ethers.ZeroAddress },
      ]) {
        const bad = await makePayment(f, asset, overrides);
        await expect(authorize(f, bad, 1n))
          .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidFeeBounds")
          .withArgs(bad.minFeeBps, bad.maxFeeBps, bad.feeReceiver);
      }
    });

    it("reverts with CofferEscrowZeroAddress without an operator or a payee", async function () {
      const f = await loadEscrow();
      for (const overrides of [{ operator: ethers.ZeroAddress }, { payee: ethers.ZeroAddress }]) {
        await expect(authorize(f, await makePayment(f, asset, overrides), 1n)).to.be.revertedWithCustomError(
          f.escrow,
          "CofferEscrowZeroAddress",
        );
      }
    });
  });

  describe("when the operator sends it without the payer's signature", function () {
    it("reverts with CofferEscrowInvalidPayerSignature and takes nothing", async function () {
      const f = await loadEscrow();
      const asset = ASSETS[1];
      const payment = await makePayment(f, asset);
      const before = await balanceOf(payment.token, f.payer.address);
      await expect(f.escrow.connect(f.operator).authorize(payment, 1n, "0x"))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidPayerSignature")
        .withArgs(getPayerApprovalDigest(payment, f.domain, "authorize"), f.payer.address);
      expect(await balanceOf(payment.token, f.payer.address)).to.equal(before);
    });
  });

  describe("when the ETH sent does not match", function () {
    it("reverts with CofferEscrowWrongValue", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, ASSETS[0]);
      const amount = units(ASSETS[0], 1n);
      await expect(f.escrow.connect(f.payer).authorize(payment, amount, "0x", { value: amount - 1n }))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowWrongValue")
        .withArgs(amount - 1n, amount);
      const tokenPayment = await makePayment(f, ASSETS[1]);
      await expect(
        f.escrow.connect(f.payer).authorize(tokenPayment, 1n, "0x", { value: valueFor(payment, 1n) }),
      ).to.be.revertedWithCustomError(f.escrow, "CofferEscrowWrongValue");
    });
  });
});
