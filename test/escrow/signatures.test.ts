import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import hre from "hardhat";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { execSafeCall } from "../../scripts/lib/safe-exec";
import { getInvoiceId, getPayerApprovalDigest, getPaymentId, type Invoice, type Payment } from "../../sdk/src/escrow";
import { CofferEscrow__factory, MockERC20__factory, type CofferEscrow } from "../../typechain-types";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { signPermit } from "../mocks/permit";
import {
  ASSETS,
  HOUR,
  authorize,
  loadEscrow,
  makePayment,
  signInvoice,
  signPaymentApproval,
  units,
  type EscrowFixture,
} from "./fixture";
import { BOUNDARY_OFFSETS, atOffset, makeInvoice } from "./security-helpers";

/**
 * Signed intents: the payer's EIP-712 approval of a payment (letting the payment's operator authorize or charge it;
 * who may submit it and for which action is in payer-approval.test.ts) and the payee's signature of an invoice. Both are bound to one chain and one escrow contract through the EIP-712
 * domain, to every field, and to a single use; the time windows they open are exclusive at their expiries.
 * The boundaries already covered by the behaviour files (authorize's pre-approval expiry, capture, dispute and
 * reclaim at the authorization expiry, refund and invoice expiries) are not repeated here.
 */

const asset = ASSETS[1];
const SECOND_CHAIN_ID = 8453;

/** Half-order of secp256k1: a signature with a larger `s` is the malleable twin of a canonical one. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function malleable(signature: string): string {
  const sig = ethers.Signature.from(signature);
  const s = SECP256K1_N - BigInt(sig.s);
  const v = sig.v === 27 ? 28 : 27;
  return ethers.concat([sig.r, ethers.toBeHex(s, 32), ethers.toBeHex(v, 1)]);
}

/** Every field of a payment, altered so that only the signature check can fail. */
function alteredPayments(f: EscrowFixture, payment: Payment): [string, Payment][] {
  const other = f.stranger.address;
  return [
    ["operator", { ...payment, operator: other }],
    ["payer", { ...payment, payer: other }],
    ["payee", { ...payment, payee: other }],
    ["token", { ...payment, token: f.manifest.contracts["TestDAI"]!.address }],
    ["maxAmount", { ...payment, maxAmount: payment.maxAmount + 1n }],
    ["preApprovalExpiry", { ...payment, preApprovalExpiry: payment.preApprovalExpiry + 1n }],
    ["authorizationExpiry", { ...payment, authorizationExpiry: payment.authorizationExpiry + 1n }],
    ["refundExpiry", { ...payment, refundExpiry: payment.refundExpiry + 1n }],
    ["minFeeBps", { ...payment, minFeeBps: payment.minFeeBps + 1 }],
    ["maxFeeBps", { ...payment, maxFeeBps: payment.maxFeeBps + 1 }],
    ["feeReceiver", { ...payment, feeReceiver: other }],
    ["arbiter", { ...payment, arbiter: other }],
    ["referenceId", { ...payment, referenceId: ethers.id("another order") }],
    ["salt", { ...payment, salt: payment.salt + 1n }],
  ];
}

/**
 * The treasury Safe's EIP-1271 signature of `digest` (a payer's approval digest or an invoice id) by the owners with these keys: each
 * signs the Safe's `SafeMessage` over the digest (what the Safe's CompatibilityFallbackHandler checks), sorted by
 * owner address.
 */
function safeSignature(safe: string, chainId: bigint | number, digest: string, ownerKeys: readonly string[]): string {
  const messageHash = ethers.TypedDataEncoder.hash(
    { chainId, verifyingContract: safe },
    { SafeMessage: [{ name: "message", type: "bytes" }] },
    { message: digest },
  );
  return ethers.concat(
    ownerKeys
      .map((key) => new ethers.Wallet(key))
      .sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1))
      .map((wallet) => wallet.signingKey.sign(messageHash).serialized),
  );
}

