import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import hre from "hardhat";
import { getPaymentId, type Payment } from "../../sdk/src/escrow";
import type { CallTarget, ReentrantReceiver, ReentrantToken } from "../../typechain-types";
import { ASSETS, HOUR, authorize, balanceOf, escrowFixture, makePayment, signInvoice, units } from "./fixture";
import { makeInvoice } from "./security-helpers";

/**
 * Re-entrancy into CofferEscrow through a token's transfer hook (ReentrantToken, fired before or after the
 * balances move) and through ETH receivers (ReentrantReceiver). The callback re-enters as a party that is allowed
 * to make the call (the payer's or the operator's wallet), so the only thing that can stop it is the escrow's
 * reentrancy guard: every re-entry must fail with `ReentrancyGuardReentrantCall`, and the outer call must move
 * exactly its own amounts, once.
 */

const UNIT = 10n ** 18n;
const ETH = ethers.ZeroAddress;

/**
 * A ReentrantToken with two wallets (ReentrantReceiver, which can `execute` calls): `payerWallet` pays and
 * `operatorWallet` operates and arbitrates. Payments in every state the entry points need: `held` (authorized,
 * 100), `disputed` (100, disputed), `captured` (100, all captured), `expiring` (100, authorization expires in 2 h),
 * fresh ones `fresh` and `fresh2`, an invoice from the payee, and credits: 5 owed to the payee, 95 to the payer
 * wallet.
 */
async function reentrancyFixture() {
  // From the escrow fixture's snapshot, not from whatever the previous test left behind.
  const f = await loadFixture(escrowFixture);
  const escrowAddress = await f.escrow.getAddress();
  const token = (await hre.ethers.deployContract("ReentrantToken")) as unknown as ReentrantToken;
  const tokenAddress = await token.getAddress();
  const payerWallet = (await hre.ethers.deployContract("ReentrantReceiver")) as unknown as ReentrantReceiver;
  const operatorWallet = (await hre.ethers.deployContract("ReentrantReceiver")) as unknown as ReentrantReceiver;
  const failer = (await hre.ethers.deployContract("CallTarget")) as unknown as CallTarget;
  const payerAddress = await payerWallet.getAddress();
  const operatorAddress = await operatorWallet.getAddress();
  for (const wallet of [payerWallet, operatorWallet]) {
    await token.mint(await wallet.getAddress(), 10_000n * UNIT);
    await wallet.execute(
      tokenAddress,
      0n,
      token.interface.encodeFunctionData("approve", [escrowAddress, ethers.MaxUint256]),
    );
  }
  await token.mint(f.stranger.address, 10_000n * UNIT);
  await token.connect(f.stranger).approve(escrowAddress, ethers.MaxUint256);

  const asset = ASSETS[2];
  const make = (overrides: Partial<Payment> = {}) =>
    makePayment(f, asset, {
      token: tokenAddress,
      payer: payerAddress,
      operator: operatorAddress,
      arbiter: operatorAddress,
      ...overrides,
    });
  const asPayer = (data: string) => payerWallet.execute(escrowAddress, 0n, data);
  const asOperator = (data: string) => operatorWallet.execute(escrowAddress, 0n, data);
  const call = f.escrow.interface;

  const held = await make();
  const disputed = await make();
  const captured = await make();
  const expiring = await make({ authorizationExpiry: BigInt(await time.latest()) + 2n * HOUR });
  const credited = await make();
  for (const p of [held, disputed, captured, expiring, credited]) {
    await asPayer(call.encodeFunctionData("authorize", [p, 100n * UNIT, "0x"]));
  }
  await asPayer(call.encodeFunctionData("dispute", [disputed]));
  await asOperator(call.encodeFunctionData("capture", [captured, 100n * UNIT, 0]));
  // Credits for the payee and the payer wallet: a payout whose transfer hook reverts is credited.
  await token.setBubbleRevert(true);
  await token.arm(await failer.getAddress(), failer.interface.encodeFunctionData("fail", [1]));
  await asOperator(call.encodeFunctionData("capture", [credited, 5n * UNIT, 0]));
  await token.arm(await failer.getAddress(), failer.interface.encodeFunctionData("fail", [2]));
  await asOperator(call.encodeFunctionData("void", [credited]));
  await token.setBubbleRevert(false);
  const fresh = await make();
  const fresh2 = await make();
  const invoice = await makeInvoice(f, asset, { token: tokenAddress, amount: 12n * UNIT });
  const invoiceSignature = await signInvoice(f.payee, invoice, f.domain);
  return {
    ...f,
    token,
    tokenAddress,
    payerWallet,
    operatorWallet,
    payerAddress,
    operatorAddress,
    asPayer,
    asOperator,
    held,
    disputed,
    captured,
    expiring,
    fresh,
    fresh2,
    invoice,
    invoiceSignature,
  };
}

