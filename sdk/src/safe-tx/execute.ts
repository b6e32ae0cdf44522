import { ethers } from "ethers";
import { toCofferError } from "../errors";
import {
  SafeDuplicateSignatureError,
  SafeExecutionError,
  SafeNonceNotNextError,
  SafeSignatureMismatchError,
  SafeSignerNotOwnerError,
  SafeThresholdNotMetError,
  SafeUnsupportedSignatureError,
  type SafeApproval,
} from "../safe/errors";
import { sortSignatures, type SafeTransactionFile } from "../safe/file-format";
import { explainExecutionFailure, safeRevertCode } from "./reverts";
import { safeContract } from "./safe-contract";
import { checkSafeTransactionFile } from "./sign";

/** A mined, successful Safe execution. */
export interface SafeExecution {
  readonly safeTxHash: string;
  /** The chain transaction that called `execTransaction`. */
  readonly transactionHash: string;
  readonly blockNumber: number;
  readonly gasUsed: bigint;
  readonly executor: string;
  /** The owners whose signatures met the threshold. */
  readonly approvals: readonly SafeApproval[];
}

/** The owner an EOA signature of `hash` recovers to (v 27/28 EIP-712, v 31/32 `eth_sign`). */
function recoverSigner(hash: string, signer: string, data: string): string {
  if (ethers.dataLength(data) !== 65) throw new SafeUnsupportedSignatureError(signer, "not 65 bytes");
  const v = Number.parseInt(data.slice(-2), 16);
  if (v === 27 || v === 28) return ethers.recoverAddress(hash, data);
  if (v === 31 || v === 32) {
    return ethers.recoverAddress(
      ethers.hashMessage(ethers.getBytes(hash)),
      ethers.concat([data.slice(0, 130), ethers.toBeHex(v - 4)]),
    );
  }
  throw new SafeUnsupportedSignatureError(signer, `v = ${v} (only EOA signatures, v 27/28 or 31/32)`);
}

/**
 * Checks every signature of a file: one per owner, each recovering to the owner it names.
 * @returns the approving owners, sorted by address
 * @throws SafeDuplicateSignatureError, SafeUnsupportedSignatureError (contract or pre-validated signatures),
 * SafeSignatureMismatchError, SafeSignerNotOwnerError
 */
export function checkSignatures(file: SafeTransactionFile, owners: readonly string[]): SafeApproval[] {
  const approvals: SafeApproval[] = [];
  for (const signature of sortSignatures(file.signatures)) {
    const count = file.signatures.filter((other) => other.signer === signature.signer).length;
    if (count > 1) throw new SafeDuplicateSignatureError(signature.signer, count, file.safeTxHash);
    if (signature.isContractSignature) {
      throw new SafeUnsupportedSignatureError(
        signature.signer,
        "contract signatures are executed with @coffer/sdk/safe",
      );
    }
    let recovered: string | undefined;
    try {
      recovered = recoverSigner(file.safeTxHash, signature.signer, signature.data);
    } catch (error) {
      if (error instanceof SafeUnsupportedSignatureError) throw error;
      recovered = undefined;
    }
    if (recovered !== signature.signer) {
      throw new SafeSignatureMismatchError(signature.signer, recovered, file.safeTxHash);
    }
    if (!owners.includes(signature.signer)) {
      throw new SafeSignerNotOwnerError(signature.signer, file.safeAddress, owners);
    }
    approvals.push({ owner: signature.signer, kind: "signature" });
  }
  return approvals;
}

/**
 * Executes a Safe transaction whose signatures meet the threshold, with `signer` paying the gas (any account).
 * Everything is checked before anything is sent: the hash, each signature, the nonce, the threshold, and then a
 * simulation of `execTransaction` (a static call), so a call that would fail throws its decoded error and sends
 * nothing. A Safe that runs the transaction but whose call fails (`ExecutionFailure`) counts as a failure.
 * @throws SafeTxHashMismatchError, SafeChainMismatchError, SafeStaleTransactionError, SafeNonceNotNextError,
 * the signature errors of {@link checkSignatures}, SafeThresholdNotMetError; SafeExecutionError when the
 * simulation fails (its cause is the inner call's decoded error when there is one), the wallet refuses, or
 * the mined transaction fails
 */
