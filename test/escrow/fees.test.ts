import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { ethers } from "ethers";
import { getPaymentId, type Payment } from "../../sdk/src/escrow";
import type { RevertOnZeroTransferToken } from "../../typechain-types";
import {
  ASSETS,
  authorize,
  balanceOf,
  escrowFixture,
  loadEscrow,
  makePayment,
  signInvoice,
  type EscrowFixture,
} from "./fixture";
import { deployMock, fund, makeInvoice } from "./security-helpers";

/**
 * The fee rule. A charge's fee is `floor(amount * feeBps / 10,000)`. A capture's fee is the fee on what was held
 * before it minus the fee on what is held after it, each rounded down at the capture's rate, so that captures at
 * one rate add up to the fee of one capture of the total however the total is split, and one capture's fee never
 * exceeds its amount. No transfer of zero is ever made (a token may revert on one).
 */

const asset = ASSETS[1];
const floorFee = (amount: bigint, bps: bigint): bigint => (amount * bps) / 10_000n;

/** Captures `parts` of a payment holding their sum at `bps`; returns the fee of each capture from its event. */
async function captureInParts(f: EscrowFixture, payment: Payment, parts: readonly bigint[], bps: number) {
  const fees: bigint[] = [];
  for (const part of parts) {
    const receipt = await (await f.escrow.connect(f.operator).capture(payment, part, bps)).wait();
    const event = receipt!.logs
      .map((log) => f.escrow.interface.parseLog(log))
      .find((parsed) => parsed?.name === "PaymentCaptured");
    fees.push(event!.args["fee"] as bigint);
  }
  return fees;
}

