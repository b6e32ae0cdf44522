import { ethers } from "ethers";
import { SafeInvalidProposalError, SafeNonceTakenError } from "../safe/errors";
import {
  mergeSignatures,
  parseSafeTransactionFile,
  SAFE_TX_FORMAT,
  type SafeTransactionFile,
} from "../safe/file-format";
import type { SafeTransactionStore } from "../safe/store";
import { chainIdOf, readSafeInfo } from "./safe-contract";
import { signSafeTransactionFile } from "./sign";
import { computeSafeTxHash } from "./typed-data";

/** A call for the Safe to make. */
export interface SafeCallInput {
  readonly to: string;
  /** Wei sent with the call; 0 by default. */
  readonly value?: bigint;
  /** Calldata; `0x` by default. */
  readonly data?: string;
  /** 0 call (default), 1 delegatecall (MultiSend batches only). */
  readonly operation?: 0 | 1;
}

/** Options of {@link buildSafeTransactionFile}. */
export interface BuildSafeTransactionOptions {
  /** A provider (or anything with one) of the Safe's chain. */
  readonly runner: ethers.ContractRunner;
  readonly safeAddress: string;
  readonly call: SafeCallInput;
  /** Where the pending proposals are, so the nonce is one none of them holds. */
  readonly store?: SafeTransactionStore;
  /** An explicit nonce instead of the next free one. */
  readonly nonce?: number;
  readonly proposer?: string;
  readonly note?: string;
}

/**
 * The first nonce at or above the Safe's that no pending proposal in `store` holds (the Safe's nonce without a
 * store).
 */
export async function nextFreeSafeNonce(
  runner: ethers.ContractRunner,
  safeAddress: string,
  store?: SafeTransactionStore,
): Promise<number> {
  const [{ nonce }, chainId] = await Promise.all([readSafeInfo(runner, safeAddress), chainIdOf(runner)]);
  if (store === undefined) return nonce;
  const taken = new Set((await store.list(chainId, safeAddress, nonce)).map((file) => file.transaction.nonce));
  let next = nonce;
  while (taken.has(next)) next += 1;
  return next;
}

/**
 * An unsigned `coffer-safe-tx/1` file for a call of the Safe, at the next free nonce (see
 * {@link nextFreeSafeNonce}), with no gas refund (safeTxGas, baseGas and gasPrice 0).
 * @throws SafeInvalidProposalError for a bad target, data or nonce; CofferRpcError; SafeServiceError (a service store)
 */
export async function buildSafeTransactionFile(options: BuildSafeTransactionOptions): Promise<SafeTransactionFile> {
  const { call } = options;
  if (!ethers.isAddress(call.to)) throw new SafeInvalidProposalError(`the target ${call.to} is not an address`);
  if (call.data !== undefined && !ethers.isHexString(call.data)) {
    throw new SafeInvalidProposalError(`the data for ${call.to} is not hex`);
  }
  const safeAddress = ethers.getAddress(options.safeAddress);
  const chainId = await chainIdOf(options.runner);
  const nonce = options.nonce ?? (await nextFreeSafeNonce(options.runner, safeAddress, options.store));
  const transaction = {
    to: ethers.getAddress(call.to),
    value: (call.value ?? 0n).toString(),
    data: (call.data ?? "0x").toLowerCase(),
    operation: call.operation ?? 0,
    safeTxGas: "0",
    baseGas: "0",
    gasPrice: "0",
    gasToken: ethers.ZeroAddress,
    refundReceiver: ethers.ZeroAddress,
    nonce,
  } as const;
  return parseSafeTransactionFile({
    format: SAFE_TX_FORMAT,
    chainId,
    safeAddress,
    safeTxHash: computeSafeTxHash(chainId, safeAddress, transaction),
    transaction,
    signatures: [],
    proposer: options.proposer,
    proposedAt: new Date().toISOString(),
    note: options.note,
  });
}

/**
 * Proposes a call of the Safe: builds it at the next free nonce, signs it with `signer` (an owner's wallet) and
 * adds it to `store` (Coffer's signature service). Retries with the next nonce when another proposal took it
 * meanwhile.
 * @returns the proposal as the store keeps it
 * @throws every error of {@link signSafeTransactionFile} (nothing is stored when the owner declines);
 * SafeServiceError; SafeNonceTakenError after repeated races
 */
export async function proposeSafeCall(
  signer: ethers.Signer,
  store: SafeTransactionStore,
  options: { readonly safeAddress: string; readonly call: SafeCallInput; readonly note?: string },
): Promise<SafeTransactionFile> {
  const proposer = ethers.getAddress(await signer.getAddress());
  for (let attempt = 1; ; attempt += 1) {
    const file = await buildSafeTransactionFile({ runner: signer, ...options, store, proposer });
    const signed = mergeSignatures(file, [await signSafeTransactionFile(signer, file)]);
    try {
      return await store.add(signed);
    } catch (error) {
      if (!(error instanceof SafeNonceTakenError) || attempt >= 5) throw error;
    }
  }
}