type World = Awaited<ReturnType<typeof reentrancyFixture>>;

/** The re-entries tried: each is a call its wallet is allowed to make, so only the guard can refuse it. */
function reentries(w: World): { name: string; wallet: ReentrantReceiver; data: string }[] {
  const call = w.escrow.interface;
  return [
    { name: "capture", wallet: w.operatorWallet, data: call.encodeFunctionData("capture", [w.held, UNIT, 0]) },
    { name: "void", wallet: w.operatorWallet, data: call.encodeFunctionData("void", [w.held]) },
    { name: "refund", wallet: w.operatorWallet, data: call.encodeFunctionData("refund", [w.captured, UNIT]) },
    { name: "resolve", wallet: w.operatorWallet, data: call.encodeFunctionData("resolve", [w.disputed, 0n]) },
    { name: "reclaim", wallet: w.payerWallet, data: call.encodeFunctionData("reclaim", [w.expiring]) },
    { name: "dispute", wallet: w.payerWallet, data: call.encodeFunctionData("dispute", [w.held]) },
    {
      name: "withdraw",
      wallet: w.payerWallet,
      data: call.encodeFunctionData("withdraw", [w.tokenAddress, w.payerAddress]),
    },
    { name: "authorize", wallet: w.payerWallet, data: call.encodeFunctionData("authorize", [w.fresh2, UNIT, "0x"]) },
    { name: "charge", wallet: w.payerWallet, data: call.encodeFunctionData("charge", [w.fresh2, UNIT, 0, "0x"]) },
    {
      name: "payInvoice",
      wallet: w.payerWallet,
      data: call.encodeFunctionData("payInvoice", [w.invoice, w.invoiceSignature]),
    },
    // The permit forms: the wallet's allowance is already unlimited, so an unusable permit would not stop them.
    {
      name: "authorizeWithPermit",
      wallet: w.payerWallet,
      data: call.encodeFunctionData("authorizeWithPermit", [w.fresh2, UNIT, "0x", UNUSABLE_PERMIT]),
    },
    {
      name: "chargeWithPermit",
      wallet: w.payerWallet,
      data: call.encodeFunctionData("chargeWithPermit", [w.fresh2, UNIT, 0, "0x", UNUSABLE_PERMIT]),
    },
    {
      name: "payInvoiceWithPermit",
      wallet: w.payerWallet,
      data: call.encodeFunctionData("payInvoiceWithPermit", [w.invoice, w.invoiceSignature, UNUSABLE_PERMIT]),
    },
  ];
}

/** A permit that no token accepts (the escrow goes on with the allowance when a permit fails). */
const UNUSABLE_PERMIT = { deadline: 0n, v: 27, r: ethers.ZeroHash, s: ethers.ZeroHash };

/** An outer call whose token transfer fires the hook, with the exact token movements it must make. */
interface Outer {
  name: string;
  run(w: World): Promise<unknown>;
  /** Expected change of [escrow, payer wallet, operator wallet, payee, fee receiver, stranger]. */
  deltas: bigint[];
}

