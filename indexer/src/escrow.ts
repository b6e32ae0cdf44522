/** The escrow (`CofferEscrow`): payments and their steps, invoices, credits and withdrawals. */
import { ponder, type Context } from "ponder:registry";
import { invoice, payment, paymentStep, treasuryPolicy } from "ponder:schema";
import {
  lc,
  logId,
  moved,
  named,
  record,
  addEscrowed,
  addCredit,
  recordWithdrawal,
  type Hex,
  type EventMeta,
  type Party,
} from "./ledger";
import { notify } from "./notifications";
import type { PaymentState } from "./statuses";
import { seeToken } from "./tokens";

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
): PaymentState {
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

/**
 * Everyone a payment names, for its activity: each of its events names the whole payment (its id is the payment's
 * hash), so each party sees each step, a row of amount 0 where no money of it moved to or from them. In this order
 * a party with two roles (an operator that is the payee) is named by the first.
 */
function paymentNamed(p: { payer: Hex; payee: Hex; operator: Hex; arbiter: Hex; feeReceiver: Hex }): Party[] {
  return [
    { account: p.payer, role: "payer", counterparty: p.payee },
    { account: p.payee, role: "payee", counterparty: p.payer },
    { account: p.operator, role: "operator", counterparty: p.payer },
    { account: p.arbiter, role: "arbiter", counterparty: p.payer },
    { account: p.feeReceiver, role: "fee_receiver", counterparty: p.payer },
  ];
}

/** The role of the account that funded a refund: the payee, else the operator. */
function refunderRole(p: { payee: Hex; operator: Hex }, refunder: Hex): "payee" | "operator" | "party" {
  if (refunder === p.payee) return "payee";
  return refunder === p.operator ? "operator" : "party";
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
    status: "authorized",
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
  await seeToken(context, event, fields.token);
  await notify(context, event, "payment.authorized", {
    ...paymentParties(paymentId, fields),
    amount,
    authorizationExpiry: Number(fields.authorizationExpiry),
    refundExpiry: Number(fields.refundExpiry),
  });
  await addEscrowed(context, fields.payer, fields.token, amount);
  const escrow = lc(event.log.address);
  const { payer, payee, token } = fields;
  const held = await moved(context, event, "payment_authorized", {
    token,
    from: payer,
    to: escrow,
    value: amount,
    reference: paymentId,
    fromRole: "payer",
    toRole: "contract",
  });
  // The payee's row says that the payment is theirs to capture; no money moved to them (amount 0).
  const payeeRow = await record(
    context,
    event,
    "payment_authorized",
    [{ account: payee, amount: 0n, token, counterparty: payer, reference: paymentId, role: "payee" }],
    escrow,
    3,
  );
  await named(context, event, "payment_authorized", { token, reference: paymentId }, paymentNamed(fields), [
    ...held,
    ...payeeRow,
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
    status: "authorized",
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
  await seeToken(context, event, fields.token);
  await notify(context, event, "payment.charged", {
    ...paymentParties(paymentId, fields),
    amount,
    fee,
    refundExpiry: Number(fields.refundExpiry),
  });
  const { payer, payee, feeReceiver, token } = fields;
  const paid = await moved(context, event, "payment_charged", {
    token,
    from: payer,
    to: payee,
    value: amount - fee,
    reference: paymentId,
    fromRole: "payer",
    toRole: "payee",
  });
  const feePaid = await moved(
    context,
    event,
    "payment_charged",
    {
      token,
      from: payer,
      to: feeReceiver,
      value: fee,
      reference: paymentId,
      fromRole: "payer",
      toRole: "fee_receiver",
    },
    1,
  );
  await named(context, event, "payment_charged", { token, reference: paymentId }, paymentNamed(fields), [
    ...paid,
    ...feePaid,
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
  const escrow = lc(event.log.address);
  const reference = paymentId;
  const paid = await moved(context, event, "payment_captured", {
    token: p.token,
    from: escrow,
    to: p.payee,
    value: amount - fee,
    reference,
    fromRole: "contract",
    toRole: "payee",
  });
  const feePaid = await moved(
    context,
    event,
    "payment_captured",
    {
      token: p.token,
      from: escrow,
      to: p.feeReceiver,
      value: fee,
      reference,
      fromRole: "contract",
      toRole: "fee_receiver",
    },
    1,
  );
  await named(context, event, "payment_captured", { token: p.token, reference }, paymentNamed(p), [
    ...paid,
    ...feePaid,
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
  const returned = await moved(context, event, `payment_${kind}`, {
    token: p.token,
    from: lc(event.log.address),
    to: p.payer,
    value: amount,
    reference: paymentId,
    fromRole: "contract",
    toRole: "payer",
  });
  await named(context, event, `payment_${kind}`, { token: p.token, reference: paymentId }, paymentNamed(p), returned);
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
  const refunded = await moved(context, event, "payment_refunded", {
    token: p.token,
    from: refunder,
    to: p.payer,
    value: amount,
    reference: paymentId,
    fromRole: refunderRole(p, refunder),
    toRole: "payer",
  });
  await named(context, event, "payment_refunded", { token: p.token, reference: paymentId }, paymentNamed(p), refunded);
});

ponder.on("CofferEscrow:PaymentDisputed", async ({ event, context }) => {
  const { paymentId, amount } = event.args;
  const p = await getPayment(context, paymentId);
  await context.db
    .update(payment, { chainId: context.chain.id, id: paymentId })
    .set({ status: "disputed", state: "disputed", updatedAt: event.block.timestamp });
  await addStep(context, event, paymentId, "disputed", amount);
  await notify(context, event, "payment.disputed", { ...paymentParties(paymentId, p), amount });
  const rows = await record(context, event, "payment_disputed", [
    { account: p.payer, amount: 0n, token: p.token, counterparty: p.payee, reference: paymentId, role: "payer" },
    { account: p.payee, amount: 0n, token: p.token, counterparty: p.payer, reference: paymentId, role: "payee" },
  ]);
  await named(context, event, "payment_disputed", { token: p.token, reference: paymentId }, paymentNamed(p), rows);
});

ponder.on("CofferEscrow:PaymentResolved", async ({ event, context }) => {
  const { paymentId, payerAmount, payeeAmount } = event.args;
  const p = await getPayment(context, paymentId);
  await context.db.update(payment, { chainId: context.chain.id, id: paymentId }).set({
    capturable: 0n,
    refundable: p.refundable + payeeAmount,
    captured: p.captured + payeeAmount,
    returned: p.returned + payerAmount,
    status: "resolved",
    state: "resolved",
    updatedAt: event.block.timestamp,
  });
  await addStep(context, event, paymentId, "resolved", payeeAmount, 0n, { payerAmount });
  await notify(context, event, "payment.resolved", { ...paymentParties(paymentId, p), payerAmount, payeeAmount });
  await addEscrowed(context, p.payer, p.token, -(payerAmount + payeeAmount));
  const escrow = lc(event.log.address);
  const reference = paymentId;
  const toPayer = await moved(context, event, "payment_resolved", {
    token: p.token,
    from: escrow,
    to: p.payer,
    value: payerAmount,
    reference,
    fromRole: "contract",
    toRole: "payer",
  });
  const toPayee = await moved(
    context,
    event,
    "payment_resolved",
    { token: p.token, from: escrow, to: p.payee, value: payeeAmount, reference, fromRole: "contract", toRole: "payee" },
    1,
  );
  await named(context, event, "payment_resolved", { token: p.token, reference }, paymentNamed(p), [
    ...toPayer,
    ...toPayee,
  ]);
});

ponder.on("CofferEscrow:PayoutCredited", async ({ event, context }) => {
  const holder = lc(event.args.account);
  const token = lc(event.args.token);
  await addCredit(context, lc(event.log.address), "escrow", holder, token, event.args.amount);
  // Credited, not paid: the money stays in the escrow (the `credit` table), and moves when withdrawn.
  await record(context, event, "payout_credited", [{ account: holder, amount: 0n, token, role: "holder" }]);
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
  await seeToken(context, event, token);
  await notify(context, event, "invoice.paid", {
    invoiceId,
    reference: referenceId,
    payer,
    payee,
    merchant: payee,
    token,
    amount,
  });
  await moved(context, event, "invoice_paid", {
    token,
    from: payer,
    to: payee,
    value: amount,
    reference: invoiceId,
    fromRole: "payer",
    toRole: "payee",
  });
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
