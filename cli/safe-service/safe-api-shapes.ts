import { ethers } from "ethers";
import type { SafeSignatureRecord, SafeState, SafeTransactionFile } from "@coffer/sdk/safe";

/**
 * The JSON shapes of the Safe Transaction Service API (v1 and v2, camelCase, as `@safe-global/api-kit` reads
 * them), built from Coffer's `coffer-safe-tx/1` files. Coffer keeps pending transactions only, so every
 * transaction here is unexecuted: the execution fields are null.
 */

/** A paginated list: `{ count, next, previous, results }`. */
export interface SafeApiPage<T> {
  readonly count: number;
  readonly next: string | null;
  readonly previous: string | null;
  readonly results: readonly T[];
}

/** One page of `items` for `limit`/`offset`, with the links the service gives (`next`, `previous`). */
export function pageOf<T>(items: readonly T[], url: URL, limit: number, offset: number): SafeApiPage<T> {
  const link = (at: number): string => {
    const target = new URL(url);
    target.searchParams.set("limit", String(limit));
    target.searchParams.set("offset", String(at));
    return target.toString();
  };
  return {
    count: items.length,
    next: offset + limit < items.length ? link(offset + limit) : null,
    previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
    results: items.slice(offset, offset + limit),
  };
}

/** The service's signature types: EIP-712 signatures are `EOA`, `eth_sign` ones (`v` 31/32) `ETH_SIGN`. */
function signatureType(signature: SafeSignatureRecord): "EOA" | "ETH_SIGN" | "CONTRACT_SIGNATURE" {
  if (signature.isContractSignature) return "CONTRACT_SIGNATURE";
  return Number.parseInt(signature.data.slice(-2), 16) > 30 ? "ETH_SIGN" : "EOA";
}

/**
 * A confirmation (`SafeMultisigConfirmationResponse`). Coffer does not date each signature: a confirmation
 * carries the proposal's date.
 */
export function confirmationOf(file: SafeTransactionFile, signature: SafeSignatureRecord) {
  return {
    owner: signature.signer,
    submissionDate: file.proposedAt ?? null,
    transactionHash: null,
    signature: signature.data,
    signatureType: signatureType(signature),
  };
}

/** Functions a signer recognises, decoded into `dataDecoded` as the service does (others: null). */
const KNOWN_FUNCTIONS = new ethers.Interface([
  "function transfer(address to, uint256 value)",
  "function approve(address spender, uint256 value)",
  "function transferFrom(address from, address to, uint256 value)",
  "function addOwnerWithThreshold(address owner, uint256 _threshold)",
  "function removeOwner(address prevOwner, address owner, uint256 _threshold)",
  "function swapOwner(address prevOwner, address oldOwner, address newOwner)",
  "function changeThreshold(uint256 _threshold)",
  "function enableModule(address module)",
  "function disableModule(address prevModule, address module)",
  "function multiSend(bytes transactions)",
]);

/** `dataDecoded`: `{ method, parameters: [{ name, type, value }] }`, or null for data it does not know. */
export function dataDecodedOf(data: string) {
  if (data === "0x") return null;
  let call: ethers.TransactionDescription | null;
  try {
    call = KNOWN_FUNCTIONS.parseTransaction({ data });
  } catch {
    return null;
  }
  if (call === null) return null;
  return {
    method: call.name,
    parameters: call.fragment.inputs.map((input, index) => ({
      name: input.name,
      type: input.type,
      value: String(call.args[index]),
    })),
  };
}

/**
 * A transaction as `GET /v2/multisig-transactions/{safeTxHash}/` answers it (`SafeMultisigTransactionResponse`,
 * v2: `nonce`, `safeTxGas` and `baseGas` as strings). `origin` is the file's note.
 */
export function multisigTransactionOf(file: SafeTransactionFile, state: SafeState) {
  const t = file.transaction;
  const date = file.proposedAt ?? null;
  return {
    safe: file.safeAddress,
    to: t.to,
    value: t.value,
    data: t.data === "0x" ? null : t.data,
    operation: t.operation,
    gasToken: t.gasToken,
    safeTxGas: t.safeTxGas,
    baseGas: t.baseGas,
    gasPrice: t.gasPrice,
    refundReceiver: t.refundReceiver,
    nonce: String(t.nonce),
    executionDate: null,
    submissionDate: date,
    modified: date,
    blockNumber: null,
    transactionHash: null,
    safeTxHash: file.safeTxHash,
    proposer: file.proposer ?? file.signatures[0]?.signer ?? null,
    proposedByDelegate: null,
    executor: null,
    isExecuted: false,
    isSuccessful: null,
    ethGasPrice: null,
    maxFeePerGas: null,
    maxPriorityFeePerGas: null,
    gasUsed: null,
    fee: null,
    payment: null,
    origin: file.note ?? "{}",
    dataDecoded: dataDecodedOf(t.data),
    confirmationsRequired: state.threshold,
    confirmations: file.signatures.map((signature) => confirmationOf(file, signature)),
    trusted: true,
    signatures: null,
  };
}

/** What `GET /v1/safes/{address}/` answers (`SafeInfoResponse`). */
export interface SafeInfoShape {
  readonly address: string;
  readonly nonce: string;
  readonly threshold: number;
  readonly owners: readonly string[];
  readonly masterCopy: string;
  readonly modules: readonly string[];
  readonly fallbackHandler: string;
  readonly guard: string;
  readonly moduleGuard: string;
  readonly version: string | null;
}
