/**
 * Coffer's indexing functions: every event of the escrow, subscriptions, splits and treasury module, the
 * treasury Safe's executions and the configured tokens' transfers, turned into the tables of `ponder.schema.ts`.
 */
import { ponder, type Context } from "ponder:registry";
import {
  account,
  activity,
  budget,
  budgetSpend,
  credit,
  distribution,
  distributionShare,
  escrowBalance,
  invoice,
  payment,
  paymentStep,
  plan,
  queueLimit,
  queuedTransfer,
  safeExecution,
  safeState,
  split,
  splitRecipient,
  subscription,
  subscriptionCharge,
  subscriptionDeposit,
  sweep,
  tokenBalance,
  treasuryPolicy,
  withdrawal,
} from "ponder:schema";
import { and, eq } from "ponder";
import { decodeAbiParameters } from "viem";
import { notify } from "./notifications";
import { seeToken } from "./tokens";

type Hex = `0x${string}`;
const ZERO: Hex = "0x0000000000000000000000000000000000000000";
const ALLOCATION_TOTAL = 1_000_000n;
const FAILURE_REASON = ["AllowanceTooLow", "BalanceTooLow", "TransferFailed", "WrongAmountDelivered"] as const;

/** The parts of a Ponder event that every handler here reads. */
interface EventMeta {
  readonly block: { readonly number: bigint; readonly timestamp: bigint; readonly hash: Hex };
  readonly log: { readonly logIndex: number; readonly address: Hex };
  readonly transaction: { readonly hash: Hex };
}

const lc = (address: string): Hex => address.toLowerCase() as Hex;

/** Sortable id of a log: block, then log index (zero-padded so that text order is chain order). */
function logId(event: EventMeta): string {
  return `${event.block.number.toString().padStart(12, "0")}-${event.log.logIndex.toString().padStart(6, "0")}`;
}

async function touch(context: Context, address: Hex, event: EventMeta): Promise<void> {
  if (address === ZERO) return;
  await context.db
    .insert(account)
    .values({
      chainId: context.chain.id,
      address,
      firstSeenBlock: event.block.number,
      firstSeenAt: event.block.timestamp,
    })
    .onConflictDoNothing();
}

/** One activity row per touched account; `rows` are numbered within the event so that ids stay unique. */
async function record(
  context: Context,
  event: EventMeta,
  kind: string,
  rows: readonly {
    account: Hex;
    amount: bigint;
    token?: Hex | null;
    counterparty?: Hex | null;
    reference?: string | null;
  }[],
): Promise<void> {
  let n = 0;
  for (const row of rows) {
    n += 1;
    if (row.account === ZERO) continue;
    await touch(context, row.account, event);
    await context.db.insert(activity).values({
      chainId: context.chain.id,
      id: `${logId(event)}-${n.toString().padStart(2, "0")}`,
      account: row.account,
      kind,
      reference: row.reference ?? null,
      token: row.token ?? null,
      amount: row.amount,
      counterparty: row.counterparty ?? null,
      contract: lc(event.log.address),
      transactionHash: event.transaction.hash,
      blockNumber: event.block.number,
      logIndex: event.log.logIndex,
      timestamp: event.block.timestamp,
    });
  }
}

async function addTokenBalance(context: Context, owner: Hex, token: Hex, delta: bigint, block: bigint) {
  if (owner === ZERO || delta === 0n) return;
  await context.db
    .insert(tokenBalance)
    .values({ chainId: context.chain.id, account: owner, token, balance: delta, updatedBlock: block })
    .onConflictDoUpdate((row) => ({ balance: row.balance + delta, updatedBlock: block }));
}

async function addEscrowed(context: Context, payer: Hex, token: Hex, delta: bigint) {
  await context.db
    .insert(escrowBalance)
    .values({ chainId: context.chain.id, account: payer, token, amount: delta })
    .onConflictDoUpdate((row) => ({ amount: row.amount + delta }));
}

async function addCredit(
  context: Context,
  source: Hex,
  sourceKind: "escrow" | "subscriptions" | "split",
  holder: Hex,
  token: Hex,
  delta: bigint,
) {
  await context.db
    .insert(credit)
    .values({ chainId: context.chain.id, source, sourceKind, account: holder, token, amount: delta })
    .onConflictDoUpdate((row) => ({ amount: row.amount + delta }));
}

async function recordWithdrawal(
  context: Context,
  event: EventMeta,
  sourceKind: "escrow" | "subscriptions" | "split",
  holder: Hex,
  token: Hex,
  to: Hex,
  amount: bigint,
) {
  const source = lc(event.log.address);
  await addCredit(context, source, sourceKind, holder, token, -amount);
  await context.db.insert(withdrawal).values({
    chainId: context.chain.id,
    id: logId(event),
    source,
    sourceKind,
    account: holder,
    token,
    to,
    amount,
    transactionHash: event.transaction.hash,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
  });
  await record(context, event, "credit_withdrawn", [{ account: holder, amount, token, counterparty: to }]);
}

// ─── Escrow ──────────────────────────────────────────────────────────────────────────────────────────────

