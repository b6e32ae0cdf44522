import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ethers } from "ethers";
import hre from "hardhat";
import { getPaymentId, type Payment } from "../../sdk/src/escrow";
import type { MockERC20, NoReturnToken } from "../../typechain-types";
import { signPermit } from "../mocks/permit";
import {
  ASSETS,
  HOUR,
  balanceOf,
  loadEscrow,
  makePayment,
  signInvoice,
  signPaymentApproval,
  units,
  type Asset,
  type EscrowFixture,
} from "./fixture";
import { BOUNDARY_OFFSETS, atOffset, deployMock, makeInvoice } from "./security-helpers";

/**
 * The EIP-2612 paths: `authorizeWithPermit`, `chargeWithPermit` and `payInvoiceWithPermit`. The permit is for
 * exactly the amount pulled, from the payer (or the invoice's caller) to the escrow. A permit someone else
 * submitted first (front-running) is ignored and the payment goes through on the allowance it set; a permit
 * from the wrong signer, for another amount, expired or already used sets nothing, so the pull fails with the
 * token's own allowance error and nothing moves.
 */

const TOKEN_ASSETS = [ASSETS[1], ASSETS[2]] as const;

interface Setup {
  f: EscrowFixture;
  token: MockERC20;
  tokenAddress: string;
  escrowAddress: string;
  /** A payer with tokens and no allowance to the escrow. */
  holder: HardhatEthersSigner;
}

async function setup(asset: Asset): Promise<Setup> {
  const f = await loadEscrow();
  const token = asset.decimals === 6 ? f.usdc : f.dai;
  const signers = await hre.ethers.getSigners();
  const holder = signers[12]!;
  await token.mint(holder.address, units(asset, 1_000n));
  return { f, token, tokenAddress: await token.getAddress(), escrowAddress: await f.escrow.getAddress(), holder };
}

/** A permit of `owner` for the escrow over `value`, valid for an hour unless `deadline` says otherwise. */
async function permitFor(s: Setup, owner: HardhatEthersSigner, value: bigint, deadline?: bigint) {
  const until = deadline ?? BigInt(await time.latest()) + HOUR;
  const signature = await signPermit(s.token, owner, s.escrowAddress, value, until);
  return { deadline: until, v: signature.v, r: signature.r, s: signature.s };
}

const paymentOf = (s: Setup, asset: Asset, overrides: Partial<Payment> = {}) =>
  makePayment(s.f, asset, { payer: s.holder.address, ...overrides });

