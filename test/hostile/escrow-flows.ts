import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { ethers } from "ethers";
import { getPaymentId, type Payment } from "../../sdk/src/escrow";
import { signPermit } from "../../sdk/src/tokens";
import { DAY, loadEscrow, makePayment, signInvoice, type Asset, type EscrowFixture } from "../escrow/fixture";
import { makeInvoice } from "../escrow/security-helpers";
import { attempt, balanceIn, deployEntry, expectReceived, fundAll, type Deployed, type ShelfEntry } from "./shelf";

/**
 * The escrow's fund-moving entry points, run with one shelf token. Every call is sent by the party who owns the
 * money (the payer authorizes and charges itself), so that the flows hold whoever may relay a payer's signature.
 */

/** The context of one flow run. */
export interface EscrowRun {
  f: EscrowFixture;
  d: Deployed;
  escrow: string;
  /** Payments opened so far (for the solvency check). */
  payments: Payment[];
  turned: boolean;
}

/** Parties whose balances and credits the flows follow. */
const parties = (f: EscrowFixture): HardhatEthersSigner[] => [
  f.payer,
  f.payee,
  f.operator,
  f.feeReceiver,
  f.arbiter,
  f.stranger,
];

const assetOf = (decimals: number): Asset =>
  ({ name: `shelf ${decimals}`, decimals, native: false }) as unknown as Asset;

/** A payment of up to 100 units in the run's token. */
export const paymentIn = (run: EscrowRun, overrides: Partial<Payment> = {}): Promise<Payment> =>
  makePayment(run.f, assetOf(run.d.entry.decimals), { token: run.d.address, ...overrides });

/** The escrow holds at least what it owes: every payment's capturable funds and every party's credit. */
export async function expectSolvent(run: EscrowRun, label: string): Promise<void> {
  let owed = 0n;
  for (const payment of run.payments) {
    owed += (await run.f.escrow.getPaymentState(getPaymentId(payment, run.f.domain))).capturable;
  }
  for (const party of parties(run.f)) owed += await run.f.escrow.creditOf(party.address, run.d.address);
  const held = await balanceIn(run.d, run.escrow);
  expect(held >= owed, `${label}: the escrow holds ${held} but owes ${owed}`).to.equal(true);
}

/**
 * Sends one call and checks its outcome: it works exactly (each party in `moves` changes by its amount: a positive
 * amount is received, paid or credited; a negative one is pulled from its balance) or reverts with the escrow's
 * error and nothing moves. The escrow stays solvent either way. Returns whether the call succeeded.
 */
export async function step(
  run: EscrowRun,
  label: string,
  call: (simulate: boolean) => Promise<unknown>,
  moves: Array<[HardhatEthersSigner, bigint]>,
  mustWork = run.d.entry.supported && !run.turned,
): Promise<boolean> {
  const before = await Promise.all(
    parties(run.f).map(async (p) => [
      await balanceIn(run.d, p.address),
      await run.f.escrow.creditOf(p.address, run.d.address),
    ]),
  );
  const worked = await attempt(label, run.f.escrow, "CofferEscrow", run.d, run.turned, call);
  if (mustWork) expect(worked, `${label}: must work with ${run.d.entry.label}`).to.equal(true);
  const after = await Promise.all(
    parties(run.f).map(async (p) => [
      await balanceIn(run.d, p.address),
      await run.f.escrow.creditOf(p.address, run.d.address),
    ]),
  );
  parties(run.f).forEach((party, i) => {
    const move = worked ? (moves.find(([p]) => p.address === party.address)?.[1] ?? 0n) : 0n;
    const paid = after[i]![0]! - before[i]![0]!;
    const credited = after[i]![1]! - before[i]![1]!;
    const who = `${label}: ${party.address.slice(0, 8)}`;
    if (move > 0n) expectReceived(who, run.d, paid, credited, move, run.turned);
    else if (move < 0n) {
      expect(credited, `${who} credit`).to.equal(0n);
      expectReceived(who, run.d, -paid, 0n, -move, run.turned);
    } else {
      expect([paid, credited], `${who} must not move`).to.deep.equal([0n, 0n]);
    }
  });
  await expectSolvent(run, label);
  return worked;
}

