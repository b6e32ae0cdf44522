/**
 * The ledger every module's handlers write to: accounts, one activity row per account and event, token and escrow
 * balances, credits and withdrawals; and the small helpers they share (lower-case addresses, sortable log ids).
 */
import type { Context } from "ponder:registry";
import { account, activity, credit, escrowBalance, tokenBalance, withdrawal } from "ponder:schema";

export type Hex = `0x${string}`;
export const ZERO: Hex = "0x0000000000000000000000000000000000000000";

/** The parts of a Ponder event that every handler here reads. */
export interface EventMeta {
  readonly block: { readonly number: bigint; readonly timestamp: bigint; readonly hash: Hex };
  readonly log: { readonly logIndex: number; readonly address: Hex };
  readonly transaction: { readonly hash: Hex };
}

export const lc = (address: string): Hex => address.toLowerCase() as Hex;

/** Sortable id of a log: block, then log index (zero-padded so that text order is chain order). */
export function logId(event: EventMeta): string {
  return `${event.block.number.toString().padStart(12, "0")}-${event.log.logIndex.toString().padStart(6, "0")}`;
}

export async function touch(context: Context, address: Hex, event: EventMeta): Promise<void> {
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
export async function record(
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

export async function addTokenBalance(context: Context, owner: Hex, token: Hex, delta: bigint, block: bigint) {
  if (owner === ZERO || delta === 0n) return;
  await context.db
    .insert(tokenBalance)
    .values({ chainId: context.chain.id, account: owner, token, balance: delta, updatedBlock: block })
    .onConflictDoUpdate((row) => ({ balance: row.balance + delta, updatedBlock: block }));
}

export async function addEscrowed(context: Context, payer: Hex, token: Hex, delta: bigint) {
  await context.db
    .insert(escrowBalance)
    .values({ chainId: context.chain.id, account: payer, token, amount: delta })
    .onConflictDoUpdate((row) => ({ amount: row.amount + delta }));
}

export async function addCredit(
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

export async function recordWithdrawal(
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
