/** The settlement report and the reconciliation check served by `src/api/index.ts`. */
import { db } from "ponder:api";
import schema from "ponder:schema";
import { and, eq, gte, lt, ne } from "ponder";
import type { PublicClient } from "viem";
import { ERC20Abi } from "../../abis";
import { loadSettings } from "../settings";

type Hex = `0x${string}`;
const DAY = 86_400n;

/** A client mistake in a report's parameters: answered with a 400. */
export class ReportError extends Error {}

export interface SettlementDay {
  /** UTC date, YYYY-MM-DD. */
  date: string;
  gross: string;
  fees: string;
  refunds: string;
  net: string;
  /** Number of payments, invoices, captures, charges and refunds counted. */
  entries: number;
}

export interface SettlementReport {
  merchant: Hex;
  token: Hex;
  chainId: number | null;
  /** Unix seconds, inclusive. */
  from: string;
  /** Unix seconds, exclusive. */
  to: string;
  totals: Omit<SettlementDay, "date">;
  days: SettlementDay[];
}

interface Totals {
  gross: bigint;
  fees: bigint;
  refunds: bigint;
  entries: number;
}

/**
 * What a merchant earned in a token over `[from, to)`: escrow captures and instant charges where it is the payee
 * (fees are what went to the fee receiver), arbiters' resolutions in its favour, invoices it was paid, and
 * successful subscription charges paid to it (plans whose payee it is, whoever created them); refunds of its
 * payments are subtracted. Net = gross − fees −
 * refunds. Grouped by UTC day of the block time.
 */
export async function settlementReport(
  database: typeof db,
  query: { chainId: number | undefined; merchant: Hex; token: Hex; from: bigint; to: bigint },
): Promise<SettlementReport> {
  const byDay = new Map<bigint, Totals>();
  const add = (timestamp: bigint, gross: bigint, fees: bigint, refunds: bigint) => {
    const day = timestamp / DAY;
    const totals = byDay.get(day) ?? { gross: 0n, fees: 0n, refunds: 0n, entries: 0 };
    totals.gross += gross;
    totals.fees += fees;
    totals.refunds += refunds;
    totals.entries += 1;
    byDay.set(day, totals);
  };

  const steps = await database
    .select({ step: schema.paymentStep })
    .from(schema.paymentStep)
    .innerJoin(
      schema.payment,
      and(eq(schema.payment.chainId, schema.paymentStep.chainId), eq(schema.payment.id, schema.paymentStep.paymentId)),
    )
    .where(
      and(
        query.chainId === undefined ? undefined : eq(schema.payment.chainId, query.chainId),
        eq(schema.payment.payee, query.merchant),
        eq(schema.payment.token, query.token),
        gte(schema.paymentStep.timestamp, query.from),
        lt(schema.paymentStep.timestamp, query.to),
      ),
    );
  for (const { step } of steps) {
    if (step.kind === "charged" || step.kind === "captured" || step.kind === "resolved") {
      add(step.timestamp, step.amount, step.fee, 0n);
    } else if (step.kind === "refunded") {
      add(step.timestamp, 0n, 0n, step.amount);
    }
  }

  const invoices = await database
    .select()
    .from(schema.invoice)
    .where(
      and(
        query.chainId === undefined ? undefined : eq(schema.invoice.chainId, query.chainId),
        eq(schema.invoice.payee, query.merchant),
        eq(schema.invoice.token, query.token),
        gte(schema.invoice.timestamp, query.from),
        lt(schema.invoice.timestamp, query.to),
      ),
    );
  for (const row of invoices) add(row.timestamp, row.amount, 0n, 0n);

  const charges = await database
    .select()
    .from(schema.subscriptionCharge)
    .where(
      and(
        query.chainId === undefined ? undefined : eq(schema.subscriptionCharge.chainId, query.chainId),
        // Income counts where it was received: the plan's payee, which may not be the plan's merchant.
        eq(schema.subscriptionCharge.payee, query.merchant),
        eq(schema.subscriptionCharge.token, query.token),
        eq(schema.subscriptionCharge.success, true),
        gte(schema.subscriptionCharge.timestamp, query.from),
        lt(schema.subscriptionCharge.timestamp, query.to),
      ),
    );
  for (const row of charges) add(row.timestamp, row.amount, row.fee, 0n);

  const format = (totals: Totals) => ({
    gross: totals.gross.toString(),
    fees: totals.fees.toString(),
    refunds: totals.refunds.toString(),
    net: (totals.gross - totals.fees - totals.refunds).toString(),
    entries: totals.entries,
  });
  const all: Totals = { gross: 0n, fees: 0n, refunds: 0n, entries: 0 };
  const days = [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([day, totals]) => {
      all.gross += totals.gross;
      all.fees += totals.fees;
      all.refunds += totals.refunds;
      all.entries += totals.entries;
      return { date: new Date(Number(day * DAY) * 1000).toISOString().slice(0, 10), ...format(totals) };
    });
  return {
    merchant: query.merchant,
    token: query.token,
    chainId: query.chainId ?? null,
    from: query.from.toString(),
    to: query.to.toString(),
    totals: format(all),
    days,
  };
}

/** The report as CSV: one line per day, then a `total` line. */
export function settlementCsv(report: SettlementReport): string {
  const lines = ["date,gross,fees,refunds,net,entries"];
  for (const day of report.days) {
    lines.push([day.date, day.gross, day.fees, day.refunds, day.net, day.entries].join(","));
  }
  const t = report.totals;
  lines.push(["total", t.gross, t.fees, t.refunds, t.net, t.entries].join(","));
  return lines.join("\n") + "\n";
}

