import { ethers } from "ethers";
import { toCofferError } from "../errors";
import {
  SafeChainMismatchError,
  SafeSignatureMismatchError,
  SafeSignerNotOwnerError,
  SafeStaleTransactionError,
  SafeTxHashMismatchError,
} from "../safe/errors";
import type { SafeSignatureRecord, SafeTransactionFile } from "../safe/file-format";
import { chainIdOf, readSafeInfo } from "./safe-contract";
import { computeSafeTxHash, safeTxTypedData } from "./typed-data";

/**
 * Checks that a file is for the signer's chain, that its safeTxHash is the hash of its transaction, and that its
 * nonce is not below the Safe's. @throws SafeChainMismatchError, SafeTxHashMismatchError, SafeStaleTransactionError
 */
export async function checkSafeTransactionFile(
  runner: ethers.ContractRunner,
  file: SafeTransactionFile,
): Promise<{ owners: readonly string[]; threshold: number; nonce: number }> {
  const chainId = await chainIdOf(runner);
  if (chainId !== file.chainId) throw new SafeChainMismatchError(file.chainId, chainId);
  const computed = computeSafeTxHash(file.chainId, file.safeAddress, file.transaction);
  if (computed !== file.safeTxHash) throw new SafeTxHashMismatchError(file.safeTxHash, computed, file.safeAddress);
  const info = await readSafeInfo(runner, file.safeAddress);
  if (file.transaction.nonce < info.nonce) {
    throw new SafeStaleTransactionError(file.transaction.nonce, info.nonce, file.safeTxHash);
  }
  return info;
}

/**
 * Signs a Safe transaction with an owner's wallet: `eth_signTypedData_v4` of the `SafeTx` typed data, so the
 * wallet shows what is signed. The signature is checked to recover to the signer before it is returned.
 * @returns the signature record (v 27/28) to add to the file or post to the signature service
 * @throws SafeChainMismatchError, SafeTxHashMismatchError, SafeStaleTransactionError, SafeSignerNotOwnerError
 * (before the wallet is asked); the wallet's error when the owner declines; SafeSignatureMismatchError when the
 * wallet signed something else
 */
export async function signSafeTransactionFile(
  signer: ethers.Signer,
  file: SafeTransactionFile,
): Promise<SafeSignatureRecord> {
  const info = await checkSafeTransactionFile(signer, file);
  const account = ethers.getAddress(await signer.getAddress());
  if (!info.owners.includes(account)) throw new SafeSignerNotOwnerError(account, file.safeAddress, info.owners);
  const { domain, types, message } = safeTxTypedData(file.chainId, file.safeAddress, file.transaction);
  let raw: string;
  try {
    raw = await signer.signTypedData(domain, types, message);
  } catch (error) {
    // A declined request keeps its code (4001 / ACTION_REJECTED) in the cause for the caller to recognise.
    throw (error as { code?: unknown }).code === "ACTION_REJECTED" ? error : toCofferError(error);
  }
  // Some wallets answer v 0/1: the Safe takes 27/28 for an EIP-712 signature.
  const data = ethers.Signature.from(raw).serialized.toLowerCase();
  const recovered = ethers.recoverAddress(file.safeTxHash, data);
  if (recovered !== account) throw new SafeSignatureMismatchError(account, recovered, file.safeTxHash);
  return { signer: account, data, isContractSignature: false };
}
