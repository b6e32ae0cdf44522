/**
 * The ledger every module's handlers write to: accounts, activity, token and escrow balances, credits and
 * withdrawals; and the small helpers they share (lower-case addresses, sortable log ids).
 *
 * Activity is one row per account and movement of money, with its Coffer meaning. A followed token's movement is
 * its `Transfer` log (two rows: the sender's `-value`, the receiver's `+value`, ids `<transfer log>-01`/`-02`), and
 * the Coffer event of the same transaction gives those rows its kind and reference through {@link moved} instead
 * of adding rows of its own; ETH, and tokens the indexer does not follow, have no `Transfer` log here, so
 * {@link moved} writes their rows; so it does for a filtered token's transfer between untracked accounts (not indexed). Events that move no money write rows of amount 0 ({@link record}).
 *
 * Every row has a role (`ActivityRole`): a movement gives one to its sender and one to its receiver (`sender` and
 * `receiver` for a transfer with no Coffer meaning), and every other account a Coffer event names gets a row of
 * amount 0 with its own ({@link named}): one row per account and event, the role that moved money first.
 */
import type { Context } from "ponder:registry";
import { account, activity, credit, escrowBalance, tokenBalance, withdrawal } from "ponder:schema";
import { loadSettings } from "./settings";
import type { ActivityRole } from "./statuses";

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

/** Makes sure of the `account` rows of `addresses` (the zero address skipped), in one store call. */
async function touchAll(context: Context, addresses: readonly Hex[], event: EventMeta): Promise<void> {
  const rows = addresses
    .filter((address) => address !== ZERO)
    .map((address) => ({
      chainId: context.chain.id,
      address,
      firstSeenBlock: event.block.number,
      firstSeenAt: event.block.timestamp,
    }));
  if (rows.length > 0) await context.db.insert(account).values(rows).onConflictDoNothing();
}

export interface ActivityRow {
  account: Hex;
  amount: bigint;
  token?: Hex | null;
  counterparty?: Hex | null;
  reference?: string | null;
  /** What the account is to the event; `party` when not given. */
  role?: ActivityRole;
}

/** What an activity row says beyond its event's place on chain (see {@link activityRow}). */
interface ActivityFields {
  id: string;
  account: Hex;
  kind: string;
  role: ActivityRole;
  reference: string | null;
  token: Hex | null;
  amount: bigint;
  counterparty: Hex | null;
  contract: Hex;
}

/**
 * An activity row of `event`. Spelled out field by field: on this V8 a literal that starts with an object spread
 * and adds fields costs microseconds, a fifth of a transfer's handler when it built every row.
 */
function activityRow(context: Context, event: EventMeta, row: ActivityFields): typeof activity.$inferInsert {
  return {
    chainId: context.chain.id,
    id: row.id,
    account: row.account,
    kind: row.kind,
    role: row.role,
    reference: row.reference,
    token: row.token,
    amount: row.amount,
    counterparty: row.counterparty,
    contract: row.contract,
    transactionHash: event.transaction.hash,
    blockNumber: event.block.number,
    logIndex: event.log.logIndex,
    timestamp: event.block.timestamp,
  };
}

/**
 * Activity rows of `event`, one per entry of `rows` (numbered within the event so that ids stay unique; the zero
 * address is skipped). For events that move no money (amount 0) and for ETH; a followed token's movement goes
 * through {@link moved}. Returns the accounts given a row (for {@link named}).
 */
export async function record(
  context: Context,
  event: EventMeta,
  kind: string,
  rows: readonly ActivityRow[],
  contract: Hex = lc(event.log.address),
  first = 1,
): Promise<Hex[]> {
  const touched: Hex[] = [];
  const values: (typeof activity.$inferInsert)[] = [];
  for (const [index, row] of rows.entries()) {
    if (row.account === ZERO) continue;
    if (!touched.includes(row.account)) touched.push(row.account);
    values.push(
      activityRow(context, event, {
        id: `${logId(event)}-${(first + index).toString().padStart(2, "0")}`,
        account: row.account,
        kind,
        role: row.role ?? "party",
        reference: row.reference ?? null,
        token: row.token ?? null,
        amount: row.amount,
        counterparty: row.counterparty ?? null,
        contract,
      }),
    );
  }
  await touchAll(context, touched, event);
  if (values.length > 0) await context.db.insert(activity).values(values);
  return touched;
}

