import { readSafeInfo } from "../safe-tx/safe-contract";
import { buildSignatureBytes, EthSafeSignature } from "@safe-global/protocol-kit";
import { ethers } from "ethers";
import { toCofferError } from "../errors";
import type { SafeChain } from "./connection";
import {
  SafeAddressMismatchError,
  SafeChainMismatchError,
  SafeDuplicateSignatureError,
  SafeSignatureMismatchError,
  SafeSignerNotOwnerError,
  SafeStaleTransactionError,
  SafeTxHashMismatchError,
  SafeUnsupportedSignatureError,
  type SafeApproval,
} from "./errors";
import type { SafeSignatureRecord, SafeTransactionFile } from "./file";

/** The Safe's state that a transaction is checked against. */
export interface SafeState {
  readonly safeAddress: string;
  readonly owners: readonly string[];
  readonly threshold: number;
  /** The nonce the next executed transaction must have. */
  readonly nonce: number;
}

/** A transaction whose hash and every signature were checked against the chain. */
export interface VerifiedSafeTransaction {
  readonly file: SafeTransactionFile;
  readonly state: SafeState;
  /** Owners whose signature in the file verified, sorted by address. */
  readonly signers: readonly string[];
  /** Owners without a signature in the file who approved the hash on chain (`approveHash`). */
  readonly onchainApprovals: readonly string[];
  /** Signatures and on-chain approvals, each owner once (the executor is not counted here: see `execute`). */
  readonly approvals: readonly SafeApproval[];
  /** How many more approvals the threshold needs (0 when it is met). */
  readonly missing: number;
  /** True when the nonce is the Safe's next one and the threshold is met. */
  readonly executable: boolean;
}

/** Reads a Safe's owners, threshold and nonce. */
export async function readSafeState(chain: SafeChain, safeAddress: string): Promise<SafeState> {
  return readSafeInfo(chain.provider, safeAddress);
}

function transactionArgs(file: SafeTransactionFile): unknown[] {
  const t = file.transaction;
  return [
    t.to,
    t.value,
    t.data,
    t.operation,
    t.safeTxGas,
    t.baseGas,
    t.gasPrice,
    t.gasToken,
    t.refundReceiver,
    t.nonce,
  ];
}

/**
 * Verifies a transaction against the chain, trusting nothing in it:
 * 1. the chain id is the node's (and the Safe the expected one, when given);
 * 2. the safeTxHash is what the Safe's own `getTransactionHash` returns for the data;
 * 3. the nonce is not below the Safe's nonce (a stale transaction can never execute);
 * 4. no signer appears twice;
 * 5. each signature recovers to the signer it claims (EIP-712 `v` 27/28, `eth_sign` `v` 31/32; a contract
 *    owner's EIP-1271 signature is checked by the Safe's `checkNSignatures`), and that signer is a current owner.
 * On-chain approvals (`approveHash`) of other owners are counted as well, as the Safe counts them.
 * @throws SafeChainMismatchError, SafeAddressMismatchError, SafeTxHashMismatchError, SafeStaleTransactionError,
 * SafeDuplicateSignatureError, SafeSignatureMismatchError, SafeSignerNotOwnerError, SafeUnsupportedSignatureError
 */
export async function verifySafeTransaction(
  chain: SafeChain,
  file: SafeTransactionFile,
  options: { expectedSafe?: string } = {},
): Promise<VerifiedSafeTransaction> {
  if (file.chainId !== chain.chainId) throw new SafeChainMismatchError(file.chainId, chain.chainId);
  if (options.expectedSafe !== undefined && ethers.getAddress(options.expectedSafe) !== file.safeAddress) {
    throw new SafeAddressMismatchError(file.safeAddress, ethers.getAddress(options.expectedSafe));
  }
  const safe = chain.safeContract(file.safeAddress);
  let computedHash: string;
  try {
    computedHash = ((await safe.getFunction("getTransactionHash")(...transactionArgs(file))) as string).toLowerCase();
  } catch (error) {
    throw toCofferError(error);
  }
  if (computedHash !== file.safeTxHash) {
    throw new SafeTxHashMismatchError(file.safeTxHash, computedHash, file.safeAddress);
  }
  const state = await readSafeState(chain, file.safeAddress);
  if (file.transaction.nonce < state.nonce) {
    throw new SafeStaleTransactionError(file.transaction.nonce, state.nonce, file.safeTxHash);
  }

  const counts = new Map<string, number>();
  for (const signature of file.signatures) {
    const key = signature.signer.toLowerCase();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const signature of file.signatures) {
    const count = counts.get(signature.signer.toLowerCase()) ?? 0;
    if (count > 1) throw new SafeDuplicateSignatureError(signature.signer, count, file.safeTxHash);
  }

  const owners = new Set(state.owners.map((owner) => owner.toLowerCase()));
  for (const signature of file.signatures) {
    await verifySignature(chain, file, signature);
    if (!owners.has(signature.signer.toLowerCase())) {
      throw new SafeSignerNotOwnerError(signature.signer, file.safeAddress, state.owners);
    }
  }
  const signers = file.signatures.map((signature) => signature.signer);

  const others = state.owners.filter((owner) => !signers.some((s) => s.toLowerCase() === owner.toLowerCase()));
  let onchainApprovals: string[];
  try {
    const approved = await Promise.all(
      others.map(
        async (owner) => ((await safe.getFunction("approvedHashes")(owner, file.safeTxHash)) as bigint) !== 0n,
      ),
    );
    onchainApprovals = others.filter((_, index) => approved[index]);
  } catch (error) {
    throw toCofferError(error);
  }
  const approvals: SafeApproval[] = [
    ...signers.map((owner) => ({ owner, kind: "signature" as const })),
    ...onchainApprovals.map((owner) => ({ owner, kind: "onchain" as const })),
  ];
  const missing = Math.max(0, state.threshold - approvals.length);
  return {
    file,
    state,
    signers,
    onchainApprovals,
    approvals,
    missing,
    executable: missing === 0 && file.transaction.nonce === state.nonce,
  };
}

