import { ethers } from "ethers";
import type { SafeTransactionFile } from "../safe/file-format";

/** The EIP-712 types a Safe (v1.3.0 and later) signs a transaction under. */
export const SAFE_TX_TYPES: Record<string, ethers.TypedDataField[]> = {
  SafeTx: [
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "data", type: "bytes" },
    { name: "operation", type: "uint8" },
    { name: "safeTxGas", type: "uint256" },
    { name: "baseGas", type: "uint256" },
    { name: "gasPrice", type: "uint256" },
    { name: "gasToken", type: "address" },
    { name: "refundReceiver", type: "address" },
    { name: "nonce", type: "uint256" },
  ],
};

/** The typed data of a Safe transaction: what `eth_signTypedData_v4` shows the signer. */
export interface SafeTxTypedData {
  readonly domain: { readonly chainId: number; readonly verifyingContract: string };
  readonly types: Record<string, ethers.TypedDataField[]>;
  readonly primaryType: "SafeTx";
  readonly message: SafeTransactionFile["transaction"];
}

/** The EIP-712 typed data of a transaction of `safeAddress` on `chainId` (domain: chainId, the Safe). */
export function safeTxTypedData(
  chainId: number,
  safeAddress: string,
  transaction: SafeTransactionFile["transaction"],
): SafeTxTypedData {
  return {
    domain: { chainId, verifyingContract: ethers.getAddress(safeAddress) },
    types: SAFE_TX_TYPES,
    primaryType: "SafeTx",
    message: transaction,
  };
}

/** The safeTxHash (lower-case hex) the Safe's `getTransactionHash` computes for the transaction. */
export function computeSafeTxHash(
  chainId: number,
  safeAddress: string,
  transaction: SafeTransactionFile["transaction"],
): string {
  const { domain, types, message } = safeTxTypedData(chainId, safeAddress, transaction);
  return ethers.TypedDataEncoder.hash(domain, types, message).toLowerCase();
}
