import { expect } from "chai";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import hre from "hardhat";
import { getPaymentId, type Payment } from "../../sdk/src/escrow";
import type {
  BlocklistToken,
  FeeOnTransferToken,
  MockERC20,
  RebasingToken,
  ReturnsFalseToken,
  SplitGasBurningToken,
} from "../../typechain-types";
import { HOUR, balanceOf, loadEscrow, makePayment, signInvoice, type Asset, type EscrowFixture } from "./fixture";
import { deployMock, freshAddress, fund, makeInvoice } from "./security-helpers";

/**
 * CofferEscrow against the hostile-token shelf (`contracts/mocks/`), on every path that moves funds: authorize,
 * capture, void, reclaim, refund, dispute/resolve, charge, payInvoice and the withdrawal of credits. What each
 * token kind must do is written in SECURITY.md ("Tokens"): supported kinds work to the unit; a fee-on-transfer
 * token is rejected with `CofferEscrowTokenDeliveredWrongAmount` and nothing moves; a token that fails a payout
 * (returns false, blocklists the receiver, is paused) makes it a credit, so no receiver blocks anyone else.
 */

const UNIT6 = 1_000_000n;
const UNIT18 = 10n ** 18n;

/** A token of the shelf that Coffer supports, with its decimals. */
interface SupportedToken {
  name: string;
  contract: string;
  args?: (f: EscrowFixture) => unknown[];
  decimals: number;
}

const SUPPORTED: SupportedToken[] = [
  {
    name: "a token that returns nothing (USDT-like NoReturnToken, 6 decimals)",
    contract: "NoReturnToken",
    decimals: 6,
  },
  {
    name: "a token that returns false on failure (ReturnsFalseToken, 18 decimals)",
    contract: "ReturnsFalseToken",
    decimals: 18,
  },
  {
    name: "a token that moves the funds and then returns false (Tether-Gold-like FalseAfterTransferToken, 18 decimals)",
    contract: "FalseAfterTransferToken",
    decimals: 18,
  },
  {
    name: "a token that reverts on a transfer of zero (RevertOnZeroTransferToken, 18 decimals)",
    contract: "RevertOnZeroTransferToken",
    decimals: 18,
  },
  {
    name: "a token whose approve reverts from non-zero (ApproveRaceToken, 18 decimals)",
    contract: "ApproveRaceToken",
    decimals: 18,
  },
  {
    name: "a USDC-like blocklist token with nobody blocked (BlocklistToken, 6 decimals)",
    contract: "BlocklistToken",
    decimals: 6,
  },
  {
    name: "a token with more than 18 decimals (MockERC20 with 24 decimals)",
    contract: "MockERC20",
    args: () => ["Twenty-four", "T24", 24],
    decimals: 24,
  },
  {
    name: "a token with few decimals (MockERC20 with 2 decimals)",
    contract: "MockERC20",
    args: () => ["Two", "T2", 2],
    decimals: 2,
  },
  {
    name: "a fee-on-transfer token whose fee is off (FeeOnTransferToken at 0 bps, 18 decimals)",
    contract: "FeeOnTransferToken",
    args: (f) => [0, f.stranger.address],
    decimals: 18,
  },
];

/** An asset descriptor for `makePayment` and `units` with a shelf token's decimals. */
const assetOf = (decimals: number): Asset =>
  ({ name: `shelf ${decimals}`, decimals, native: false }) as unknown as Asset;

/** Deploys a shelf token and gives the payer, payee, operator and stranger funds and allowances. */
async function shelfToken(f: EscrowFixture, contract: string, args: unknown[], unit: bigint): Promise<string> {
  const token = await deployMock<MockERC20>(contract, args);
  const address = await token.getAddress();
  await fund(address, await f.escrow.getAddress(), [f.payer, f.payee, f.operator, f.stranger], 1_000n * unit);
  return address;
}

