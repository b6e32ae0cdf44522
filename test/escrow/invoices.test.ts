import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import { getInvoiceId, verifyInvoice, type Invoice } from "../../sdk/src/escrow";
import { ASSETS, balanceOf, loadEscrow, signInvoice, tokenOf, units, type Asset, type EscrowFixture } from "./fixture";

async function makeInvoice(f: EscrowFixture, asset: Asset, overrides: Partial<Invoice> = {}): Promise<Invoice> {
  return {
    payee: f.payee.address,
    payer: ethers.ZeroAddress,
    token: await tokenOf(f, asset),
    amount: units(asset, 12n),
    expiry: BigInt(await time.latest()) + 86_400n,
    referenceId: ethers.id(`INV-${Math.random()}`),
    salt: 1n,
    ...overrides,
  };
}

describe("CofferEscrow.payInvoice", function () {
  for (const asset of ASSETS) {
    describe(`with ${asset.name}`, function () {
      describe("when anyone pays a payee-signed invoice", function () {
        it("moves exactly the amount to the payee, once, and emits the reference", async function () {
          const f = await loadEscrow();
          const invoice = await makeInvoice(f, asset);
          const signature = await signInvoice(f.payee, invoice, f.domain);
          expect(verifyInvoice(invoice, signature, f.domain)).to.equal(true);
          const id = getInvoiceId(invoice, f.domain);
          const before = await balanceOf(invoice.token, f.payee.address);
          const value = asset.native ? invoice.amount : 0n;
          await expect(f.escrow.connect(f.stranger).payInvoice(invoice, signature, { value }))
            .to.emit(f.escrow, "InvoicePaid")
            .withArgs(id, f.payee.address, f.stranger.address, invoice.token, invoice.amount, invoice.referenceId);
          expect(await balanceOf(invoice.token, f.payee.address)).to.equal(before + invoice.amount);
          expect(await f.escrow.isInvoicePaid(id)).to.equal(true);
          await expect(f.escrow.connect(f.payer).payInvoice(invoice, signature, { value }))
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvoiceAlreadyPaid")
            .withArgs(id);
        });
      });
    });
  }

  describe("when the payer changes the amount", function () {
    it("reverts with CofferEscrowInvalidInvoiceSignature: the amount is the payee's", async function () {
      const f = await loadEscrow();
      const invoice = await makeInvoice(f, ASSETS[1]);
      const signature = await signInvoice(f.payee, invoice, f.domain);
      const altered = { ...invoice, amount: invoice.amount - 1n };
      expect(verifyInvoice(altered, signature, f.domain)).to.equal(false);
      await expect(f.escrow.connect(f.payer).payInvoice(altered, signature))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidInvoiceSignature")
        .withArgs(getInvoiceId(altered, f.domain), f.payee.address);
    });
  });

  describe("given the invoice names its payer", function () {
    it("reverts with CofferEscrowUnauthorizedCaller for anyone else, and accepts the payer", async function () {
      const f = await loadEscrow();
      const invoice = await makeInvoice(f, ASSETS[1], { payer: f.payer.address });
      const signature = await signInvoice(f.payee, invoice, f.domain);
      await expect(f.escrow.connect(f.stranger).payInvoice(invoice, signature))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowUnauthorizedCaller")
        .withArgs(f.stranger.address, f.payer.address);
      await expect(f.escrow.connect(f.payer).payInvoice(invoice, signature)).to.emit(f.escrow, "InvoicePaid");
    });
  });

  describe("expiry boundaries", function () {
    for (const [offset, accepted] of [
      [-1n, true],
      [0n, false],
      [1n, false],
    ] as const) {
      it(`${accepted ? "is paid" : "reverts with CofferEscrowExpired"} at expiry ${offset < 0n ? "-" : "+"} ${offset < 0n ? -offset : offset} s`, async function () {
        const f = await loadEscrow();
        const invoice = await makeInvoice(f, ASSETS[1]);
        const signature = await signInvoice(f.payee, invoice, f.domain);
        await time.setNextBlockTimestamp(invoice.expiry + offset);
        const tx = f.escrow.connect(f.payer).payInvoice(invoice, signature);
        if (accepted) await expect(tx).to.emit(f.escrow, "InvoicePaid");
        else
          await expect(tx)
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowExpired")
            .withArgs(invoice.expiry, invoice.expiry + offset);
      });
    }
  });
});