async function addStep(
  context: Context,
  event: EventMeta,
  paymentId: Hex,
  kind: string,
  amount: bigint,
  fee = 0n,
  extra: { payerAmount?: bigint; actor?: Hex } = {},
) {
  await context.db.insert(paymentStep).values({
    chainId: context.chain.id,
    id: logId(event),
    paymentId,
    kind,
    amount,
    fee,
    payerAmount: extra.payerAmount ?? null,
    actor: extra.actor ?? null,
    transactionHash: event.transaction.hash,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
  });
}

/**
 * A payment's state in a word, from what it holds now: funds still capturable come first (`authorized`, or
 * `partially_captured` once some were captured), then what became of the captured funds (`captured`,
 * `partially_refunded`, `refunded`); with nothing captured and nothing held, how it was `released`. Disputes and
 * resolutions set their own state.
 */
function paymentState(
  p: { capturable: bigint; captured: bigint; refundable: bigint; refunded: bigint },
  released: "voided" | "reclaimed" = "voided",
): string {
  if (p.capturable > 0n) return p.captured > 0n ? "partially_captured" : "authorized";
  if (p.captured === 0n) return released;
  if (p.refundable === 0n) return "refunded";
  return p.refunded > 0n ? "partially_refunded" : "captured";
}

/** The fields every payment event announces: the payment, its reference and its parties. */
function paymentParties(id: Hex, p: { referenceId: Hex; payer: Hex; payee: Hex; operator: Hex; token: Hex }) {
  return {
    paymentId: id,
    reference: p.referenceId,
    payer: p.payer,
    payee: p.payee,
    merchant: p.payee,
    operator: p.operator,
    token: p.token,
  };
}

async function getPayment(context: Context, id: Hex) {
  const row = await context.db.find(payment, { chainId: context.chain.id, id });
  if (row === null) throw new Error(`Payment ${id} on chain ${context.chain.id} was never authorized`);
  return row;
}

interface PaymentStruct {
  operator: Hex;
  payer: Hex;
  payee: Hex;
  token: Hex;
  maxAmount: bigint;
  preApprovalExpiry: number;
  authorizationExpiry: number;
  refundExpiry: number;
  minFeeBps: number;
  maxFeeBps: number;
  feeReceiver: Hex;
  arbiter: Hex;
  referenceId: Hex;
  salt: bigint;
}

function paymentFields(p: PaymentStruct) {
  return {
    operator: lc(p.operator),
    payer: lc(p.payer),
    payee: lc(p.payee),
    token: lc(p.token),
    maxAmount: p.maxAmount,
    preApprovalExpiry: BigInt(p.preApprovalExpiry),
    authorizationExpiry: BigInt(p.authorizationExpiry),
    refundExpiry: BigInt(p.refundExpiry),
    minFeeBps: p.minFeeBps,
    maxFeeBps: p.maxFeeBps,
    feeReceiver: lc(p.feeReceiver),
    arbiter: lc(p.arbiter),
    referenceId: p.referenceId,
    salt: p.salt,
  };
}

ponder.on("CofferEscrow:PaymentAuthorized", async ({ event, context }) => {
  const fields = paymentFields(event.args.payment);
  const { amount, paymentId } = event.args;
  await context.db.insert(payment).values({
    chainId: context.chain.id,
    id: paymentId,
    ...fields,
    mode: "authorized",
    state: "authorized",
    status: "Authorized",
    authorized: amount,
    capturable: amount,
    refundable: 0n,
    captured: 0n,
    fees: 0n,
    refunded: 0n,
    returned: 0n,
    createdAt: event.block.timestamp,
    createdBlock: event.block.number,
    updatedAt: event.block.timestamp,
  });
  await addStep(context, event, paymentId, "authorized", amount);
  await seeToken(context, fields.token, event.block.number);
  await notify(context, event, "payment.authorized", {
    ...paymentParties(paymentId, fields),
    amount,
    authorizationExpiry: Number(fields.authorizationExpiry),
    refundExpiry: Number(fields.refundExpiry),
  });
  await addEscrowed(context, fields.payer, fields.token, amount);
  await record(context, event, "payment_authorized", [
    { account: fields.payer, amount: -amount, token: fields.token, counterparty: fields.payee, reference: paymentId },
    { account: fields.payee, amount: 0n, token: fields.token, counterparty: fields.payer, reference: paymentId },
  ]);
});

ponder.on("CofferEscrow:PaymentCharged", async ({ event, context }) => {
  const fields = paymentFields(event.args.payment);
  const { amount, fee, paymentId } = event.args;
  await context.db.insert(payment).values({
    chainId: context.chain.id,
    id: paymentId,
    ...fields,
    mode: "charged",
    state: "captured",
    status: "Authorized",
    authorized: amount,
    capturable: 0n,
    refundable: amount,
    captured: amount,
    fees: fee,
    refunded: 0n,
    returned: 0n,
    createdAt: event.block.timestamp,
    createdBlock: event.block.number,
    updatedAt: event.block.timestamp,
  });
  await addStep(context, event, paymentId, "charged", amount, fee);
  await seeToken(context, fields.token, event.block.number);
  await notify(context, event, "payment.charged", {
    ...paymentParties(paymentId, fields),
    amount,
    fee,
    refundExpiry: Number(fields.refundExpiry),
  });
  await record(context, event, "payment_charged", [
    { account: fields.payer, amount: -amount, token: fields.token, counterparty: fields.payee, reference: paymentId },
    {
      account: fields.payee,
      amount: amount - fee,
      token: fields.token,
      counterparty: fields.payer,
      reference: paymentId,
    },
    ...(fee === 0n
      ? []
      : [
          {
            account: fields.feeReceiver,
            amount: fee,
            token: fields.token,
            counterparty: fields.payer,
            reference: paymentId,
          },
        ]),
  ]);
});