const OUTERS: Outer[] = [
  {
    name: "authorize",
    run: (w) => w.asPayer(w.escrow.interface.encodeFunctionData("authorize", [w.fresh, 30n * UNIT, "0x"])),
    deltas: [30n * UNIT, -30n * UNIT, 0n, 0n, 0n, 0n],
  },
  {
    name: "charge",
    run: (w) => w.asPayer(w.escrow.interface.encodeFunctionData("charge", [w.fresh, 30n * UNIT, 100, "0x"])),
    deltas: [0n, -30n * UNIT, 0n, 30n * UNIT - (30n * UNIT) / 100n, (30n * UNIT) / 100n, 0n],
  },
  {
    name: "payInvoice",
    run: (w) => w.escrow.connect(w.stranger).payInvoice(w.invoice, w.invoiceSignature),
    deltas: [0n, 0n, 0n, 12n * UNIT, 0n, -12n * UNIT],
  },
  {
    name: "capture",
    run: (w) => w.asOperator(w.escrow.interface.encodeFunctionData("capture", [w.held, 40n * UNIT, 200])),
    deltas: [-40n * UNIT, 0n, 0n, 40n * UNIT - (40n * UNIT) / 50n, (40n * UNIT) / 50n, 0n],
  },
  {
    name: "void",
    run: (w) => w.asOperator(w.escrow.interface.encodeFunctionData("void", [w.held])),
    deltas: [-100n * UNIT, 100n * UNIT, 0n, 0n, 0n, 0n],
  },
  {
    name: "reclaim",
    run: async (w) => {
      await time.increaseTo(w.expiring.authorizationExpiry);
      return w.asPayer(w.escrow.interface.encodeFunctionData("reclaim", [w.expiring]));
    },
    deltas: [-100n * UNIT, 100n * UNIT, 0n, 0n, 0n, 0n],
  },
  {
    name: "resolve",
    run: (w) => w.asOperator(w.escrow.interface.encodeFunctionData("resolve", [w.disputed, 30n * UNIT])),
    deltas: [-100n * UNIT, 30n * UNIT, 0n, 70n * UNIT, 0n, 0n],
  },
  {
    name: "refund",
    run: (w) => w.asOperator(w.escrow.interface.encodeFunctionData("refund", [w.captured, 10n * UNIT])),
    deltas: [0n, 10n * UNIT, -10n * UNIT, 0n, 0n, 0n],
  },
  {
    name: "withdraw",
    run: (w) => w.escrow.connect(w.payee).withdraw(w.tokenAddress, w.payee.address),
    deltas: [-5n * UNIT, 0n, 0n, 5n * UNIT, 0n, 0n],
  },
];

async function tokenBalances(w: World): Promise<bigint[]> {
  const accounts = [
    await w.escrow.getAddress(),
    w.payerAddress,
    w.operatorAddress,
    w.payee.address,
    w.feeReceiver.address,
    w.stranger.address,
  ];
  return Promise.all(accounts.map((a) => w.token.balanceOf(a)));
}

/** The escrow's accounting that no refused re-entry may change. */
async function untouched(w: World) {
  const ids = [w.held, w.disputed, w.captured, w.expiring, w.fresh2].map((p) => getPaymentId(p, w.domain));
  const states = await Promise.all(ids.map((id) => w.escrow.getPaymentState(id)));
  return {
    states: states.map((s) => [s.capturable, s.refundable, s.status]),
    payerCredit: await w.escrow.creditOf(w.payerAddress, w.tokenAddress),
    invoicePaid: await w.escrow.isInvoicePaid(await w.escrow.getInvoiceId(w.invoice)),
  };
}

