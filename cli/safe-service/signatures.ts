import { ethers } from "ethers";
import { SafeUnsupportedSignatureError, type SafeSignatureRecord } from "@coffer/sdk/safe";

const SIGNATURE_BYTES = 65;

/**
 * Splits the `signature` field of the Safe Transaction Service API (one or more 65-byte `r ‖ s ‖ v` signatures,
 * concatenated as the Safe takes them) into Coffer's signature records, each with the owner it recovers to.
 * Only EOA signatures are read: EIP-712 (`v` 27/28) and `eth_sign` (`v` 31/32). Whether the owner is a current
 * owner is left to `verifySafeTransaction`, which checks every record again against the chain.
 * @throws SafeUnsupportedSignatureError for contract signatures (`v` 0), pre-approved hashes (`v` 1), or bytes
 * that are not whole 65-byte signatures
 */
export function signatureRecordsOf(safeTxHash: string, signature: string): SafeSignatureRecord[] {
  if (!/^0x([0-9a-fA-F]{2})+$/.test(signature)) {
    throw new SafeUnsupportedSignatureError("the signature", `${signature.slice(0, 20)} is not hex bytes`);
  }
  const bytes = ethers.getBytes(signature);
  if (bytes.length % SIGNATURE_BYTES !== 0) {
    throw new SafeUnsupportedSignatureError(
      "the signature",
      `it is ${bytes.length} bytes: expected 65-byte EOA signatures (r, s, v), concatenated`,
    );
  }
  const records: SafeSignatureRecord[] = [];
  for (let offset = 0; offset < bytes.length; offset += SIGNATURE_BYTES) {
    const one = ethers.hexlify(bytes.slice(offset, offset + SIGNATURE_BYTES));
    records.push({ signer: recoverOwner(safeTxHash, one), data: one, isContractSignature: false });
  }
  return records;
}

/** The owner a 65-byte EIP-712 or `eth_sign` signature of `safeTxHash` recovers to. */
function recoverOwner(safeTxHash: string, signature: string): string {
  const v = Number.parseInt(signature.slice(-2), 16);
  try {
    if (v === 27 || v === 28) return ethers.recoverAddress(safeTxHash, signature);
    if (v === 31 || v === 32) {
      // eth_sign: the owner signed the prefixed message of the hash; the Safe marks it with v + 4.
      const split = ethers.Signature.from({ r: signature.slice(0, 66), s: `0x${signature.slice(66, 130)}`, v: v - 4 });
      return ethers.recoverAddress(ethers.hashMessage(ethers.getBytes(safeTxHash)), split);
    }
  } catch (error) {
    throw new SafeUnsupportedSignatureError(signature, `it does not recover: ${(error as Error).message}`);
  }
  throw new SafeUnsupportedSignatureError(
    signature,
    `v=${v} (${v === 0 ? "contract signature" : v === 1 ? "approved hash" : "unknown"}) is not ` +
      "accepted by this service: send an EOA signature (EIP-712, v 27/28, or eth_sign, v 31/32)",
  );
}
