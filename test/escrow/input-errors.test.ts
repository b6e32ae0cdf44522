import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import { getInvoiceId, getPaymentId } from "../../sdk/src/escrow";
import { ASSETS, authorize, balanceOf, loadEscrow, makePayment, signInvoice, tokenOf, units } from "./fixture";

/** Bad input the other suites do not send: each reverts with its custom error and moves nothing. */
describe("CofferEscrow input errors", function () {
  const eth = ASSETS[0];
  const token = ASSETS[1];

  describe("refund", function () {
    it("of ETH with a msg.value other than the amount reverts with CofferEscrowWrongValue(value, amount)", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, eth);
      await authorize(f, payment, units(eth, 10n));
      await f.escrow.connect(f.operator).capture(payment, units(eth, 10n), 0);
      const amount = units(eth, 4n);
      const payerBefore = await balanceOf(payment.token, f.payer.address);
      for (const value of [amount - 1n, amount + 1n, 0n]) {
        await expect(f.escrow.connect(f.operator).refund(payment, amount, { value }))
          .to.be.revertedWithCustomError(f.escrow, "CofferEscrowWrongValue")
          .withArgs(value, amount);
      }
      expect(await balanceOf(payment.token, f.payer.address)).to.equal(payerBefore);
      expect((await f.escrow.getPaymentState(getPaymentId(payment, f.domain))).refundable).to.equal(units(eth, 10n));
    });

    it("of a token with ETH attached reverts with CofferEscrowWrongValue(value, 0)", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, token);
      await authorize(f, payment, units(token, 10n));
      await f.escrow.connect(f.operator).capture(payment, units(token, 10n), 0);
      const payerBefore = await balanceOf(payment.token, f.payer.address);
      await expect(f.escrow.connect(f.operator).refund(payment, units(token, 4n), { value: 1n }))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowWrongValue")
        .withArgs(1n, 0n);
      expect(await balanceOf(payment.token, f.payer.address)).to.equal(payerBefore);
      expect((await f.escrow.getPaymentState(getPaymentId(payment, f.domain))).refundable).to.equal(units(token, 10n));
    });
  });

  describe("charge", function () {
    it("of ETH with a msg.value other than the amount reverts with CofferEscrowWrongValue(value, amount)", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, eth);
      const amount = units(eth, 5n);
      const payeeBefore = await balanceOf(payment.token, f.payee.address);
      for (const value of [amount - 1n, amount + 1n]) {
        await expect(f.escrow.connect(f.payer).charge(payment, amount, 0, "0x", { value }))
          .to.be.revertedWithCustomError(f.escrow, "CofferEscrowWrongValue")
          .withArgs(value, amount);
      }
      expect(await balanceOf(payment.token, f.payee.address)).to.equal(payeeBefore);
      expect((await f.escrow.getPaymentState(getPaymentId(payment, f.domain))).status).to.equal(0n);
    });
  });

  describe("withdraw", function () {
    it("to address(0) reverts with CofferEscrowZeroAddress before looking at the credit", async function () {
      const f = await loadEscrow();
      await expect(
        f.escrow.connect(f.payee).withdraw(ethers.ZeroAddress, ethers.ZeroAddress),
      ).to.be.revertedWithCustomError(f.escrow, "CofferEscrowZeroAddress");
      // The same call to a real address fails for the reason that applies then: nothing is owed.
      await expect(f.escrow.connect(f.payee).withdraw(ethers.ZeroAddress, f.payee.address))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowNothingToWithdraw")
        .withArgs(f.payee.address, ethers.ZeroAddress);
    });
  });

  describe("payInvoice", function () {
    it("of a signed invoice for 0 reverts with CofferEscrowInvalidAmount(0, 0) and is not marked paid", async function () {
      const f = await loadEscrow();
      const invoice = {
        payee: f.payee.address,
        payer: ethers.ZeroAddress,
        token: await tokenOf(f, token),
        amount: 0n,
        expiry: BigInt(await time.latest()) + 86_400n,
        referenceId: ethers.id("INV-zero"),
        salt: 1n,
      };
      const signature = await signInvoice(f.payee, invoice, f.domain);
      await expect(f.escrow.connect(f.payer).payInvoice(invoice, signature))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidAmount")
        .withArgs(0n, 0n);
      expect(await f.escrow.isInvoicePaid(getInvoiceId(invoice, f.domain))).to.equal(false);
    });
  });
});