describe("CofferEscrow signatures", function () {
  describe("the payer's payment signature", function () {
    describe("when every field is as signed", function () {
      it("lets the operator authorize once and charge never after: the id is used", async function () {
        const f = await loadEscrow();
        const payment = await makePayment(f, asset);
        const signature = await signPaymentApproval(f.payer, payment, f.domain, "authorize");
        const chargeSignature = await signPaymentApproval(f.payer, payment, f.domain, "charge");
        const id = getPaymentId(payment, f.domain);
        await f.escrow.connect(f.operator).authorize(payment, 10n, signature);
        await expect(f.escrow.connect(f.operator).authorize(payment, 10n, signature))
          .to.be.revertedWithCustomError(f.escrow, "CofferEscrowPaymentAlreadyExists")
          .withArgs(id);
        await expect(f.escrow.connect(f.operator).charge(payment, 10n, 0, chargeSignature))
          .to.be.revertedWithCustomError(f.escrow, "CofferEscrowPaymentAlreadyExists")
          .withArgs(id);
        expect((await f.escrow.getPaymentState(id)).capturable).to.equal(10n);
      });
    });

    describe("when any field differs from what the payer signed", function () {
      it("reverts with CofferEscrowInvalidPayerSignature for each of the 14 fields", async function () {
        const f = await loadEscrow();
        const payment = await makePayment(f, asset);
        const toHold = await signPaymentApproval(f.payer, payment, f.domain, "authorize");
        const toCharge = await signPaymentApproval(f.payer, payment, f.domain, "charge");
        for (const [field, altered] of alteredPayments(f, payment)) {
          // Sent by the altered payment's operator, so that only the signature check can fail.
          const sender = altered.operator === f.stranger.address ? f.stranger : f.operator;
          await expect(f.escrow.connect(sender).authorize(altered, 10n, toHold), field)
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidPayerSignature")
            .withArgs(getPayerApprovalDigest(altered, f.domain, "authorize"), altered.payer);
          await expect(f.escrow.connect(sender).charge(altered, 10n, 0, toCharge), field)
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidPayerSignature")
            .withArgs(getPayerApprovalDigest(altered, f.domain, "charge"), altered.payer);
        }
      });
    });

    describe("when the signature is someone else's, malleated or empty", function () {
      it("reverts with CofferEscrowInvalidPayerSignature", async function () {
        const f = await loadEscrow();
        const payment = await makePayment(f, asset);
        const id = getPayerApprovalDigest(payment, f.domain, "authorize");
        const genuine = await signPaymentApproval(f.payer, payment, f.domain, "authorize");
        for (const signature of [
          await signPaymentApproval(f.operator, payment, f.domain, "authorize"),
          malleable(genuine),
          "0x",
          genuine.slice(0, -2),
        ]) {
          await expect(f.escrow.connect(f.operator).authorize(payment, 1n, signature))
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidPayerSignature")
            .withArgs(id, f.payer.address);
        }
        await expect(f.escrow.connect(f.operator).authorize(payment, 1n, genuine)).to.emit(
          f.escrow,
          "PaymentAuthorized",
        );
      });
    });

    describe("when it was made for another chain id (the same escrow address elsewhere)", function () {
      it("reverts with CofferEscrowInvalidPayerSignature", async function () {
        const f = await loadEscrow();
        const payment = await makePayment(f, asset);
        const signature = await signPaymentApproval(
          f.payer,
          payment,
          { ...f.domain, chainId: SECOND_CHAIN_ID },
          "authorize",
        );
        await expect(f.escrow.connect(f.operator).authorize(payment, 1n, signature))
          .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidPayerSignature")
          .withArgs(getPayerApprovalDigest(payment, f.domain, "authorize"), f.payer.address);
      });
    });

    describe("when it was made for another CofferEscrow instance on this chain", function () {
      it("reverts with CofferEscrowInvalidPayerSignature there, and the ids differ", async function () {
        const f = await loadEscrow();
        const second = (await hre.ethers.deployContract("CofferEscrow", [f.treasurySafe])) as unknown as CofferEscrow;
        const secondDomain = { chainId: f.domain.chainId, escrow: await second.getAddress() };
        await f.usdc.connect(f.payer).approve(secondDomain.escrow, ethers.MaxUint256);
        const payment = await makePayment(f, asset);
        const signature = await signPaymentApproval(f.payer, payment, f.domain, "authorize");
        const chargeSignature = await signPaymentApproval(f.payer, payment, f.domain, "charge");
        expect(await second.getPaymentId(payment)).to.equal(getPaymentId(payment, secondDomain));
        expect(await second.getPaymentId(payment)).to.not.equal(await f.escrow.getPaymentId(payment));
        await expect(second.connect(f.operator).authorize(payment, 1n, signature))
          .to.be.revertedWithCustomError(second, "CofferEscrowInvalidPayerSignature")
          .withArgs(getPayerApprovalDigest(payment, secondDomain, "authorize"), f.payer.address);
        await expect(second.connect(f.operator).charge(payment, 1n, 0, chargeSignature))
          .to.be.revertedWithCustomError(second, "CofferEscrowInvalidPayerSignature")
          .withArgs(getPayerApprovalDigest(payment, secondDomain, "charge"), f.payer.address);
        await expect(f.escrow.connect(f.operator).authorize(payment, 1n, signature)).to.emit(
          f.escrow,
          "PaymentAuthorized",
        );
      });
    });
  });

  describe("the payee's invoice signature", function () {
    /** Every field of an invoice, altered so that only the signature check can fail (the caller is the payer). */
    const alteredInvoices = (f: EscrowFixture, invoice: Invoice): [string, Invoice][] => [
      ["payee", { ...invoice, payee: f.stranger.address }],
      ["payer", { ...invoice, payer: f.payer.address }],
      ["token", { ...invoice, token: f.manifest.contracts["TestDAI"]!.address }],
      ["amount", { ...invoice, amount: invoice.amount - 1n }],
      ["expiry", { ...invoice, expiry: invoice.expiry + 1n }],
      ["referenceId", { ...invoice, referenceId: ethers.id("INV-other") }],
      ["salt", { ...invoice, salt: invoice.salt + 1n }],
    ];

    it("reverts with CofferEscrowInvalidInvoiceSignature for each altered field, and nothing is paid", async function () {
      const f = await loadEscrow();
      const invoice = await makeInvoice(f, asset);
      const signature = await signInvoice(f.payee, invoice, f.domain);
      const before = await f.usdc.balanceOf(f.payer.address);
      for (const [field, altered] of alteredInvoices(f, invoice)) {
        await expect(f.escrow.connect(f.payer).payInvoice(altered, signature), field)
          .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidInvoiceSignature")
          .withArgs(getInvoiceId(altered, f.domain), altered.payee);
      }
      expect(await f.usdc.balanceOf(f.payer.address)).to.equal(before);
    });

    it("cannot be paid twice, through either path", async function () {
      const f = await loadEscrow();
      const invoice = await makeInvoice(f, asset);
      const signature = await signInvoice(f.payee, invoice, f.domain);
      const id = getInvoiceId(invoice, f.domain);
      await f.escrow.connect(f.payer).payInvoice(invoice, signature);
      const noPermit = { deadline: 0n, v: 27, r: ethers.ZeroHash, s: ethers.ZeroHash };
      await expect(f.escrow.connect(f.stranger).payInvoiceWithPermit(invoice, signature, noPermit))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvoiceAlreadyPaid")
        .withArgs(id);
      await expect(f.escrow.connect(f.stranger).payInvoice(invoice, signature))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvoiceAlreadyPaid")
        .withArgs(id);
    });

    it("made for another chain id or another escrow instance, reverts with CofferEscrowInvalidInvoiceSignature", async function () {
      const f = await loadEscrow();
      const second = (await hre.ethers.deployContract("CofferEscrow", [f.treasurySafe])) as unknown as CofferEscrow;
      const secondDomain = { chainId: f.domain.chainId, escrow: await second.getAddress() };
      await f.usdc.connect(f.payer).approve(secondDomain.escrow, ethers.MaxUint256);
      const invoice = await makeInvoice(f, asset);
      const otherChain = await signInvoice(f.payee, invoice, { ...f.domain, chainId: SECOND_CHAIN_ID });
      await expect(f.escrow.connect(f.payer).payInvoice(invoice, otherChain))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidInvoiceSignature")
        .withArgs(getInvoiceId(invoice, f.domain), f.payee.address);
      const forFirst = await signInvoice(f.payee, invoice, f.domain);
      await expect(second.connect(f.payer).payInvoice(invoice, forFirst))
        .to.be.revertedWithCustomError(second, "CofferEscrowInvalidInvoiceSignature")
        .withArgs(getInvoiceId(invoice, secondDomain), f.payee.address);
    });
  });

  describe("given a contract signer: the treasury Safe (EIP-1271, 2 of 3 owners)", function () {
    const twoOwners = () => [devPrivateKey(1), devPrivateKey(2)];

    it("the Safe as invoice payee: its owners' signature pays the invoice, on this escrow only, once", async function () {
      const f = await loadEscrow();
      const safe = f.treasurySafe;
      const invoice = await makeInvoice(f, asset, { payee: safe });
      const id = getInvoiceId(invoice, f.domain);
      const signature = safeSignature(safe, f.domain.chainId, id, twoOwners());
      const second = (await hre.ethers.deployContract("CofferEscrow", [safe])) as unknown as CofferEscrow;
      await f.usdc.connect(f.payer).approve(await second.getAddress(), ethers.MaxUint256);
      await expect(second.connect(f.payer).payInvoice(invoice, signature))
        .to.be.revertedWithCustomError(second, "CofferEscrowInvalidInvoiceSignature")
        .withArgs(await second.getInvoiceId(invoice), safe);
      const oneOwner = safeSignature(safe, f.domain.chainId, id, [devPrivateKey(1)]);
      await expect(f.escrow.connect(f.payer).payInvoice(invoice, oneOwner))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidInvoiceSignature")
        .withArgs(id, safe);
      const altered = { ...invoice, amount: invoice.amount + 1n };
      await expect(f.escrow.connect(f.payer).payInvoice(altered, signature))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidInvoiceSignature")
        .withArgs(getInvoiceId(altered, f.domain), safe);
      const before = await f.usdc.balanceOf(safe);
      await f.escrow.connect(f.payer).payInvoice(invoice, signature);
      expect(await f.usdc.balanceOf(safe)).to.equal(before + invoice.amount);
      await expect(f.escrow.connect(f.payer).payInvoice(invoice, signature))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvoiceAlreadyPaid")
        .withArgs(id);
    });

    it("the Safe as payer: the operator authorizes with the owners' signature, and with no other chain's", async function () {
      const f = await loadEscrow();
      const safe = f.treasurySafe;
      await f.usdc.mint(safe, units(asset, 50n));
      await execSafeCall(safe, twoOwners(), f.stranger, {
        to: await f.usdc.getAddress(),
        data: f.usdc.interface.encodeFunctionData("approve", [f.domain.escrow, ethers.MaxUint256]),
      });
      const payment = await makePayment(f, asset, { payer: safe });
      const digest = getPayerApprovalDigest(payment, f.domain, "authorize");
      expect(await f.escrow.getPayerApprovalDigest(payment, false)).to.equal(digest);
      const otherChain = safeSignature(safe, SECOND_CHAIN_ID, digest, twoOwners());
      await expect(f.escrow.connect(f.operator).authorize(payment, units(asset, 20n), otherChain))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidPayerSignature")
        .withArgs(digest, safe);
      const before = await f.usdc.balanceOf(safe);
      await f.escrow
        .connect(f.operator)
        .authorize(payment, units(asset, 20n), safeSignature(safe, f.domain.chainId, digest, twoOwners()));
      expect(await f.usdc.balanceOf(safe)).to.equal(before - units(asset, 20n));
    });
  });

  describe("given a second local chain with another chain id and the escrow at the same address", function () {
    let other: DeployedLocalChain;
    let provider: ethers.JsonRpcProvider;

    before(async function () {
      this.timeout(120_000);
      other = await startDeployedLocalChain({ chainId: SECOND_CHAIN_ID });
      // No answer cache and a receipt poll: ethers' own wait can look for a block an idle chain never mines.
      provider = new ethers.JsonRpcProvider(other.chain.url, SECOND_CHAIN_ID, {
        staticNetwork: true,
        cacheTimeout: -1,
        pollingInterval: 50,
      });
    });

    after(async function () {
      provider?.destroy();
      await other?.stop();
    });

    it("a payment or invoice signed on this chain is refused there, and one signed there is accepted there", async function () {
      const f = await loadEscrow();
      const escrowAddress = other.first.manifest.contracts["CofferEscrow"]!.address;
      expect(escrowAddress).to.equal(await f.escrow.getAddress());
      const mined = async (sent: Promise<ethers.ContractTransactionResponse>) => {
        const { hash } = await sent;
        for (let i = 0; i < 200; i++) {
          const receipt = await provider.getTransactionReceipt(hash);
          if (receipt !== null) return expect(receipt.status).to.equal(1);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error(`transaction ${hash} not mined`);
      };
      const [operator, payer, payee] = [4, 5, 6].map((i) => new ethers.Wallet(devPrivateKey(i), provider));
      expect(await payer.getAddress()).to.equal(f.payer.address);
      const escrow = CofferEscrow__factory.connect(escrowAddress, provider);
      const usdc = MockERC20__factory.connect(other.first.manifest.contracts["TestUSDC"]!.address, payer);
      await mined(usdc.mint(f.payer.address, units(asset, 100n)));
      await mined(usdc.approve(escrowAddress, ethers.MaxUint256));
      const now = BigInt((await provider.getBlock("latest"))!.timestamp);
      const payment: Payment = {
        ...(await makePayment(f, asset)),
        token: await usdc.getAddress(),
        preApprovalExpiry: now + HOUR,
        authorizationExpiry: now + 2n * HOUR,
        refundExpiry: now + 3n * HOUR,
      };
      const domainHere = f.domain;
      const domainThere = { chainId: SECOND_CHAIN_ID, escrow: escrowAddress };
      expect(await escrow.getPaymentId(payment)).to.equal(getPaymentId(payment, domainThere));

      const signedHere = await signPaymentApproval(f.payer, payment, domainHere, "authorize");
      await expect(escrow.connect(operator).authorize(payment, 1n, signedHere))
        .to.be.revertedWithCustomError(escrow, "CofferEscrowInvalidPayerSignature")
        .withArgs(getPayerApprovalDigest(payment, domainThere, "authorize"), f.payer.address);
      const invoice: Invoice = { ...(await makeInvoice(f, asset)), token: await usdc.getAddress(), expiry: now + HOUR };
      const invoiceHere = await signInvoice(f.payee, invoice, domainHere);
      await expect(escrow.connect(payer).payInvoice(invoice, invoiceHere))
        .to.be.revertedWithCustomError(escrow, "CofferEscrowInvalidInvoiceSignature")
        .withArgs(getInvoiceId(invoice, domainThere), f.payee.address);

      const signedThere = await signPaymentApproval(payer, payment, domainThere, "authorize");
      await mined(escrow.connect(operator).authorize(payment, 7n, signedThere));
      expect((await escrow.getPaymentState(getPaymentId(payment, domainThere))).capturable).to.equal(7n);
      await mined(escrow.connect(payer).payInvoice(invoice, await signInvoice(payee, invoice, domainThere)));
      expect(await escrow.isInvoicePaid(getInvoiceId(invoice, domainThere))).to.equal(true);
    });
  });

  describe("time boundaries not covered by the behaviour files", function () {
    const noPermit = { deadline: 0n, v: 27, r: ethers.ZeroHash, s: ethers.ZeroHash };

    for (const offset of BOUNDARY_OFFSETS) {
      const accepted = offset < 0n;
      it(`charge ${accepted ? "goes through" : "reverts with CofferEscrowExpired"} at the pre-approval expiry ${atOffset(offset)}`, async function () {
        const f = await loadEscrow();
        const payment = await makePayment(f, asset);
        await time.setNextBlockTimestamp(payment.preApprovalExpiry + offset);
        const tx = f.escrow.connect(f.payer).charge(payment, 1n, 0, "0x");
        if (accepted) await expect(tx).to.emit(f.escrow, "PaymentCharged");
        else
          await expect(tx)
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowExpired")
            .withArgs(payment.preApprovalExpiry, payment.preApprovalExpiry + offset);
      });

      it(`a signed authorization by the operator ${accepted ? "goes through" : "reverts with CofferEscrowExpired"} at the pre-approval expiry ${atOffset(offset)}`, async function () {
        const f = await loadEscrow();
        const payment = await makePayment(f, asset);
        const signature = await signPaymentApproval(f.payer, payment, f.domain, "authorize");
        await time.setNextBlockTimestamp(payment.preApprovalExpiry + offset);
        const tx = f.escrow.connect(f.operator).authorize(payment, 1n, signature);
        if (accepted) await expect(tx).to.emit(f.escrow, "PaymentAuthorized");
        else
          await expect(tx)
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowExpired")
            .withArgs(payment.preApprovalExpiry, payment.preApprovalExpiry + offset);
      });

      for (const path of ["authorizeWithPermit", "chargeWithPermit"] as const) {
        it(`${path} ${accepted ? "goes through" : "reverts with CofferEscrowExpired"} at the pre-approval expiry ${atOffset(offset)}`, async function () {
          const f = await loadEscrow();
          const payment = await makePayment(f, asset);
          const sig = await signPermit(f.usdc, f.payer, f.domain.escrow, 1n, payment.refundExpiry);
          const permit = { deadline: payment.refundExpiry, v: sig.v, r: sig.r, s: sig.s };
          await time.setNextBlockTimestamp(payment.preApprovalExpiry + offset);
          const tx =
            path === "authorizeWithPermit"
              ? f.escrow.connect(f.payer).authorizeWithPermit(payment, 1n, "0x", permit)
              : f.escrow.connect(f.payer).chargeWithPermit(payment, 1n, 0, "0x", permit);
          if (accepted)
            await expect(tx).to.emit(f.escrow, path === "authorizeWithPermit" ? "PaymentAuthorized" : "PaymentCharged");
          else
            await expect(tx)
              .to.be.revertedWithCustomError(f.escrow, "CofferEscrowExpired")
              .withArgs(payment.preApprovalExpiry, payment.preApprovalExpiry + offset);
        });
      }

      it(`payInvoiceWithPermit ${accepted ? "goes through" : "reverts with CofferEscrowExpired"} at the invoice expiry ${atOffset(offset)}`, async function () {
        const f = await loadEscrow();
        const invoice = await makeInvoice(f, asset);
        const signature = await signInvoice(f.payee, invoice, f.domain);
        await time.setNextBlockTimestamp(invoice.expiry + offset);
        const tx = f.escrow.connect(f.payer).payInvoiceWithPermit(invoice, signature, noPermit);
        if (accepted) await expect(tx).to.emit(f.escrow, "InvoicePaid");
        else
          await expect(tx)
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowExpired")
            .withArgs(invoice.expiry, invoice.expiry + offset);
      });

      it(`the payee ${accepted ? "refunds" : "cannot refund (CofferEscrowExpired)"} at the refund expiry ${atOffset(offset)}, and the operator still voids what is held`, async function () {
        const f = await loadEscrow();
        const payment = await makePayment(f, asset);
        await authorize(f, payment, 1_000n);
        await f.escrow.connect(f.operator).capture(payment, 400n, 0);
        await time.setNextBlockTimestamp(payment.refundExpiry + offset);
        const tx = f.escrow.connect(f.payee).refund(payment, 400n);
        if (accepted) await expect(tx).to.emit(f.escrow, "PaymentRefunded");
        else
          await expect(tx)
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowExpired")
            .withArgs(payment.refundExpiry, payment.refundExpiry + offset);
        // Void has no deadline: what is still held returns to the payer after every expiry.
        await expect(f.escrow.connect(f.operator).void(payment))
          .to.emit(f.escrow, "PaymentVoided")
          .withArgs(getPaymentId(payment, f.domain), 600n);
      });
    }

    it("at the authorization expiry - 1 s the operator captures and the payer cannot reclaim; at the expiry it is the reverse", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset);
      await authorize(f, payment, 1_000n);
      await time.setNextBlockTimestamp(payment.authorizationExpiry - 1n);
      await f.escrow.connect(f.operator).capture(payment, 100n, 0);
      await time.setNextBlockTimestamp(payment.authorizationExpiry);
      await expect(f.escrow.connect(f.operator).capture(payment, 100n, 0))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowExpired")
        .withArgs(payment.authorizationExpiry, payment.authorizationExpiry);
      await time.setNextBlockTimestamp(payment.authorizationExpiry + 1n);
      await expect(f.escrow.connect(f.payer).reclaim(payment))
        .to.emit(f.escrow, "PaymentReclaimed")
        .withArgs(getPaymentId(payment, f.domain), 900n);
    });

    it("expiries may be equal (pre-approval ≤ authorization ≤ refund) and one second out of order is refused", async function () {
      const f = await loadEscrow();
      const now = BigInt(await time.latest());
      const t = now + HOUR;
      const equal = await makePayment(f, asset, { preApprovalExpiry: t, authorizationExpiry: t, refundExpiry: t });
      await expect(authorize(f, equal, 1n)).to.emit(f.escrow, "PaymentAuthorized");
      for (const bad of [
        await makePayment(f, asset, { preApprovalExpiry: t + 1n, authorizationExpiry: t, refundExpiry: t + 1n }),
        await makePayment(f, asset, { preApprovalExpiry: t, authorizationExpiry: t + 1n, refundExpiry: t }),
      ]) {
        await expect(authorize(f, bad, 1n))
          .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidExpiries")
          .withArgs(bad.preApprovalExpiry, bad.authorizationExpiry, bad.refundExpiry);
      }
    });
  });
});