describe("CofferEscrow permit paths", function () {
  for (const asset of TOKEN_ASSETS) {
    describe(`with ${asset.name}`, function () {
      describe("when the payer sends its permit with the payment", function () {
        it("authorizeWithPermit holds exactly the amount and leaves no allowance", async function () {
          const s = await setup(asset);
          const payment = await paymentOf(s, asset);
          const amount = units(asset, 40n);
          const before = await s.token.balanceOf(s.escrowAddress);
          await expect(
            s.f.escrow
              .connect(s.holder)
              .authorizeWithPermit(payment, amount, "0x", await permitFor(s, s.holder, amount)),
          )
            .to.emit(s.f.escrow, "PaymentAuthorized")
            .withArgs(
              getPaymentId(payment, s.f.domain),
              s.holder.address,
              s.f.payee.address,
              Object.values(payment),
              amount,
            );
          expect(await s.token.balanceOf(s.escrowAddress)).to.equal(before + amount);
          expect(await s.token.allowance(s.holder.address, s.escrowAddress)).to.equal(0n);
        });

        it("chargeWithPermit pays the payee and the fee receiver and leaves no allowance", async function () {
          const s = await setup(asset);
          const payment = await paymentOf(s, asset);
          const amount = units(asset, 40n);
          const fee = (amount * 150n) / 10_000n;
          const payeeBefore = await s.token.balanceOf(s.f.payee.address);
          const feeBefore = await s.token.balanceOf(s.f.feeReceiver.address);
          await s.f.escrow
            .connect(s.holder)
            .chargeWithPermit(payment, amount, 150, "0x", await permitFor(s, s.holder, amount));
          expect(await s.token.balanceOf(s.f.payee.address)).to.equal(payeeBefore + amount - fee);
          expect(await s.token.balanceOf(s.f.feeReceiver.address)).to.equal(feeBefore + fee);
          expect(await s.token.allowance(s.holder.address, s.escrowAddress)).to.equal(0n);
        });

        it("payInvoiceWithPermit pays exactly the invoice and leaves no allowance", async function () {
          const s = await setup(asset);
          const invoice = await makeInvoice(s.f, asset);
          const signature = await signInvoice(s.f.payee, invoice, s.f.domain);
          const payeeBefore = await s.token.balanceOf(s.f.payee.address);
          await s.f.escrow
            .connect(s.holder)
            .payInvoiceWithPermit(invoice, signature, await permitFor(s, s.holder, invoice.amount));
          expect(await s.token.balanceOf(s.f.payee.address)).to.equal(payeeBefore + invoice.amount);
          expect(await s.token.allowance(s.holder.address, s.escrowAddress)).to.equal(0n);
        });
      });

      describe("when the operator submits the payer's payment signature and permit (gasless checkout)", function () {
        it("authorizes from the payer's tokens", async function () {
          const s = await setup(asset);
          const payment = await paymentOf(s, asset);
          const amount = units(asset, 25n);
          const permit = await permitFor(s, s.holder, amount);
          const payerSignature = await signPaymentApproval(s.holder, payment, s.f.domain, "authorize");
          const before = await s.token.balanceOf(s.holder.address);
          await s.f.escrow.connect(s.f.operator).authorizeWithPermit(payment, amount, payerSignature, permit);
          expect(await s.token.balanceOf(s.holder.address)).to.equal(before - amount);
        });
      });

      describe("given an attacker submitted the permit first (front-running)", function () {
        for (const path of ["authorizeWithPermit", "chargeWithPermit", "payInvoiceWithPermit"] as const) {
          it(`${path} still succeeds on the allowance the permit set`, async function () {
            const s = await setup(asset);
            const amount = units(asset, 12n);
            const permit = await permitFor(s, s.holder, amount);
            await s.token
              .connect(s.f.stranger)
              .permit(s.holder.address, s.escrowAddress, amount, permit.deadline, permit.v, permit.r, permit.s);
            expect(await s.token.allowance(s.holder.address, s.escrowAddress)).to.equal(amount);
            const before = await s.token.balanceOf(s.holder.address);
            if (path === "payInvoiceWithPermit") {
              const invoice = await makeInvoice(s.f, asset, { amount });
              const signature = await signInvoice(s.f.payee, invoice, s.f.domain);
              await expect(s.f.escrow.connect(s.holder).payInvoiceWithPermit(invoice, signature, permit)).to.emit(
                s.f.escrow,
                "InvoicePaid",
              );
            } else {
              const payment = await paymentOf(s, asset);
              const tx =
                path === "authorizeWithPermit"
                  ? s.f.escrow.connect(s.holder).authorizeWithPermit(payment, amount, "0x", permit)
                  : s.f.escrow.connect(s.holder).chargeWithPermit(payment, amount, 0, "0x", permit);
              await expect(tx).to.emit(
                s.f.escrow,
                path === "authorizeWithPermit" ? "PaymentAuthorized" : "PaymentCharged",
              );
            }
            expect(await s.token.balanceOf(s.holder.address)).to.equal(before - amount);
            expect(await s.token.allowance(s.holder.address, s.escrowAddress)).to.equal(0n);
          });
        }
      });

      describe("when the permit is not the payer's for exactly this amount", function () {
        const cases = [
          {
            when: "signed by someone else",
            permit: async (s: Setup, amount: bigint) => {
              // The stranger signs a permit over its own tokens; it cannot stand for the payer's.
              const foreign = await permitFor(s, s.f.stranger, amount);
              return foreign;
            },
          },
          { when: "for a smaller amount", permit: (s: Setup, amount: bigint) => permitFor(s, s.holder, amount - 1n) },
          {
            when: "already used",
            permit: async (s: Setup, amount: bigint) => {
              const used = await permitFor(s, s.holder, amount);
              await s.token.permit(s.holder.address, s.escrowAddress, amount, used.deadline, used.v, used.r, used.s);
              await s.token.connect(s.holder).approve(s.escrowAddress, 0n);
              return used;
            },
          },
        ];
        for (const c of cases) {
          it(`${c.when}: authorize, charge and payInvoice revert with ERC20InsufficientAllowance and nothing moves`, async function () {
            const s = await setup(asset);
            const amount = units(asset, 12n);
            const permit = await c.permit(s, amount);
            const payment = await paymentOf(s, asset);
            const invoice = await makeInvoice(s.f, asset, { amount });
            const signature = await signInvoice(s.f.payee, invoice, s.f.domain);
            const before = await s.token.balanceOf(s.holder.address);
            for (const tx of [
              () => s.f.escrow.connect(s.holder).authorizeWithPermit(payment, amount, "0x", permit),
              () => s.f.escrow.connect(s.holder).chargeWithPermit(payment, amount, 0, "0x", permit),
              () => s.f.escrow.connect(s.holder).payInvoiceWithPermit(invoice, signature, permit),
            ]) {
              await expect(tx())
                .to.be.revertedWithCustomError(s.token, "ERC20InsufficientAllowance")
                .withArgs(s.escrowAddress, 0n, amount);
            }
            expect(await s.token.balanceOf(s.holder.address)).to.equal(before);
            expect(await s.token.allowance(s.holder.address, s.escrowAddress)).to.equal(0n);
          });
        }
      });

      describe("permit deadline boundaries (the token accepts a permit up to and including its deadline)", function () {
        for (const offset of BOUNDARY_OFFSETS) {
          const accepted = offset <= 0n;
          it(`${accepted ? "authorizes" : "reverts with ERC20InsufficientAllowance"} at deadline ${atOffset(offset)}`, async function () {
            const s = await setup(asset);
            const payment = await paymentOf(s, asset);
            const amount = units(asset, 5n);
            const deadline = BigInt(await time.latest()) + 600n;
            const permit = await permitFor(s, s.holder, amount, deadline);
            await time.setNextBlockTimestamp(deadline + offset);
            const tx = s.f.escrow.connect(s.holder).authorizeWithPermit(payment, amount, "0x", permit);
            if (accepted) await expect(tx).to.emit(s.f.escrow, "PaymentAuthorized");
            else
              await expect(tx)
                .to.be.revertedWithCustomError(s.token, "ERC20InsufficientAllowance")
                .withArgs(s.escrowAddress, 0n, amount);
          });
        }
      });
    });
  }

  describe("given a token without permit (NoReturnToken)", function () {
    it("the permit paths use an existing allowance, and without one revert with the token's error", async function () {
      const f = await loadEscrow();
      const token = await deployMock<NoReturnToken>("NoReturnToken");
      const tokenAddress = await token.getAddress();
      const escrowAddress = await f.escrow.getAddress();
      await token.mint(f.payer.address, 100n);
      const payment = await makePayment(f, ASSETS[1], { token: tokenAddress });
      const noPermit = { deadline: 0n, v: 27, r: ethers.ZeroHash, s: ethers.ZeroHash };
      await expect(f.escrow.connect(f.payer).authorizeWithPermit(payment, 10n, "0x", noPermit))
        .to.be.revertedWithCustomError(token, "NoReturnTokenInsufficientAllowance")
        .withArgs(f.payer.address, escrowAddress, 0n, 10n);
      await token.connect(f.payer).approve(escrowAddress, 10n);
      await f.escrow.connect(f.payer).authorizeWithPermit(payment, 10n, "0x", noPermit);
      expect(await balanceOf(tokenAddress, escrowAddress)).to.equal(10n);
    });
  });

  describe("with native ETH", function () {
    it("the permit paths revert with CofferEscrowNotAToken: ETH has no permit", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, ASSETS[0]);
      const noPermit = { deadline: 0n, v: 27, r: ethers.ZeroHash, s: ethers.ZeroHash };
      await expect(f.escrow.connect(f.payer).authorizeWithPermit(payment, 1n, "0x", noPermit))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowNotAToken")
        .withArgs(ethers.ZeroAddress);
      await expect(f.escrow.connect(f.payer).chargeWithPermit(payment, 1n, 0, "0x", noPermit))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowNotAToken")
        .withArgs(ethers.ZeroAddress);
    });
  });
});
