import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import fc from "fast-check";
import { ethers } from "ethers";
import hre from "hardhat";
import { getPaymentId, type Invoice, type Payment } from "../../sdk/src/escrow";
import type { BlocklistToken, RevertingReceiver } from "../../typechain-types";
import { HOUR, balanceOf, escrowFixture, signInvoice } from "./fixture";

/**
 * Property test of CofferEscrow: random sequences of authorize, partial capture, void, reclaim (after a time jump
 * when needed), refund by the operator or the payee, dispute, resolve, charge, invoice payment, credit withdrawal,
 * blocklisting a payee and time jumps, by two payers and two operators, to three payees (an EOA, an EOA that the
 * token can blocklist, and a contract that refuses ETH), in native ETH and a 6-decimal USDC-like token.
 *
 * A small model predicts whether each action succeeds and what each payment holds. After every step:
 *  1. The action succeeded exactly when the model said it would.
 *  2. The touched payment's `capturable`, `refundable` and status equal the model's.
 *  3. Solvency to the unit, per asset: the escrow's balance equals what it held before the run plus the sum of
 *     `capturable` over the run's payments plus the credits owed (read from the contract), minus credits owed
 *     before the run.
 *  4. No payment is captured or returned beyond what was authorized, nor refunded beyond what was captured.
 * At the end of a run every payment is read back from the chain.
 *
 * Seeded and reproducible: PROPERTY_SEED (default 20261201), PROPERTY_RUNS (default 50). Each run is wrapped in
 * evm_snapshot/evm_revert so that nothing leaks into other test files.
 */

const SEED = Number(process.env.PROPERTY_SEED ?? 20_261_201);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 50);
const MAX_STEPS = 15;
const ETH = ethers.ZeroAddress;
const USDC_UNIT = 1_000_000n;
const FEE_BPS_MAX = 200;

type AssetIndex = 0 | 1; // 0: ETH, 1: the 6-decimal token
type Frac = number; // 1..100 (%)

type Action =
  | {
      kind: "authorize" | "charge";
      asset: AssetIndex;
      payer: number;
      operator: number;
      payee: number;
      amount: number;
      authHours: number;
      refundHours: number;
      feeBps: number;
    }
  | { kind: "capture"; payment: number; frac: Frac; feeBps: number }
  | { kind: "void" | "reclaim" | "dispute"; payment: number }
  | { kind: "refund"; payment: number; frac: Frac; byPayee: boolean }
  | { kind: "resolve"; payment: number; frac: Frac }
  | { kind: "payInvoice"; asset: AssetIndex; payer: number; payee: number; amount: number }
  | { kind: "withdraw"; asset: AssetIndex; account: number }
  | { kind: "toggleBlock" }
  | { kind: "jump"; hours: number };

const PAYERS = 2;
const OPERATORS = 2;
const PAYEES = 3; // 0: EOA, 1: EOA the token blocklists when toggled, 2: contract refusing ETH