ponder.on("CofferEscrow:PaymentCaptured", async ({ event, context }) => {
  const { paymentId, amount, fee } = event.args;
  const p = await getPayment(context, paymentId);
  const capturable = p.capturable - amount;
  await context.db.update(payment, { chainId: context.chain.id, id: paymentId }).set({
    capturable,
    refundable: p.refundable + amount,
    captured: p.captured + amount,
    fees: p.fees + fee,
    state: paymentState({
      capturable,
      captured: p.captured + amount,
      refundable: p.refundable + amount,
      refunded: p.refunded,
    }),
    updatedAt: event.block.timestamp,
  });
  await addStep(context, event, paymentId, "captured", amount, fee);
  await notify(context, event, "payment.captured", { ...paymentParties(paymentId, p), amount, fee });
  await addEscrowed(context, p.payer, p.token, -amount);
  await record(context, event, "payment_captured", [
    { account: p.payee, amount: amount - fee, token: p.token, counterparty: p.payer, reference: paymentId },
    ...(fee === 0n
      ? []
      : [{ account: p.feeReceiver, amount: fee, token: p.token, counterparty: p.payer, reference: paymentId }]),
  ]);
});

async function release(
  context: Context,
  event: EventMeta,
  paymentId: Hex,
  amount: bigint,
  kind: "voided" | "reclaimed",
) {
  const p = await getPayment(context, paymentId);
  await context.db.update(payment, { chainId: context.chain.id, id: paymentId }).set({
    capturable: 0n,
    returned: p.returned + amount,
    state: paymentState({ ...p, capturable: 0n }, kind),
    updatedAt: event.block.timestamp,
  });
  await addStep(context, event, paymentId, kind, amount);
  await notify(context, event, `payment.${kind}`, { ...paymentParties(paymentId, p), amount });
  await addEscrowed(context, p.payer, p.token, -amount);
  await record(context, event, `payment_${kind}`, [
    { account: p.payer, amount, token: p.token, counterparty: p.payee, reference: paymentId },
  ]);
}

ponder.on("CofferEscrow:PaymentVoided", async ({ event, context }) => {
  await release(context, event, event.args.paymentId, event.args.amount, "voided");
});

ponder.on("CofferEscrow:PaymentReclaimed", async ({ event, context }) => {
  await release(context, event, event.args.paymentId, event.args.amount, "reclaimed");
});

ponder.on("CofferEscrow:PaymentRefunded", async ({ event, context }) => {
  const { paymentId, amount } = event.args;
  const refunder = lc(event.args.refunder);
  const p = await getPayment(context, paymentId);
  const refundable = p.refundable - amount;
  await context.db.update(payment, { chainId: context.chain.id, id: paymentId }).set({
    refundable,
    refunded: p.refunded + amount,
    state: paymentState({ ...p, refundable, refunded: p.refunded + amount }),
    updatedAt: event.block.timestamp,
  });
  await addStep(context, event, paymentId, "refunded", amount, 0n, { actor: refunder });
  await notify(context, event, "payment.refunded", { ...paymentParties(paymentId, p), amount, refunder });
  await record(context, event, "payment_refunded", [
    { account: p.payer, amount, token: p.token, counterparty: refunder, reference: paymentId },
    { account: refunder, amount: -amount, token: p.token, counterparty: p.payer, reference: paymentId },
  ]);
});

ponder.on("CofferEscrow:PaymentDisputed", async ({ event, context }) => {
  const { paymentId, amount } = event.args;
  const p = await getPayment(context, paymentId);
  await context.db
    .update(payment, { chainId: context.chain.id, id: paymentId })
    .set({ status: "Disputed", state: "disputed", updatedAt: event.block.timestamp });
  await addStep(context, event, paymentId, "disputed", amount);
  await notify(context, event, "payment.disputed", { ...paymentParties(paymentId, p), amount });
  await record(context, event, "payment_disputed", [
    { account: p.payer, amount: 0n, token: p.token, counterparty: p.payee, reference: paymentId },
    { account: p.payee, amount: 0n, token: p.token, counterparty: p.payer, reference: paymentId },
  ]);
});

ponder.on("CofferEscrow:PaymentResolved", async ({ event, context }) => {
  const { paymentId, payerAmount, payeeAmount } = event.args;
  const p = await getPayment(context, paymentId);
  await context.db.update(payment, { chainId: context.chain.id, id: paymentId }).set({
    capturable: 0n,
    refundable: p.refundable + payeeAmount,
    captured: p.captured + payeeAmount,
    returned: p.returned + payerAmount,
    status: "Resolved",
    state: "resolved",
    updatedAt: event.block.timestamp,
  });
  await addStep(context, event, paymentId, "resolved", payeeAmount, 0n, { payerAmount });
  await notify(context, event, "payment.resolved", { ...paymentParties(paymentId, p), payerAmount, payeeAmount });
  await addEscrowed(context, p.payer, p.token, -(payerAmount + payeeAmount));
  await record(context, event, "payment_resolved", [
    { account: p.payer, amount: payerAmount, token: p.token, counterparty: p.payee, reference: paymentId },
    { account: p.payee, amount: payeeAmount, token: p.token, counterparty: p.payer, reference: paymentId },
  ]);
});