/** An account a Coffer event names, with its role (and, unless the event's, its counterparty). */
export interface Party {
  account: Hex;
  role: ActivityRole;
  counterparty?: Hex | null;
}

/**
 * Rows of amount 0 for the accounts `event` names that have no row of this event yet: `covered` are those that
 * have (the accounts of its movements and {@link record} rows, as those return them). One row per account: the
 * first party naming it gives the role. Ids `<log>-pNN` (NN: the party's place in `parties`), apart from the
 * event's numbered rows however many movements it has: call it once per event, with every party.
 */
export async function named(
  context: Context,
  event: EventMeta,
  kind: string,
  common: { token?: Hex | null; reference?: string | null; counterparty?: Hex | null },
  parties: readonly Party[],
  covered: readonly Hex[] = [],
  contract: Hex = lc(event.log.address),
): Promise<void> {
  const seen = new Set<Hex>(covered);
  seen.add(ZERO);
  const accounts: Hex[] = [];
  const values: (typeof activity.$inferInsert)[] = [];
  for (const [index, party] of parties.entries()) {
    if (seen.has(party.account)) continue;
    seen.add(party.account);
    accounts.push(party.account);
    values.push(
      activityRow(context, event, {
        id: `${logId(event)}-p${(index + 1).toString().padStart(2, "0")}`,
        account: party.account,
        kind,
        role: party.role,
        reference: common.reference ?? null,
        token: common.token ?? null,
        amount: 0n,
        counterparty: party.counterparty === undefined ? (common.counterparty ?? null) : party.counterparty,
        contract,
      }),
    );
  }
  await touchAll(context, accounts, event);
  if (values.length > 0) await context.db.insert(activity).values(values);
}

// ─── Movements: a Coffer meaning for the transaction's Transfer logs ──────────────────────────────────────

/** A token movement: from, to, value, and what it means to Coffer (kind, reference, the Coffer contract). */
interface Movement {
  token: Hex;
  from: Hex;
  to: Hex;
  value: bigint;
  kind: string;
  reference: string | null;
  contract: Hex;
  fromRole: ActivityRole;
  toRole: ActivityRole;
}

/** A followed token's `Transfer` of the current transaction, still without a Coffer meaning. */
interface PlainTransfer {
  logIndex: number;
  token: Hex;
  from: Hex;
  to: Hex;
  value: bigint;
  /** Its activity rows (none for the zero address): the sender's (`from`) and the receiver's. */
  ids: { id: string; from: boolean }[];
}

/**
 * What the current transaction of a chain has shown so far: its plain transfers and the meanings its Coffer
 * events announced for transfers still to come. Ponder hands a chain's logs over in order, so a transaction's
 * logs arrive together; a log index at or before the last one seen (a retried batch) starts afresh. Kept in memory:
 * after a restart inside a transaction the rows keep kind `transfer` (their amounts are right either way).
 */
interface TransactionState {
  key: string;
  lastLogIndex: number;
  transfers: PlainTransfer[];
  pending: Movement[];
  /**
   * Accounts whose rows this transaction's transfers already made sure of (a batch charge repeats them), and tokens
   * with the log that made sure of each.
   */
  touched: Set<Hex>;
  tokens: Map<Hex, number>;
}

const transactions = new Map<number, TransactionState>();

/**
 * The state of `event`'s transaction on this chain. `fresh`: a new handler call (a `Transfer`), so a log index at
 * or before the last one seen means a replay (a retried batch) and starts afresh, rows made sure of included.
 */
function transactionState(chainId: number, event: EventMeta, fresh: boolean): TransactionState {
  const key = `${event.block.hash}:${event.transaction.hash}`;
  let state = transactions.get(chainId);
  const replayed =
    state !== undefined && (fresh ? event.log.logIndex <= state.lastLogIndex : event.log.logIndex < state.lastLogIndex);
  if (state === undefined || state.key !== key || replayed) {
    state = {
      key,
      lastLogIndex: event.log.logIndex,
      transfers: [],
      pending: [],
      touched: new Set(),
      tokens: new Map(),
    };
    transactions.set(chainId, state);
  }
  state.lastLogIndex = event.log.logIndex;
  return state;
}

/**
 * Whether `token`'s row was already made sure of by an earlier log of this transaction (then the caller skips the
 * lookup); marks it so. Only an earlier log counts: a batch Ponder retries may restart at this very log, its store
 * writes undone. `firstCallOfLog`: the `Transfer` handler's first call, which starts afresh on a replayed log.
 */
