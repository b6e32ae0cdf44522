/** The treasury module (`CofferTreasuryModule`): budgets, queue limits, spends, queued transfers, sweeps, policy. */
import { ponder, type Context } from "ponder:registry";
import { budget, budgetSpend, queueLimit, queuedTransfer, sweep, treasuryPolicy } from "ponder:schema";
import { lc, logId, moved, named, type Hex, type EventMeta, type Party } from "./ledger";
import { notify } from "./notifications";
import { seeToken } from "./tokens";

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
  await seeToken(context, event, key.token);
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
  await seeToken(context, event, key.token);
  const { amount, period } = event.args;
  // As the module's `_setAllowance`: what was spent in the running period (by the old period's length) carries
  // over, and the period index restarts from now with the new length.
  const periodIndex = event.block.timestamp / BigInt(period);
  const periodEndsAt = (periodIndex + 1n) * BigInt(period);
  await context.db
    .insert(budget)
    .values({
      ...key,
      amount,
      period,
      spentInPeriod: 0n,
      spentPeriodIndex: periodIndex,
      remainingInPeriod: amount,
      periodEndsAt,
      totalSpent: 0n,
    })
    .onConflictDoUpdate((row) => {
      const running = row.period !== 0 && row.spentPeriodIndex === event.block.timestamp / BigInt(row.period);
      const spent = running ? row.spentInPeriod : 0n;
      return {
        amount,
        period,
        spentInPeriod: spent,
        spentPeriodIndex: periodIndex,
        remainingInPeriod: amount > spent ? amount - spent : 0n,
        periodEndsAt,
      };
    });
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
    const periodIndex = row.period === 0 ? null : event.block.timestamp / BigInt(row.period);
    await context.db.update(budget, key).set({
      spentInPeriod,
      spentPeriodIndex: periodIndex,
      remainingInPeriod: row.amount > spentInPeriod ? row.amount - spentInPeriod : 0n,
      periodEndsAt: periodIndex === null ? null : (periodIndex + 1n) * BigInt(row.period),
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
  const paid = await moved(context, event, "budget_spent", {
    token,
    from: safe,
    to,
    value: amount,
    reference: operator,
    fromRole: "safe",
    toRole: "recipient",
  });
  await named(
    context,
    event,
    "budget_spent",
    { token, reference: operator },
    [
      { account: safe, role: "safe", counterparty: to },
      { account: operator, role: "operator", counterparty: to },
      { account: to, role: "recipient", counterparty: safe },
    ],
    paid,
  );
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
    status: "queued" as const,
    executor: null,
    queuedAt: BigInt(t.queuedAt),
    closedAt: null,
  };
  await context.db.insert(queuedTransfer).values(row);
  await seeToken(context, event, row.token);
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
  await named(context, event, "transfer_queued", { token: row.token, reference: row.id }, queuedNamed(row));
});

/** Everyone a queued transfer names: its operator, its Safe and its recipient. */
function queuedNamed(row: { safe: Hex; operator: Hex; to: Hex }): Party[] {
  return [
    { account: row.operator, role: "operator", counterparty: row.to },
    { account: row.safe, role: "safe", counterparty: row.to },
    { account: row.to, role: "recipient", counterparty: row.safe },
  ];
}

async function closeQueued(
  context: Context,
  event: EventMeta,
  id: Hex,
  status: "executed" | "canceled",
  executor?: Hex,
) {
  const key = { chainId: context.chain.id, id };
  const row = await context.db.find(queuedTransfer, key);
  if (row === null) throw new Error(`Queued transfer ${id} on chain ${context.chain.id} was never queued`);
  await context.db
    .update(queuedTransfer, key)
    .set({ status, executor: executor ?? null, closedAt: event.block.timestamp });
  await notify(context, event, status === "executed" ? "treasury.transfer_executed" : "treasury.transfer_canceled", {
    transferId: id,
    safe: row.safe,
    operator: row.operator,
    to: row.to,
    token: row.token,
    amount: row.amount,
    ...(executor === undefined ? {} : { executor }),
  });
  const kind = status === "executed" ? "transfer_executed" : "transfer_canceled";
  const paid =
    status === "executed"
      ? await moved(context, event, kind, {
          token: row.token,
          from: row.safe,
          to: row.to,
          value: row.amount,
          reference: id,
          fromRole: "safe",
          toRole: "recipient",
        })
      : [];
  await named(
    context,
    event,
    kind,
    { token: row.token, reference: id },
    [...queuedNamed(row), ...(executor === undefined ? [] : [{ account: executor, role: "executor" as const }])],
    paid,
  );
}

ponder.on("CofferTreasuryModule:TransferExecuted", async ({ event, context }) => {
  await closeQueued(context, event, event.args.transferId, "executed", lc(event.args.executor));
});

ponder.on("CofferTreasuryModule:TransferCancelled", async ({ event, context }) => {
  await closeQueued(context, event, event.args.transferId, "canceled");
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
  await seeToken(context, event, token);
  await notify(context, event, "treasury.swept", { safe, token, cold, amount });
  await moved(context, event, "swept", {
    token,
    from: safe,
    to: cold,
    value: amount,
    fromRole: "safe",
    toRole: "recipient",
  });
});
