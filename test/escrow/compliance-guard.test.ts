import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import hre from "hardhat";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { execSafeCall } from "../../scripts/lib/safe-exec";
import { getInvoiceId, getPaymentId, type Payment } from "../../sdk/src/escrow";
import type { MockComplianceGuard, RevertingReceiver } from "../../typechain-types";
import { signPermit } from "../mocks/permit";
import {
  ASSETS,
  HOUR,
  authorize,
  balanceOf,
  loadEscrow,
  makePayment,
  signInvoice,
  units,
  valueFor,
  type Asset,
  type EscrowFixture,
} from "./fixture";
import { deployMock, gasPaid, makeInvoice, setGuardThroughSafe } from "./security-helpers";

/**
 * The compliance guard (`IComplianceGuard`), set by the escrow's owner, the real 2-of-3 treasury Safe. A denied
 * payer or payee cannot start a payment, pay or be paid an invoice, or be captured to; a guard that reverts or
 * burns all its gas, or answers anything but exactly one 32-byte word holding 0 or 1, blocks those too (with
 * `CofferEscrowGuardFailed`), but never the paths that return money already held: void, reclaim, refund, dispute,
 * resolve and withdrawal of credits.
 */

const enum Mode {
  Normal = 0,
  Revert = 1,
  BurnGas = 2,
  EmptyAnswer = 3,
  AnswerTwo = 4,
  ShortAnswer = 5,
  HugeAnswer = 6,
}

/** Bytes the guard returns in `Mode.HugeAnswer` (`MockComplianceGuard.HUGE_ANSWER_SIZE`). */
const HUGE_ANSWER_SIZE = 192 * 1024;

/** Every way the guard can fail, as the titles name it. */
const FAILING_GUARDS = [
  [Mode.Revert, "reverts"],
  [Mode.BurnGas, "burns all its gas"],
  [Mode.EmptyAnswer, "answers nothing (0 bytes)"],
  [Mode.AnswerTwo, "answers a word holding 2"],
  [Mode.ShortAnswer, "answers 31 bytes"],
  [Mode.HugeAnswer, "answers 192 KiB of zeros"],
] as const;

async function withGuard(): Promise<{ f: EscrowFixture; guard: MockComplianceGuard; guardAddress: string }> {
  const f = await loadEscrow();
  const guard = await deployMock<MockComplianceGuard>("MockComplianceGuard");
  const guardAddress = await guard.getAddress();
  await setGuardThroughSafe(f, guardAddress);
  return { f, guard, guardAddress };
}

