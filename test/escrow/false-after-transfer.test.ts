import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import hre from "hardhat";
import { getPaymentId, type Payment } from "../../sdk/src/escrow";
import type { BlockableFalseAfterTransferToken, FalseAfterTransferToken } from "../../typechain-types";
import { loadEscrow, makePayment, signInvoice, type Asset, type EscrowFixture } from "./fixture";
import { deployMock, fund, makeInvoice } from "./security-helpers";

/**
 * A token that moves the funds and then returns false (Tether Gold; FalseAfterTransferToken). The escrow judges
 * every token transfer by the balance that moved, not by the returned bool: a pull that delivered exactly the
 * amount is accepted, a payout that left exactly the amount is paid (never also credited), and a withdrawal that
 * left exactly the credit succeeds. After every step the escrow holds at least what it owes: the sum of what the
 * payments hold plus the credits.
 */

const UNIT = 10n ** 18n;
const asset = { name: "an 18-decimal shelf token", decimals: 18, native: false } as unknown as Asset;

interface Setup {
  f: EscrowFixture;
  token: string;
  payments: Payment[];
}

async function setup(contract: "FalseAfterTransferToken" | "BlockableFalseAfterTransferToken") {
  const f = await loadEscrow();
  const deployed = await deployMock<FalseAfterTransferToken>(contract);
  const token = await deployed.getAddress();
  await fund(token, f.domain.escrow, [f.payer, f.payee, f.operator, f.stranger], 1_000n * UNIT);
  return { f, token, deployed, payments: [] as Payment[] };
}

/** A payment in the token, remembered for the solvency check. */
async function paymentOf(s: Setup, overrides: Partial<Payment> = {}): Promise<Payment> {
  const payment = await makePayment(s.f, asset, { token: s.token, ...overrides });
  s.payments.push(payment);
  return payment;
}

/** Solvency: the escrow's balance equals what its payments hold plus every party's credit (nothing else holds it). */
async function expectSolvent(s: Setup, label: string): Promise<void> {
  const { f, token } = s;
  let owed = 0n;
  for (const payment of s.payments) {
    owed += (await f.escrow.getPaymentState(getPaymentId(payment, f.domain))).capturable;
  }
  for (const account of [f.payer, f.payee, f.operator, f.feeReceiver, f.arbiter, f.stranger]) {
    owed += await f.escrow.creditOf(account.address, token);
  }
  const held = await (await hre.ethers.getContractAt("FalseAfterTransferToken", token)).balanceOf(f.domain.escrow);
  expect(held, `${label}: balance = held + credits`).to.equal(owed);
}