export function tokenSeenInTransaction(
  context: Context,
  event: EventMeta,
  token: Hex,
  firstCallOfLog: boolean,
): boolean {
  const state = transactionState(context.chain.id, event, firstCallOfLog);
  const markedAt = state.tokens.get(token);
  if (markedAt !== undefined && markedAt < event.log.logIndex) return true;
  if (markedAt === undefined) state.tokens.set(token, event.log.logIndex);
  return false;
}

interface Followed {
  /** Tokens whose every transfer is indexed. */
  whole: Set<Hex>;
  /** Tokens whose transfers from or to a tracked account are indexed. */
  filtered: Set<Hex>;
  tracked: Set<Hex>;
}

const followedByChain = new Map<number, Followed>();

function followedOn(chainId: number): Followed {
  let followed = followedByChain.get(chainId);
  if (followed === undefined) {
    const chain = loadSettings().find((entry) => entry.chainId === chainId);
    const tokens = chain?.tokens ?? [];
    followed = {
      whole: new Set(tokens.filter((token) => !token.filtered).map((token) => lc(token.address))),
      filtered: new Set(tokens.filter((token) => token.filtered).map((token) => lc(token.address))),
      tracked: new Set((chain?.trackedAccounts ?? []).map(lc)),
    };
    followedByChain.set(chainId, followed);
  }
  return followed;
}

/** Whether `account` is tracked on this chain: its transfers of a filtered token are indexed. */
export function isTracked(chainId: number, account: Hex): boolean {
  return followedOn(chainId).tracked.has(account);
}

/** Whether the indexer sees this transfer's `Transfer` log: a token followed whole, or filtered and touching a tracked account. */
export function transferIndexed(chainId: number, token: Hex, from: Hex, to: Hex): boolean {
  const followed = followedOn(chainId);
  if (followed.whole.has(token)) return true;
  return followed.filtered.has(token) && (followed.tracked.has(from) || followed.tracked.has(to));
}

/**
 * Records that `event` (a Coffer event) moved `value` of `token` from `from` to `to`, meaning `kind` (with
 * `reference`). A followed token's movement is its `Transfer` log: rows already written for it in this transaction
 * take the meaning, or its rows, still to come, will. ETH and tokens not followed get their two rows here.
 * `n` numbers the rows of one event (two per movement) for unique ids. `fromRole`/`toRole` default to `sender`
 * and `receiver`. Returns the accounts that have (or will have) a row of it: none for a value of 0.
 */
export async function moved(
  context: Context,
  event: EventMeta,
  kind: string,
  movement: {
    token: Hex;
    from: Hex;
    to: Hex;
    value: bigint;
    reference?: string | null;
    fromRole?: ActivityRole;
    toRole?: ActivityRole;
  },
  n = 0,
): Promise<Hex[]> {
  const { token, from, to, value } = movement;
  const reference = movement.reference ?? null;
  const fromRole = movement.fromRole ?? "sender";
  const toRole = movement.toRole ?? "receiver";
  if (value === 0n) return [];
  if (token === ZERO || !transferIndexed(context.chain.id, token, from, to)) {
    await record(
      context,
      event,
      kind,
      [
        { account: from, amount: -value, token, counterparty: to, reference, role: fromRole },
        { account: to, amount: value, token, counterparty: from, reference, role: toRole },
      ],
      lc(event.log.address),
      2 * n + 1,
    );
    return [from, to];
  }
  const state = transactionState(context.chain.id, event, false);
  const found = state.transfers.findIndex(
    (t) => t.token === token && t.from === from && t.to === to && t.value === value,
  );
  if (found === -1) {
    state.pending.push({ token, from, to, value, kind, reference, contract: lc(event.log.address), fromRole, toRole });
    return [from, to];
  }
  const [transfer] = state.transfers.splice(found, 1);
  for (const { id, from: isFrom } of transfer?.ids ?? []) {
    await context.db
      .update(activity, { chainId: context.chain.id, id })
      .set({ kind, reference, contract: lc(event.log.address), role: isFrom ? fromRole : toRole });
  }
  return [from, to];
}

