/**
 * `GET /reports/native-balances`: plain ETH (POL on Polygon) held by accounts, read with `eth_getBalance` at the
 * block the indexer has reached. ETH sent to an address leaves no log (only a Safe's `receive` emits one), so a
 * sum of indexed events cannot be exact; one read per account at the indexed block is, and agrees with the rest
 * of the indexed data. The accounts are named (`account=`) or are the kinds Coffer tracks (`kind=`): the treasury
 * Safe, the splits, the merchants (payees of payments, invoices and plans).
 */
import { db } from "ponder:api";
import schema from "ponder:schema";
import { eq } from "ponder";
import { formatEther, type PublicClient } from "viem";
import type { ChainSettings } from "../settings";
import { ReportError, readStatus } from "./reports";

type Hex = `0x${string}`;

/** Most accounts one request reads (each is one `eth_getBalance`). */
export const MAX_NATIVE_ACCOUNTS = 100;
/** The kinds of tracked accounts that `kind=` selects. */
export const ACCOUNT_KINDS = ["treasury", "split", "merchant"] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** Native token symbols where they are not ETH. */
const NATIVE_SYMBOL: Readonly<Record<number, string>> = { 137: "POL", 80002: "POL" };

/** The native token's symbol on `chainId`: ETH unless the chain says otherwise. */
export function nativeSymbol(chainId: number): string {
  return NATIVE_SYMBOL[chainId] ?? "ETH";
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** The `account=` values (repeatable, or comma-separated), lower-cased and deduplicated; 400 on a bad one. */
export function accountsParam(values: readonly string[]): Hex[] {
  const accounts = new Set<Hex>();
  for (const value of values.flatMap((entry) => entry.split(","))) {
    const trimmed = value.trim();
    if (!ADDRESS.test(trimmed)) {
      throw new ReportError(`"account" must be a 0x-prefixed 20-byte hex address, got ${JSON.stringify(value)}`);
    }
    accounts.add(trimmed.toLowerCase() as Hex);
  }
  return [...accounts];
}

/** The `kind=` values (repeatable, or comma-separated); 400 on an unknown one. */
export function kindsParam(values: readonly string[]): AccountKind[] {
  const kinds = new Set<AccountKind>();
  for (const value of values.flatMap((entry) => entry.split(","))) {
    const kind = value.trim() as AccountKind;
    if (!ACCOUNT_KINDS.includes(kind)) {
      throw new ReportError(`"kind" must be one of ${ACCOUNT_KINDS.join(", ")}, got ${JSON.stringify(value)}`);
    }
    kinds.add(kind);
  }
  return [...kinds];
}

/** One account's native balance. */
export interface NativeBalance {
  account: Hex;
  /** The tracked kinds the account is (empty for an account only named by `account=`). */
  kinds: AccountKind[];
  /** Wei (the smallest unit), a decimal string. */
  balance: string;
  /** `balance` in whole tokens (18 decimals), e.g. "1.5". */
  formatted: string;
}

export interface NativeBalanceReport {
  chainId: number;
  /** The block the balances were read at: the indexer's last indexed block of the chain. */
  block: number;
  symbol: string;
  decimals: 18;
  balances: NativeBalance[];
}

/** The tracked accounts of one chain, each with its kinds, in address order. */
async function trackedAccounts(
  database: typeof db,
  chain: ChainSettings,
  kinds: readonly AccountKind[],
): Promise<Map<Hex, AccountKind[]>> {
  const found = new Map<Hex, AccountKind[]>();
  const add = (account: Hex, kind: AccountKind) => {
    const list = found.get(account) ?? [];
    if (!list.includes(kind)) list.push(kind);
    found.set(account, list);
  };
  if (kinds.includes("treasury") && chain.treasurySafe !== undefined) add(chain.treasurySafe.address, "treasury");
  if (kinds.includes("split")) {
    const rows = await database
      .select({ address: schema.split.address })
      .from(schema.split)
      .where(eq(schema.split.chainId, chain.chainId));
    for (const row of rows) add(row.address, "split");
  }
  if (kinds.includes("merchant")) {
    const payments = await database
      .selectDistinct({ payee: schema.payment.payee })
      .from(schema.payment)
      .where(eq(schema.payment.chainId, chain.chainId));
    const invoices = await database
      .selectDistinct({ payee: schema.invoice.payee })
      .from(schema.invoice)
      .where(eq(schema.invoice.chainId, chain.chainId));
    const plans = await database
      .selectDistinct({ payee: schema.plan.payee })
      .from(schema.plan)
      .where(eq(schema.plan.chainId, chain.chainId));
    for (const row of [...payments, ...invoices, ...plans]) add(row.payee, "merchant");
  }
  return new Map([...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The native balances of `accounts` and of the tracked accounts of `kinds` on `chain`, read at the indexed block.
 * The status is read before and after the tracked accounts (retried until both agree), so the list of accounts
 * and the block belong together. More than {@link MAX_NATIVE_ACCOUNTS} accounts in all is a 400 that says how many.
 */
export async function nativeBalances(
  database: typeof db,
  client: PublicClient,
  statusUrl: string,
  chain: ChainSettings,
  query: { accounts: readonly Hex[]; kinds: readonly AccountKind[] },
): Promise<NativeBalanceReport> {
  if (query.accounts.length === 0 && query.kinds.length === 0) {
    throw new ReportError(
      `Name accounts ("account=0x…") or kinds of tracked accounts ("kind=${ACCOUNT_KINDS.join(",")}")`,
    );
  }
  if (query.accounts.length > MAX_NATIVE_ACCOUNTS) {
    throw new ReportError(`At most ${MAX_NATIVE_ACCOUNTS} accounts per request, got ${query.accounts.length}`);
  }
  for (let attempt = 0; ; attempt++) {
    const before = await readStatus(statusUrl);
    const tracked = await trackedAccounts(database, chain, query.kinds);
    const after = await readStatus(statusUrl);
    if (JSON.stringify(before) !== JSON.stringify(after) && attempt < 20) continue;
    const block = Object.values(after).find((entry) => entry.id === chain.chainId)?.block.number;
    if (block === undefined) throw new ReportError(`Chain ${chain.chainId} has not started indexing yet`);

    const accounts = new Map<Hex, AccountKind[]>(query.accounts.map((account) => [account, []]));
    for (const [account, kinds] of tracked) accounts.set(account, kinds);
    if (accounts.size > MAX_NATIVE_ACCOUNTS) {
      throw new ReportError(
        `At most ${MAX_NATIVE_ACCOUNTS} accounts per request: the kinds ${query.kinds.join(", ")} and the named ` +
          `accounts make ${accounts.size}; name the accounts instead ("account=0x…", ${MAX_NATIVE_ACCOUNTS} at a time)`,
      );
    }
    const blockNumber = BigInt(block);
    const entries = [...accounts.entries()];
    const balances = await Promise.all(entries.map(([address]) => client.getBalance({ address, blockNumber })));
    return {
      chainId: chain.chainId,
      block,
      symbol: nativeSymbol(chain.chainId),
      decimals: 18,
      balances: entries.map(([account, kinds], index) => {
        const balance = balances[index] as bigint;
        return { account, kinds, balance: balance.toString(), formatted: formatEther(balance) };
      }),
    };
  }
}