describe("CofferEscrow with a token that moves the funds and then returns false (FalseAfterTransferToken)", function () {
  it("authorize then void, capture, reclaim, dispute and resolve: each payout is paid once, never also credited", async function () {
    const s = await setup("FalseAfterTransferToken");
    const { f, token } = s;
    const balance = (account: string) => s.deployed.balanceOf(account);
    const payer0 = await balance(f.payer.address);
    const payee0 = await balance(f.payee.address);
    const fee0 = await balance(f.feeReceiver.address);

    const toVoid = await paymentOf(s);
    const toCapture = await paymentOf(s);
    const toReclaim = await paymentOf(s);
    const toResolve = await paymentOf(s);
    for (const [payment, amount] of [
      [toVoid, 10n],
      [toCapture, 20n],
      [toReclaim, 30n],
      [toResolve, 40n],
    ] as const) {
      await expect(f.escrow.connect(f.payer).authorize(payment, amount * UNIT, "0x")).to.emit(
        f.escrow,
        "PaymentAuthorized",
      );
    }
    await expectSolvent(s, "after authorizing");
    expect(await balance(f.payer.address)).to.equal(payer0 - 100n * UNIT);

    await expect(f.escrow.connect(f.operator).void(toVoid)).to.not.emit(f.escrow, "PayoutCredited");
    await expectSolvent(s, "after void");
    await expect(f.escrow.connect(f.operator).capture(toCapture, 20n * UNIT, 200)).to.not.emit(
      f.escrow,
      "PayoutCredited",
    );
    await expectSolvent(s, "after capture");
    await f.escrow.connect(f.payer).dispute(toResolve);
    await expect(f.escrow.connect(f.arbiter).resolve(toResolve, 15n * UNIT)).to.not.emit(f.escrow, "PayoutCredited");
    await expectSolvent(s, "after resolve");
    await time.increaseTo(toReclaim.authorizationExpiry);
    await expect(f.escrow.connect(f.payer).reclaim(toReclaim)).to.not.emit(f.escrow, "PayoutCredited");
    await expectSolvent(s, "after reclaim");

    const fee = (20n * UNIT * 200n) / 10_000n;
    expect(await balance(f.payer.address)).to.equal(payer0 - 100n * UNIT + 10n * UNIT + 30n * UNIT + 15n * UNIT);
    expect(await balance(f.payee.address)).to.equal(payee0 + 20n * UNIT - fee + 25n * UNIT);
    expect(await balance(f.feeReceiver.address)).to.equal(fee0 + fee);
    expect(await balance(f.domain.escrow)).to.equal(0n);
    for (const account of [f.payer, f.payee, f.feeReceiver]) {
      expect(await f.escrow.creditOf(account.address, token)).to.equal(0n);
    }
  });

  it("charge (by the payer and relayed), refund and payInvoice move exactly the amounts", async function () {
    const s = await setup("FalseAfterTransferToken");
    const { f } = s;
    const balance = (account: string) => s.deployed.balanceOf(account);
    const payer0 = await balance(f.payer.address);
    const payee0 = await balance(f.payee.address);
    const charged = await paymentOf(s);
    await f.escrow.connect(f.payer).charge(charged, 20n * UNIT, 100, "0x");
    await f.escrow.connect(f.payee).refund(charged, 5n * UNIT);
    const invoice = await makeInvoice(f, asset, { token: s.token });
    await f.escrow.connect(f.payer).payInvoice(invoice, await signInvoice(f.payee, invoice, f.domain));
    await expectSolvent(s, "after charge, refund and invoice");
    const fee = (20n * UNIT * 100n) / 10_000n;
    expect(await balance(f.payer.address)).to.equal(payer0 - 20n * UNIT + 5n * UNIT - invoice.amount);
    expect(await balance(f.payee.address)).to.equal(payee0 + 20n * UNIT - fee - 5n * UNIT + invoice.amount);
  });

  it("a credit (the payee was blocked at capture) is withdrawn exactly once, and the escrow stays solvent throughout", async function () {
    const s = await setup("BlockableFalseAfterTransferToken");
    const { f, token } = s;
    const blockable = s.deployed as unknown as BlockableFalseAfterTransferToken;
    const balance = (account: string) => s.deployed.balanceOf(account);
    const held = await paymentOf(s);
    const other = await paymentOf(s);
    await f.escrow.connect(f.payer).authorize(held, 50n * UNIT, "0x");
    await f.escrow.connect(f.payer).authorize(other, 30n * UNIT, "0x");
    await blockable.setBlocked(f.payee.address, true);
    const fee = (50n * UNIT * 100n) / 10_000n;
    // The payee's transfer reverts (nothing moves): credited. The fee moves and returns false: paid, not credited.
    await expect(f.escrow.connect(f.operator).capture(held, 50n * UNIT, 100))
      .to.emit(f.escrow, "PayoutCredited")
      .withArgs(f.payee.address, token, 50n * UNIT - fee);
    expect(await f.escrow.creditOf(f.feeReceiver.address, token)).to.equal(0n);
    await expectSolvent(s, "after the credited capture");
    // While blocked, a withdrawal to itself fails with the token's own error and keeps the credit.
    await expect(f.escrow.connect(f.payee).withdraw(token, f.payee.address))
      .to.be.revertedWithCustomError(blockable, "BlockableFalseAfterTransferTokenBlocked")
      .withArgs(f.payee.address);
    expect(await f.escrow.creditOf(f.payee.address, token)).to.equal(50n * UNIT - fee);
    await blockable.setBlocked(f.payee.address, false);
    const payeeBefore = await balance(f.payee.address);
    await expect(f.escrow.connect(f.payee).withdraw(token, f.payee.address))
      .to.emit(f.escrow, "CreditWithdrawn")
      .withArgs(f.payee.address, token, f.payee.address, 50n * UNIT - fee);
    expect(await balance(f.payee.address)).to.equal(payeeBefore + 50n * UNIT - fee);
    await expect(f.escrow.connect(f.payee).withdraw(token, f.payee.address))
      .to.be.revertedWithCustomError(f.escrow, "CofferEscrowNothingToWithdraw")
      .withArgs(f.payee.address, token);
    await expectSolvent(s, "after the withdrawal");
    // The other payer's funds are whole and still released.
    await f.escrow.connect(f.operator).void(other);
    await expectSolvent(s, "after voiding the other payment");
    expect(await balance(f.domain.escrow)).to.equal(0n);
  });
});
