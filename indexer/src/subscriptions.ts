/** Subscriptions (`CofferSubscriptions`): plans, subscriptions, charges and failed charges, ETH deposits, credits. */
import { ponder, type Context } from "ponder:registry";
import { plan, subscription, subscriptionCharge, subscriptionDeposit } from "ponder:schema";
import {
  ZERO,
  lc,
  logId,
  moved,
  named,
  record,
  addCredit,
  recordWithdrawal,
  type Hex,
  type EventMeta,
  type Party,
} from "./ledger";
import { notify } from "./notifications";
import { FAILURE_REASONS, type FailureReason, type SubscriptionStatus } from "./statuses";
import { seeToken } from "./tokens";

/** The contract's `FailureReason` by number, lower snake_case. */
const failureReasonOf = (reason: number): FailureReason => FAILURE_REASONS[reason] ?? "unknown";

async function getPlan(context: Context, id: bigint) {
  const row = await context.db.find(plan, { chainId: context.chain.id, id });
  if (row === null) throw new Error(`Plan ${id} on chain ${context.chain.id} was never created`);
  return row;
}

/**
 * Everyone a subscription's event names, for its activity: the subscriber, the plan's merchant and its payee (a
 * split, say, when the plan pays one), in this order (a merchant that is its own payee is named `merchant`).
 */
function subscriptionNamed(subscriber: Hex, merchant: Hex, payee: Hex): Party[] {
  return [
    { account: subscriber, role: "subscriber", counterparty: merchant },
    { account: merchant, role: "merchant", counterparty: subscriber },
    { account: payee, role: "payee", counterparty: subscriber },
  ];
}

async function getSubscription(context: Context, id: bigint) {
  const row = await context.db.find(subscription, { chainId: context.chain.id, id });
  if (row === null) throw new Error(`Subscription ${id} on chain ${context.chain.id} was never created`);
  return row;
}

ponder.on("CofferSubscriptions:PlanCreated", async ({ event, context }) => {
  const p = event.args.plan;
  const merchant = lc(event.args.merchant);
  await context.db.insert(plan).values({
    chainId: context.chain.id,
    id: event.args.planId,
    merchant,
    payee: lc(p.payee),
    token: lc(p.token),
    amount: p.amount,
    period: p.period,
    trial: p.trial,
    grace: p.grace,
    feeBps: p.feeBps,
    feeReceiver: lc(p.feeReceiver),
    retired: p.retired,
    createdAt: event.block.timestamp,
  });
  await seeToken(context, event, lc(p.token));
  const reference = event.args.planId.toString();
  const token = lc(p.token);
  const rows = await record(context, event, "plan_created", [
    { account: merchant, amount: 0n, token, reference, role: "merchant" },
  ]);
  await named(
    context,
    event,
    "plan_created",
    { token, reference, counterparty: merchant },
    [
      { account: lc(p.payee), role: "payee" },
      { account: lc(p.feeReceiver), role: "fee_receiver" },
    ],
    rows,
  );
});

ponder.on("CofferSubscriptions:PlanRetired", async ({ event, context }) => {
  await context.db.update(plan, { chainId: context.chain.id, id: event.args.planId }).set({ retired: true });
});

ponder.on("CofferSubscriptions:SubscriptionCreated", async ({ event, context }) => {
  const { subscriptionId, planId, anchor } = event.args;
  const subscriber = lc(event.args.subscriber);
  const merchant = lc(event.args.merchant);
  const p = await getPlan(context, planId);
  await context.db.insert(subscription).values({
    chainId: context.chain.id,
    id: subscriptionId,
    planId,
    subscriber,
    merchant,
    status: "active",
    statusBeforePause: "none",
    anchor: BigInt(anchor),
    nextPeriod: 0n,
    pastDueSince: 0n,
    nextChargeAt: BigInt(anchor),
    successfulCharges: 0,
    failedCharges: 0,
    totalCharged: 0n,
    createdAt: event.block.timestamp,
  });
  const reference = subscriptionId.toString();
  await notify(context, event, "subscription.created", {
    subscriptionId: reference,
    planId: planId.toString(),
    subscriber,
    merchant,
    payee: p.payee,
    token: p.token,
    amount: p.amount,
    period: p.period,
    firstChargeAt: Number(anchor),
  });
  const rows = await record(context, event, "subscription_created", [
    { account: subscriber, amount: 0n, token: p.token, counterparty: merchant, reference, role: "subscriber" },
    { account: merchant, amount: 0n, token: p.token, counterparty: subscriber, reference, role: "merchant" },
  ]);
  await named(
    context,
    event,
    "subscription_created",
    { token: p.token, reference },
    subscriptionNamed(subscriber, merchant, p.payee),
    rows,
  );
});