ponder.on("CofferEscrow:PayoutCredited", async ({ event, context }) => {
  const holder = lc(event.args.account);
  const token = lc(event.args.token);
  await addCredit(context, lc(event.log.address), "escrow", holder, token, event.args.amount);
  await record(context, event, "payout_credited", [{ account: holder, amount: event.args.amount, token }]);
});

ponder.on("CofferEscrow:CreditWithdrawn", async ({ event, context }) => {
  const { account: holder, token, to, amount } = event.args;
  await recordWithdrawal(context, event, "escrow", lc(holder), lc(token), lc(to), amount);
});

ponder.on("CofferEscrow:InvoicePaid", async ({ event, context }) => {
  const { invoiceId, amount, referenceId } = event.args;
  const payee = lc(event.args.payee);
  const payer = lc(event.args.payer);
  const token = lc(event.args.token);
  await context.db.insert(invoice).values({
    chainId: context.chain.id,
    id: invoiceId,
    payee,
    payer,
    token,
    amount,
    referenceId,
    transactionHash: event.transaction.hash,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
  });
  await seeToken(context, token, event.block.number);
  await notify(context, event, "invoice.paid", {
    invoiceId,
    reference: referenceId,
    payer,
    payee,
    merchant: payee,
    token,
    amount,
  });
  await record(context, event, "invoice_paid", [
    { account: payer, amount: -amount, token, counterparty: payee, reference: invoiceId },
    { account: payee, amount, token, counterparty: payer, reference: invoiceId },
  ]);
});

ponder.on("CofferEscrow:ComplianceGuardUpdated", async ({ event, context }) => {
  await context.db
    .insert(treasuryPolicy)
    .values({
      chainId: context.chain.id,
      safe: lc(event.log.address),
      key: "escrow:complianceGuard",
      value: { previous: lc(event.args.previousGuard), guard: lc(event.args.newGuard) },
      updatedBlock: event.block.number,
    })
    .onConflictDoUpdate({
      value: { previous: lc(event.args.previousGuard), guard: lc(event.args.newGuard) },
      updatedBlock: event.block.number,
    });
});

// ─── Subscriptions ───────────────────────────────────────────────────────────────────────────────────────

async function getPlan(context: Context, id: bigint) {
  const row = await context.db.find(plan, { chainId: context.chain.id, id });
  if (row === null) throw new Error(`Plan ${id} on chain ${context.chain.id} was never created`);
  return row;
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
  await seeToken(context, lc(p.token), event.block.number);
  await record(context, event, "plan_created", [
    { account: merchant, amount: 0n, token: lc(p.token), reference: event.args.planId.toString() },
  ]);
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
    status: "Active",
    statusBeforePause: "None",
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
  await record(context, event, "subscription_created", [
    { account: subscriber, amount: 0n, token: p.token, counterparty: merchant, reference },
    { account: merchant, amount: 0n, token: p.token, counterparty: subscriber, reference },
  ]);
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
    status: "Active",
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
  await record(context, event, "subscription_charged", [
    { account: subscriber, amount: -amount, token, counterparty: p.payee, reference },
    { account: p.payee, amount: amount - fee, token, counterparty: subscriber, reference },
    ...(fee === 0n ? [] : [{ account: p.feeReceiver, amount: fee, token, counterparty: subscriber, reference }]),
  ]);
});