export interface BalanceDifference {
  chainId: number;
  /**
   * `balance`: an account's indexed token balance; `escrow`: the escrow's balance against what it owes;
   * `channels`: the channels contract's balance against what its open channels hold plus its credits.
   */
  check: "balance" | "escrow" | "channels";
  account: Hex;
  token: Hex;
  /** What the index says, in the token's smallest unit (a decimal string, as are the two below). */
  indexed: string;
  /** `balanceOf` on chain at the report's block (for `escrow` and `channels`: the contract's balance). */
  onChain: string;
  /** `indexed − onChain`: negative when the chain holds more than the index shows. */
  difference: string;
}

export interface ReconciliationReport {
  ok: boolean;
  chains: { chainId: number; block: number; checked: number; differences: BalanceDifference[] }[];
}

export type Status = Record<string, { id: number; block: { number: number } }>;

/** Ponder's `/status`: the block each chain is indexed to. */
export async function readStatus(statusUrl: string): Promise<Status> {
  const response = await fetch(statusUrl);
  if (!response.ok) throw new Error(`${statusUrl} answered ${response.status}`);
  return (await response.json()) as Status;
}

/** Runs `tasks` `width` at a time. */
async function limited<T>(tasks: (() => Promise<T>)[], width = 8): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, worker));
  return results;
}

/**
 * Compares every complete indexed token balance (a filtered token's: tracked accounts only) with `balanceOf` on chain at the block the indexer has reached (read
 * before and after the tables, retried until both agree, so that a block indexed meanwhile cannot make a false
 * difference), the escrow's token balance with what the index says it holds (payers' escrowed funds plus
 * credits), and the channels contract's (open channels' `deposit - redeemed` plus credits). Every difference is
 * listed.
 */
export async function reconciliation(
  database: typeof db,
  clients: Record<string, PublicClient>,
  statusUrl: string,
  chainId: number | undefined,
): Promise<ReconciliationReport> {
  const settings = loadSettings().filter((chain) => chainId === undefined || chain.chainId === chainId);
  if (settings.length === 0) throw new ReportError(`Chain ${chainId} is not indexed here`);
  for (let attempt = 0; ; attempt++) {
    const before = await readStatus(statusUrl);
    const balances = await database.select().from(schema.tokenBalance);
    const escrowed = await database.select().from(schema.escrowBalance);
    const credits = await database.select().from(schema.credit);
    const openChannels = await database.select().from(schema.channel).where(ne(schema.channel.status, "closed"));
    const after = await readStatus(statusUrl);
    if (JSON.stringify(before) !== JSON.stringify(after) && attempt < 20) continue;

    const chains: ReconciliationReport["chains"] = [];
    for (const chain of settings) {
      const block = Object.values(after).find((entry) => entry.id === chain.chainId)?.block.number;
      if (block === undefined) throw new ReportError(`Chain ${chain.chainId} has not started indexing yet`);
      const client = clients[chain.name];
      if (client === undefined) throw new Error(`No RPC client for ${chain.name}`);
      const blockNumber = BigInt(block);
      const balanceOf = (token: Hex, owner: Hex) =>
        client.readContract({ address: token, abi: ERC20Abi, functionName: "balanceOf", args: [owner], blockNumber });
      const differences: BalanceDifference[] = [];
      // A filtered token's balance is complete only for tracked accounts (see indexer/README.md): the others sum
      // only their transfers with tracked accounts, which is not a wallet balance to compare with `balanceOf`.
      const filtered = new Set(chain.tokens.filter((token) => token.filtered).map((token) => token.address));
      const tracked = new Set(chain.trackedAccounts);
      const rows = balances.filter(
        (row) => row.chainId === chain.chainId && (!filtered.has(row.token) || tracked.has(row.account)),
      );
      const onChain = await limited(rows.map((row) => () => balanceOf(row.token, row.account)));
      rows.forEach((row, index) => {
        const actual = onChain[index] as bigint;
        if (actual !== row.balance) {
          differences.push({
            chainId: chain.chainId,
            check: "balance",
            account: row.account,
            token: row.token,
            indexed: row.balance.toString(),
            onChain: actual.toString(),
            difference: (row.balance - actual).toString(),
          });
        }
      });
      let checked = rows.length;
      /** A Coffer contract's balance of each token against what the index says it holds (`held`, credits aside). */
      const checkHoldings = async (
        check: "escrow" | "channels",
        contract: Hex,
        held: (token: Hex) => bigint,
      ): Promise<void> => {
        for (const token of chain.tokens) {
          const owed =
            held(token.address) +
            credits
              .filter((row) => row.chainId === chain.chainId && row.source === contract && row.token === token.address)
              .reduce((sum, row) => sum + row.amount, 0n);
          const actual = await balanceOf(token.address, contract);
          checked += 1;
          if (actual !== owed) {
            differences.push({
              chainId: chain.chainId,
              check,
              account: contract,
              token: token.address,
              indexed: owed.toString(),
              onChain: actual.toString(),
              difference: (owed - actual).toString(),
            });
          }
        }
      };
      if (chain.escrow !== undefined) {
        await checkHoldings("escrow", chain.escrow.address, (token) =>
          escrowed
            .filter((row) => row.chainId === chain.chainId && row.token === token)
            .reduce((sum, row) => sum + row.amount, 0n),
        );
      }
      if (chain.channels !== undefined) {
        // Open channels hold `deposit - redeemed`; a closed one paid or credited the rest.
        await checkHoldings("channels", chain.channels.address, (token) =>
          openChannels
            .filter((row) => row.chainId === chain.chainId && row.token === token)
            .reduce((sum, row) => sum + row.deposit - row.redeemed, 0n),
        );
      }
      chains.push({ chainId: chain.chainId, block, checked, differences });
    }
    return { ok: chains.every((chain) => chain.differences.length === 0), chains };
  }
}