describe("CofferEscrow fees", function () {
  describe("given a minimum fee and many small captures", function () {
    it("100 captures of 1 unit collect the fee of one capture of 100 units, not nothing", async function () {
      const f = await loadEscrow();
      const bps = 250; // 2.5%: one unit alone would round down to a fee of 0
      const many = await makePayment(f, asset, { minFeeBps: bps, maxFeeBps: bps });
      const once = await makePayment(f, asset, { minFeeBps: bps, maxFeeBps: bps });
      await authorize(f, many, 100n);
      await authorize(f, once, 100n);
      const feeBefore = await f.usdc.balanceOf(f.feeReceiver.address);
      const fees = await captureInParts(f, many, Array<bigint>(100).fill(1n), bps);
      const feeOfMany = (await f.usdc.balanceOf(f.feeReceiver.address)) - feeBefore;
      const [feeOfOnce] = await captureInParts(f, once, [100n], bps);
      expect(feeOfOnce).to.equal(floorFee(100n, BigInt(bps)));
      expect(feeOfMany).to.equal(feeOfOnce);
      expect(fees.reduce((sum, fee) => sum + fee, 0n)).to.equal(feeOfOnce);
      expect(fees.every((fee) => fee <= 1n)).to.equal(true);
    });
  });

  describe("when the operator captures part and then voids the rest", function () {
    it("takes the fee held-before minus held-after, returns the rest to the payer, and keeps the escrow whole", async function () {
      const f = await loadEscrow();
      const payment = await makePayment(f, asset, { minFeeBps: 150, maxFeeBps: 150 });
      await authorize(f, payment, 1_000n);
      const before = {
        payer: await f.usdc.balanceOf(f.payer.address),
        payee: await f.usdc.balanceOf(f.payee.address),
        feeReceiver: await f.usdc.balanceOf(f.feeReceiver.address),
        escrow: await f.usdc.balanceOf(f.domain.escrow),
      };
      const id = getPaymentId(payment, f.domain);
      // floor(1000 × 1.5%) − floor(667 × 1.5%) = 15 − 10 = 5 (the old per-capture rule: floor(333 × 1.5%) = 4).
      await expect(f.escrow.connect(f.operator).capture(payment, 333n, 150))
        .to.emit(f.escrow, "PaymentCaptured")
        .withArgs(id, 333n, 5n);
      await expect(f.escrow.connect(f.operator).void(payment)).to.emit(f.escrow, "PaymentVoided").withArgs(id, 667n);
      expect(await f.usdc.balanceOf(f.payer.address)).to.equal(before.payer + 667n);
      expect(await f.usdc.balanceOf(f.payee.address)).to.equal(before.payee + 328n);
      expect(await f.usdc.balanceOf(f.feeReceiver.address)).to.equal(before.feeReceiver + 5n);
      expect(await f.usdc.balanceOf(f.domain.escrow)).to.equal(before.escrow - 1_000n);
    });
  });

  describe("property: any split of a held amount into captures at one rate", function () {
    it("pays fees adding up to floor(total × rate), each at most its capture, payee + fees = total (60 runs, seed 20261204)", async function () {
      this.timeout(300_000);
      const f = await loadFixture(escrowFixture);
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 10_000 }),
          fc.array(fc.integer({ min: 1, max: 5_000 }), { minLength: 1, maxLength: 8 }),
          async (bps, rawParts) => {
            const parts = rawParts.map(BigInt);
            const total = parts.reduce((sum, part) => sum + part, 0n);
            const payment = await makePayment(f, asset, {
              minFeeBps: bps,
              maxFeeBps: bps,
              maxAmount: total,
            });
            await authorize(f, payment, total);
            const payeeBefore = await f.usdc.balanceOf(f.payee.address);
            const fees = await captureInParts(f, payment, parts, bps);
            parts.forEach((part, i) => expect(fees[i]!, `capture ${i} of ${part}`).to.be.lte(part));
            const feeTotal = fees.reduce((sum, fee) => sum + fee, 0n);
            expect(feeTotal).to.equal(floorFee(total, BigInt(bps)));
            expect((await f.usdc.balanceOf(f.payee.address)) - payeeBefore + feeTotal).to.equal(total);
          },
        ),
        { seed: 20_261_204, numRuns: 60 },
      );
    });
  });

  describe("given a token that reverts on a transfer of zero (RevertOnZeroTransferToken)", function () {
    async function setup() {
      const f = await loadEscrow();
      const token = await deployMock<RevertOnZeroTransferToken>("RevertOnZeroTransferToken");
      const address = await token.getAddress();
      await fund(address, f.domain.escrow, [f.payer, f.payee, f.operator, f.stranger], 1_000_000n);
      const of = (account: string) => balanceOf(address, account);
      return { f, token: address, of };
    }

    it("charge at a 100% fee skips the payee's zero leg and pays the fee receiver everything", async function () {
      const { f, token, of } = await setup();
      const payment = await makePayment(f, asset, { token, minFeeBps: 10_000, maxFeeBps: 10_000 });
      const [payer, payee, feeReceiver] = [
        await of(f.payer.address),
        await of(f.payee.address),
        await of(f.feeReceiver.address),
      ];
      await expect(f.escrow.connect(f.payer).charge(payment, 500n, 10_000, "0x"))
        .to.emit(f.escrow, "PaymentCharged")
        .withArgs(
          getPaymentId(payment, f.domain),
          f.payer.address,
          f.payee.address,
          Object.values(payment),
          500n,
          500n,
        );
      expect(await of(f.payer.address)).to.equal(payer - 500n);
      expect(await of(f.payee.address)).to.equal(payee);
      expect(await of(f.feeReceiver.address)).to.equal(feeReceiver + 500n);
    });

    it("every other path with a zero leg (no fee, a 100% capture, a fee that rounds to 0, a resolution to one side) moves no zero", async function () {
      const { f, token, of } = await setup();
      const escrowBefore = await of(f.domain.escrow);
      const free = await makePayment(f, asset, { token, maxFeeBps: 0, feeReceiver: ethers.ZeroAddress });
      await f.escrow.connect(f.payer).charge(free, 100n, 0, "0x");
      const all = await makePayment(f, asset, { token, maxFeeBps: 10_000 });
      await f.escrow.connect(f.payer).authorize(all, 100n, "0x");
      await f.escrow.connect(f.operator).capture(all, 40n, 10_000);
      await f.escrow.connect(f.operator).capture(all, 1n, 1); // a fee of 0
      await f.escrow.connect(f.operator).void(all);
      const disputed = await makePayment(f, asset, { token });
      await f.escrow.connect(f.payer).authorize(disputed, 100n, "0x");
      await f.escrow.connect(f.payer).dispute(disputed);
      await f.escrow.connect(f.arbiter).resolve(disputed, 0n); // nothing to the payer
      const invoice = await makeInvoice(f, asset, { token, amount: 7n });
      await f.escrow.connect(f.payer).payInvoice(invoice, await signInvoice(f.payee, invoice, f.domain));
      expect(await of(f.domain.escrow)).to.equal(escrowBefore);
      for (const account of [f.payer, f.payee, f.feeReceiver]) {
        expect(await f.escrow.creditOf(account.address, token)).to.equal(0n);
      }
    });
  });
});