describe("CofferEscrow re-entrancy", function () {
  describe("given a token whose transfer hook re-enters as an allowed party (ReentrantToken)", function () {
    for (const outer of OUTERS) {
      describe(`when the hook fires inside ${outer.name}`, function () {
        for (const hookBefore of [false, true]) {
          it(`every re-entry reverts with ReentrancyGuardReentrantCall and ${outer.name} moves its amounts once (hook ${hookBefore ? "before" : "after"} the balances move)`, async function () {
            const guardError = (await loadFixture(reentrancyFixture)).escrow.interface.encodeErrorResult(
              "ReentrancyGuardReentrantCall",
              [],
            );
            const all = reentries(await loadFixture(reentrancyFixture));
            // With the hook before the balances move, the entry points that pay out are the ones worth trying.
            const tried = hookBefore ? all.filter((r) => ["capture", "void", "withdraw"].includes(r.name)) : all;
            for (const reentry of tried) {
              const w = await loadFixture(reentrancyFixture);
              if (hookBefore) await w.token.setCallbackBeforeUpdate(true);
              // The hook calls the wallet, which makes the escrow call as the payer or operator.
              await w.token.arm(
                await reentry.wallet.getAddress(),
                reentry.wallet.interface.encodeFunctionData("execute", [await w.escrow.getAddress(), 0n, reentry.data]),
              );
              const before = await tokenBalances(w);
              // Outer calls that touch none of the re-entries' targets must leave their accounting as it was.
              const leavesTargets = ["authorize", "charge", "withdraw"].includes(outer.name);
              const accountingBefore = leavesTargets ? await untouched(w) : undefined;
              const countBefore = await w.token.callbackCount();
              await outer.run(w);
              expect(await w.token.callbackCount(), reentry.name).to.equal(countBefore + 1n);
              expect(await w.token.lastCallbackSucceeded(), reentry.name).to.equal(false);
              expect(await w.token.lastCallbackReturnData(), reentry.name).to.equal(guardError);
              const after = await tokenBalances(w);
              expect(
                after.map((b, i) => b - before[i]!),
                `${outer.name} with a re-entering ${reentry.name}`,
              ).to.deep.equal(outer.deltas);
              if (leavesTargets) expect(await untouched(w), reentry.name).to.deep.equal(accountingBefore);
            }
          });
        }
      });
    }

    describe("when the hook bubbles the refused re-entry", function () {
      it("a pull reverts as a whole and a payout becomes a credit: nothing is paid twice", async function () {
        const w = await loadFixture(reentrancyFixture);
        const guardError = w.escrow.interface.getError("ReentrancyGuardReentrantCall")!;
        const [voidAgain] = reentries(w).filter((r) => r.name === "void");
        const arm = async () => {
          await w.token.setBubbleRevert(true);
          await w.token.arm(
            await voidAgain!.wallet.getAddress(),
            voidAgain!.wallet.interface.encodeFunctionData("execute", [
              await w.escrow.getAddress(),
              0n,
              voidAgain!.data,
            ]),
          );
        };
        await arm();
        const before = await tokenBalances(w);
        await expect(
          w.asPayer(w.escrow.interface.encodeFunctionData("authorize", [w.fresh, UNIT, "0x"])),
        ).to.be.revertedWithCustomError(w.escrow, guardError.name);
        await arm();
        await expect(w.asOperator(w.escrow.interface.encodeFunctionData("void", [w.held])))
          .to.emit(w.escrow, "PayoutCredited")
          .withArgs(w.payerAddress, w.tokenAddress, 100n * UNIT);
        expect(await tokenBalances(w)).to.deep.equal(before);
        expect(await w.escrow.creditOf(w.payerAddress, w.tokenAddress)).to.equal(195n * UNIT);
        const state = await w.escrow.getPaymentState(getPaymentId(w.held, w.domain));
        expect(state.capturable).to.equal(0n);
      });
    });
  });

  describe("given an ETH receiver that re-enters with all the gas it is sent", function () {
    const asset = ASSETS[0];

    it("as the payee of a charge, its refund, withdraw and capture re-entries are refused and it is paid once", async function () {
      const f = await loadFixture(escrowFixture);
      const receiver = (await hre.ethers.deployContract("ReentrantReceiver")) as unknown as ReentrantReceiver;
      const address = await receiver.getAddress();
      const escrowAddress = await f.escrow.getAddress();
      const guardError = f.escrow.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);
      const earlier = await makePayment(f, asset, { payee: address });
      await authorize(f, earlier, units(asset, 10n));
      await f.escrow.connect(f.operator).capture(earlier, units(asset, 10n), 0);
      const attempts = [
        f.escrow.interface.encodeFunctionData("refund", [earlier, 1n]),
        f.escrow.interface.encodeFunctionData("withdraw", [ETH, address]),
        f.escrow.interface.encodeFunctionData("capture", [earlier, 1n, 0]),
      ];
      for (const data of attempts) {
        const payment = await makePayment(f, asset, { payee: address });
        await receiver.arm(escrowAddress, data);
        const before = await balanceOf(ETH, address);
        await f.escrow.connect(f.payer).charge(payment, units(asset, 3n), 0, "0x", { value: units(asset, 3n) });
        expect(await receiver.lastCallbackSucceeded()).to.equal(false);
        expect(await receiver.lastCallbackReturnData()).to.equal(guardError);
        expect(await balanceOf(ETH, address)).to.equal(before + units(asset, 3n));
      }
      const state = await f.escrow.getPaymentState(getPaymentId(earlier, f.domain));
      expect([state.capturable, state.refundable]).to.deep.equal([0n, units(asset, 10n)]);
      expect(await f.escrow.creditOf(address, ETH)).to.equal(0n);
    });

    it("withdrawing its credit, a re-entering withdraw is refused: the credit is paid once", async function () {
      const f = await loadFixture(escrowFixture);
      const receiver = (await hre.ethers.deployContract("ReentrantReceiver")) as unknown as ReentrantReceiver;
      const address = await receiver.getAddress();
      const escrowAddress = await f.escrow.getAddress();
      const payment = await makePayment(f, asset, { payee: address });
      await authorize(f, payment, units(asset, 8n));
      // Credited: the armed bubbling callback makes the stipend push fail.
      await receiver.setBubbleRevert(true);
      await receiver.arm(escrowAddress, f.escrow.interface.encodeFunctionData("withdraw", [ETH, address]));
      await f.escrow.connect(f.operator).capture(payment, units(asset, 8n), 0);
      expect(await f.escrow.creditOf(address, ETH)).to.equal(units(asset, 8n));
      await receiver.setBubbleRevert(false);
      await receiver.arm(escrowAddress, f.escrow.interface.encodeFunctionData("withdraw", [ETH, address]));
      const escrowBefore = await balanceOf(ETH, escrowAddress);
      await receiver.execute(escrowAddress, 0n, f.escrow.interface.encodeFunctionData("withdraw", [ETH, address]));
      expect(await receiver.lastCallbackReturnData()).to.equal(
        f.escrow.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []),
      );
      expect(await balanceOf(ETH, address)).to.equal(units(asset, 8n));
      expect(await balanceOf(ETH, escrowAddress)).to.equal(escrowBefore - units(asset, 8n));
      expect(await f.escrow.creditOf(address, ETH)).to.equal(0n);
    });

    for (const op of ["void", "reclaim", "resolve", "refund"] as const) {
      it(`as the payer paid by ${op} under the stipend, re-entering ${op} again never pays twice`, async function () {
        const f = await loadFixture(escrowFixture);
        const receiver = (await hre.ethers.deployContract("ReentrantReceiver")) as unknown as ReentrantReceiver;
        const address = await receiver.getAddress();
        const escrowAddress = await f.escrow.getAddress();
        const payment = await makePayment(f, asset, { payer: address });
        const amount = units(asset, 6n);
        const payerCall = (data: string, value = 0n) => receiver.execute(escrowAddress, value, data, { value });
        await payerCall(f.escrow.interface.encodeFunctionData("authorize", [payment, amount, "0x"]), amount);
        let send: () => Promise<unknown>;
        let again: string;
        if (op === "void") {
          send = () => f.escrow.connect(f.operator).void(payment);
          again = f.escrow.interface.encodeFunctionData("reclaim", [payment]);
        } else if (op === "reclaim") {
          await time.increaseTo(payment.authorizationExpiry);
          send = () => payerCall(f.escrow.interface.encodeFunctionData("reclaim", [payment]));
          again = f.escrow.interface.encodeFunctionData("reclaim", [payment]);
        } else if (op === "resolve") {
          await payerCall(f.escrow.interface.encodeFunctionData("dispute", [payment]));
          send = () => f.escrow.connect(f.arbiter).resolve(payment, amount);
          again = f.escrow.interface.encodeFunctionData("reclaim", [payment]);
        } else {
          await f.escrow.connect(f.operator).capture(payment, amount, 0);
          send = () => f.escrow.connect(f.operator).refund(payment, amount, { value: amount });
          again = f.escrow.interface.encodeFunctionData("dispute", [payment]);
        }
        await receiver.arm(escrowAddress, again);
        const escrowBefore = await balanceOf(ETH, escrowAddress);
        const before = await balanceOf(ETH, address);
        await send();
        const paid = (await balanceOf(ETH, address)) - before;
        const credited = await f.escrow.creditOf(address, ETH);
        expect(paid + credited).to.equal(amount);
        if (paid > 0n) expect(await receiver.lastCallbackSucceeded()).to.equal(false);
        const expectedEscrow = op === "refund" ? escrowBefore + credited : escrowBefore - paid;
        expect(await balanceOf(ETH, escrowAddress)).to.equal(expectedEscrow);
        expect((await f.escrow.getPaymentState(getPaymentId(payment, f.domain))).capturable).to.equal(0n);
      });
    }
  });
});