/** A followed token's `Transfer`: its two activity rows, with the meaning a Coffer event announced for it. */
export async function recordTransfer(
  context: Context,
  event: EventMeta,
  transfer: { token: Hex; from: Hex; to: Hex; value: bigint },
): Promise<void> {
  const { token, from, to, value } = transfer;
  // The same log as `tokenSeenInTransaction`, which the handler calls first.
  const state = transactionState(context.chain.id, event, false);
  const found = state.pending.findIndex(
    (m) => m.token === token && m.from === from && m.to === to && m.value === value,
  );
  const meaning = found === -1 ? undefined : state.pending.splice(found, 1)[0];
  const kind = meaning?.kind ?? "transfer";
  const reference = meaning?.reference ?? null;
  const contract = meaning?.contract ?? token;
  const ids: PlainTransfer["ids"] = [];
  const sides = [
    { account: from, amount: -value, counterparty: to, n: "01", role: meaning?.fromRole ?? "sender" },
    { account: to, amount: value, counterparty: from, n: "02", role: meaning?.toRole ?? "receiver" },
  ] as const;
  // One store call per table, not per row: each call costs the same whatever it carries.
  const newAccounts: Hex[] = [];
  const rows: (typeof activity.$inferInsert)[] = [];
  for (const side of sides) {
    if (side.account === ZERO) continue;
    if (!state.touched.has(side.account)) {
      state.touched.add(side.account);
      newAccounts.push(side.account);
    }
    const id = `${logId(event)}-${side.n}`;
    ids.push({ id, from: side.n === "01" });
    rows.push(
      activityRow(context, event, {
        id,
        account: side.account,
        kind,
        role: side.role,
        reference,
        token,
        amount: side.amount,
        counterparty: side.counterparty,
        contract,
      }),
    );
  }
  await touchAll(context, newAccounts, event);
  if (rows.length > 0) await context.db.insert(activity).values(rows);
  if (meaning === undefined) state.transfers.push({ logIndex: event.log.logIndex, token, from, to, value, ids });
}

// ─── Balances, credits, withdrawals ───────────────────────────────────────────────────────────────────────

export async function addTokenBalance(context: Context, owner: Hex, token: Hex, delta: bigint, block: bigint) {
  if (owner === ZERO || delta === 0n) return;
  await context.db
    .insert(tokenBalance)
    .values({ chainId: context.chain.id, account: owner, token, balance: delta, updatedBlock: block })
    .onConflictDoUpdate((row) => ({ balance: row.balance + delta, updatedBlock: block }));
}

/** A token transfer on the balances: `from` down and `to` up by `value` (the zero address skipped), in one store call. */
export async function moveTokenBalance(context: Context, token: Hex, from: Hex, to: Hex, value: bigint, block: bigint) {
  if (value === 0n) return;
  if (from === to) {
    // Nets to nothing; the row is still made sure of. One upsert per side: a batch's rows must differ.
    await addTokenBalance(context, from, token, -value, block);
    await addTokenBalance(context, to, token, value, block);
    return;
  }
  const rows = [
    { account: from, delta: -value },
    { account: to, delta: value },
  ]
    .filter((side) => side.account !== ZERO)
    .map((side) => ({
      chainId: context.chain.id,
      account: side.account,
      token,
      balance: side.delta,
      updatedBlock: block,
    }));
  if (rows.length === 0) return;
  await context.db
    .insert(tokenBalance)
    .values(rows)
    .onConflictDoUpdate((row) => ({
      balance: row.balance + (row.account === from ? -value : value),
      updatedBlock: block,
    }));
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
  sourceKind: "escrow" | "subscriptions" | "split" | "channels",
  holder: Hex,
  token: Hex,
  delta: bigint,
) {
  await context.db
    .insert(credit)
    .values({ chainId: context.chain.id, source, sourceKind, account: holder, token, amount: delta })
    .onConflictDoUpdate((row) => ({ amount: row.amount + delta }));
}

/**
 * A credit withdrawn: the credit goes down, a `withdrawal` row, and the movement from the contract to `to` (and a
 * row of amount 0 for the holder when `to` is another address).
 */
export async function recordWithdrawal(
  context: Context,
  event: EventMeta,
  sourceKind: "escrow" | "subscriptions" | "split" | "channels",
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
  const covered = await moved(context, event, "credit_withdrawn", {
    token,
    from: source,
    to,
    value: amount,
    reference: holder,
    fromRole: sourceKind === "split" ? "split" : "contract",
    toRole: to === holder ? "holder" : "recipient",
  });
  // Withdrawn to another address: the holder whose credit it was sees it too.
  await named(
    context,
    event,
    "credit_withdrawn",
    { token, reference: holder, counterparty: to },
    [{ account: holder, role: "holder" }],
    covered,
  );
}
