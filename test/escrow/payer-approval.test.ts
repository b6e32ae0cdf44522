import { expect } from "chai";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ethers } from "ethers";
import hre from "hardhat";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { execSafeCall } from "../../scripts/lib/safe-exec";
import { getPayerApprovalDigest, getPaymentId, type PayerAction, type Payment } from "../../sdk/src/escrow";
import { signPermit } from "../mocks/permit";
import { ASSETS, loadEscrow, makePayment, signPaymentApproval, units, type EscrowFixture } from "./fixture";

/**
 * Who may submit a payer's approval, and for what: `authorize`, `charge` and their permit forms are sent by the
 * payer itself (no signature) or by the payment's operator with the payer's EIP-712 approval, which names the
 * action (`AuthorizePayment`: hold in escrow; `ChargePayment`: pay at once). A stranger, the payee or anyone else
 * holding a valid signature is refused with CofferEscrowUnauthorizedCaller before the signature is looked at.
 */

const asset = ASSETS[1];
const AMOUNT = units(asset, 40n);

type EntryPoint = "authorize" | "authorizeWithPermit" | "charge" | "chargeWithPermit";
const ENTRY_POINTS: readonly EntryPoint[] = ["authorize", "authorizeWithPermit", "charge", "chargeWithPermit"];
const actionOf = (entry: EntryPoint): PayerAction => (entry.startsWith("charge") ? "charge" : "authorize");

/** The payer's EIP-2612 permit for the escrow over `amount`. */
async function permitOf(f: EscrowFixture, payment: Payment, amount: bigint) {
  const signature = await signPermit(f.usdc, f.payer, f.domain.escrow, amount, payment.refundExpiry);
  return { deadline: payment.refundExpiry, v: signature.v, r: signature.r, s: signature.s };
}

/** Sends `entry` for `payment` from `sender` with `payerSignature` (and a fresh permit for the permit forms). */
async function send(
  f: EscrowFixture,
  entry: EntryPoint,
  sender: HardhatEthersSigner,
  payment: Payment,
  payerSignature: string,
  amount = AMOUNT,
) {
  const escrow = f.escrow.connect(sender);
  switch (entry) {
    case "authorize":
      return escrow.authorize(payment, amount, payerSignature);
    case "charge":
      return escrow.charge(payment, amount, 100, payerSignature);
    case "authorizeWithPermit":
      return escrow.authorizeWithPermit(payment, amount, payerSignature, await permitOf(f, payment, amount));
    case "chargeWithPermit":
      return escrow.chargeWithPermit(payment, amount, 100, payerSignature, await permitOf(f, payment, amount));
  }
}

/** Token balances of the payer, the payee, the fee receiver and the escrow. */
async function balances(f: EscrowFixture) {
  const of = (address: string) => f.usdc.balanceOf(address);
  return {
    payer: await of(f.payer.address),
    payee: await of(f.payee.address),
    feeReceiver: await of(f.feeReceiver.address),
    escrow: await of(f.domain.escrow),
  };
}

