import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";
import { ethers } from "ethers";
import hre from "hardhat";
import { DAY, HOUR, Reason, Status, createPlan, subscribe, subscriptionsFixture } from "./fixture";

/**
 * Property test of subscription billing: random sequences of time jumps (minutes to several periods, and jumps to
 * a period's start or a grace period's end ±1 s), charges and batches by a keeper, allowance revocations and
 * restorations, balances drained and refilled, pauses and resumes, and cancellations by the subscriber, the
 * merchant or a stranger; four subscriptions of three subscribers on two plans (one with a fee and a trial).
 *
 * After every step the chain must agree with a small TypeScript model (statuses, next period, grace start, and
 * the exact charge, failure, lapse and skip events with their period indexes and reasons), and these invariants,
 * checked on the chain's own events and balances independently of the model, must hold:
 *  1. No subscription is charged twice for one period index (SubscriptionCharged by (id, periodIndex) is unique).
 *  2. What left each subscriber (balance delta, net of the test's own drains and refills) equals the sum of the
 *     amounts of its SubscriptionCharged events.
 *  3. Each payee received exactly the net, and the fee receiver exactly the fees, of those events; the contract
 *     holds no tokens.
 *  4. A subscription is never charged after it was cancelled or lapsed.
 *
 * Seeded and reproducible: SUBSCRIPTIONS_PROPERTY_SEED (default 2026) and SUBSCRIPTIONS_PROPERTY_RUNS (default 80).
 */

const SEED = Number(process.env.SUBSCRIPTIONS_PROPERTY_SEED ?? 2026);
const RUNS = Number(process.env.SUBSCRIPTIONS_PROPERTY_RUNS ?? 80);
const GAS_LIMIT = 2_000_000;
const DRAIN_LEAVES = 5_000_000n; // below either plan's amount
const REFILL = 50_000_000n;

/** Plan A: 10 USDC a day, no fee, no trial, the longest grace allowed (a period less a second). */
const PLAN_A = { amount: 10_000_000n, feeBps: 0n, period: BigInt(DAY), grace: BigInt(DAY - 1), trial: 0n };
/** Plan B: 7.777777 USDC a week, 2.5% fee (rounded down), a 2-day trial, one day of grace. */
const PLAN_B = {
  amount: 7_777_777n,
  feeBps: 250n,
  period: BigInt(7 * DAY),
  grace: BigInt(DAY),
  trial: BigInt(2 * DAY),
};

type Delta = -1 | 0 | 1;
type Action =
  | { kind: "jump"; seconds: number }
  | { kind: "jumpToDue" | "jumpToGraceEnd"; sub: number; delta: Delta; batch: boolean }
  | { kind: "charge"; sub: number }
  | { kind: "chargeMany"; subs: number[] }
  | { kind: "approve"; who: number; value: "zero" | "one" | "max" }
  | { kind: "drain" | "refill"; who: number }
  | { kind: "pause" | "resume" | "togglePause"; sub: number }
  | { kind: "cancel"; sub: number; by: "subscriber" | "merchant" | "stranger" };

const SUBS = 4;
const WHO = 3;
const delta = fc.constantFrom<Delta>(-1, 0, 1);
const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("jump" as const),
      seconds: fc.oneof(
        fc.integer({ min: 60, max: HOUR }),
        fc.integer({ min: HOUR, max: DAY }),
        fc.integer({ min: DAY, max: 3 * 7 * DAY }),
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("jumpToDue" as const),
      sub: fc.nat(SUBS - 1),
      delta,
      batch: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("jumpToGraceEnd" as const),
      sub: fc.nat(SUBS - 1),
      delta,
      batch: fc.boolean(),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("charge" as const), sub: fc.nat(SUBS - 1) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("chargeMany" as const),
      subs: fc.array(fc.nat(SUBS - 1), { minLength: 1, maxLength: 6 }), // duplicates on purpose
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("approve" as const),
      who: fc.nat(WHO - 1),
      value: fc.constantFrom("zero" as const, "one" as const, "max" as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constantFrom("drain" as const, "refill" as const), who: fc.nat(WHO - 1) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom("pause" as const, "resume" as const, "togglePause" as const),
      sub: fc.nat(SUBS - 1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("cancel" as const),
      sub: fc.nat(SUBS - 1),
      by: fc.constantFrom("subscriber" as const, "merchant" as const, "stranger" as const),
    }),
  },
);