/**
 * Checks that one signature is the claimed signer's signature of the file's safeTxHash.
 * @throws SafeSignatureMismatchError or SafeUnsupportedSignatureError
 */
export async function verifySignature(
  chain: SafeChain,
  file: SafeTransactionFile,
  signature: SafeSignatureRecord,
): Promise<void> {
  if (signature.isContractSignature) {
    await verifyContractSignature(chain, file, signature);
    return;
  }
  const bytes = ethers.getBytes(signature.data);
  if (bytes.length !== 65) {
    throw new SafeUnsupportedSignatureError(
      signature.signer,
      `an EOA signature has 65 bytes, this one ${bytes.length}`,
    );
  }
  const v = bytes[64] ?? 0;
  let recovered: string | undefined;
  try {
    if (v === 27 || v === 28) {
      recovered = ethers.recoverAddress(file.safeTxHash, signature.data);
    } else if (v === 31 || v === 32) {
      // eth_sign: the Safe recovers from the prefixed message hash with v - 4.
      const adjusted = ethers.concat([bytes.slice(0, 64), new Uint8Array([v - 4])]);
      recovered = ethers.recoverAddress(ethers.hashMessage(ethers.getBytes(file.safeTxHash)), adjusted);
    } else if (v === 0 || v === 1) {
      throw new SafeUnsupportedSignatureError(
        signature.signer,
        v === 1
          ? "pre-validated signatures (v = 1) are not carried in files; Coffer reads on-chain approvals from the Safe"
          : "v = 0 marks a contract signature, but isContractSignature is false",
      );
    } else {
      throw new SafeUnsupportedSignatureError(signature.signer, `unknown signature type v = ${v}`);
    }
  } catch (error) {
    if (error instanceof SafeUnsupportedSignatureError) throw error;
    recovered = undefined;
  }
  if (recovered === undefined || recovered.toLowerCase() !== signature.signer.toLowerCase()) {
    throw new SafeSignatureMismatchError(signature.signer, recovered, file.safeTxHash);
  }
}

/** A contract owner's signature, checked by the Safe itself: `checkNSignatures` with this one signature. */
async function verifyContractSignature(
  chain: SafeChain,
  file: SafeTransactionFile,
  signature: SafeSignatureRecord,
): Promise<void> {
  const safe = chain.safeContract(file.safeAddress);
  let preimage: string;
  try {
    preimage = await safe.getFunction("encodeTransactionData")(...transactionArgs(file));
  } catch (error) {
    throw toCofferError(error);
  }
  const encoded = buildSignatureBytes([new EthSafeSignature(signature.signer, signature.data, true)]);
  try {
    await safe.getFunction("checkNSignatures")(file.safeTxHash, preimage, encoded, 1);
  } catch {
    // GS024 (the contract rejects it) or GS026 (not an owner: reported by the owner check with the owners).
    const owners = (await readSafeState(chain, file.safeAddress)).owners;
    if (!owners.some((owner) => owner.toLowerCase() === signature.signer.toLowerCase())) {
      throw new SafeSignerNotOwnerError(signature.signer, file.safeAddress, owners);
    }
    throw new SafeSignatureMismatchError(
      signature.signer,
      undefined,
      file.safeTxHash,
      "the owner contract rejects it (EIP-1271 isValidSignature)",
    );
  }
}