const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constantFrom("authorize" as const, "authorize" as const, "charge" as const),
      asset: fc.constantFrom<AssetIndex>(0, 1),
      payer: fc.nat(PAYERS - 1),
      operator: fc.nat(OPERATORS - 1),
      payee: fc.nat(PAYEES - 1),
      amount: fc.integer({ min: 1, max: 100_000_000 }),
      authHours: fc.integer({ min: 1, max: 72 }),
      refundHours: fc.integer({ min: 0, max: 72 }),
      feeBps: fc.integer({ min: 0, max: FEE_BPS_MAX }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("capture" as const),
      payment: fc.nat(63),
      frac: fc.integer({ min: 1, max: 100 }),
      feeBps: fc.integer({ min: 0, max: FEE_BPS_MAX }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("void" as const), payment: fc.nat(63) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("reclaim" as const), payment: fc.nat(63) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("dispute" as const), payment: fc.nat(63) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("refund" as const),
      payment: fc.nat(63),
      frac: fc.integer({ min: 1, max: 120 }),
      byPayee: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("resolve" as const),
      payment: fc.nat(63),
      frac: fc.integer({ min: 0, max: 100 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("payInvoice" as const),
      asset: fc.constantFrom<AssetIndex>(0, 1),
      payer: fc.nat(PAYERS - 1),
      payee: fc.nat(1),
      amount: fc.integer({ min: 1, max: 100_000_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("withdraw" as const),
      asset: fc.constantFrom<AssetIndex>(0, 1),
      account: fc.nat(15),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("toggleBlock" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("jump" as const), hours: fc.integer({ min: 1, max: 96 }) }) },
);

/** The escrow fixture plus the property's cast: a blocklist token, a refusing receiver, a second operator. */
async function propertyFixture() {
  // From the escrow fixture's snapshot, not from whatever the previous test left behind.
  const f = await loadFixture(escrowFixture);
  const signers = await hre.ethers.getSigners();
  const secondOperator = signers[10]!;
  const blockablePayee = signers[11]!;
  const escrowAddress = await f.escrow.getAddress();
  const token = (await hre.ethers.deployContract("BlocklistToken")) as unknown as BlocklistToken;
  const refusing = (await hre.ethers.deployContract("RevertingReceiver")) as unknown as RevertingReceiver;
  for (const account of [f.payer, f.stranger, f.operator, secondOperator, f.payee, blockablePayee]) {
    await token.mint(account.address, 1_000_000n * USDC_UNIT);
    await token.connect(account).approve(escrowAddress, ethers.MaxUint256);
  }
  return {
    ...f,
    escrowAddress,
    token,
    tokenAddress: await token.getAddress(),
    refusing,
    secondOperator,
    blockablePayee,
  };
}

type World = Awaited<ReturnType<typeof propertyFixture>>;

interface ModelPayment {
  payment: Payment;
  id: string;
  asset: AssetIndex;
  authorized: bigint;
  captured: bigint; // to the payee (captures, charge, resolution's payee part)
  returned: bigint; // to the payer (void, reclaim, resolution's payer part)
  refunded: bigint;
  status: 1n | 2n | 3n;
}

let saltCounter = 0n;

async function runSequence(w: World, actions: Action[]): Promise<void> {
  const payers: HardhatEthersSigner[] = [w.payer, w.stranger];
  const operators: HardhatEthersSigner[] = [w.operator, w.secondOperator];
  const refusingAddress = await w.refusing.getAddress();
  const payees = [w.payee.address, w.blockablePayee.address, refusingAddress];
  const tokens = [ETH, w.tokenAddress];
  const sink = ethers.Wallet.createRandom().address;
  /** Accounts that can hold credits: payers, payees, fee receiver. */
  const creditors = [...payers.map((p) => p.address), ...payees, w.feeReceiver.address];
  const payments: ModelPayment[] = [];
  let blocked = false;

  const creditsOf = async (asset: AssetIndex) => {
    let sum = 0n;
    for (const account of creditors) sum += await w.escrow.creditOf(account, tokens[asset]!);
    return sum;
  };
  const baseline = await Promise.all(
    ([0, 1] as const).map(async (a) => ({
      balance: await balanceOf(tokens[a]!, w.escrowAddress),
      credits: await creditsOf(a),
    })),
  );
  let now = BigInt(await time.latest());

  /** Whether a push of `asset` to `to` fails (then it is credited). */
  const pushFails = (asset: AssetIndex, to: string) =>
    asset === 0 ? to === refusingAddress : blocked && to === w.blockablePayee.address;

  /** Runs `send` at the next second; returns whether it succeeded. */
  const attempt = async (send: () => Promise<ethers.ContractTransactionResponse>): Promise<boolean> => {
    now += 1n;
    await time.setNextBlockTimestamp(now);
    try {
      await (await send()).wait();
      return true;
    } catch {
      return false;
    }
  };

  /** Checks one step; solvency is checked for the asset the step moved (`both` at the end of the run). */
  const solvent = async (label: string, assets: readonly AssetIndex[]) => {
    for (const asset of assets) {
      const held = payments
        .filter((p) => p.asset === asset)
        .reduce((sum, p) => sum + p.authorized - p.captured - p.returned, 0n);
      const balance = await balanceOf(tokens[asset]!, w.escrowAddress);
      const credits = await creditsOf(asset);
      expect(balance - baseline[asset]!.balance, `${label}: solvency of asset ${asset}`).to.equal(
        held + credits - baseline[asset]!.credits,
      );
    }
  };

  const check = async (
    label: string,
    asset: AssetIndex,
    expected: boolean,
    actual: boolean,
    touched?: ModelPayment,
  ) => {
    expect(actual, `${label}: success`).to.equal(expected);
    if (touched !== undefined) {
      const state = await w.escrow.getPaymentState(touched.id);
      const capturable = touched.authorized - touched.captured - touched.returned;
      expect([state.capturable, state.refundable, state.status], `${label}: state`).to.deep.equal([
        capturable,
        touched.captured - touched.refunded,
        BigInt(touched.status),
      ]);
      expect(touched.captured + touched.returned, `${label}: captured and returned within authorized`).to.be.lte(
        touched.authorized,
      );
      expect(touched.refunded, `${label}: refunded within captured`).to.be.lte(touched.captured);
    }
    await solvent(label, [asset]);
  };

  /**
   * The payment an action is aimed at: mostly one it can apply to (so that every kind of action often succeeds),
   * every fourth choice any payment (so that refusals are exercised too).
   */
  const pick = (kind: Action["kind"], index: number): ModelPayment | undefined => {
    const held = (p: ModelPayment) => p.authorized - p.captured - p.returned;
    const fits: Record<string, (p: ModelPayment) => boolean> = {
      capture: (p) => p.status === 1n && held(p) > 0n,
      void: (p) => p.status === 1n && held(p) > 0n,
      reclaim: (p) => p.status === 1n && held(p) > 0n,
      dispute: (p) => p.status === 1n && held(p) > 0n,
      resolve: (p) => p.status === 2n,
      refund: (p) => p.captured > p.refunded,
    };
    const candidates = index % 4 === 3 ? payments : payments.filter(fits[kind] ?? (() => true));
    const from = candidates.length > 0 ? candidates : payments;
    return from.length > 0 ? from[Math.floor(index / 4) % from.length] : undefined;
  };

  for (const [step, action] of actions.entries()) {
    const label = `step ${step} ${JSON.stringify(action)}`;
    const target = "payment" in action ? pick(action.kind, action.payment) : undefined;
    switch (action.kind) {
      case "authorize":
      case "charge": {
        const unit = action.asset === 0 ? 10n ** 10n : 1n;
        const amount = BigInt(action.amount) * unit;
        const payment: Payment = {
          operator: operators[action.operator]!.address,
          payer: payers[action.payer]!.address,
          payee: payees[action.payee]!,
          token: tokens[action.asset]!,
          maxAmount: amount + BigInt(action.feeBps),
          preApprovalExpiry: now + HOUR,
          authorizationExpiry: now + BigInt(action.authHours) * HOUR,
          refundExpiry: now + BigInt(action.authHours + action.refundHours) * HOUR,
          minFeeBps: 0,
          maxFeeBps: FEE_BPS_MAX,
          feeReceiver: w.feeReceiver.address,
          arbiter: w.arbiter.address,
          referenceId: ethers.ZeroHash,
          salt: ++saltCounter,
        };
        const payer = payers[action.payer]!;
        const value = action.asset === 0 ? amount : 0n;
        const model: ModelPayment = {
          payment,
          id: getPaymentId(payment, w.domain),
          asset: action.asset,
          authorized: amount,
          captured: 0n,
          returned: 0n,
          refunded: 0n,
          status: 1n,
        };
        if (action.kind === "authorize") {
          const ok = await attempt(() => w.escrow.connect(payer).authorize(payment, amount, "0x", { value }));
          if (ok) payments.push(model);
          await check(label, action.asset, true, ok, ok ? model : undefined);
        } else {
          // A charge pushes straight to the payee and fee receiver: a payee that refuses makes it revert.
          const expected = !pushFails(action.asset, payment.payee);
          const ok = await attempt(() =>
            w.escrow.connect(payer).charge(payment, amount, action.feeBps, "0x", { value }),
          );
          if (ok) payments.push({ ...model, captured: amount });
          await check(label, action.asset, expected, ok, ok ? payments[payments.length - 1] : undefined);
        }
        break;
      }
      case "capture": {
        if (target === undefined) break;
        const held = target.authorized - target.captured - target.returned;
        const amount = (held * BigInt(action.frac)) / 100n;
        const expected = target.status === 1n && amount > 0n && now + 1n < target.payment.authorizationExpiry;
        const operator = operators.find((o) => o.address === target.payment.operator)!;
        const ok = await attempt(() => w.escrow.connect(operator).capture(target.payment, amount, action.feeBps));
        if (ok) target.captured += amount;
        await check(label, target.asset, expected, ok, target);
        break;
      }
      case "void":
      case "reclaim": {
        if (target === undefined) break;
        const held = target.authorized - target.captured - target.returned;
        if (action.kind === "reclaim" && now + 1n < target.payment.authorizationExpiry) {
          // Reclaim after a time jump: to the authorization expiry itself, the first second it is allowed.
          now = target.payment.authorizationExpiry - 1n;
        }
        const expected = target.status === 1n && held > 0n;
        const ok =
          action.kind === "void"
            ? await attempt(() =>
                w.escrow.connect(operators.find((o) => o.address === target.payment.operator)!).void(target.payment),
              )
            : await attempt(() =>
                w.escrow.connect(payers.find((p) => p.address === target.payment.payer)!).reclaim(target.payment),
              );
        if (ok) target.returned += held;
        await check(label, target.asset, expected, ok, target);
        break;
      }
      case "dispute": {
        if (target === undefined) break;
        const held = target.authorized - target.captured - target.returned;
        const expected = target.status === 1n && held > 0n && now + 1n < target.payment.authorizationExpiry;
        const payer = payers.find((p) => p.address === target.payment.payer)!;
        const ok = await attempt(() => w.escrow.connect(payer).dispute(target.payment));
        if (ok) target.status = 2n;
        await check(label, target.asset, expected, ok, target);
        break;
      }
      case "resolve": {
        if (target === undefined) break;
        const held = target.authorized - target.captured - target.returned;
        const toPayer = (held * BigInt(action.frac)) / 100n;
        const expected = target.status === 2n;
        const ok = await attempt(() => w.escrow.connect(w.arbiter).resolve(target.payment, toPayer));
        if (ok) {
          target.returned += toPayer;
          target.captured += held - toPayer;
          target.status = 3n;
        }
        await check(label, target.asset, expected, ok, target);
        break;
      }
      case "refund": {
        if (target === undefined) break;
        const refundable = target.captured - target.refunded;
        const amount = (refundable * BigInt(action.frac)) / 100n;
        // The refusing contract cannot send a transaction; the operator refunds for it.
        const byPayee = action.byPayee && target.payment.payee !== refusingAddress;
        const refunder = byPayee
          ? target.payment.payee === w.payee.address
            ? w.payee
            : w.blockablePayee
          : operators.find((o) => o.address === target.payment.operator)!;
        const refunderBlocked = target.asset === 1 && blocked && refunder.address === w.blockablePayee.address;
        const expected =
          amount > 0n && amount <= refundable && now + 1n < target.payment.refundExpiry && !refunderBlocked;
        const value = target.asset === 0 ? amount : 0n;
        const ok = await attempt(() => w.escrow.connect(refunder).refund(target.payment, amount, { value }));
        if (ok) target.refunded += amount;
        await check(label, target.asset, expected, ok, target);
        break;
      }
      case "payInvoice": {
        const unit = action.asset === 0 ? 10n ** 10n : 1n;
        const payee = action.payee === 0 ? w.payee : w.blockablePayee;
        const invoice: Invoice = {
          payee: payee.address,
          payer: ethers.ZeroAddress,
          token: tokens[action.asset]!,
          amount: BigInt(action.amount) * unit,
          expiry: now + HOUR,
          referenceId: ethers.ZeroHash,
          salt: ++saltCounter,
        };
        const signature = await signInvoice(payee, invoice, w.domain);
        const value = action.asset === 0 ? invoice.amount : 0n;
        const expected = !pushFails(action.asset, payee.address);
        const ok = await attempt(() =>
          w.escrow.connect(payers[action.payer]!).payInvoice(invoice, signature, { value }),
        );
        await check(label, action.asset, expected, ok);
        break;
      }
      case "withdraw": {
        // Mostly an account that is owed something, in the asset asked or else the other one.
        let token = tokens[action.asset]!;
        const owedIn = async (t: string) => {
          const owed: string[] = [];
          for (const c of creditors) if ((await w.escrow.creditOf(c, t)) > 0n) owed.push(c);
          return owed;
        };
        let owed = await owedIn(token);
        if (owed.length === 0 && action.account % 4 !== 3) {
          token = tokens[1 - action.asset]!;
          owed = await owedIn(token);
        }
        const account =
          action.account % 4 !== 3 && owed.length > 0
            ? owed[action.account % owed.length]!
            : creditors[action.account % creditors.length]!;
        const expected = (await w.escrow.creditOf(account, token)) > 0n;
        const data = w.escrow.interface.encodeFunctionData("withdraw", [token, sink]);
        const signer = [...payers, w.payee, w.blockablePayee, w.feeReceiver].find((s) => s.address === account);
        const ok = await attempt(() =>
          signer === undefined
            ? w.refusing.connect(w.stranger).execute(w.escrowAddress, 0n, data)
            : w.escrow.connect(signer).withdraw(token, sink),
        );
        await check(label, token === ETH ? 0 : 1, expected, ok);
        break;
      }
      case "toggleBlock": {
        blocked = !blocked;
        await attempt(() =>
          blocked ? w.token.blocklist(w.blockablePayee.address) : w.token.unblocklist(w.blockablePayee.address),
        );
        break;
      }
      case "jump": {
        now += BigInt(action.hours) * HOUR;
        break;
      }
    }
  }

  await solvent("end of run", [0, 1]);
  for (const p of payments) {
    const state = await w.escrow.getPaymentState(p.id);
    expect([state.capturable, state.refundable, state.status], `final state of ${p.id}`).to.deep.equal([
      p.authorized - p.captured - p.returned,
      p.captured - p.refunded,
      BigInt(p.status),
    ]);
  }
}

describe("CofferEscrow properties", function () {
  it(`stays solvent to the unit and never pays beyond a payment's amount over ${RUNS} random sequences (seed ${SEED})`, async function () {
    this.timeout(600_000);
    const w = await loadFixture(propertyFixture);
    await fc.assert(
      fc.asyncProperty(
        fc.array(actionArbitrary, { minLength: 4, maxLength: MAX_STEPS, size: "max" }),
        async (actions) => {
          const snapshot: string = await hre.network.provider.send("evm_snapshot", []);
          try {
            await runSequence(w, actions);
          } finally {
            await hre.network.provider.send("evm_revert", [snapshot]);
          }
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