/** A payment in `token` of up to 100 units. */
async function paymentIn(f: EscrowFixture, token: string, decimals: number, overrides: Partial<Payment> = {}) {
  return makePayment(f, assetOf(decimals), { token, ...overrides });
}

/** Balances of the parties and the escrow in `token`. */
async function snapshot(f: EscrowFixture, token: string) {
  const of = (account: string) => balanceOf(token, account);
  return {
    payer: await of(f.payer.address),
    payee: await of(f.payee.address),
    operator: await of(f.operator.address),
    feeReceiver: await of(f.feeReceiver.address),
    stranger: await of(f.stranger.address),
    escrow: await of(await f.escrow.getAddress()),
  };
}

describe("CofferEscrow with hostile tokens", function () {
  for (const kind of SUPPORTED) {
    describe(`given ${kind.name}`, function () {
      const unit = 10n ** BigInt(kind.decimals);

      it("authorize, capture with a fee, refund and void move exactly the amounts", async function () {
        const f = await loadEscrow();
        const token = await shelfToken(f, kind.contract, kind.args?.(f) ?? [], unit);
        const payment = await paymentIn(f, token, kind.decimals);
        const before = await snapshot(f, token);
        await f.escrow.connect(f.payer).authorize(payment, 100n * unit, "0x");
        expect((await snapshot(f, token)).escrow).to.equal(before.escrow + 100n * unit);
        await f.escrow.connect(f.operator).capture(payment, 30n * unit, 200);
        await f.escrow.connect(f.operator).refund(payment, 10n * unit);
        await f.escrow.connect(f.operator).void(payment);
        const after = await snapshot(f, token);
        const fee = (30n * unit * 200n) / 10_000n;
        expect(after.payer).to.equal(before.payer - 30n * unit + 10n * unit);
        expect(after.payee).to.equal(before.payee + 30n * unit - fee);
        expect(after.feeReceiver).to.equal(before.feeReceiver + fee);
        expect(after.operator).to.equal(before.operator - 10n * unit);
        expect(after.escrow).to.equal(before.escrow);
        const state = await f.escrow.getPaymentState(getPaymentId(payment, f.domain));
        expect([state.capturable, state.refundable]).to.deep.equal([0n, 20n * unit]);
      });

      it("reclaim after expiry, dispute and resolve, charge and payInvoice move exactly the amounts", async function () {
        const f = await loadEscrow();
        const token = await shelfToken(f, kind.contract, kind.args?.(f) ?? [], unit);
        const toReclaim = await paymentIn(f, token, kind.decimals);
        const toDispute = await paymentIn(f, token, kind.decimals);
        const toCharge = await paymentIn(f, token, kind.decimals);
        const before = await snapshot(f, token);
        await f.escrow.connect(f.payer).authorize(toReclaim, 50n * unit, "0x");
        await f.escrow.connect(f.payer).authorize(toDispute, 40n * unit, "0x");
        await f.escrow.connect(f.payer).charge(toCharge, 20n * unit, 100, "0x");
        await f.escrow.connect(f.payer).dispute(toDispute);
        await f.escrow.connect(f.arbiter).resolve(toDispute, 15n * unit);
        const invoice = await makeInvoice(f, assetOf(kind.decimals), { token });
        await f.escrow.connect(f.stranger).payInvoice(invoice, await signInvoice(f.payee, invoice, f.domain));
        await time.increaseTo(toReclaim.authorizationExpiry);
        await f.escrow.connect(f.payer).reclaim(toReclaim);
        const after = await snapshot(f, token);
        const chargeFee = (20n * unit * 100n) / 10_000n;
        expect(after.payer).to.equal(before.payer - 25n * unit - 20n * unit);
        expect(after.payee).to.equal(before.payee + 25n * unit + 20n * unit - chargeFee + 12n * unit);
        expect(after.feeReceiver).to.equal(before.feeReceiver + chargeFee);
        expect(after.stranger).to.equal(before.stranger - 12n * unit);
        expect(after.escrow).to.equal(before.escrow);
      });
    });
  }

  describe("given a token that returns false (ReturnsFalseToken)", function () {
    async function setup() {
      const f = await loadEscrow();
      const token = await shelfToken(f, "ReturnsFalseToken", [], UNIT18);
      const contract = await deployMockAt<ReturnsFalseToken>("ReturnsFalseToken", token);
      return { f, token, contract };
    }

    it("a pull that returns false reverts with CofferEscrowTokenTransferFailed on every pulling path, moving nothing", async function () {
      const { f, token, contract } = await setup();
      await contract.setFailAll(true);
      const payment = await paymentIn(f, token, 18);
      const before = await snapshot(f, token);
      await expect(f.escrow.connect(f.payer).authorize(payment, UNIT18, "0x"))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowTokenTransferFailed")
        .withArgs(token, f.payer.address, f.domain.escrow, UNIT18);
      await expect(f.escrow.connect(f.payer).charge(payment, UNIT18, 0, "0x"))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowTokenTransferFailed")
        .withArgs(token, f.payer.address, f.payee.address, UNIT18);
      const invoice = await makeInvoice(f, assetOf(18), { token });
      await expect(f.escrow.connect(f.stranger).payInvoice(invoice, await signInvoice(f.payee, invoice, f.domain)))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowTokenTransferFailed")
        .withArgs(token, f.stranger.address, f.payee.address, invoice.amount);
      await contract.setFailAll(false);
      await f.escrow.connect(f.payer).authorize(payment, UNIT18, "0x");
      await f.escrow.connect(f.operator).capture(payment, UNIT18, 0);
      await contract.setFailAll(true);
      await expect(f.escrow.connect(f.operator).refund(payment, UNIT18))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowTokenTransferFailed")
        .withArgs(token, f.operator.address, f.payer.address, UNIT18);
      await contract.setFailAll(false);
      const after = await snapshot(f, token);
      expect(after.payer).to.equal(before.payer - UNIT18);
      expect(after.payee).to.equal(before.payee + UNIT18);
      expect(after.escrow).to.equal(before.escrow);
    });

    it("payouts that return false (capture, void, reclaim, resolve) become credits, withdrawn once the token works", async function () {
      const { f, token, contract } = await setup();
      const toCapture = await paymentIn(f, token, 18);
      const toVoid = await paymentIn(f, token, 18);
      const toReclaim = await paymentIn(f, token, 18);
      const toResolve = await paymentIn(f, token, 18);
      for (const [p, amount] of [
        [toCapture, 10n],
        [toVoid, 20n],
        [toReclaim, 30n],
        [toResolve, 40n],
      ] as const) {
        await f.escrow.connect(f.payer).authorize(p, amount * UNIT18, "0x");
      }
      await f.escrow.connect(f.payer).dispute(toResolve);
      const before = await snapshot(f, token);
      await contract.setFailAll(true);
      await expect(f.escrow.connect(f.operator).capture(toCapture, 10n * UNIT18, 100))
        .to.emit(f.escrow, "PayoutCredited")
        .withArgs(f.payee.address, token, 10n * UNIT18 - UNIT18 / 10n)
        .and.to.emit(f.escrow, "PayoutCredited")
        .withArgs(f.feeReceiver.address, token, UNIT18 / 10n);
      await f.escrow.connect(f.operator).void(toVoid);
      await f.escrow.connect(f.arbiter).resolve(toResolve, 15n * UNIT18);
      await time.increaseTo(toReclaim.authorizationExpiry);
      await f.escrow.connect(f.payer).reclaim(toReclaim);

      expect(await f.escrow.creditOf(f.payer.address, token)).to.equal((20n + 30n + 15n) * UNIT18);
      expect(await f.escrow.creditOf(f.payee.address, token)).to.equal((10n + 25n) * UNIT18 - UNIT18 / 10n);
      expect(await f.escrow.creditOf(f.feeReceiver.address, token)).to.equal(UNIT18 / 10n);
      // Nothing moved while the token fails, and a withdrawal does not lose the credit.
      expect((await snapshot(f, token)).escrow).to.equal(before.escrow);
      await expect(f.escrow.connect(f.payer).withdraw(token, f.payer.address))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowTokenTransferFailed")
        .withArgs(token, f.domain.escrow, f.payer.address, 65n * UNIT18);
      await contract.setFailAll(false);
      for (const s of [f.payer, f.payee, f.feeReceiver]) await f.escrow.connect(s).withdraw(token, s.address);
      const after = await snapshot(f, token);
      expect(after.payer).to.equal(before.payer + 65n * UNIT18);
      expect(after.payee).to.equal(before.payee + 35n * UNIT18 - UNIT18 / 10n);
      expect(after.feeReceiver).to.equal(before.feeReceiver + UNIT18 / 10n);
      expect(after.escrow).to.equal(before.escrow - 100n * UNIT18);
    });
  });

  describe("given a fee-on-transfer token (FeeOnTransferToken at 1%)", function () {
    async function setup() {
      const f = await loadEscrow();
      const sink = freshAddress();
      const token = await shelfToken(f, "FeeOnTransferToken", [100, sink], UNIT18);
      const contract = await deployMockAt<FeeOnTransferToken>("FeeOnTransferToken", token);
      return { f, token, contract };
    }

    it("authorize, charge, payInvoice and refund revert with CofferEscrowTokenDeliveredWrongAmount and nothing moves", async function () {
      const { f, token, contract } = await setup();
      const amount = 10n * UNIT18;
      const delivered = amount - amount / 100n;
      const payment = await paymentIn(f, token, 18);
      const before = await snapshot(f, token);
      await expect(f.escrow.connect(f.payer).authorize(payment, amount, "0x"))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowTokenDeliveredWrongAmount")
        .withArgs(token, amount, delivered);
      await expect(f.escrow.connect(f.payer).charge(payment, amount, 0, "0x"))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowTokenDeliveredWrongAmount")
        .withArgs(token, amount, delivered);
      const invoice = await makeInvoice(f, assetOf(18), { token, amount });
      await expect(f.escrow.connect(f.stranger).payInvoice(invoice, await signInvoice(f.payee, invoice, f.domain)))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowTokenDeliveredWrongAmount")
        .withArgs(token, amount, delivered);

      // A payment made while the fee was off cannot be refunded once it is on.
      await contract.setFeeBps(0);
      await f.escrow.connect(f.payer).charge(payment, amount, 0, "0x");
      await contract.setFeeBps(100);
      await expect(f.escrow.connect(f.payee).refund(payment, amount))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowTokenDeliveredWrongAmount")
        .withArgs(token, amount, delivered);
      const after = await snapshot(f, token);
      expect(after.payer).to.equal(before.payer - amount);
      expect(after.payee).to.equal(before.payee + amount);
      expect(after.stranger).to.equal(before.stranger);
      expect(after.escrow).to.equal(before.escrow);
      expect(await f.escrow.isInvoicePaid(await f.escrow.getInvoiceId(invoice))).to.equal(false);
    });

    it("when the fee is switched on after authorization, held funds are still released and the escrow keeps covering the rest", async function () {
      const { f, token, contract } = await setup();
      await contract.setFeeBps(0);
      const first = await paymentIn(f, token, 18);
      const second = await paymentIn(f, token, 18);
      await f.escrow.connect(f.payer).authorize(first, 50n * UNIT18, "0x");
      await f.escrow.connect(f.payer).authorize(second, 30n * UNIT18, "0x");
      await contract.setFeeBps(100);
      const before = await snapshot(f, token);
      await f.escrow.connect(f.operator).void(first);
      // The token takes its fee from what it delivers; the escrow's balance falls by exactly what it paid out.
      const after = await snapshot(f, token);
      expect(after.escrow).to.equal(before.escrow - 50n * UNIT18);
      expect(after.payer).to.equal(before.payer + 50n * UNIT18 - (50n * UNIT18) / 100n);
      await f.escrow.connect(f.operator).capture(second, 30n * UNIT18, 0);
      expect((await snapshot(f, token)).escrow).to.equal(before.escrow - 80n * UNIT18);
    });
  });

  describe("given a rebasing token (not supported, SECURITY.md)", function () {
    async function setup() {
      const f = await loadEscrow();
      const token = await shelfToken(f, "RebasingToken", [], UNIT18);
      const contract = await deployMockAt<RebasingToken>("RebasingToken", token);
      const first = await paymentIn(f, token, 18);
      const second = await paymentIn(f, token, 18);
      await f.escrow.connect(f.payer).authorize(first, 40n * UNIT18, "0x");
      await f.escrow.connect(f.payer).authorize(second, 60n * UNIT18, "0x");
      return { f, token, contract, first, second };
    }

    it("works to the unit while the index does not move", async function () {
      const { f, token, first, second } = await setup();
      const before = await snapshot(f, token);
      await f.escrow.connect(f.operator).void(first);
      await f.escrow.connect(f.operator).capture(second, 60n * UNIT18, 0);
      const after = await snapshot(f, token);
      expect(after.payer).to.equal(before.payer + 40n * UNIT18);
      expect(after.payee).to.equal(before.payee + 60n * UNIT18);
      expect(after.escrow).to.equal(before.escrow - 100n * UNIT18);
    });

    it("after a negative rebase the last payout becomes a credit the escrow cannot cover (the documented loss)", async function () {
      const { f, token, contract, first, second } = await setup();
      await contract.rebase(1, 2);
      const escrowBalance = await balanceOf(token, await f.escrow.getAddress());
      await f.escrow.connect(f.operator).void(first); // 40 of what is now 50 left
      await expect(f.escrow.connect(f.operator).void(second))
        .to.emit(f.escrow, "PayoutCredited")
        .withArgs(f.payer.address, token, 60n * UNIT18);
      expect(await balanceOf(token, await f.escrow.getAddress())).to.equal(escrowBalance - 40n * UNIT18);
      await expect(f.escrow.connect(f.payer).withdraw(token, f.payer.address)).to.be.reverted;
      expect(await f.escrow.creditOf(f.payer.address, token)).to.equal(60n * UNIT18);
    });

    it("after a positive rebase the surplus stays in the escrow; payouts are the amounts held (to the token's rounding)", async function () {
      const { f, token, contract, first, second } = await setup();
      await contract.rebase(3, 2);
      const before = await snapshot(f, token);
      await f.escrow.connect(f.operator).void(first);
      await f.escrow.connect(f.operator).void(second);
      const after = await snapshot(f, token);
      // The token converts amounts to shares rounding down: each transfer may deliver one unit less.
      expect(after.payer - before.payer).to.be.within(100n * UNIT18 - 2n, 100n * UNIT18);
      expect(before.escrow - after.escrow).to.be.within(100n * UNIT18 - 2n, 100n * UNIT18);
      expect(await f.escrow.creditOf(f.payer.address, token)).to.equal(0n);
      // The rebase's 50 (half of the 100 held) stay in the escrow, owed to nobody.
      expect(after.escrow).to.be.greaterThanOrEqual(50n * UNIT18);
    });
  });

  describe("given a USDC-like blocklist token (BlocklistToken)", function () {
    async function setup() {
      const f = await loadEscrow();
      const token = await shelfToken(f, "BlocklistToken", [], UNIT6);
      const contract = await deployMockAt<BlocklistToken>("BlocklistToken", token);
      return { f, token, contract };
    }

    describe("when the payee is blocklisted after the authorization", function () {
      it("capture credits the payee's part, the fee is still pushed, and the payee withdraws to another address", async function () {
        const { f, token, contract } = await setup();
        const payment = await paymentIn(f, token, 6);
        await f.escrow.connect(f.payer).authorize(payment, 100n * UNIT6, "0x");
        await contract.blocklist(f.payee.address);
        const before = await snapshot(f, token);
        await expect(f.escrow.connect(f.operator).capture(payment, 50n * UNIT6, 200))
          .to.emit(f.escrow, "PayoutCredited")
          .withArgs(f.payee.address, token, 49n * UNIT6);
        const after = await snapshot(f, token);
        expect(after.feeReceiver).to.equal(before.feeReceiver + UNIT6);
        expect(after.escrow).to.equal(before.escrow - UNIT6);
        const elsewhere = freshAddress();
        await expect(f.escrow.connect(f.payee).withdraw(token, elsewhere))
          .to.emit(f.escrow, "CreditWithdrawn")
          .withArgs(f.payee.address, token, elsewhere, 49n * UNIT6);
        expect(await balanceOf(token, elsewhere)).to.equal(49n * UNIT6);
        expect((await snapshot(f, token)).escrow).to.equal(before.escrow - 50n * UNIT6);
      });

      it("cannot stop the payer's reclaim, the arbiter's resolution or another payee's payment", async function () {
        const { f, token, contract } = await setup();
        const toReclaim = await paymentIn(f, token, 6);
        const toResolve = await paymentIn(f, token, 6);
        const other = await paymentIn(f, token, 6, { payee: f.stranger.address });
        await f.escrow.connect(f.payer).authorize(toReclaim, 10n * UNIT6, "0x");
        await f.escrow.connect(f.payer).authorize(toResolve, 20n * UNIT6, "0x");
        await f.escrow.connect(f.payer).dispute(toResolve);
        await contract.blocklist(f.payee.address);
        const before = await snapshot(f, token);

        await expect(f.escrow.connect(f.arbiter).resolve(toResolve, 5n * UNIT6))
          .to.emit(f.escrow, "PayoutCredited")
          .withArgs(f.payee.address, token, 15n * UNIT6);
        await f.escrow.connect(f.payer).authorize(other, 7n * UNIT6, "0x");
        await f.escrow.connect(f.operator).capture(other, 7n * UNIT6, 0);
        await f.escrow
          .connect(f.payer)
          .charge(await paymentIn(f, token, 6, { payee: f.stranger.address }), UNIT6, 0, "0x");
        await time.increaseTo(toReclaim.authorizationExpiry);
        await f.escrow.connect(f.payer).reclaim(toReclaim);

        const after = await snapshot(f, token);
        expect(after.payer).to.equal(before.payer + 5n * UNIT6 + 10n * UNIT6 - 7n * UNIT6 - UNIT6);
        expect(after.stranger).to.equal(before.stranger + 8n * UNIT6);
        expect(after.payee).to.equal(before.payee);
        expect(await f.escrow.creditOf(f.payee.address, token)).to.equal(15n * UNIT6);
        // Out: 5 to the payer by the resolution and 10 by the reclaim; the payee's 15 stay as its credit.
        expect(after.escrow).to.equal(before.escrow - 15n * UNIT6);
      });

      it("a new payment, charge or invoice to the blocklisted payee reverts with the token's error and nothing moves", async function () {
        const { f, token, contract } = await setup();
        await contract.blocklist(f.payee.address);
        const payment = await paymentIn(f, token, 6);
        const before = await snapshot(f, token);
        await expect(f.escrow.connect(f.payer).charge(payment, UNIT6, 0, "0x"))
          .to.be.revertedWithCustomError(contract, "BlocklistTokenBlocklisted")
          .withArgs(f.payee.address);
        const invoice = await makeInvoice(f, assetOf(6), { token });
        await expect(f.escrow.connect(f.stranger).payInvoice(invoice, await signInvoice(f.payee, invoice, f.domain)))
          .to.be.revertedWithCustomError(contract, "BlocklistTokenBlocklisted")
          .withArgs(f.payee.address);
        expect(await snapshot(f, token)).to.deep.equal(before);
      });
    });

    describe("when the payer is blocklisted", function () {
      it("authorize reverts with the token's error; a void of funds held before credits the payer, who withdraws elsewhere", async function () {
        const { f, token, contract } = await setup();
        const held = await paymentIn(f, token, 6);
        await f.escrow.connect(f.payer).authorize(held, 30n * UNIT6, "0x");
        await contract.blocklist(f.payer.address);
        await expect(f.escrow.connect(f.payer).authorize(await paymentIn(f, token, 6), UNIT6, "0x"))
          .to.be.revertedWithCustomError(contract, "BlocklistTokenBlocklisted")
          .withArgs(f.payer.address);
        await expect(f.escrow.connect(f.operator).void(held))
          .to.emit(f.escrow, "PayoutCredited")
          .withArgs(f.payer.address, token, 30n * UNIT6);
        const elsewhere = freshAddress();
        await f.escrow.connect(f.payer).withdraw(token, elsewhere);
        expect(await balanceOf(token, elsewhere)).to.equal(30n * UNIT6);
      });
    });

    describe("when the fee receiver is blocklisted", function () {
      it("capture pays the payee and credits the fee", async function () {
        const { f, token, contract } = await setup();
        const payment = await paymentIn(f, token, 6);
        await f.escrow.connect(f.payer).authorize(payment, 100n * UNIT6, "0x");
        await contract.blocklist(f.feeReceiver.address);
        const before = await snapshot(f, token);
        await expect(f.escrow.connect(f.operator).capture(payment, 100n * UNIT6, 200))
          .to.emit(f.escrow, "PayoutCredited")
          .withArgs(f.feeReceiver.address, token, 2n * UNIT6);
        expect((await snapshot(f, token)).payee).to.equal(before.payee + 98n * UNIT6);
      });
    });

    describe("when the token is paused", function () {
      it("void and resolve credit their payouts, withdrawals wait for the unpause and then pay exactly", async function () {
        const { f, token, contract } = await setup();
        const toVoid = await paymentIn(f, token, 6);
        const toResolve = await paymentIn(f, token, 6);
        await f.escrow.connect(f.payer).authorize(toVoid, 10n * UNIT6, "0x");
        await f.escrow.connect(f.payer).authorize(toResolve, 20n * UNIT6, "0x");
        await f.escrow.connect(f.payer).dispute(toResolve);
        const before = await snapshot(f, token);
        await contract.pause();
        await f.escrow.connect(f.operator).void(toVoid);
        await f.escrow.connect(f.arbiter).resolve(toResolve, 4n * UNIT6);
        expect(await f.escrow.creditOf(f.payer.address, token)).to.equal(14n * UNIT6);
        expect(await f.escrow.creditOf(f.payee.address, token)).to.equal(16n * UNIT6);
        await expect(f.escrow.connect(f.payer).withdraw(token, f.payer.address)).to.be.revertedWithCustomError(
          contract,
          "BlocklistTokenPaused",
        );
        await contract.unpause();
        await f.escrow.connect(f.payer).withdraw(token, f.payer.address);
        await f.escrow.connect(f.payee).withdraw(token, f.payee.address);
        const after = await snapshot(f, token);
        expect(after.payer).to.equal(before.payer + 14n * UNIT6);
        expect(after.payee).to.equal(before.payee + 16n * UNIT6);
        expect(after.escrow).to.equal(before.escrow - 30n * UNIT6);
        await expect(f.escrow.connect(f.payer).withdraw(token, f.payer.address))
          .to.be.revertedWithCustomError(f.escrow, "CofferEscrowNothingToWithdraw")
          .withArgs(f.payer.address, token);
      });
    });
  });

  describe("given a token whose transfer burns all the gas it is given (SplitGasBurningToken, not supported)", function () {
    it("a payout keeps 1/64 of the gas to credit the receiver: void and capture are credited, withdrawn once it stops", async function () {
      const f = await loadEscrow();
      const token = await shelfToken(f, "SplitGasBurningToken", [], UNIT18);
      const contract = await deployMockAt<SplitGasBurningToken>("SplitGasBurningToken", token);
      const toVoid = await paymentIn(f, token, 18);
      const toCapture = await paymentIn(f, token, 18);
      await f.escrow.connect(f.payer).authorize(toVoid, 10n * UNIT18, "0x");
      await f.escrow.connect(f.payer).authorize(toCapture, 20n * UNIT18, "0x");
      await contract.setBurning(true);
      const before = await snapshot(f, token);
      // The push burns 63/64 of what is left; the rest pays for the credit when the transaction has enough gas.
      await expect(f.escrow.connect(f.operator).void(toVoid, { gasLimit: 10_000_000 }))
        .to.emit(f.escrow, "PayoutCredited")
        .withArgs(f.payer.address, token, 10n * UNIT18);
      await expect(f.escrow.connect(f.operator).capture(toCapture, 20n * UNIT18, 0, { gasLimit: 10_000_000 }))
        .to.emit(f.escrow, "PayoutCredited")
        .withArgs(f.payee.address, token, 20n * UNIT18);
      // With too little gas the whole payout reverts out of gas, and nothing changes.
      const another = await paymentIn(f, token, 18);
      await contract.setBurning(false);
      await f.escrow.connect(f.payer).authorize(another, UNIT18, "0x");
      await contract.setBurning(true);
      await expect(f.escrow.connect(f.operator).void(another, { gasLimit: 300_000 })).to.be.reverted;
      expect((await f.escrow.getPaymentState(getPaymentId(another, f.domain))).capturable).to.equal(UNIT18);
      await expect(f.escrow.connect(f.payer).withdraw(token, f.payer.address, { gasLimit: 1_000_000 })).to.be.reverted;
      await contract.setBurning(false);
      await f.escrow.connect(f.payer).withdraw(token, f.payer.address);
      await f.escrow.connect(f.payee).withdraw(token, f.payee.address);
      const after = await snapshot(f, token);
      expect(after.payer).to.equal(before.payer + 10n * UNIT18 - UNIT18);
      expect(after.payee).to.equal(before.payee + 20n * UNIT18);
      expect(after.escrow).to.equal(before.escrow - 30n * UNIT18 + UNIT18);
    });
  });

  describe("given a token address without code", function () {
    it("authorize, charge and payInvoice revert with CofferEscrowNotAToken", async function () {
      const f = await loadEscrow();
      const token = freshAddress();
      const payment = await paymentIn(f, token, 18);
      await expect(f.escrow.connect(f.payer).authorize(payment, 1n, "0x"))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowNotAToken")
        .withArgs(token);
      await expect(f.escrow.connect(f.payer).charge(payment, 1n, 0, "0x"))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowNotAToken")
        .withArgs(token);
      const invoice = await makeInvoice(f, assetOf(18), { token, expiry: BigInt(await time.latest()) + HOUR });
      await expect(f.escrow.connect(f.stranger).payInvoice(invoice, await signInvoice(f.payee, invoice, f.domain)))
        .to.be.revertedWithCustomError(f.escrow, "CofferEscrowNotAToken")
        .withArgs(token);
    });
  });
});

/** A typed handle on a deployed shelf contract. */
async function deployMockAt<T>(name: string, address: string): Promise<T> {
  return (await hre.ethers.getContractAt(name, address)) as unknown as T;
}