ponder.on("CofferSubscriptions:SubscriptionChargeFailed", async ({ event, context }) => {
  const { subscriptionId, planId, amount, periodIndex, reason, revertData } = event.args;
  const subscriber = lc(event.args.subscriber);
  const merchant = lc(event.args.merchant);
  const token = lc(event.args.token);
  const s = await getSubscription(context, subscriptionId);
  const p = await getPlan(context, planId);
  // Read before the update: Ponder's cache hands out the row it then updates in place.
  const becomesPastDue = s.status !== "PastDue";
  await context.db.update(subscription, { chainId: context.chain.id, id: subscriptionId }).set({
    status: "PastDue",
    pastDueSince: s.status === "PastDue" ? s.pastDueSince : event.block.timestamp,
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
    failureReason: FAILURE_REASON[reason] ?? `Unknown(${reason})`,
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
  const failureReason = FAILURE_REASON[reason] ?? `Unknown(${reason})`;
  await notify(context, event, "subscription.charge_failed", { ...failed, reason: failureReason });
  // The first failure makes the subscription past due; a failed retry leaves it so.
  if (becomesPastDue) await notify(context, event, "subscription.past_due", failed, 1);
  await record(context, event, "subscription_charge_failed", [
    { account: subscriber, amount: 0n, token, counterparty: merchant, reference: subscriptionId.toString() },
  ]);
});

async function setSubscriptionStatus(context: Context, event: EventMeta, id: bigint, kind: string, by?: Hex) {
  const s = await getSubscription(context, id);
  const updates =
    kind === "paused"
      ? { status: "Paused", statusBeforePause: s.status }
      : kind === "resumed"
        ? { status: s.statusBeforePause }
        : { status: kind === "lapsed" ? "Lapsed" : "Cancelled", nextChargeAt: null };
  await context.db.update(subscription, { chainId: context.chain.id, id }).set(updates);
  const reference = id.toString();
  const p = await getPlan(context, s.planId);
  await notify(context, event, `subscription.${kind === "cancelled" ? "canceled" : kind}`, {
    subscriptionId: reference,
    planId: s.planId.toString(),
    subscriber: s.subscriber,
    merchant: s.merchant,
    payee: p.payee,
    token: p.token,
    status: updates.status,
    ...(by === undefined ? {} : { by }),
  });
  await record(context, event, `subscription_${kind}`, [
    { account: s.subscriber, amount: 0n, counterparty: by ?? s.merchant, reference },
    ...(by !== undefined && by !== s.subscriber
      ? [{ account: by, amount: 0n, counterparty: s.subscriber, reference }]
      : []),
  ]);
}

ponder.on("CofferSubscriptions:SubscriptionLapsed", async ({ event, context }) => {
  await setSubscriptionStatus(context, event, event.args.subscriptionId, "lapsed");
});

ponder.on("CofferSubscriptions:SubscriptionCancelled", async ({ event, context }) => {
  await setSubscriptionStatus(context, event, event.args.subscriptionId, "cancelled", lc(event.args.by));
});

ponder.on("CofferSubscriptions:SubscriptionPaused", async ({ event, context }) => {
  await setSubscriptionStatus(context, event, event.args.subscriptionId, "paused");
});

ponder.on("CofferSubscriptions:SubscriptionResumed", async ({ event, context }) => {
  await setSubscriptionStatus(context, event, event.args.subscriptionId, "resumed");
});

ponder.on("CofferSubscriptions:SubscriptionChargeSkipped", async ({ event, context }) => {
  const s = await getSubscription(context, event.args.subscriptionId);
  await record(context, event, "subscription_charge_skipped", [
    {
      account: s.subscriber,
      amount: 0n,
      counterparty: s.merchant,
      reference: event.args.subscriptionId.toString(),
    },
  ]);
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
  await record(context, event, "deposit", [{ account: subscriber, amount: -event.args.amount, token: ZERO }]);
});

ponder.on("CofferSubscriptions:DepositWithdrawn", async ({ event, context }) => {
  const subscriber = lc(event.args.subscriber);
  await addDeposit(context, subscriber, -event.args.amount);
  await record(context, event, "deposit_withdrawn", [
    { account: subscriber, amount: event.args.amount, token: ZERO, counterparty: lc(event.args.to) },
  ]);
});

ponder.on("CofferSubscriptions:PayoutCredited", async ({ event, context }) => {
  const holder = lc(event.args.account);
  await addCredit(context, lc(event.log.address), "subscriptions", holder, ZERO, event.args.amount);
  await record(context, event, "payout_credited", [{ account: holder, amount: event.args.amount, token: ZERO }]);
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

// ─── Splits ──────────────────────────────────────────────────────────────────────────────────────────────

interface SplitConfig {
  readonly recipients: readonly bigint[];
  readonly distributionIncentive: number;
  readonly pullOnly: boolean;
}

/** `allocation << 160 | recipient` words → recipients and allocations. */
function decodeRecipients(config: SplitConfig): { recipient: Hex; allocation: bigint }[] {
  return config.recipients.map((word) => ({
    recipient: lc(`0x${(word & ((1n << 160n) - 1n)).toString(16).padStart(40, "0")}`),
    allocation: word >> 160n,
  }));
}

async function writeRecipients(context: Context, splitAddress: Hex, config: SplitConfig) {
  const old = await context.db.sql
    .select()
    .from(splitRecipient)
    .where(and(eq(splitRecipient.chainId, context.chain.id), eq(splitRecipient.split, splitAddress)));
  for (const row of old) {
    await context.db.delete(splitRecipient, {
      chainId: context.chain.id,
      split: splitAddress,
      recipient: row.recipient,
    });
  }
  for (const { recipient, allocation } of decodeRecipients(config)) {
    await context.db
      .insert(splitRecipient)
      .values({ chainId: context.chain.id, split: splitAddress, recipient, allocation: Number(allocation) });
  }
}

ponder.on("CofferSplitFactory:SplitCreated", async ({ event, context }) => {
  const splitAddress = lc(event.args.split);
  const controller = lc(event.args.controller);
  const { config, configHash } = event.args;
  await context.db.insert(split).values({
    chainId: context.chain.id,
    address: splitAddress,
    controller,
    pendingController: ZERO,
    configHash,
    distributionIncentive: config.distributionIncentive,
    pullOnly: config.pullOnly,
    lastDistributionId: null,
    createdAt: event.block.timestamp,
    createdBlock: event.block.number,
  });
  await writeRecipients(context, splitAddress, config);
  await touch(context, splitAddress, event);
  await record(
    context,
    event,
    "split_member",
    decodeRecipients(config).map(({ recipient }) => ({
      account: recipient,
      amount: 0n,
      counterparty: splitAddress,
      reference: splitAddress,
    })),
  );
});

ponder.on("CofferSplit:SplitUpdated", async ({ event, context }) => {
  const splitAddress = lc(event.log.address);
  const { config, configHash } = event.args;
  await context.db.update(split, { chainId: context.chain.id, address: splitAddress }).set({
    configHash,
    distributionIncentive: config.distributionIncentive,
    pullOnly: config.pullOnly,
  });
  await writeRecipients(context, splitAddress, config);
});

ponder.on("CofferSplit:ControlTransferStarted", async ({ event, context }) => {
  await context.db
    .update(split, { chainId: context.chain.id, address: lc(event.log.address) })
    .set({ pendingController: lc(event.args.pendingController) });
});

ponder.on("CofferSplit:ControlTransferred", async ({ event, context }) => {
  await context.db
    .update(split, { chainId: context.chain.id, address: lc(event.log.address) })
    .set({ controller: lc(event.args.newController), pendingController: ZERO });
});

ponder.on("CofferSplit:Distributed", async ({ event, context }) => {
  const splitAddress = lc(event.log.address);
  const token = lc(event.args.token);
  const distributor = lc(event.args.distributor);
  const { amount, incentive } = event.args;
  const id = logId(event);
  const s = await context.db.find(split, { chainId: context.chain.id, address: splitAddress });
  if (s === null) throw new Error(`Split ${splitAddress} on chain ${context.chain.id} was never created`);
  await context.db.insert(distribution).values({
    chainId: context.chain.id,
    id,
    split: splitAddress,
    token,
    distributor,
    amount,
    incentive,
    transactionHash: event.transaction.hash,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
  });
  await context.db.update(split, { chainId: context.chain.id, address: splitAddress }).set({ lastDistributionId: id });
  const recipients = await context.db.sql
    .select()
    .from(splitRecipient)
    .where(and(eq(splitRecipient.chainId, context.chain.id), eq(splitRecipient.split, splitAddress)));
  const rows: { account: Hex; amount: bigint; token: Hex; counterparty: Hex; reference: string }[] = [];
  for (const { recipient, allocation } of recipients) {
    const share = (amount * BigInt(allocation)) / ALLOCATION_TOTAL;
    await context.db.insert(distributionShare).values({
      chainId: context.chain.id,
      id: `${id}-${recipient}`,
      distributionId: id,
      split: splitAddress,
      recipient,
      token,
      amount: share,
      credited: s.pullOnly,
    });
    if (s.pullOnly) await addCredit(context, splitAddress, "split", recipient, token, share);
    rows.push({ account: recipient, amount: share, token, counterparty: splitAddress, reference: splitAddress });
  }
  if (incentive !== 0n) {
    rows.push({ account: distributor, amount: incentive, token, counterparty: splitAddress, reference: splitAddress });
  }
  await seeToken(context, token, event.block.number);
  await notify(context, event, "split.distributed", {
    split: splitAddress,
    token,
    amount,
    incentive,
    distributor,
    pullOnly: s.pullOnly,
    shares: rows.map((row) => ({ account: row.account, amount: row.amount })),
  });
  await record(context, event, s.pullOnly ? "split_share_credited" : "split_share", rows);
});

ponder.on("CofferSplit:PayoutCredited", async ({ event, context }) => {
  const splitAddress = lc(event.log.address);
  const holder = lc(event.args.account);
  const token = lc(event.args.token);
  const { amount } = event.args;
  const s = await context.db.find(split, { chainId: context.chain.id, address: splitAddress });
  if (s?.lastDistributionId) {
    const shareKey = { chainId: context.chain.id, id: `${s.lastDistributionId}-${holder}` };
    const share = await context.db.find(distributionShare, shareKey);
    if (share !== null && !share.credited && share.token === token && share.amount === amount) {
      await context.db.update(distributionShare, shareKey).set({ credited: true });
    }
  }
  await addCredit(context, splitAddress, "split", holder, token, amount);
  await notify(context, event, "split.credited", { split: splitAddress, account: holder, token, amount });
  await record(context, event, "payout_credited", [{ account: holder, amount, token, counterparty: splitAddress }]);
});

ponder.on("CofferSplit:Withdrawn", async ({ event, context }) => {
  const { account: holder, token, to, amount } = event.args;
  await recordWithdrawal(context, event, "split", lc(holder), lc(token), lc(to), amount);
});

// ─── Treasury module ─────────────────────────────────────────────────────────────────────────────────────

async function setPolicy(context: Context, event: EventMeta, safe: Hex, key: string, value: Record<string, unknown>) {
  await context.db
    .insert(treasuryPolicy)
    .values({ chainId: context.chain.id, safe, key, value, updatedBlock: event.block.number })
    .onConflictDoUpdate({ value, updatedBlock: event.block.number });
}

ponder.on("CofferTreasuryModule:OperatorSet", async ({ event, context }) => {
  const { enabled, restricted } = event.args;
  await setPolicy(context, event, lc(event.args.safe), `operator:${lc(event.args.operator)}`, { enabled, restricted });
});

ponder.on("CofferTreasuryModule:OperatorPaused", async ({ event, context }) => {
  await setPolicy(context, event, lc(event.args.safe), `operatorPaused:${lc(event.args.operator)}`, {
    paused: event.args.paused,
  });
});

ponder.on("CofferTreasuryModule:RecipientSet", async ({ event, context }) => {
  const key = `recipient:${lc(event.args.operator)}:${lc(event.args.recipient)}`;
  await setPolicy(context, event, lc(event.args.safe), key, { allowed: event.args.allowed });
});

/** Merges one field into a Safe's `settings` policy ({paused, delay}; a field never set is false / 0). */
async function setSetting(context: Context, event: EventMeta, safe: Hex, field: "paused" | "delay", value: unknown) {
  const row = await context.db.find(treasuryPolicy, { chainId: context.chain.id, safe, key: "settings" });
  const previous = (row?.value ?? { paused: false, delay: 0 }) as Record<string, unknown>;
  await setPolicy(context, event, safe, "settings", { ...previous, [field]: value });
}

ponder.on("CofferTreasuryModule:PausedSet", async ({ event, context }) => {
  await setSetting(context, event, lc(event.args.safe), "paused", event.args.paused);
});

ponder.on("CofferTreasuryModule:QueueDelaySet", async ({ event, context }) => {
  await setSetting(context, event, lc(event.args.safe), "delay", event.args.delay);
});

ponder.on("CofferTreasuryModule:QueueLimitSet", async ({ event, context }) => {
  const key = {
    chainId: context.chain.id,
    safe: lc(event.args.safe),
    operator: lc(event.args.operator),
    token: lc(event.args.token),
  };
  await seeToken(context, key.token, event.block.number);
  await context.db
    .insert(queueLimit)
    .values({ ...key, amount: event.args.amount, period: event.args.period, totalQueued: 0n })
    .onConflictDoUpdate({ amount: event.args.amount, period: event.args.period });
});

ponder.on("CofferTreasuryModule:SweepRuleSet", async ({ event, context }) => {
  await setPolicy(context, event, lc(event.args.safe), `sweep:${lc(event.args.token)}`, {
    cold: lc(event.args.cold),
    cap: event.args.cap.toString(),
  });
});

ponder.on("CofferTreasuryModule:BudgetSet", async ({ event, context }) => {
  const key = {
    chainId: context.chain.id,
    safe: lc(event.args.safe),
    operator: lc(event.args.operator),
    token: lc(event.args.token),
  };
  await seeToken(context, key.token, event.block.number);
  await context.db
    .insert(budget)
    .values({
      ...key,
      amount: event.args.amount,
      period: event.args.period,
      spentInPeriod: 0n,
      spentPeriodIndex: null,
      totalSpent: 0n,
    })
    .onConflictDoUpdate({ amount: event.args.amount, period: event.args.period });
});

ponder.on("CofferTreasuryModule:BudgetSpent", async ({ event, context }) => {
  const safe = lc(event.args.safe);
  const operator = lc(event.args.operator);
  const token = lc(event.args.token);
  const to = lc(event.args.to);
  const { amount, spentInPeriod } = event.args;
  const key = { chainId: context.chain.id, safe, operator, token };
  const row = await context.db.find(budget, key);
  if (row !== null) {
    await context.db.update(budget, key).set({
      spentInPeriod,
      spentPeriodIndex: row.period === 0 ? null : event.block.timestamp / BigInt(row.period),
      totalSpent: row.totalSpent + amount,
    });
  }
  await context.db.insert(budgetSpend).values({
    chainId: context.chain.id,
    id: logId(event),
    safe,
    operator,
    token,
    to,
    amount,
    spentInPeriod,
    transactionHash: event.transaction.hash,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
  });
  await notify(context, event, "treasury.transfer_made", { safe, operator, to, token, amount, spentInPeriod });
  await record(context, event, "budget_spent", [
    { account: safe, amount: -amount, token, counterparty: to, reference: operator },
    { account: to, amount, token, counterparty: safe, reference: operator },
    ...(operator === safe || operator === to ? [] : [{ account: operator, amount: 0n, token, counterparty: to }]),
  ]);
});

ponder.on("CofferTreasuryModule:TransferQueued", async ({ event, context }) => {
  const t = event.args.transfer;
  const row = {
    chainId: context.chain.id,
    id: event.args.transferId,
    safe: lc(t.safe),
    token: lc(t.token),
    to: lc(t.to),
    amount: t.amount,
    operator: lc(t.operator),
    eta: BigInt(t.eta),
    nonce: t.nonce,
    status: "Queued",
    executor: null,
    queuedAt: BigInt(t.queuedAt),
    closedAt: null,
  };
  await context.db.insert(queuedTransfer).values(row);
  await seeToken(context, row.token, event.block.number);
  const limitKey = { chainId: context.chain.id, safe: row.safe, operator: row.operator, token: row.token };
  const limit = await context.db.find(queueLimit, limitKey);
  if (limit !== null)
    await context.db.update(queueLimit, limitKey).set({ totalQueued: limit.totalQueued + row.amount });
  await notify(context, event, "treasury.transfer_queued", {
    transferId: row.id,
    safe: row.safe,
    operator: row.operator,
    to: row.to,
    token: row.token,
    amount: row.amount,
    executableAt: Number(row.eta),
  });
  await record(context, event, "transfer_queued", [
    { account: row.operator, amount: 0n, token: row.token, counterparty: row.to, reference: row.id },
    { account: row.safe, amount: 0n, token: row.token, counterparty: row.to, reference: row.id },
  ]);
});

async function closeQueued(
  context: Context,
  event: EventMeta,
  id: Hex,
  status: "Executed" | "Cancelled",
  executor?: Hex,
) {
  const key = { chainId: context.chain.id, id };
  const row = await context.db.find(queuedTransfer, key);
  if (row === null) throw new Error(`Queued transfer ${id} on chain ${context.chain.id} was never queued`);
  await context.db
    .update(queuedTransfer, key)
    .set({ status, executor: executor ?? null, closedAt: event.block.timestamp });
  await notify(context, event, status === "Executed" ? "treasury.transfer_executed" : "treasury.transfer_canceled", {
    transferId: id,
    safe: row.safe,
    operator: row.operator,
    to: row.to,
    token: row.token,
    amount: row.amount,
    ...(executor === undefined ? {} : { executor }),
  });
  if (status === "Executed") {
    await record(context, event, "transfer_executed", [
      { account: row.safe, amount: -row.amount, token: row.token, counterparty: row.to, reference: id },
      { account: row.to, amount: row.amount, token: row.token, counterparty: row.safe, reference: id },
    ]);
  } else {
    await record(context, event, "transfer_cancelled", [
      { account: row.safe, amount: 0n, token: row.token, counterparty: row.to, reference: id },
      { account: row.operator, amount: 0n, token: row.token, counterparty: row.to, reference: id },
    ]);
  }
}

ponder.on("CofferTreasuryModule:TransferExecuted", async ({ event, context }) => {
  await closeQueued(context, event, event.args.transferId, "Executed", lc(event.args.executor));
});

ponder.on("CofferTreasuryModule:TransferCancelled", async ({ event, context }) => {
  await closeQueued(context, event, event.args.transferId, "Cancelled");
});

ponder.on("CofferTreasuryModule:Swept", async ({ event, context }) => {
  const safe = lc(event.args.safe);
  const token = lc(event.args.token);
  const cold = lc(event.args.cold);
  const { amount } = event.args;
  await context.db.insert(sweep).values({
    chainId: context.chain.id,
    id: logId(event),
    safe,
    token,
    cold,
    amount,
    transactionHash: event.transaction.hash,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
  });
  await seeToken(context, token, event.block.number);
  await notify(context, event, "treasury.swept", { safe, token, cold, amount });
  await record(context, event, "swept", [
    { account: safe, amount: -amount, token, counterparty: cold },
    { account: cold, amount, token, counterparty: safe },
  ]);
});

// ─── Treasury Safe ───────────────────────────────────────────────────────────────────────────────────────

ponder.on("TreasurySafe:SafeMultiSigTransaction", async ({ event, context }) => {
  const safe = lc(event.log.address);
  const [nonce, sender, threshold] = decodeAbiParameters(
    [{ type: "uint256" }, { type: "address" }, { type: "uint256" }],
    event.args.additionalInfo,
  );
  await context.db.insert(safeExecution).values({
    chainId: context.chain.id,
    safe,
    nonce,
    safeTxHash: null,
    to: lc(event.args.to),
    value: event.args.value,
    data: event.args.data,
    callOperation: event.args.operation,
    sender: lc(sender),
    threshold,
    signatures: event.args.signatures,
    success: null,
    payment: null,
    transactionHash: event.transaction.hash,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
  });
  await context.db
    .insert(safeState)
    .values({ chainId: context.chain.id, safe, lastNonce: nonce, executions: 0 })
    .onConflictDoUpdate({ lastNonce: nonce });
});

async function executed(context: Context, event: EventMeta, safeTxHash: Hex, paid: bigint, success: boolean) {
  const safe = lc(event.log.address);
  const state = await context.db.find(safeState, { chainId: context.chain.id, safe });
  if (state === null) throw new Error(`Safe ${safe} executed without a SafeMultiSigTransaction event`);
  const key = { chainId: context.chain.id, safe, nonce: state.lastNonce };
  const row = await context.db.find(safeExecution, key);
  await context.db.update(safeExecution, key).set({ safeTxHash, success, payment: paid });
  await notify(context, event, "safe.transaction_executed", {
    safe,
    safeTxHash,
    nonce: state.lastNonce.toString(),
    success,
    to: row?.to ?? null,
    // The call's value is in the chain's native token (as amounts are); the gas refund, in base units of the
    // transaction's gas token, is left unformatted.
    token: ZERO,
    value: row?.value ?? 0n,
    gasPayment: paid.toString(),
  });
  await context.db.update(safeState, { chainId: context.chain.id, safe }).set({ executions: state.executions + 1 });
  await record(context, event, success ? "safe_execution" : "safe_execution_failed", [
    { account: safe, amount: 0n, counterparty: row?.to ?? null, reference: state.lastNonce.toString() },
    ...(row === null || row.sender === safe
      ? []
      : [{ account: row.sender, amount: 0n, counterparty: safe, reference: state.lastNonce.toString() }]),
  ]);
}

ponder.on("TreasurySafe:ExecutionSuccess", async ({ event, context }) => {
  await executed(context, event, event.args.txHash, event.args.payment, true);
});

ponder.on("TreasurySafe:ExecutionFailure", async ({ event, context }) => {
  await executed(context, event, event.args.txHash, event.args.payment, false);
});

// ─── Tokens ──────────────────────────────────────────────────────────────────────────────────────────────

ponder.on("Token:Transfer", async ({ event, context }) => {
  const token = lc(event.log.address);
  const from = lc(event.args.from);
  const to = lc(event.args.to);
  const { value } = event.args;
  await seeToken(context, token, event.block.number);
  await addTokenBalance(context, from, token, -value, event.block.number);
  await addTokenBalance(context, to, token, value, event.block.number);
  await record(context, event, "transfer", [
    { account: from, amount: -value, token, counterparty: to },
    { account: to, amount: value, token, counterparty: from },
  ]);
});