describe("CofferEscrow: who may submit a payer's approval, and for which action", function () {
  for (const entry of ENTRY_POINTS) {
    describe(`${entry}`, function () {
      describe("when a stranger sends it with the payer's valid signature", function () {
        it("reverts with CofferEscrowUnauthorizedCaller naming the stranger and the operator; nothing moves", async function () {
          const f = await loadEscrow();
          const payment = await makePayment(f, asset, { maxFeeBps: 100 });
          const signature = await signPaymentApproval(f.payer, payment, f.domain, actionOf(entry));
          const before = await balances(f);
          await expect(send(f, entry, f.stranger, payment, signature))
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowUnauthorizedCaller")
            .withArgs(f.stranger.address, f.operator.address);
          expect(await balances(f)).to.deep.equal(before);
          expect((await f.escrow.getPaymentState(getPaymentId(payment, f.domain))).status).to.equal(0n);
        });
      });

      describe("when the payee sends it with the payer's valid signature", function () {
        it("reverts with CofferEscrowUnauthorizedCaller naming the payee and the operator", async function () {
          const f = await loadEscrow();
          const payment = await makePayment(f, asset, { maxFeeBps: 100 });
          const signature = await signPaymentApproval(f.payer, payment, f.domain, actionOf(entry));
          await expect(send(f, entry, f.payee, payment, signature))
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowUnauthorizedCaller")
            .withArgs(f.payee.address, f.operator.address);
        });
      });

      describe("when the operator relays it with the payer's signature of this action (gasless checkout)", function () {
        it("moves the payer's tokens as the payer approved, and the payer spends no ETH", async function () {
          const f = await loadEscrow();
          const payment = await makePayment(f, asset, { maxFeeBps: 100 });
          const signature = await signPaymentApproval(f.payer, payment, f.domain, actionOf(entry));
          const before = await balances(f);
          const payerEth = await hre.ethers.provider.getBalance(f.payer.address);
          await send(f, entry, f.operator, payment, signature);
          const after = await balances(f);
          expect(await hre.ethers.provider.getBalance(f.payer.address)).to.equal(payerEth);
          expect(after.payer).to.equal(before.payer - AMOUNT);
          const fee = AMOUNT / 100n;
          if (actionOf(entry) === "charge") {
            expect([after.payee, after.feeReceiver, after.escrow]).to.deep.equal([
              before.payee + AMOUNT - fee,
              before.feeReceiver + fee,
              before.escrow,
            ]);
          } else {
            expect(after.escrow).to.equal(before.escrow + AMOUNT);
            expect((await f.escrow.getPaymentState(getPaymentId(payment, f.domain))).capturable).to.equal(AMOUNT);
          }
        });
      });

      describe("when the operator relays it with the payer's signature of the other action", function () {
        it("reverts with CofferEscrowInvalidPayerSignature carrying this action's digest", async function () {
          const f = await loadEscrow();
          const payment = await makePayment(f, asset, { maxFeeBps: 100 });
          const action = actionOf(entry);
          const other: PayerAction = action === "charge" ? "authorize" : "charge";
          const wrong = await signPaymentApproval(f.payer, payment, f.domain, other);
          const before = await balances(f);
          await expect(send(f, entry, f.operator, payment, wrong))
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidPayerSignature")
            .withArgs(getPayerApprovalDigest(payment, f.domain, action), f.payer.address);
          expect(await balances(f)).to.deep.equal(before);
        });
      });

      describe("when the payer sends it itself", function () {
        it("needs no signature", async function () {
          const f = await loadEscrow();
          const payment = await makePayment(f, asset, { maxFeeBps: 100 });
          const before = await balances(f);
          await send(f, entry, f.payer, payment, "0x");
          expect((await balances(f)).payer).to.equal(before.payer - AMOUNT);
        });
      });
    });
  }

  describe("given the payee copies the operator's pending authorize from the mempool", function () {
    it("cannot front-run it with a charge (skipping escrow and dispute): it reverts and the operator's authorize holds the funds", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset, { maxFeeBps: 200 });
      const holdSignature = await signPaymentApproval(f.payer, payment, f.domain, "authorize");
      const before = await balances(f);
      // The payee replays what it saw, as a charge at the highest fee, for the maximum amount.
      await expect(f.escrow.connect(f.payee).charge(payment, payment.maxAmount, 200, holdSignature))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowUnauthorizedCaller")
        .withArgs(f.payee.address, f.operator.address);
      // Even if the payee were the operator's own key, a hold signature does not pay at once.
      await expect(f.escrow.connect(f.operator).charge(payment, payment.maxAmount, 200, holdSignature))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidPayerSignature")
        .withArgs(getPayerApprovalDigest(payment, f.domain, "charge"), f.payer.address);
      expect(await balances(f)).to.deep.equal(before);
      await f.escrow.connect(f.operator).authorize(payment, AMOUNT, holdSignature);
      const id = getPaymentId(payment, f.domain);
      expect((await f.escrow.getPaymentState(id)).capturable).to.equal(AMOUNT);
      // The payer keeps its dispute right over what is held.
      await expect(f.escrow.connect(f.payer).dispute(payment))
        .to.emit(f.escrow, "PaymentDisputed")
        .withArgs(id, AMOUNT);
    });
  });

  describe("given a stranger holds the payer's signature", function () {
    it("cannot burn the payment id by authorizing 1 unit: the operator then authorizes the amount it meant", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset);
      const signature = await signPaymentApproval(f.payer, payment, f.domain, "authorize");
      await expect(f.escrow.connect(f.stranger).authorize(payment, 1n, signature))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowUnauthorizedCaller")
        .withArgs(f.stranger.address, f.operator.address);
      await expect(f.escrow.connect(f.operator).authorize(payment, AMOUNT, signature))
        .to.emit(f.escrow, "PaymentAuthorized")
        .withArgs(getPaymentId(payment, f.domain), f.payer.address, f.payee.address, Object.values(payment), AMOUNT);
    });
  });

  describe("given a payment in native ETH", function () {
    it("only the payer sends it: the operator is refused even with the payer's signature, a stranger as a stranger", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, ASSETS[0]);
      const amount = units(ASSETS[0], 1n);
      for (const action of ["authorize", "charge"] as const) {
        const signature = await signPaymentApproval(f.payer, payment, f.domain, action);
        const call = (sender: HardhatEthersSigner) =>
          action === "charge"
            ? f.escrow.connect(sender).charge(payment, amount, 0, signature, { value: amount })
            : f.escrow.connect(sender).authorize(payment, amount, signature, { value: amount });
        await expect(call(f.operator))
          .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidPayerSignature")
          .withArgs(getPayerApprovalDigest(payment, f.domain, action), f.payer.address);
        await expect(call(f.stranger))
          .to.be.revertedWithCustomError(f.escrow, "CofferEscrowUnauthorizedCaller")
          .withArgs(f.stranger.address, f.operator.address);
      }
      await expect(f.escrow.connect(f.payer).authorize(payment, amount, "0x", { value: amount })).to.emit(
        f.escrow,
        "PaymentAuthorized",
      );
    });
  });

  describe("given an EIP-1271 smart-wallet payer (the treasury Safe, 2 of 3 owners)", function () {
    /** The Safe's signature of `digest`: two owners sign its `SafeMessage`, sorted by address. */
    function safeSignature(safe: string, chainId: bigint, digest: string): string {
      const messageHash = ethers.TypedDataEncoder.hash(
        { chainId, verifyingContract: safe },
        { SafeMessage: [{ name: "message", type: "bytes" }] },
        { message: digest },
      );
      return ethers.concat(
        [devPrivateKey(1), devPrivateKey(2)]
          .map((key) => new ethers.Wallet(key))
          .sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1))
          .map((wallet) => wallet.signingKey.sign(messageHash).serialized),
      );
    }

    it("the operator relays its authorize and its charge; a stranger cannot; a hold approval does not charge", async function () {
      const f = await loadEscrow();
      const safe = f.treasurySafe;
      await f.usdc.mint(safe, 2n * AMOUNT);
      await execSafeCall(safe, [devPrivateKey(1), devPrivateKey(2)], f.stranger, {
        to: await f.usdc.getAddress(),
        data: f.usdc.interface.encodeFunctionData("approve", [f.domain.escrow, ethers.MaxUint256]),
      });
      const held = await makePayment(f, asset, { payer: safe });
      const paid = await makePayment(f, asset, { payer: safe });
      const hold = safeSignature(safe, f.domain.chainId, await f.escrow.getPayerApprovalDigest(held, false));
      const pay = safeSignature(safe, f.domain.chainId, await f.escrow.getPayerApprovalDigest(paid, true));
      const holdForPaid = safeSignature(safe, f.domain.chainId, await f.escrow.getPayerApprovalDigest(paid, false));
      await expect(f.escrow.connect(f.stranger).authorize(held, AMOUNT, hold))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowUnauthorizedCaller")
        .withArgs(f.stranger.address, f.operator.address);
      await expect(f.escrow.connect(f.operator).charge(paid, AMOUNT, 0, holdForPaid))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowInvalidPayerSignature")
        .withArgs(getPayerApprovalDigest(paid, f.domain, "charge"), safe);
      const safeBefore = await f.usdc.balanceOf(safe);
      const payeeBefore = await f.usdc.balanceOf(f.payee.address);
      await f.escrow.connect(f.operator).authorize(held, AMOUNT, hold);
      await f.escrow.connect(f.operator).charge(paid, AMOUNT, 0, pay);
      expect(await f.usdc.balanceOf(safe)).to.equal(safeBefore - 2n * AMOUNT);
      expect(await f.usdc.balanceOf(f.payee.address)).to.equal(payeeBefore + AMOUNT);
      expect((await f.escrow.getPaymentState(getPaymentId(held, f.domain))).capturable).to.equal(AMOUNT);
    });
  });
});
