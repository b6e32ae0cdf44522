/** The Safe's owners, threshold and nonce from the chain, and its pending transactions from the approval service. */
import {
  readSafeFunds,
  readSafeInfo,
  type SafeInfo,
  type SafeShortfall,
  type SafeTransactionFile,
} from "@coffer/sdk/safe-tx";
import type { TreasuryReaders } from "./read-client";
import { summarize, type TransactionSummary } from "./summary";

/** A pending transaction with its summary. */
export interface PendingTransaction {
  readonly file: SafeTransactionFile;
  readonly summary: TransactionSummary;
  /** What it sends beyond what the Safe holds now (the SDK's check); empty when it can be paid. */
  readonly shortfalls: readonly SafeShortfall[];
}

export interface SafeQueue {
  readonly info: SafeInfo;
  readonly pending: readonly PendingTransaction[];
  /** Why the pending transactions could not be read (the Safe's own state still shows). */
  readonly serviceError?: unknown;
}

/** Reads the queue: only transactions at or above the Safe's nonce are pending. */
export async function loadQueue(readers: TreasuryReaders, chainId: number, safe: string): Promise<SafeQueue> {
  const info = await readSafeInfo(readers.provider, safe);
  if (readers.service === undefined) return { info, pending: [] };
  let files;
  try {
    files = await readers.service.list(chainId, info.safeAddress, info.nonce);
  } catch (serviceError) {
    return { info, pending: [], serviceError };
  }
  const pending = await Promise.all(
    files.map(async (file) => ({
      file,
      summary: await summarize(file, (token) => readers.token(token)),
      shortfalls: (await readSafeFunds(readers.client, file)).shortfalls,
    })),
  );
  return { info, pending };
}