describe("CofferEscrow compliance guard", function () {
  // Leave the shared escrow without a guard for the files that follow (back to the fixture's snapshot).
  after(async function () {
    await loadEscrow();
  });

  describe("when the treasury Safe sets the guard", function () {
    it("records it and emits ComplianceGuardUpdated with the previous and the new guard", async function () {
      const f = await loadEscrow();
      const guard = await deployMock<MockComplianceGuard>("MockComplianceGuard");
      const guardAddress = await guard.getAddress();
      const receipt = await setGuardThroughSafe(f, guardAddress);
      const updated = receipt.logs
        .map((log) => f.escrow.interface.parseLog(log))
        .find((parsed) => parsed?.name === "ComplianceGuardUpdated");
      expect(updated?.args.toArray()).to.deep.equal([ethers.ZeroAddress, guardAddress]);
      expect(await f.escrow.complianceGuard()).to.equal(guardAddress);

      await setGuardThroughSafe(f, ethers.ZeroAddress);
      expect(await f.escrow.complianceGuard()).to.equal(ethers.ZeroAddress);
    });
  });

  describe("when anyone but the owner sets the guard", function () {
    it("reverts with OwnableUnauthorizedAccount for each Safe owner alone, the operator and a stranger", async function () {
      const f = await loadEscrow();
      const guard = await deployMock<MockComplianceGuard>("MockComplianceGuard");
      for (const caller of [...f.owners, f.operator, f.stranger]) {
        await expect(f.escrow.connect(caller).setComplianceGuard(await guard.getAddress()))
          .to.be.revertedWithCustomError(f.escrow, "OwnableUnauthorizedAccount")
          .withArgs(caller.address);
      }
      expect(await f.escrow.complianceGuard()).to.equal(ethers.ZeroAddress);
    });

    it("cannot be set by a Safe transaction with one signature of a 2-of-3 Safe", async function () {
      const f = await loadEscrow();
      const guard = await deployMock<MockComplianceGuard>("MockComplianceGuard");
      await expect(
        execSafeCall(f.treasurySafe, [devPrivateKey(1)], f.stranger, {
          to: await f.escrow.getAddress(),
          data: f.escrow.interface.encodeFunctionData("setComplianceGuard", [await guard.getAddress()]),
        }),
      ).to.be.rejectedWith("GS020");
      expect(await f.escrow.complianceGuard()).to.equal(ethers.ZeroAddress);
    });
  });

  for (const asset of ASSETS) {
    describe(`with ${asset.name}`, function () {
      describe("given the payer is denied", function () {
        it("authorize, charge and payInvoice revert with CofferEscrowDenied(payer) and nothing moves", async function () {
          const { f, guard } = await withGuard();
          await guard.setDenied(f.payer.address, true);
          const payment = await makePayment(f, asset);
          const amount = units(asset, 10n);
          const before = await balanceOf(payment.token, await f.escrow.getAddress());
          await expect(authorize(f, payment, amount))
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowDenied")
            .withArgs(f.payer.address);
          await expect(f.escrow.connect(f.payer).charge(payment, amount, 0, "0x", { value: valueFor(payment, amount) }))
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowDenied")
            .withArgs(f.payer.address);
          const invoice = await makeInvoice(f, asset);
          const signature = await signInvoice(f.payee, invoice, f.domain);
          await expect(
            f.escrow.connect(f.payer).payInvoice(invoice, signature, { value: asset.native ? invoice.amount : 0n }),
          )
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowDenied")
            .withArgs(f.payer.address);
          expect(await balanceOf(payment.token, await f.escrow.getAddress())).to.equal(before);
          expect((await f.escrow.getPaymentState(getPaymentId(payment, f.domain))).status).to.equal(0n);
        });
      });

      describe("given the payee is denied", function () {
        it("authorize, charge and payInvoice revert with CofferEscrowDenied(payee)", async function () {
          const { f, guard } = await withGuard();
          await guard.setDenied(f.payee.address, true);
          const payment = await makePayment(f, asset);
          const amount = units(asset, 10n);
          await expect(authorize(f, payment, amount))
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowDenied")
            .withArgs(f.payee.address);
          await expect(f.escrow.connect(f.payer).charge(payment, amount, 0, "0x", { value: valueFor(payment, amount) }))
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowDenied")
            .withArgs(f.payee.address);
          const invoice = await makeInvoice(f, asset);
          const signature = await signInvoice(f.payee, invoice, f.domain);
          await expect(
            f.escrow.connect(f.stranger).payInvoice(invoice, signature, { value: asset.native ? invoice.amount : 0n }),
          )
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowDenied")
            .withArgs(f.payee.address);
        });

        it("when denied after the authorization: capture reverts, void, dispute and resolve still pay out", async function () {
          const { f, guard } = await withGuard();
          const payment = await makePayment(f, asset);
          const held = units(asset, 40n);
          await authorize(f, payment, held);
          await guard.setDenied(f.payee.address, true);
          await expect(f.escrow.connect(f.operator).capture(payment, held, 0))
            .to.be.revertedWithCustomError(f.escrow, "CofferEscrowDenied")
            .withArgs(f.payee.address);
          // The arbiter may still divide a dispute: the guard is never consulted on a resolution.
          await f.escrow.connect(f.payer).dispute(payment);
          const payeeBefore = await balanceOf(payment.token, f.payee.address);
          const payerBefore = await balanceOf(payment.token, f.payer.address);
          await f.escrow.connect(f.arbiter).resolve(payment, units(asset, 15n));
          expect(await balanceOf(payment.token, f.payer.address)).to.equal(payerBefore + units(asset, 15n));
          expect(await balanceOf(payment.token, f.payee.address)).to.equal(payeeBefore + units(asset, 25n));
        });
      });

      for (const [mode, name] of FAILING_GUARDS) {
        describe(`given the guard ${name}`, function () {
          it("new payments, invoices and captures revert with CofferEscrowGuardFailed and nothing moves", async function () {
            const { f, guard, guardAddress } = await withGuard();
            const escrowAddress = await f.escrow.getAddress();
            const held = await makePayment(f, asset);
            await authorize(f, held, units(asset, 10n));
            await guard.setMode(mode);
            const payment = await makePayment(f, asset);
            const amount = units(asset, 10n);
            const token = payment.token;
            // The payer and the invoice's payer send the reverted calls: their ETH pays gas, their tokens must stay.
            const watched = [escrowAddress, f.payee.address, f.feeReceiver.address];
            if (!asset.native) watched.push(f.payer.address, f.stranger.address);
            const before = await Promise.all(watched.map((account) => balanceOf(token, account)));

            await expect(authorize(f, payment, amount))
              .to.be.revertedWithCustomError(f.escrow, "CofferEscrowGuardFailed")
              .withArgs(guardAddress, f.payer.address);
            await expect(
              f.escrow.connect(f.payer).charge(payment, amount, 0, "0x", { value: valueFor(payment, amount) }),
            )
              .to.be.revertedWithCustomError(f.escrow, "CofferEscrowGuardFailed")
              .withArgs(guardAddress, f.payer.address);
            const invoice = await makeInvoice(f, asset);
            const signature = await signInvoice(f.payee, invoice, f.domain);
            await expect(
              f.escrow
                .connect(f.stranger)
                .payInvoice(invoice, signature, { value: asset.native ? invoice.amount : 0n }),
            )
              .to.be.revertedWithCustomError(f.escrow, "CofferEscrowGuardFailed")
              .withArgs(guardAddress, f.stranger.address);
            await expect(f.escrow.connect(f.operator).capture(held, amount, 0))
              .to.be.revertedWithCustomError(f.escrow, "CofferEscrowGuardFailed")
              .withArgs(guardAddress, f.payee.address);
            if (!asset.native) {
              // The WithPermit forms screen before the permit is used: real permits, still refused.
              const permitToken = asset.decimals === 6 ? f.usdc : f.dai;
              const permitOf = async (owner: typeof f.payer, value: bigint) => {
                const deadline = BigInt(await time.latest()) + HOUR;
                const signature = await signPermit(permitToken, owner, escrowAddress, value, deadline);
                return { deadline, v: signature.v, r: signature.r, s: signature.s };
              };
              await expect(
                f.escrow.connect(f.payer).authorizeWithPermit(payment, amount, "0x", await permitOf(f.payer, amount)),
              )
                .to.be.revertedWithCustomError(f.escrow, "CofferEscrowGuardFailed")
                .withArgs(guardAddress, f.payer.address);
              await expect(
                f.escrow.connect(f.payer).chargeWithPermit(payment, amount, 0, "0x", await permitOf(f.payer, amount)),
              )
                .to.be.revertedWithCustomError(f.escrow, "CofferEscrowGuardFailed")
                .withArgs(guardAddress, f.payer.address);
              await expect(
                f.escrow
                  .connect(f.stranger)
                  .payInvoiceWithPermit(invoice, signature, await permitOf(f.stranger, invoice.amount)),
              )
                .to.be.revertedWithCustomError(f.escrow, "CofferEscrowGuardFailed")
                .withArgs(guardAddress, f.stranger.address);
            }

            expect(await Promise.all(watched.map((account) => balanceOf(token, account)))).to.deep.equal(before);
            expect((await f.escrow.getPaymentState(getPaymentId(payment, f.domain))).status).to.equal(0n);
            expect((await f.escrow.getPaymentState(getPaymentId(held, f.domain))).capturable).to.equal(amount);
            expect(await f.escrow.isInvoicePaid(getInvoiceId(invoice, f.domain))).to.equal(false);
          });

          it("cannot lock funds already held: void, reclaim, refund, dispute and resolve work", async function () {
            const { f, guard } = await withGuard();
            const escrowAddress = await f.escrow.getAddress();
            const toVoid = await makePayment(f, asset);
            const toReclaim = await makePayment(f, asset);
            const toRefund = await makePayment(f, asset);
            const toDispute = await makePayment(f, asset);
            for (const p of [toVoid, toReclaim, toRefund, toDispute]) await authorize(f, p, units(asset, 20n));
            await f.escrow.connect(f.operator).capture(toRefund, units(asset, 20n), 0);
            await guard.setMode(mode);
            const token = toVoid.token;
            const escrowBefore = await balanceOf(token, escrowAddress);
            const payerBefore = await balanceOf(token, f.payer.address);
            const payeeBefore = await balanceOf(token, f.payee.address);

            await f.escrow.connect(f.operator).void(toVoid);
            let payerGas = 0n;
            payerGas += await gasPaid(f.escrow.connect(f.payer).dispute(toDispute));
            await f.escrow.connect(f.arbiter).resolve(toDispute, units(asset, 5n));
            const refundValue = valueFor(toRefund, units(asset, 8n));
            await f.escrow.connect(f.operator).refund(toRefund, units(asset, 8n), { value: refundValue });
            await time.increaseTo(toReclaim.authorizationExpiry);
            payerGas += await gasPaid(f.escrow.connect(f.payer).reclaim(toReclaim));
            if (!asset.native) payerGas = 0n;

            // void 20 + resolve 5 + refund 8 + reclaim 20 to the payer; 15 to the payee by the resolution.
            expect(await balanceOf(token, f.payer.address)).to.equal(payerBefore + units(asset, 53n) - payerGas);
            expect(await balanceOf(token, f.payee.address)).to.equal(payeeBefore + units(asset, 15n));
            expect(await balanceOf(token, escrowAddress)).to.equal(escrowBefore - units(asset, 60n));
          });
        });
      }
    });
  }

  describe("given the guard breaks while a payee holds credits", function () {
    for (const [mode, name] of FAILING_GUARDS) {
      it(`the payee still withdraws them when the guard ${name}`, async function () {
        await withdrawsCreditsDespite(mode);
      });
    }

    async function withdrawsCreditsDespite(mode: Mode): Promise<void> {
      const { f, guard } = await withGuard();
      const asset: Asset = ASSETS[0];
      const receiver = await deployMock<RevertingReceiver>("RevertingReceiver");
      const receiverAddress = await receiver.getAddress();
      const payment = await makePayment(f, asset, { payee: receiverAddress });
      const amount = units(asset, 3n);
      await authorize(f, payment, amount);
      await expect(f.escrow.connect(f.operator).capture(payment, amount, 0))
        .to.emit(f.escrow, "PayoutCredited")
        .withArgs(receiverAddress, ethers.ZeroAddress, amount);
      await guard.setMode(mode);
      const to = ethers.Wallet.createRandom().address;
      await receiver.execute(
        await f.escrow.getAddress(),
        0n,
        f.escrow.interface.encodeFunctionData("withdraw", [ethers.ZeroAddress, to]),
      );
      expect(await balanceOf(ethers.ZeroAddress, to)).to.equal(amount);
      expect(await f.escrow.creditOf(receiverAddress, ethers.ZeroAddress)).to.equal(0n);
    }
  });

  describe("given the guard answers 192 KiB", function () {
    /** Gas used by a payer's authorize that the guard makes revert with CofferEscrowGuardFailed. */
    async function gasOfRefusedAuthorize(f: EscrowFixture, payment: Payment, amount: bigint): Promise<bigint> {
      const sent = f.escrow
        .connect(f.payer)
        .authorize(payment, amount, "0x", { value: valueFor(payment, amount), gasLimit: 2_000_000 });
      await expect(sent).to.be.revertedWithCustomError(f.escrow, "CofferEscrowGuardFailed");
      const block = await hre.ethers.provider.getBlock("latest");
      const receipt = await hre.ethers.provider.getTransactionReceipt(block!.transactions[0]!);
      expect(receipt!.to).to.equal(await f.escrow.getAddress());
      expect(receipt!.status).to.equal(0);
      return receipt!.gasUsed;
    }

    it("the escrow copies at most one word of it: refusing costs less than GUARD_GAS more than an empty answer", async function () {
      const { f, guard } = await withGuard();
      const asset = ASSETS[1];
      const payment = await makePayment(f, asset);
      const amount = units(asset, 10n);
      await guard.setMode(Mode.EmptyAnswer);
      const withEmptyAnswer = await gasOfRefusedAuthorize(f, payment, amount);
      await guard.setMode(Mode.HugeAnswer);
      const withHugeAnswer = await gasOfRefusedAuthorize(f, payment, amount);
      // The guard itself spends ~95,000 of its cap building the answer; copying it into the escrow's memory too
      // would cost ~92,000 more (memory expansion to 192 KiB), beyond the cap.
      expect(withHugeAnswer - withEmptyAnswer).to.be.greaterThan(90_000n);
      expect(withHugeAnswer - withEmptyAnswer).to.be.lessThan(await f.escrow.GUARD_GAS());
    });
  });

  describe("given the guard is removed by the Safe", function () {
    it("payments from a formerly denied payer go through again", async function () {
      const { f, guard } = await withGuard();
      const asset = ASSETS[1];
      await guard.setDenied(f.payer.address, true);
      const payment = await makePayment(f, asset);
      await expect(authorize(f, payment, 1n)).to.be.revertedWithCustomError(f.escrow, "CofferEscrowDenied");
      await setGuardThroughSafe(f, ethers.ZeroAddress);
      await expect(authorize(f, payment, 1n)).to.emit(f.escrow, "PaymentAuthorized");
    });
  });

  describe("given the Safe tries to set a guard address without code (a mistyped address)", function () {
    it("refuses it with CofferEscrowGuardHasNoCode, keeps the previous guard, and payments go on", async function () {
      const f = await loadEscrow();
      const asset = ASSETS[1];
      const mistyped = ethers.Wallet.createRandom().address;
      const previous = await f.escrow.complianceGuard();
      // The Safe's own call, as execTransaction makes it.
      const asSafe = hre.ethers.provider.call({
        from: f.treasurySafe,
        to: await f.escrow.getAddress(),
        data: f.escrow.interface.encodeFunctionData("setComplianceGuard", [mistyped]),
      });
      await expect(asSafe).to.be.revertedWithCustomError(f.escrow, "CofferEscrowGuardHasNoCode").withArgs(mistyped);
      await expect(setGuardThroughSafe(f, mistyped)).to.be.rejected;
      expect(await f.escrow.complianceGuard()).to.equal(previous);
      await expect(authorize(f, await makePayment(f, asset), 1n)).to.emit(f.escrow, "PaymentAuthorized");
    });
  });

  describe("the malformed guards themselves", function () {
    it("answer exactly the bytes their modes describe, the 192 KiB within the escrow's 100,000-gas cap", async function () {
      const guard = await deployMock<MockComplianceGuard>("MockComplianceGuard");
      expect(await guard.HUGE_ANSWER_SIZE()).to.equal(BigInt(HUGE_ANSWER_SIZE));
      const call = {
        to: await guard.getAddress(),
        data: guard.interface.encodeFunctionData("isDenied", [ethers.ZeroAddress]),
        // The intrinsic 21,000 and the calldata come out of this too: the call itself gets less than the cap.
        gasLimit: 21_000n + 100_000n,
      };
      const expected: [Mode, string][] = [
        [Mode.EmptyAnswer, "0x"],
        [Mode.AnswerTwo, ethers.zeroPadValue("0x02", 32)],
        [Mode.ShortAnswer, "0x" + "00".repeat(31)],
        [Mode.HugeAnswer, "0x" + "00".repeat(HUGE_ANSWER_SIZE)],
      ];
      for (const [mode, answer] of expected) {
        await guard.setMode(mode);
        const returned = await hre.ethers.provider.call(call);
        expect(ethers.dataLength(returned)).to.equal(ethers.dataLength(answer));
        expect(returned === answer, `mode ${mode} answers the documented bytes`).to.equal(true);
      }
    });
  });

  describe("the burning guard itself", function () {
    it("never returns, whatever gas it is given (so the escrow's gas cap is what stops it)", async function () {
      const guard = await deployMock<MockComplianceGuard>("MockComplianceGuard");
      await guard.setMode(Mode.BurnGas);
      await expect(guard.isDenied(ethers.ZeroAddress, { gasLimit: 3_000_000 })).to.be.reverted;
    });
  });
});
