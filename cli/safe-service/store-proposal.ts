import type { DirectorySafeStore } from "@coffer/sdk/node";
import {
  SafeInvalidProposalError,
  verifySafeTransaction,
  type SafeChain,
  type SafeTransactionFile,
} from "@coffer/sdk/safe";

/**
 * Stores a proposal after verifying it against the chain, or merges its new signatures into the stored
 * transaction with the same safeTxHash (verified again, merged). The posted document is checked on its own first
 * (its data against its hash), so a forged one never reaches the store.
 * @returns the stored transaction, and whether it was new
 * @throws SafeInvalidProposalError for a new proposal without signatures, any verification error of the SDK,
 * SafeNonceTakenError when another pending transaction of the Safe holds the nonce
 */
export async function addVerifiedProposal(
  chain: SafeChain,
  store: DirectorySafeStore,
  file: SafeTransactionFile,
): Promise<{ stored: SafeTransactionFile; created: boolean }> {
  const existing = await store.find(file.safeTxHash);
  if (existing === undefined && file.signatures.length === 0) {
    throw new SafeInvalidProposalError("a proposal must carry at least one owner's signature");
  }
  await verifySafeTransaction(chain, file);
  const incoming = file.signatures.filter(
    (signature) => !existing?.signatures.some((s) => s.signer === signature.signer && s.data === signature.data),
  );
  const candidate: SafeTransactionFile =
    existing === undefined ? file : { ...existing, signatures: [...existing.signatures, ...incoming] };
  if (existing !== undefined) await verifySafeTransaction(chain, candidate);
  return { stored: await store.add(candidate), created: existing === undefined };
}