/** Deploys the token, funds the parties and returns a run. */
export async function startEscrowRun(entry: ShelfEntry): Promise<EscrowRun> {
  const f = await loadEscrow();
  const d = await deployEntry(entry);
  const escrow = await f.escrow.getAddress();
  await fundAll(d, escrow, [f.payer, f.payee, f.operator], 1_000n * d.unit);
  await (await d.token.getFunction("mint")(f.stranger.address, 1_000n * d.unit)).wait();
  return { f, d, escrow, payments: [], turned: false };
}

/** Turns the token hostile (if its entry does) once the funds are in. */
async function turn(run: EscrowRun): Promise<void> {
  if (run.d.entry.turn === undefined) return;
  await run.d.entry.turn(run.d.token, { victim: run.f.payee.address });
  run.turned = true;
}

/** Undoes the turn, then every party withdraws its credit, exactly; nothing stays stuck. */
async function drain(run: EscrowRun): Promise<void> {
  await run.d.entry.restore?.(run.d.token, { victim: run.f.payee.address });
  // A token that cannot be turned back (a fee, a rebase) stays hostile.
  if (run.d.entry.restore !== undefined) run.turned = false;
  for (const party of parties(run.f)) {
    const credit = await run.f.escrow.creditOf(party.address, run.d.address);
    if (credit === 0n) continue;
    const escrow = run.f.escrow.connect(party);
    const before = await balanceIn(run.d, party.address);
    await escrow.withdraw(run.d.address, party.address);
    const label = `withdraw the ${credit} credited to ${party.address.slice(0, 8)}`;
    expectReceived(label, run.d, (await balanceIn(run.d, party.address)) - before, 0n, credit, run.turned);
    await expectSolvent(run, label);
    expect(await run.f.escrow.creditOf(party.address, run.d.address)).to.equal(0n);
  }
}

const u = (run: EscrowRun, amount: bigint): bigint => amount * run.d.unit;

