import { ethers } from "ethers";
import { toCofferError } from "../errors";
import { SafeInvalidProposalError } from "../safe/errors";

/** The parts of a Safe v1.4.1 the browser flow calls, without Safe's libraries. */
export const SAFE_ABI = [
  "function getOwners() view returns (address[])",
  "function getThreshold() view returns (uint256)",
  "function nonce() view returns (uint256)",
  "function getTransactionHash(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, uint256 _nonce) view returns (bytes32)",
  "function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address payable refundReceiver, bytes signatures) payable returns (bool success)",
  "event ExecutionSuccess(bytes32 indexed txHash, uint256 payment)",
  "event ExecutionFailure(bytes32 indexed txHash, uint256 payment)",
] as const;

/** A Safe's owners, threshold and the nonce its next executed transaction must have. */
export interface SafeInfo {
  readonly safeAddress: string;
  /** Checksummed. */
  readonly owners: readonly string[];
  readonly threshold: number;
  readonly nonce: number;
}

/** The Safe at `safeAddress` as an ethers contract. */
export function safeContract(safeAddress: string, runner: ethers.ContractRunner): ethers.Contract {
  return new ethers.Contract(safeAddress, SAFE_ABI, runner);
}

/** Reads a Safe's owners, threshold and nonce. @throws CofferRpcError (or a revert: no Safe at the address) */
export async function readSafeInfo(runner: ethers.ContractRunner, safeAddress: string): Promise<SafeInfo> {
  const safe = safeContract(safeAddress, runner);
  try {
    const [owners, threshold, nonce] = await Promise.all([
      safe.getFunction("getOwners")() as Promise<string[]>,
      safe.getFunction("getThreshold")() as Promise<bigint>,
      safe.getFunction("nonce")() as Promise<bigint>,
    ]);
    return {
      safeAddress: ethers.getAddress(safeAddress),
      owners: owners.map((owner) => ethers.getAddress(owner)),
      threshold: Number(threshold),
      nonce: Number(nonce),
    };
  } catch (error) {
    throw toCofferError(error);
  }
}

/** The chain id of the runner's provider. */
export async function chainIdOf(runner: ethers.ContractRunner): Promise<number> {
  const provider = runner.provider ?? (runner as ethers.Provider);
  if (typeof provider.getNetwork !== "function") throw new SafeInvalidProposalError("the runner has no provider");
  try {
    return Number((await provider.getNetwork()).chainId);
  } catch (error) {
    throw toCofferError(error);
  }
}
