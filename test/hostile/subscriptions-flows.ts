import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { expect } from "chai";
import { signPermit } from "../../sdk/src/tokens";
import { DAY, Status, createPlan, loadSubscriptions, type SubscriptionsFixture } from "../subscriptions/fixture";
import { balanceIn, deployEntry, fundAll, runStep, type Deployed, type Ledger, type ShelfEntry } from "./shelf";

/**
 * The subscription module's fund-moving entry points, run with one shelf token: subscribe (its first charge),
 * subscribeWithPermit, charge, chargeMany and cancel. A token plan's charge pulls straight from the subscriber to
 * the payee and the fee receiver, so the module never holds the token: its balance stays 0.
 */

export interface SubscriptionRun extends Ledger {
  f: SubscriptionsFixture;
  planId: bigint;
  subscribers: HardhatEthersSigner[];
}

const PERIOD = 30 * DAY;

/** A plan of 10 units every 30 days with a fee of `feeBps`, and two funded subscribers with allowances. */
export async function startSubscriptionRun(entry: ShelfEntry, feeBps = 100): Promise<SubscriptionRun> {
  const f = await loadSubscriptions();
  const d: Deployed = await deployEntry(entry);
  const module = await f.subscriptions.getAddress();
  const subscribers = f.subscribers.slice(0, 2);
  await fundAll(d, module, subscribers, 1_000n * d.unit);
  const planId = await createPlan(f, {
    token: d.address,
    amount: 10n * d.unit,
    period: PERIOD,
    feeBps,
    feeReceiver: f.feeReceiver.address,
  });
  return {
    f,
    d,
    planId,
    subscribers,
    module: f.subscriptions,
    prefix: "CofferSubscriptions",
    turned: false,
    parties: [
      ...subscribers.map((s) => s.address),
      f.payee.address,
      f.feeReceiver.address,
      f.keeper.address,
      f.stranger.address,
    ],
    credit: async () => 0n,
    solvent: async (label) => {
      expect(await balanceIn(d, module), `${label}: tokens stuck in the subscription module`).to.equal(0n);
    },
  };
}

/** What one charge of the plan moves. */
function chargeMoves(run: SubscriptionRun, subscriber: string, feeBps: bigint): Array<[string, bigint]> {
  const amount = 10n * run.d.unit;
  const fee = (amount * feeBps) / 10_000n;
  return [
    [subscriber, -amount],
    [run.f.payee.address, amount - fee],
    [run.f.feeReceiver.address, fee],
  ];
}

/** Subscribes `subscriber`; returns the subscription id, or undefined when the first charge was refused. */
async function subscribe(
  run: SubscriptionRun,
  subscriber: HardhatEthersSigner,
  feeBps: bigint,
): Promise<bigint | undefined> {
  const module = run.f.subscriptions.connect(subscriber);
  let id: bigint | undefined;
  const worked = await runStep(
    run,
    "subscribe (first charge)",
    async (s) => (s ? (id = await module.subscribe.staticCall(run.planId)) : module.subscribe(run.planId)),
    chargeMoves(run, subscriber.address, feeBps),
  );
  return worked ? id : undefined;
}

/** The keeper charges `id`: either it is paid exactly, or the charge is recorded as failed and nothing moves. */
async function charge(run: SubscriptionRun, id: bigint, subscriber: string, label: string): Promise<void> {
  const module = run.f.subscriptions.connect(run.f.keeper);
  const paid = await module.charge.staticCall(id).catch(() => false);
  await runStep(
    run,
    label,
    (s) => (s ? module.charge.staticCall(id) : module.charge(id)),
    paid ? chargeMoves(run, subscriber, 100n) : [],
  );
  if (!paid) {
    const status = (await run.f.subscriptions.getSubscription(id)).status;
    expect([Status.PastDue, Status.Lapsed], `${label}: a failed charge is recorded`).to.include(status);
  }
}

