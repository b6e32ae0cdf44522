import Safe, { EthSafeSignature, EthSafeTransaction } from "@safe-global/protocol-kit";
import { ethers } from "ethers";
import { parseSafeTransactionFile, SAFE_TX_FORMAT, sortSignatures, type SafeTransactionFile } from "./file-format";

export * from "./file-format";

/** protocol-kit's Safe transaction (its `signatures` is a Map keyed by the lower-case signer). */
export type SafeTransaction = Awaited<ReturnType<Safe["createTransaction"]>>;
/** The data the Safe hashes and signs (EIP-712 `SafeTx`), as protocol-kit holds it. */
export type SafeTransactionData = SafeTransaction["data"];

/**
 * protocol-kit's `SafeTransaction` from a file, with every signature of the file (unverified: verify first).
 * Serialising goes the other way through {@link toSafeTransactionFile}.
 */
export function toSafeTransaction(file: SafeTransactionFile): SafeTransaction {
  const transaction = new EthSafeTransaction({ ...file.transaction });
  for (const signature of file.signatures) {
    transaction.addSignature(new EthSafeSignature(signature.signer, signature.data, signature.isContractSignature));
  }
  return transaction;
}

/** The file of a protocol-kit transaction: its data, and its signatures Map serialised as records. */
export function toSafeTransactionFile(
  transaction: SafeTransaction,
  context: {
    chainId: number;
    safeAddress: string;
    safeTxHash: string;
    proposer?: string;
    proposedAt?: string;
    note?: string;
  },
): SafeTransactionFile {
  const data = transaction.data;
  return parseSafeTransactionFile({
    format: SAFE_TX_FORMAT,
    chainId: context.chainId,
    safeAddress: context.safeAddress,
    safeTxHash: context.safeTxHash,
    transaction: {
      to: data.to,
      value: String(data.value),
      data: data.data,
      operation: Number(data.operation),
      safeTxGas: String(data.safeTxGas),
      baseGas: String(data.baseGas),
      gasPrice: String(data.gasPrice),
      gasToken: data.gasToken,
      refundReceiver: data.refundReceiver,
      nonce: Number(data.nonce),
    },
    signatures: sortSignatures(
      [...transaction.signatures.values()].map((signature) => ({
        signer: ethers.getAddress(signature.signer),
        data: signature.data,
        isContractSignature: signature.isContractSignature,
      })),
    ),
    proposer: context.proposer,
    proposedAt: context.proposedAt,
    note: context.note,
  });
}