/** Two plans and four subscriptions: 1 = A/alice, 2 = A/bob, 3 = B/bob (on trial), 4 = B/carol (on trial). */
async function propertyFixture() {
  const f = await subscriptionsFixture();
  const payeeB = ethers.Wallet.createRandom().address;
  const sink = ethers.Wallet.createRandom().address;
  const planA = await createPlan(f, {
    amount: PLAN_A.amount,
    period: PLAN_A.period,
    grace: PLAN_A.grace,
    trial: PLAN_A.trial,
  });
  const planB = await createPlan(f, {
    payee: payeeB,
    amount: PLAN_B.amount,
    period: PLAN_B.period,
    grace: PLAN_B.grace,
    trial: PLAN_B.trial,
    feeBps: PLAN_B.feeBps,
    feeReceiver: f.feeReceiver.address,
  });
  const [alice, bob, carol] = f.subscribers;
  const ids = [
    await subscribe(f, alice!, planA),
    await subscribe(f, bob!, planA),
    await subscribe(f, bob!, planB),
    await subscribe(f, carol!, planB),
  ];
  const setupCharges = await f.subscriptions.queryFilter(f.subscriptions.filters.SubscriptionCharged());
  return {
    f,
    planA,
    planB,
    payeeB,
    sink,
    ids,
    who: [0, 1, 1, 2],
    subscribers: [alice!, bob!, carol!],
    setupCharges: setupCharges.map((e) => `${e.args.subscriptionId}:${e.args.periodIndex}`),
  };
}

interface PlanModel {
  id: bigint;
  amount: bigint;
  fee: bigint;
  period: bigint;
  grace: bigint;
  payee: string;
}
interface SubModel {
  id: bigint;
  who: number;
  plan: PlanModel;
  status: bigint;
  anchor: bigint;
  nextPeriod: bigint;
  pastDueSince: bigint;
  statusBeforePause: bigint;
}
interface AccountModel {
  allowance: bigint;
  balance: bigint;
}

const statusName = (s: bigint) => Object.entries(Status).find(([, v]) => v === s)![0];
const reasonName = (r: bigint) => Object.entries(Reason).find(([, v]) => v === r)![0];