/** The subscription flows: name → what runs. */
export const SUBSCRIPTION_FLOWS: Record<string, (entry: ShelfEntry) => Promise<void>> = {
  /** subscribe twice, turn, charge one, chargeMany both, cancel; then, restored, the next period charges again. */
  charges: async (entry) => {
    const run = await startSubscriptionRun(entry);
    const [first, second] = run.subscribers as [HardhatEthersSigner, HardhatEthersSigner];
    const id1 = await subscribe(run, first, 100n);
    const id2 = await subscribe(run, second, 100n);
    if (run.d.entry.turn !== undefined) {
      await run.d.entry.turn(run.d.token, { victim: run.f.payee.address });
      run.turned = true;
    }
    await time.increase(PERIOD);
    if (id1 !== undefined) await charge(run, id1, first.address, "charge the second period");
    const ids = [id1, id2].filter((id): id is bigint => id !== undefined);
    if (ids.length > 0) {
      const module = run.f.subscriptions.connect(run.f.keeper);
      const expected: Array<[string, bigint]> = [];
      for (const [id, who] of [
        [id1, first],
        [id2, second],
      ] as const) {
        if (id === undefined) continue;
        const due = (await run.f.subscriptions.isDue(id)).due;
        // Simulated alone: chargeMany charges the same way, one at a time.
        if (due && (await module.charge.staticCall(id).catch(() => false)))
          expected.push(...chargeMoves(run, who.address, 100n));
      }
      await runStep(
        run,
        "chargeMany",
        (s) => (s ? module.chargeMany.staticCall(ids) : module.chargeMany(ids)),
        expected,
      );
      await runStep(
        run,
        "cancel by the subscriber",
        (s) =>
          s
            ? run.f.subscriptions.connect(second).cancel.staticCall(ids.at(-1)!)
            : run.f.subscriptions.connect(second).cancel(ids.at(-1)!),
        [],
        true,
      );
    }
    await run.d.entry.restore?.(run.d.token, { victim: run.f.payee.address });
    if (run.d.entry.restore !== undefined) run.turned = false;
    if (id1 !== undefined && run.d.entry.supported) {
      await time.increase(PERIOD);
      const status = (await run.f.subscriptions.getSubscription(id1)).status;
      if (status === Status.Active || status === Status.PastDue) {
        await charge(run, id1, first.address, "charge once the token works again");
      }
    }
  },

  /** A plan whose whole price is the fee: nothing is due to the payee, so no zero leg may be pulled. */
  "full-fee": async (entry) => {
    const run = await startSubscriptionRun(entry, 10_000);
    await subscribe(run, run.subscribers[0]!, 10_000n);
  },

  /** subscribeWithPermit by a subscriber who never approved the module. */
  permit: async (entry) => {
    const run = await startSubscriptionRun(entry);
    const buyer = run.f.stranger;
    await (await run.d.token.getFunction("mint")(buyer.address, 100n * run.d.unit)).wait();
    const module = run.f.subscriptions.connect(buyer);
    const value = 10n * run.d.unit;
    const deadline = BigInt(await time.latest()) + BigInt(DAY);
    const sig = run.d.entry.permit
      ? await signPermit(buyer, run.d.address, await module.getAddress(), value, deadline)
      : { v: 27, r: `0x${"00".repeat(32)}`, s: `0x${"00".repeat(32)}` };
    const works = run.d.entry.permit && run.d.entry.supported;
    const worked = await runStep(
      run,
      "subscribeWithPermit",
      (s) =>
        s
          ? module.subscribeWithPermit.staticCall(run.planId, value, deadline, sig.v, sig.r, sig.s)
          : module.subscribeWithPermit(run.planId, value, deadline, sig.v, sig.r, sig.s),
      chargeMoves(run, buyer.address, 100n),
      works,
    );
    // Without permit (even one whose fallback accepts the call) and without an allowance, nothing moves.
    if (!run.d.entry.permit) expect(worked).to.equal(false);
  },
};