ponder.on("CofferSubscriptions:SubscriptionCharged", async ({ event, context }) => {
  const { subscriptionId, planId, amount, fee, periodIndex } = event.args;
  const subscriber = lc(event.args.subscriber);
  const merchant = lc(event.args.merchant);
  const token = lc(event.args.token);
  const s = await getSubscription(context, subscriptionId);
  const p = await getPlan(context, planId);
  const nextPeriod = BigInt(periodIndex) + 1n;
  await context.db.update(subscription, { chainId: context.chain.id, id: subscriptionId }).set({
    status: "active",
    nextPeriod,
    pastDueSince: 0n,
    nextChargeAt: s.anchor + nextPeriod * BigInt(p.period),
    successfulCharges: s.successfulCharges + 1,
    totalCharged: s.totalCharged + amount,
  });
  await context.db.insert(subscriptionCharge).values({
    chainId: context.chain.id,
    id: logId(event),
    subscriptionId,
    planId,
    subscriber,
    merchant,
    payee: p.payee,
    token,
    amount,
    fee,
    periodIndex,
    success: true,
    failureReason: null,
    revertData: null,
    transactionHash: event.transaction.hash,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
  });
  if (token === ZERO) await addDeposit(context, subscriber, -amount);
  const reference = subscriptionId.toString();
  await notify(context, event, "subscription.charged", {
    subscriptionId: reference,
    planId: planId.toString(),
    subscriber,
    merchant,
    payee: p.payee,
    token,
    amount,
    fee,
    periodIndex,
  });
  // A token charge moves the subscriber's tokens; an ETH charge pays from the deposit, already in the contract.
  const from = token === ZERO ? lc(event.log.address) : subscriber;
  const fromRole = token === ZERO ? "contract" : "subscriber";
  const paid = await moved(context, event, "subscription_charged", {
    token,
    from,
    to: p.payee,
    value: amount - fee,
    reference,
    fromRole,
    toRole: "payee",
  });
  const feePaid = await moved(
    context,
    event,
    "subscription_charged",
    { token, from, to: p.feeReceiver, value: fee, reference, fromRole, toRole: "fee_receiver" },
    1,
  );
  // The merchant of a plan that pays another payee (a split) sees the charge too, as does a fee receiver of no fee.
  await named(
    context,
    event,
    "subscription_charged",
    { token, reference },
    [
      ...subscriptionNamed(subscriber, merchant, p.payee),
      { account: p.feeReceiver, role: "fee_receiver", counterparty: subscriber },
    ],
    [...paid, ...feePaid],
  );
});

ponder.on("CofferSubscriptions:SubscriptionChargeFailed", async ({ event, context }) => {
  const { subscriptionId, planId, amount, periodIndex, reason, revertData } = event.args;
  const subscriber = lc(event.args.subscriber);
  const merchant = lc(event.args.merchant);
  const token = lc(event.args.token);
  const s = await getSubscription(context, subscriptionId);
  const p = await getPlan(context, planId);
  // Read before the update: Ponder's cache hands out the row it then updates in place.
  const becomesPastDue = s.status !== "past_due";
  await context.db.update(subscription, { chainId: context.chain.id, id: subscriptionId }).set({
    status: "past_due",
    pastDueSince: s.status === "past_due" ? s.pastDueSince : event.block.timestamp,
    failedCharges: s.failedCharges + 1,
  });
  await context.db.insert(subscriptionCharge).values({
    chainId: context.chain.id,
    id: logId(event),
    subscriptionId,
    planId,
    subscriber,
    merchant,
    payee: p.payee,
    token,
    amount,
    fee: 0n,
    periodIndex,
    success: false,
    failureReason: failureReasonOf(reason),
    revertData,
    transactionHash: event.transaction.hash,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
  });
  const failed = {
    subscriptionId: subscriptionId.toString(),
    planId: planId.toString(),
    subscriber,
    merchant,
    token,
    amount,
    periodIndex,
  };
  const failureReason = failureReasonOf(reason);
  await notify(context, event, "subscription.charge_failed", { ...failed, reason: failureReason });
  // The first failure makes the subscription past due; a failed retry leaves it so.
  if (becomesPastDue) await notify(context, event, "subscription.past_due", failed, 1);
  const reference = subscriptionId.toString();
  await named(
    context,
    event,
    "subscription_charge_failed",
    { token, reference },
    subscriptionNamed(subscriber, merchant, p.payee),
  );
});

/**
 * What a pause, resume, lapse or cancel does to a subscription; `kind` names the event (`subscription.<kind>`, the
 * activity `subscription_<kind>`).
 */
