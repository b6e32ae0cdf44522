/** The Safe's operator budgets, queue limits and queued transfers, from the indexer. */
import { indexer, treasury, type TokenInfo } from "@coffer/sdk";
import { z } from "zod";
import type { TreasuryReaders } from "./read-client";

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/);
const bigint = z.union([z.string(), z.number()]).transform((value) => BigInt(value));

const budgetSchema = z.object({
  operator: hex,
  token: hex,
  amount: bigint,
  period: z.number(),
  spentInPeriod: bigint,
  spentPeriodIndex: bigint.nullable(),
  totalSpent: bigint,
});
const queueLimitSchema = z.object({
  operator: hex,
  token: hex,
  amount: bigint,
  period: z.number(),
  totalQueued: bigint,
});
const queuedSchema = z.object({
  id: hex,
  token: hex,
  to: hex,
  amount: bigint,
  operator: hex,
  eta: bigint,
  nonce: bigint,
  /** One of `indexer.QUEUED_TRANSFER_STATUSES`: queued, executed or canceled. */
  status: z.enum(indexer.QUEUED_TRANSFER_STATUSES),
  queuedAt: bigint,
  closedAt: bigint.nullable(),
});

export type IndexedBudget = z.output<typeof budgetSchema> & {
  readonly tokenInfo: TokenInfo;
  readonly spentNow: bigint;
};
export type IndexedQueueLimit = z.output<typeof queueLimitSchema> & { readonly tokenInfo: TokenInfo };
export type IndexedQueuedTransfer = z.output<typeof queuedSchema> & {
  readonly tokenInfo: TokenInfo;
  /** The transfer as the module takes it (to cancel or execute it). */
  readonly struct: treasury.QueuedTransfer;
  /** When a queued transfer may be executed (under the Safe's current delay), and until when. */
  readonly window?: { readonly earliest: bigint; readonly deadline: bigint };
};

export interface TreasuryPolicyData {
  readonly budgets: readonly IndexedBudget[];
  readonly queueLimits: readonly IndexedQueueLimit[];
  readonly queued: readonly IndexedQueuedTransfer[];
  /** The chain's time (the latest block), which periods and queue delays count in. */
  readonly now: bigint;
}

const DOCUMENT = `query TreasuryPolicy($chainId: Int!, $safe: String!) {
  budgets(where: { chainId: $chainId, safe: $safe }, limit: 200) {
    items { operator token amount period spentInPeriod spentPeriodIndex totalSpent }
  }
  queueLimits(where: { chainId: $chainId, safe: $safe }, limit: 200) {
    items { operator token amount period totalQueued }
  }
  queuedTransfers(where: { chainId: $chainId, safe: $safe }, orderBy: "queuedAt", orderDirection: "desc", limit: 200) {
    items { id token to amount operator eta nonce status queuedAt closedAt }
  }
}`;

/** Reads the Safe's treasury policy state from the indexer, with token units and the chain's time. */
export async function loadPolicy(readers: TreasuryReaders, chainId: number, safe: string): Promise<TreasuryPolicyData> {
  const [data, block] = await Promise.all([
    readers.indexer.query(
      "treasury policy",
      DOCUMENT,
      { chainId, safe: safe.toLowerCase() },
      z.object({
        budgets: z.object({ items: z.array(budgetSchema) }),
        queueLimits: z.object({ items: z.array(queueLimitSchema) }),
        queuedTransfers: z.object({ items: z.array(queuedSchema) }),
      }),
    ),
    readers.provider.getBlock("latest"),
  ]);
  const now = BigInt(block?.timestamp ?? Math.floor(Date.now() / 1000));
  const withToken = async <T extends { token: string }>(row: T) => ({
    ...row,
    tokenInfo: await readers.token(row.token),
  });
  return {
    now,
    budgets: await Promise.all(
      data.budgets.items.map(async (row) => ({
        ...(await withToken(row)),
        // What was spent counts only in the period it was spent in.
        spentNow: row.period > 0 && row.spentPeriodIndex === now / BigInt(row.period) ? row.spentInPeriod : 0n,
      })),
    ),
    queueLimits: await Promise.all(data.queueLimits.items.map(withToken)),
    queued: await Promise.all(
      data.queuedTransfers.items.map(async (row) => {
        const struct: treasury.QueuedTransfer = {
          safe,
          token: row.token,
          to: row.to,
          amount: row.amount,
          operator: row.operator,
          queuedAt: row.queuedAt,
          eta: row.eta,
          nonce: row.nonce,
        };
        const window = row.status === "queued" ? await treasury.getExecutionWindow(readers.client, struct) : undefined;
        return { ...(await withToken(row)), struct, window };
      }),
    ),
  };
}
