import { ethers } from "ethers";
import { safeArtifact } from "../../deploy/safe";

/**
 * Executes a call from a Safe with the owners' signatures gathered locally: each key signs the Safe transaction
 * hash (EIP-712), signatures are sorted by owner address as the Safe requires, and `sender` submits
 * `execTransaction`. For scripts, benchmarks and tests on local chains; signers elsewhere use `coffer safe`.
 */
export async function execSafeCall(
  safeAddress: string,
  ownerKeys: readonly string[],
  sender: ethers.Signer,
  call: { to: string; data: string; value?: bigint },
): Promise<ethers.TransactionReceipt> {
  const safe = new ethers.Contract(safeAddress, safeArtifact("SafeL2").abi, sender);
  const tx = [call.to, call.value ?? 0n, call.data, 0, 0n, 0n, 0n, ethers.ZeroAddress, ethers.ZeroAddress] as const;
  const safeTxHash: string = await safe.getFunction("getTransactionHash")(...tx, await safe.getFunction("nonce")());
  const signatures = ownerKeys
    .map((key) => new ethers.Wallet(key))
    .sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1))
    .map((wallet) => wallet.signingKey.sign(safeTxHash).serialized);
  const response: ethers.TransactionResponse = await safe.getFunction("execTransaction")(
    ...tx,
    ethers.concat(signatures),
  );
  const receipt = await response.wait();
  if (receipt === null || receipt.status !== 1) throw new Error(`Safe transaction ${safeTxHash} failed`);
  // A Safe whose inner call fails still mines: it emits ExecutionFailure instead of ExecutionSuccess.
  const failed = receipt.logs.some((log) => safe.interface.parseLog(log)?.name === "ExecutionFailure");
  if (failed) throw new Error(`Safe transaction ${safeTxHash} executed, but its call to ${call.to} reverted`);
  return receipt;
}