describe("CofferSubscriptions properties", function () {
  it(`hold over ${RUNS} random sequences of time jumps and actions (seed ${SEED})`, async function () {
    // About 12 s when the properties hold; shrinking a counterexample takes minutes.
    this.timeout(15 * 60_000);
    const world = await loadFixture(propertyFixture);
    const { f, ids, sink } = world;
    const subscriptionsAddress = await f.subscriptions.getAddress();
    const plans: Record<"A" | "B", PlanModel> = {
      A: {
        id: world.planA,
        amount: PLAN_A.amount,
        fee: 0n,
        period: PLAN_A.period,
        grace: PLAN_A.grace,
        payee: f.payee.address,
      },
      B: {
        id: world.planB,
        amount: PLAN_B.amount,
        fee: (PLAN_B.amount * PLAN_B.feeBps) / 10_000n,
        period: PLAN_B.period,
        grace: PLAN_B.grace,
        payee: world.payeeB,
      },
    };
    const watched = [...world.subscribers.map((s) => s.address), f.payee.address, world.payeeB, f.feeReceiver.address];

    await fc.assert(
      fc.asyncProperty(fc.array(actionArbitrary, { minLength: 1, maxLength: 32, size: "max" }), async (actions) => {
        const snapshot = await hre.network.provider.send("evm_snapshot", []);
        try {
          await run(actions);
        } finally {
          await hre.network.provider.send("evm_revert", [snapshot]);
        }
      }),
      { seed: SEED, numRuns: RUNS, verbose: 1 },
    );

    async function run(actions: Action[]) {
      // ── The model, from the fixture's state ──
      const subs: SubModel[] = [];
      for (const [i, id] of ids.entries()) {
        const s = await f.subscriptions.getSubscription(id);
        subs.push({
          id,
          who: world.who[i]!,
          plan: i < 2 ? plans.A : plans.B,
          status: s.status,
          anchor: s.anchor,
          nextPeriod: s.nextPeriod,
          pastDueSince: s.pastDueSince,
          statusBeforePause: s.statusBeforePause,
        });
      }
      const accounts: AccountModel[] = [];
      for (const s of world.subscribers) {
        accounts.push({
          allowance: await f.usdc.allowance(s.address, subscriptionsAddress),
          balance: await f.usdc.balanceOf(s.address),
        });
      }
      const clock = { now: BigInt(await time.latest()), last: BigInt(await time.latest()) };

      // ── What the invariants track, from the chain's events and balances only ──
      const start = await Promise.all(watched.map((a) => f.usdc.balanceOf(a)));
      const seen = new Set<string>(world.setupCharges);
      const ended = new Set<bigint>();
      const chargedFrom = [0n, 0n, 0n]; // per subscriber, sum of SubscriptionCharged amounts
      const externalDelta = [0n, 0n, 0n]; // the test's own drains and refills
      const netTo = new Map<string, bigint>([
        [f.payee.address, 0n],
        [world.payeeB, 0n],
      ]);
      let fees = 0n;

      /** Sets the next block's time and returns it: never before the model's clock, always after the last block. */
      async function nextBlock(): Promise<bigint> {
        const t = clock.now > clock.last ? clock.now : clock.last + 1n;
        await time.setNextBlockTimestamp(t);
        clock.now = t;
        clock.last = t;
        return t;
      }

      const dueAt = (s: SubModel) => s.anchor + s.nextPeriod * s.plan.period;
      const chargeable = (s: SubModel) => s.status === Status.Active || s.status === Status.PastDue;

      /** The model's charge of a due subscription at time `t`; appends the events it expects. */
      function modelCharge(s: SubModel, t: bigint, expected: string[]) {
        if (s.status === Status.PastDue && t >= s.pastDueSince + s.plan.grace) {
          s.status = Status.Lapsed;
          expected.push(`Lapsed ${s.id}`);
          return;
        }
        const k = (t - s.anchor) / s.plan.period;
        const account = accounts[s.who]!;
        const amount = s.plan.amount;
        if (account.allowance >= amount && account.balance >= amount) {
          account.balance -= amount;
          if (account.allowance !== ethers.MaxUint256) account.allowance -= amount;
          s.status = Status.Active;
          s.nextPeriod = k + 1n;
          s.pastDueSince = 0n;
          expected.push(`Charged ${s.id} period ${k} amount ${amount} fee ${s.plan.fee}`);
        } else {
          const reason = account.allowance < amount ? Reason.AllowanceTooLow : Reason.BalanceTooLow;
          if (s.status !== Status.PastDue) s.pastDueSince = t;
          s.status = Status.PastDue;
          expected.push(`Failed ${s.id} period ${k} ${reasonName(reason)}`);
        }
      }

      /** The subscription events of a receipt, in order, in the model's words; updates the invariants' tallies. */
      function observe(receipt: ContractTransactionReceipt): string[] {
        const observed: string[] = [];
        for (const log of receipt.logs) {
          if (log.address !== subscriptionsAddress) continue;
          const e = f.subscriptions.interface.parseLog(log)!;
          const id = e.args[0] as bigint;
          switch (e.name) {
            case "SubscriptionCharged": {
              const [, planId, subscriber, , , amount, fee, k] = e.args as unknown as [
                bigint,
                bigint,
                string,
                string,
                string,
                bigint,
                bigint,
                bigint,
              ];
              // Invariant 1: one charge per (subscription, period index).
              const key = `${id}:${k}`;
              expect(seen.has(key), `subscription ${id} charged twice for period ${k}`).to.equal(false);
              seen.add(key);
              // Invariant 4: never charged after cancellation or lapse.
              expect(ended.has(id), `subscription ${id} charged after it was cancelled or lapsed`).to.equal(false);
              const who = world.subscribers.findIndex((s) => s.address === subscriber);
              chargedFrom[who]! += amount;
              const payee = planId === plans.A.id ? plans.A.payee : plans.B.payee;
              netTo.set(payee, netTo.get(payee)! + amount - fee);
              fees += fee;
              observed.push(`Charged ${id} period ${k} amount ${amount} fee ${fee}`);
              break;
            }
            case "SubscriptionChargeFailed":
              observed.push(`Failed ${id} period ${e.args[6]} ${reasonName(e.args[7])}`);
              break;
            case "SubscriptionLapsed":
              ended.add(id);
              observed.push(`Lapsed ${id}`);
              break;
            case "SubscriptionCancelled":
              ended.add(id);
              observed.push(`Cancelled ${id} by ${e.args[1]}`);
              break;
            case "SubscriptionChargeSkipped":
              observed.push(`Skipped ${id} ${statusName(e.args[1])}`);
              break;
            case "SubscriptionPaused":
              observed.push(`Paused ${id}`);
              break;
            case "SubscriptionResumed":
              observed.push(`Resumed ${id}`);
              break;
            default:
              observed.push(`${e.name} ${id}`);
          }
        }
        return observed;
      }

      async function send(tx: Promise<ContractTransactionResponse>): Promise<string[]> {
        return observe((await (await tx).wait()) as ContractTransactionReceipt);
      }

      /** The revert the model expects from `charge` on a subscription that is not due, if any. */
      function chargeRevert(s: SubModel, t: bigint): [string, unknown[]] | undefined {
        if (!chargeable(s)) return ["CofferSubscriptionsNotChargeable", [s.id, s.status]];
        if (t < dueAt(s)) return ["CofferSubscriptionsNotDue", [s.id, dueAt(s)]];
        return undefined;
      }

      for (const [step, action] of actions.entries()) {
        const where = `step ${step} (${JSON.stringify(action)})`;
        const expected: string[] = [];
        let observed: string[] = [];
        switch (action.kind) {
          case "jump":
            clock.now = clock.last + BigInt(action.seconds);
            continue;
          case "jumpToDue":
          case "jumpToGraceEnd":
          case "charge": {
            const s = subs[action.sub]!;
            // The two jumps move the clock to a boundary (a period's start, or the end of grace, ±1 s), then charge.
            if (action.kind === "jumpToDue" && chargeable(s)) clock.now = dueAt(s) + BigInt(action.delta);
            if (action.kind === "jumpToGraceEnd" && s.status === Status.PastDue) {
              clock.now = s.pastDueSince + s.plan.grace + BigInt(action.delta);
            }
            const t = await nextBlock();
            if (action.kind !== "charge" && action.batch) {
              if (!chargeable(s) || t < dueAt(s)) expected.push(`Skipped ${s.id} ${statusName(s.status)}`);
              else modelCharge(s, t, expected);
              observed = await send(f.subscriptions.connect(f.keeper).chargeMany([s.id], { gasLimit: GAS_LIMIT }));
              break;
            }
            const tx = f.subscriptions.connect(f.keeper).charge(s.id, { gasLimit: GAS_LIMIT });
            const revert = chargeRevert(s, t);
            if (revert !== undefined) {
              await expect(tx, where)
                .to.be.revertedWithCustomError(f.subscriptions, revert[0])
                .withArgs(...revert[1]);
              continue;
            }
            modelCharge(s, t, expected);
            observed = await send(tx);
            break;
          }
          case "chargeMany": {
            const t = await nextBlock();
            for (const i of action.subs) {
              const s = subs[i]!;
              if (!chargeable(s) || t < dueAt(s)) expected.push(`Skipped ${s.id} ${statusName(s.status)}`);
              else modelCharge(s, t, expected);
            }
            const batch = action.subs.map((i) => subs[i]!.id);
            observed = await send(f.subscriptions.connect(f.keeper).chargeMany(batch, { gasLimit: GAS_LIMIT }));
            break;
          }
          case "approve": {
            const value = action.value === "zero" ? 0n : action.value === "one" ? PLAN_A.amount : ethers.MaxUint256;
            await nextBlock();
            await send(
              f.usdc
                .connect(world.subscribers[action.who]!)
                .approve(subscriptionsAddress, value, { gasLimit: GAS_LIMIT }),
            );
            accounts[action.who]!.allowance = value;
            break;
          }
          case "drain": {
            const account = accounts[action.who]!;
            if (account.balance <= DRAIN_LEAVES) continue;
            const amount = account.balance - DRAIN_LEAVES;
            await nextBlock();
            await send(f.usdc.connect(world.subscribers[action.who]!).transfer(sink, amount, { gasLimit: GAS_LIMIT }));
            account.balance -= amount;
            externalDelta[action.who]! -= amount;
            break;
          }
          case "refill": {
            await nextBlock();
            await send(f.usdc.mint(world.subscribers[action.who]!.address, REFILL, { gasLimit: GAS_LIMIT }));
            accounts[action.who]!.balance += REFILL;
            externalDelta[action.who]! += REFILL;
            break;
          }
          case "pause":
          case "resume":
          case "togglePause": {
            const s = subs[action.sub]!;
            // togglePause resumes a paused subscription and pauses any other (reverting when it cannot be paused).
            const kind = action.kind !== "togglePause" ? action.kind : s.status === Status.Paused ? "resume" : "pause";
            await nextBlock();
            const subscriber = world.subscribers[s.who]!;
            const tx = f.subscriptions.connect(subscriber)[kind](s.id, { gasLimit: GAS_LIMIT });
            const allowed = kind === "pause" ? chargeable(s) : s.status === Status.Paused;
            if (!allowed) {
              await expect(tx, where)
                .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsInvalidStatus")
                .withArgs(s.id, s.status);
              continue;
            }
            if (kind === "pause") {
              s.statusBeforePause = s.status;
              s.status = Status.Paused;
              expected.push(`Paused ${s.id}`);
            } else {
              s.status = s.statusBeforePause;
              expected.push(`Resumed ${s.id}`);
            }
            observed = await send(tx);
            break;
          }
          case "cancel": {
            const s = subs[action.sub]!;
            const by =
              action.by === "subscriber"
                ? world.subscribers[s.who]!
                : action.by === "merchant"
                  ? f.merchant
                  : f.stranger;
            await nextBlock();
            const tx = f.subscriptions.connect(by).cancel(s.id, { gasLimit: GAS_LIMIT });
            if (action.by === "stranger") {
              await expect(tx, where)
                .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsUnauthorizedCaller")
                .withArgs(by.address);
              continue;
            }
            if (s.status === Status.Cancelled || s.status === Status.Lapsed) {
              await expect(tx, where)
                .to.be.revertedWithCustomError(f.subscriptions, "CofferSubscriptionsInvalidStatus")
                .withArgs(s.id, s.status);
              continue;
            }
            s.status = Status.Cancelled;
            expected.push(`Cancelled ${s.id} by ${by.address}`);
            observed = await send(tx);
            break;
          }
        }

        // ── The chain agrees with the model ──
        expect(observed, `events at ${where}`).to.deep.equal(expected);
        for (const s of subs) {
          const onChain = await f.subscriptions.getSubscription(s.id);
          expect(statusName(onChain.status), `status of ${s.id} after ${where}`).to.equal(statusName(s.status));
          expect(onChain.nextPeriod, `nextPeriod of ${s.id} after ${where}`).to.equal(s.nextPeriod);
          expect(onChain.pastDueSince, `pastDueSince of ${s.id} after ${where}`).to.equal(s.pastDueSince);
          if (s.status === Status.Paused) expect(onChain.statusBeforePause).to.equal(s.statusBeforePause);
        }

        // ── Invariants 2 and 3, on balances ──
        const now = await Promise.all(watched.map((a) => f.usdc.balanceOf(a)));
        for (let who = 0; who < WHO; who++) {
          expect(start[who]! - now[who]! + externalDelta[who]!, `moved from subscriber ${who} after ${where}`).to.equal(
            chargedFrom[who]!,
          );
          expect(now[who], `model balance of subscriber ${who}`).to.equal(accounts[who]!.balance);
        }
        expect(now[3]! - start[3]!, `received by payee A after ${where}`).to.equal(netTo.get(f.payee.address));
        expect(now[4]! - start[4]!, `received by payee B after ${where}`).to.equal(netTo.get(world.payeeB));
        expect(now[5]! - start[5]!, `received by the fee receiver after ${where}`).to.equal(fees);
        const totalCharged = chargedFrom.reduce((a, b) => a + b, 0n);
        expect(now[3]! - start[3]! + now[4]! - start[4]! + now[5]! - start[5]!).to.equal(totalCharged);
      }
      expect(await f.usdc.balanceOf(subscriptionsAddress)).to.equal(0n);
    }
  });
});