async function setSubscriptionStatus(
  context: Context,
  event: EventMeta,
  id: bigint,
  kind: "paused" | "resumed" | "lapsed" | "canceled",
  by?: Hex,
) {
  const s = await getSubscription(context, id);
  let updates: { status: SubscriptionStatus; statusBeforePause?: SubscriptionStatus; nextChargeAt?: null };
  if (kind === "paused") {
    updates = { status: "paused", statusBeforePause: s.status };
  } else if (kind === "resumed") {
    // The contract resumes only a paused subscription, so a pause set this first.
    if (s.statusBeforePause === "none") {
      throw new Error(`Subscription ${id} on chain ${context.chain.id} resumed without a pause before it`);
    }
    updates = { status: s.statusBeforePause };
  } else {
    updates = { status: kind, nextChargeAt: null };
  }
  await context.db.update(subscription, { chainId: context.chain.id, id }).set(updates);
  const reference = id.toString();
  const p = await getPlan(context, s.planId);
  await notify(context, event, `subscription.${kind}`, {
    subscriptionId: reference,
    planId: s.planId.toString(),
    subscriber: s.subscriber,
    merchant: s.merchant,
    payee: p.payee,
    token: p.token,
    status: updates.status,
    ...(by === undefined ? {} : { by }),
  });
  // `by` (a cancel's) is the subscriber or the merchant, named either way.
  await named(context, event, `subscription_${kind}`, { token: p.token, reference }, [
    ...subscriptionNamed(s.subscriber, s.merchant, p.payee),
    ...(by === undefined ? [] : [{ account: by, role: "party" as const, counterparty: s.subscriber }]),
  ]);
}

ponder.on("CofferSubscriptions:SubscriptionLapsed", async ({ event, context }) => {
  await setSubscriptionStatus(context, event, event.args.subscriptionId, "lapsed");
});

ponder.on("CofferSubscriptions:SubscriptionCancelled", async ({ event, context }) => {
  await setSubscriptionStatus(context, event, event.args.subscriptionId, "canceled", lc(event.args.by));
});

ponder.on("CofferSubscriptions:SubscriptionPaused", async ({ event, context }) => {
  await setSubscriptionStatus(context, event, event.args.subscriptionId, "paused");
});

ponder.on("CofferSubscriptions:SubscriptionResumed", async ({ event, context }) => {
  await setSubscriptionStatus(context, event, event.args.subscriptionId, "resumed");
});

ponder.on("CofferSubscriptions:SubscriptionChargeSkipped", async ({ event, context }) => {
  const s = await getSubscription(context, event.args.subscriptionId);
  const p = await getPlan(context, s.planId);
  await named(
    context,
    event,
    "subscription_charge_skipped",
    { token: p.token, reference: event.args.subscriptionId.toString() },
    subscriptionNamed(s.subscriber, s.merchant, p.payee),
  );
});

async function addDeposit(context: Context, subscriber: Hex, delta: bigint) {
  await context.db
    .insert(subscriptionDeposit)
    .values({ chainId: context.chain.id, account: subscriber, amount: delta })
    .onConflictDoUpdate((row) => ({ amount: row.amount + delta }));
}

ponder.on("CofferSubscriptions:Deposited", async ({ event, context }) => {
  const subscriber = lc(event.args.subscriber);
  await addDeposit(context, subscriber, event.args.amount);
  await moved(context, event, "deposit", {
    token: ZERO,
    from: subscriber,
    to: lc(event.log.address),
    value: event.args.amount,
    fromRole: "subscriber",
    toRole: "contract",
  });
});

ponder.on("CofferSubscriptions:DepositWithdrawn", async ({ event, context }) => {
  const subscriber = lc(event.args.subscriber);
  await addDeposit(context, subscriber, -event.args.amount);
  const to = lc(event.args.to);
  const covered = await moved(context, event, "deposit_withdrawn", {
    token: ZERO,
    from: lc(event.log.address),
    to,
    value: event.args.amount,
    reference: subscriber,
    fromRole: "contract",
    toRole: to === subscriber ? "subscriber" : "recipient",
  });
  await named(
    context,
    event,
    "deposit_withdrawn",
    { token: ZERO, reference: subscriber, counterparty: to },
    [{ account: subscriber, role: "subscriber" }],
    covered,
  );
});

ponder.on("CofferSubscriptions:PayoutCredited", async ({ event, context }) => {
  const holder = lc(event.args.account);
  await addCredit(context, lc(event.log.address), "subscriptions", holder, ZERO, event.args.amount);
  // Credited, not paid: the money stays in the contract (the `credit` table), and moves when withdrawn.
  await record(context, event, "payout_credited", [{ account: holder, amount: 0n, token: ZERO, role: "holder" }]);
});

ponder.on("CofferSubscriptions:CreditWithdrawn", async ({ event, context }) => {
  await recordWithdrawal(
    context,
    event,
    "subscriptions",
    lc(event.args.account),
    ZERO,
    lc(event.args.to),
    event.args.amount,
  );
});
