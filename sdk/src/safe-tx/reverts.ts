import { ethers } from "ethers";
import { revertDataOf, toCofferError } from "../errors";

/** Safe v1.4.1's revert codes that an execution can meet. */
export const SAFE_REVERTS: Readonly<Record<string, string>> = {
  GS010: "not enough gas to execute the Safe transaction",
  GS011: "could not pay the gas costs with ETH",
  GS012: "could not pay the gas costs with the token",
  GS013: "the Safe's call reverted (with safeTxGas and gasPrice 0 the whole execution reverts)",
  GS020: "the signatures are too short for the threshold",
  GS021: "a contract signature points inside the static part",
  GS022: "a contract signature is out of bounds",
  GS023: "a contract signature is out of bounds",
  GS024: "a contract owner rejected its signature",
  GS025: "an owner has not approved the hash",
  GS026: "a signer is not an owner, or the signatures are not sorted by owner (or the nonce moved)",
};

/** The Safe's revert code (`GS013`…) in an error, from its message, its reason or its `Error(string)` data. */
export function safeRevertCode(error: unknown): string | undefined {
  const { message, reason } = error as { message?: string; reason?: string };
  let text = `${message ?? String(error)} ${reason ?? ""}`;
  const data = revertDataOf(error);
  if (data !== undefined && data.startsWith("0x08c379a0")) {
    try {
      text += ` ${ethers.AbiCoder.defaultAbiCoder().decode(["string"], ethers.dataSlice(data, 4))[0] as string}`;
    } catch {
      // not a well-formed Error(string)
    }
  }
  return /GS0\d\d/.exec(text)?.[0];
}

/** Why `execTransaction` failed, in words: the Safe's revert code explained, or the decoded error. */
export function explainExecutionFailure(error: unknown): string {
  const code = safeRevertCode(error);
  if (code !== undefined && SAFE_REVERTS[code] !== undefined) return `${SAFE_REVERTS[code]} [${code}]`;
  return toCofferError(error).message.split("\n")[0] ?? "unknown error";
}