export async function executeSafeTransactionFile(
  signer: ethers.Signer,
  file: SafeTransactionFile,
  options: { readonly timeoutMs?: number } = {},
): Promise<SafeExecution> {
  const info = await checkSafeTransactionFile(signer, file);
  if (file.transaction.nonce > info.nonce) {
    throw new SafeNonceNotNextError(file.transaction.nonce, info.nonce, file.safeTxHash);
  }
  const approvals = checkSignatures(file, info.owners);
  if (approvals.length < info.threshold) {
    throw new SafeThresholdNotMetError(
      info.threshold - approvals.length,
      info.threshold,
      approvals,
      file.safeTxHash,
      "executing adds no approval: collect the owners' signatures first",
    );
  }
  const executor = ethers.getAddress(await signer.getAddress());
  const safe = safeContract(file.safeAddress, signer);
  const t = file.transaction;
  const signatures = ethers.concat(sortSignatures(file.signatures).map((signature) => signature.data));
  const args = [
    t.to,
    t.value,
    t.data,
    t.operation,
    t.safeTxGas,
    t.baseGas,
    t.gasPrice,
    t.gasToken,
    t.refundReceiver,
    signatures,
  ] as const;
  const execTransaction = safe.getFunction("execTransaction");

  let succeeds: boolean;
  try {
    succeeds = (await execTransaction.staticCall(...args, { value: 0n, from: executor })) as boolean;
  } catch (error) {
    throw await simulationFailure(signer, file, error);
  }
  if (!succeeds) throw await simulationFailure(signer, file, undefined);

  let hash: string;
  try {
    hash = ((await execTransaction(...args)) as ethers.TransactionResponse).hash;
  } catch (error) {
    throw new SafeExecutionError(file.safeTxHash, explainExecutionFailure(error), undefined, { cause: error });
  }
  const receipt = await confirmSafeExecution(
    providerOf(signer),
    safe.interface,
    file,
    hash,
    options.timeoutMs ?? 120_000,
  );
  return {
    safeTxHash: file.safeTxHash,
    transactionHash: hash,
    blockNumber: receipt.blockNumber,
    gasUsed: receipt.gasUsed,
    executor,
    approvals,
  };
}

/**
 * Why the simulation failed. When the Safe's own call failed (GS013, or `false`), the call is replayed from the
 * Safe to read its revert, so the error says what the target refused (e.g. a Coffer custom error).
 */
async function simulationFailure(
  signer: ethers.Signer,
  file: SafeTransactionFile,
  error: unknown,
): Promise<SafeExecutionError> {
  const code = error === undefined ? "GS013" : safeRevertCode(error);
  const t = file.transaction;
  if (code === "GS013" && t.operation === 0) {
    try {
      await providerOf(signer).call({ from: file.safeAddress, to: t.to, value: BigInt(t.value), data: t.data });
    } catch (inner) {
      const decoded = toCofferError(inner);
      return new SafeExecutionError(file.safeTxHash, `the Safe's call would fail: ${decoded.message}`, undefined, {
        cause: decoded,
      });
    }
  }
  const reason = error === undefined ? "the Safe's call would fail" : explainExecutionFailure(error);
  return new SafeExecutionError(file.safeTxHash, `${reason}; nothing was sent`, undefined, { cause: error });
}

function providerOf(signer: ethers.Signer): ethers.Provider {
  if (signer.provider === null) throw new SafeExecutionError("", "the signer is not connected to a provider");
  return signer.provider;
}

/**
 * Waits for the transaction `hash` that executes `file` and checks that the Safe ran it: mined, not reverted, and
 * an `ExecutionSuccess` (not `ExecutionFailure`) for its safeTxHash in the receipt.
 * @throws SafeExecutionError naming what went wrong
 */
export async function confirmSafeExecution(
  provider: ethers.Provider,
  safeInterface: ethers.Interface,
  file: SafeTransactionFile,
  hash: string,
  timeoutMs: number,
): Promise<ethers.TransactionReceipt> {
  let receipt: ethers.TransactionReceipt | null;
  try {
    receipt = await waitForReceipt(provider, hash, timeoutMs);
  } catch (error) {
    throw new SafeExecutionError(file.safeTxHash, `waiting for ${hash}: ${toCofferError(error).message}`, hash);
  }
  if (receipt === null) throw new SafeExecutionError(file.safeTxHash, "the transaction was not mined", hash);
  if (receipt.status !== 1) throw new SafeExecutionError(file.safeTxHash, "execTransaction reverted", hash);
  const outcomes = receipt.logs
    .filter((log) => log.address.toLowerCase() === file.safeAddress.toLowerCase())
    .map((log) => safeInterface.parseLog(log))
    .filter((event) => event?.name === "ExecutionSuccess" || event?.name === "ExecutionFailure")
    .filter((event) => String(event?.args[0]).toLowerCase() === file.safeTxHash)
    .map((event) => event?.name);
  if (outcomes.includes("ExecutionFailure")) {
    throw new SafeExecutionError(file.safeTxHash, "the Safe ran it but its call failed (ExecutionFailure)", hash);
  }
  if (!outcomes.includes("ExecutionSuccess")) {
    throw new SafeExecutionError(file.safeTxHash, "no ExecutionSuccess event in the receipt", hash);
  }
  return receipt;
}

/** Polls for the receipt (ethers' `wait` can miss it on an idle automining local chain). */
async function waitForReceipt(
  provider: ethers.Provider,
  hash: string,
  timeoutMs: number,
): Promise<ethers.TransactionReceipt | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const receipt = await provider.getTransactionReceipt(hash);
    if (receipt !== null || Date.now() > deadline) return receipt;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