/** The escrow flows: name → what runs. */
export const ESCROW_FLOWS: Record<string, (run: EscrowRun) => Promise<void>> = {
  /** authorize, then (turned) capture with and without a fee, void, dispute/resolve, reclaim; then withdraw. */
  hold: async (run) => {
    const { f } = run;
    const p1 = await paymentIn(run);
    const p2 = await paymentIn(run);
    const p3 = await paymentIn(run);
    const p4 = await paymentIn(run);
    const held = new Map<Payment, boolean>();
    for (const [payment, amount] of [
      [p1, 100n],
      [p2, 50n],
      [p3, 30n],
      [p4, 20n],
    ] as const) {
      run.payments.push(payment);
      const escrow = f.escrow.connect(f.payer);
      const worked = await step(
        run,
        `authorize ${amount}`,
        (simulate) =>
          simulate
            ? escrow.authorize.staticCall(payment, u(run, amount), "0x")
            : escrow.authorize(payment, u(run, amount), "0x"),
        [[f.payer, -u(run, amount)]],
      );
      held.set(payment, worked);
    }
    await turn(run);
    const operator = f.escrow.connect(f.operator);
    if (held.get(p1)) {
      const amount = u(run, 60n);
      const fee = amount / 100n;
      await step(
        run,
        "capture 60 at 1%",
        (s) => (s ? operator.capture.staticCall(p1, amount, 100) : operator.capture(p1, amount, 100)),
        [
          [f.payee, amount - fee],
          [f.feeReceiver, fee],
        ],
      );
      await step(
        run,
        "capture the other 40 with no fee (a zero fee leg)",
        (s) => (s ? operator.capture.staticCall(p1, u(run, 40n), 0) : operator.capture(p1, u(run, 40n), 0)),
        [[f.payee, u(run, 40n)]],
      );
    }
    if (held.get(p2)) {
      await step(run, "void 50", (s) => (s ? operator.void.staticCall(p2) : operator.void(p2)), [
        [f.payer, u(run, 50n)],
      ]);
    }
    if (held.get(p3)) {
      const payer = f.escrow.connect(f.payer);
      const arbiter = f.escrow.connect(f.arbiter);
      await step(run, "dispute", (s) => (s ? payer.dispute.staticCall(p3) : payer.dispute(p3)), []);
      await step(
        run,
        "resolve 10 to the payer, 20 to the payee",
        (s) => (s ? arbiter.resolve.staticCall(p3, u(run, 10n)) : arbiter.resolve(p3, u(run, 10n))),
        [
          [f.payer, u(run, 10n)],
          [f.payee, u(run, 20n)],
        ],
      );
    }
    if (held.get(p4)) {
      await time.increaseTo(p4.authorizationExpiry);
      const payer = f.escrow.connect(f.payer);
      await step(run, "reclaim 20", (s) => (s ? payer.reclaim.staticCall(p4) : payer.reclaim(p4)), [
        [f.payer, u(run, 20n)],
      ]);
    }
    await drain(run);
  },

  /** authorize and capture everything, then (turned) refunds funded by the operator and by the payee. */
  refund: async (run) => {
    const { f } = run;
    const payment = await paymentIn(run);
    run.payments.push(payment);
    const payer = f.escrow.connect(f.payer);
    const operator = f.escrow.connect(f.operator);
    const payee = f.escrow.connect(f.payee);
    if (
      !(await step(
        run,
        "authorize 100",
        (s) =>
          s ? payer.authorize.staticCall(payment, u(run, 100n), "0x") : payer.authorize(payment, u(run, 100n), "0x"),
        [[f.payer, -u(run, 100n)]],
      ))
    ) {
      return drain(run);
    }
    await step(
      run,
      "capture 100",
      (s) => (s ? operator.capture.staticCall(payment, u(run, 100n), 0) : operator.capture(payment, u(run, 100n), 0)),
      [[f.payee, u(run, 100n)]],
    );
    await turn(run);
    await step(
      run,
      "refund 30 funded by the operator",
      (s) => (s ? operator.refund.staticCall(payment, u(run, 30n)) : operator.refund(payment, u(run, 30n))),
      [
        [f.operator, -u(run, 30n)],
        [f.payer, u(run, 30n)],
      ],
    );
    await step(
      run,
      "refund 20 funded by the payee",
      (s) => (s ? payee.refund.staticCall(payment, u(run, 20n)) : payee.refund(payment, u(run, 20n))),
      [
        [f.payee, -u(run, 20n)],
        [f.payer, u(run, 20n)],
      ],
    );
    await drain(run);
  },

  /** charge at 1% (payer-sent), before and after the turn. */
  charge: async (run) => {
    const { f } = run;
    const payer = f.escrow.connect(f.payer);
    for (const when of ["before", "after"]) {
      if (when === "after") await turn(run);
      const payment = await paymentIn(run);
      const amount = u(run, 10n);
      const fee = amount / 100n;
      await step(
        run,
        `charge 10 at 1% ${when} the turn`,
        (s) => (s ? payer.charge.staticCall(payment, amount, 100, "0x") : payer.charge(payment, amount, 100, "0x")),
        [
          [f.payer, -amount],
          [f.payee, amount - fee],
          [f.feeReceiver, fee],
        ],
      );
    }
    await drain(run);
  },

  /** charge at a 100% fee: nothing is due to the payee, so no zero leg may be pulled. */
  "charge-full-fee": async (run) => {
    const { f } = run;
    const payer = f.escrow.connect(f.payer);
    const payment = await paymentIn(run, { minFeeBps: 10_000, maxFeeBps: 10_000 });
    const amount = u(run, 10n);
    await step(
      run,
      "charge 10 at 100%",
      (s) => (s ? payer.charge.staticCall(payment, amount, 10_000, "0x") : payer.charge(payment, amount, 10_000, "0x")),
      [
        [f.payer, -amount],
        [f.feeReceiver, amount],
      ],
    );
    await drain(run);
  },

  /** payInvoice by the payer, before and after the turn. */
  invoice: async (run) => {
    const { f } = run;
    const payer = f.escrow.connect(f.payer);
    for (const when of ["before", "after"]) {
      if (when === "after") await turn(run);
      const invoice = await makeInvoice(f, assetOf(run.d.entry.decimals), { token: run.d.address });
      const signature = await signInvoice(f.payee, invoice, f.domain);
      await step(
        run,
        `payInvoice 12 ${when} the turn`,
        (s) => (s ? payer.payInvoice.staticCall(invoice, signature) : payer.payInvoice(invoice, signature)),
        [
          [f.payer, -invoice.amount],
          [f.payee, invoice.amount],
        ],
      );
    }
    await drain(run);
  },

  /**
   * The permit forms, sent by a payer who never approved the escrow: with a token that has EIP-2612 they work on
   * the permit alone; with any other token (including one whose fallback accepts `permit`) nothing moves.
   */
  permit: async (run) => {
    const { f, d } = run;
    const buyer = f.stranger;
    const escrow = f.escrow.connect(buyer);
    const deadline = BigInt(await time.latest()) + DAY;
    const permitFor = async (value: bigint) => {
      if (!d.entry.permit) return { deadline, v: 27, r: ethers.ZeroHash, s: ethers.ZeroHash };
      const sig = await signPermit(buyer, d.address, run.escrow, value, deadline);
      return { deadline, v: sig.v, r: sig.r, s: sig.s };
    };
    const works = d.entry.permit && d.entry.supported;
    const check = async (
      label: string,
      call: (s: boolean) => Promise<unknown>,
      moves: Array<[HardhatEthersSigner, bigint]>,
    ) => {
      if (works) return step(run, label, call, moves, true);
      // No permit: the pull fails for want of an allowance (the token's own error); nothing moves.
      const before = await balanceIn(d, buyer.address);
      await expect(call(false), `${label} without an allowance`).to.be.reverted;
      expect(await balanceIn(d, buyer.address)).to.equal(before);
      return false;
    };
    const p1 = await paymentIn(run, { payer: buyer.address });
    run.payments.push(p1);
    const amount = u(run, 10n);
    const permit1 = await permitFor(amount);
    await check(
      "authorizeWithPermit 10",
      (s) =>
        s
          ? escrow.authorizeWithPermit.staticCall(p1, amount, "0x", permit1)
          : escrow.authorizeWithPermit(p1, amount, "0x", permit1),
      [[buyer, -amount]],
    );
    const p2 = await paymentIn(run, { payer: buyer.address });
    const permit2 = await permitFor(amount);
    await check(
      "chargeWithPermit 10 at 1%",
      (s) =>
        s
          ? escrow.chargeWithPermit.staticCall(p2, amount, 100, "0x", permit2)
          : escrow.chargeWithPermit(p2, amount, 100, "0x", permit2),
      [
        [buyer, -amount],
        [f.payee, amount - amount / 100n],
        [f.feeReceiver, amount / 100n],
      ],
    );
    const invoice = await makeInvoice(f, assetOf(d.entry.decimals), { token: d.address });
    const signature = await signInvoice(f.payee, invoice, f.domain);
    const permit3 = await permitFor(invoice.amount);
    await check(
      "payInvoiceWithPermit 12",
      (s) =>
        s
          ? escrow.payInvoiceWithPermit.staticCall(invoice, signature, permit3)
          : escrow.payInvoiceWithPermit(invoice, signature, permit3),
      [
        [buyer, -invoice.amount],
        [f.payee, invoice.amount],
      ],
    );
    await expectSolvent(run, "after the permit forms");
  },
};
