import { generatePreValidatedSignature } from "@safe-global/protocol-kit";
import { ethers } from "ethers";
import { toCofferError } from "../errors";
import { confirmSafeExecution } from "../safe-tx/execute";
import { explainExecutionFailure } from "../safe-tx/reverts";
import { requireSigner, type SafeChain, type SafeConnection } from "./connection";
import { describeSafeTransaction, type SafeCallDescription } from "./describe";
import {
  SafeApprovalError,
  SafeExecutionError,
  SafeInvalidProposalError,
  SafeNonceNotNextError,
  SafeNonceTakenError,
  SafeSignerNotOwnerError,
  SafeThresholdNotMetError,
  type SafeApproval,
} from "./errors";
import {
  toSafeTransaction,
  toSafeTransactionFile,
  withSignature,
  type SafeSignatureRecord,
  type SafeTransaction,
  type SafeTransactionFile,
} from "./file";
import type { SafeTransactionStore } from "./store";
import { readSafeState, verifySafeTransaction, type SafeState, type VerifiedSafeTransaction } from "./verify";

/** The native token in a transfer proposal. */
export const ETH = "ETH";

/** One call of a batch. `value` in wei; `data` defaults to `0x`. */
export interface SafeCall {
  readonly to: string;
  readonly value?: bigint;
  readonly data?: string;
}

/** What a proposal asks the Safe to do. */
export type SafeProposal =
  /** A payout: `amount` of an ERC-20 `token` (base units), or of ETH (wei) when `token` is `"ETH"`. */
  | { readonly kind: "transfer"; readonly token: string; readonly to: string; readonly amount: bigint }
  /** Any call from the Safe, e.g. a treasury policy change from `treasury.policy`. */
  | { readonly kind: "call"; readonly to: string; readonly data: string; readonly value?: bigint }
  /** Several calls executed atomically through the canonical MultiSendCallOnly (calls only, no delegatecall). */
  | { readonly kind: "batch"; readonly calls: readonly SafeCall[] }
  /** `addOwnerWithThreshold`; the threshold stays as it is unless given. */
  | { readonly kind: "addOwner"; readonly owner: string; readonly threshold?: number }
  /**
   * `removeOwner`; the threshold stays as it is (capped at the remaining owner count) unless given. (protocol-kit
   * alone would lower it by one.)
   */
  | { readonly kind: "removeOwner"; readonly owner: string; readonly threshold?: number }
  /** `changeThreshold`. */
  | { readonly kind: "changeThreshold"; readonly threshold: number };

/** Options of {@link proposeSafeTransaction}. */
export interface ProposeOptions {
  /**
   * Where to share the proposal. Its nonce is then the first one at or above the Safe's nonce that no pending
   * transaction in the store holds; if another proposal takes it meanwhile, the proposal is re-made with the
   * next nonce. Without a store the nonce is the Safe's current nonce.
   */
  readonly store?: SafeTransactionStore;
  /** An explicit nonce (no retry when the store has it already). */
  readonly nonce?: number;
  /** A free note stored with the proposal (unsigned). */
  readonly note?: string;
}

/** The call of a transfer proposal. */
export function transferCall(token: string, to: string, amount: bigint): SafeCall {
  if (token === ETH) return { to: checkAddress(to, "recipient"), value: amount, data: "0x" };
  return {
    to: checkAddress(token, "token"),
    value: 0n,
    data: new ethers.Interface(["function transfer(address to, uint256 amount)"]).encodeFunctionData("transfer", [
      checkAddress(to, "recipient"),
      amount,
    ]),
  };
}

function checkAddress(value: string, what: string): string {
  if (!ethers.isAddress(value)) throw new SafeInvalidProposalError(`the ${what} ${value} is not an address`);
  return ethers.getAddress(value);
}

/**
 * The first nonce at or above the Safe's nonce that no transaction in `store` holds (the Safe's nonce without
 * a store): the nonce a new proposal takes.
 */
export async function nextSafeNonce(
  chain: SafeChain,
  safeAddress: string,
  store?: SafeTransactionStore,
): Promise<number> {
  const { nonce } = await readSafeState(chain, safeAddress);
  if (store === undefined) return nonce;
  const taken = new Set((await store.list(chain.chainId, safeAddress, nonce)).map((tx) => tx.transaction.nonce));
  let next = nonce;
  while (taken.has(next)) next += 1;
  return next;
}

/**
 * Proposes a Safe transaction: builds it with protocol-kit at an explicit nonce, signs it with the connection's
 * key (an owner's), and stores it when a store is given.
 * @returns the signed transaction in the `coffer-safe-tx/1` format (export it with `writeSafeTransactionFile`).
 * @throws SafeSignerMissingError, SafeSignerNotOwnerError, SafeInvalidProposalError, SafeNonceTakenError (with
 * an explicit nonce), SafeServiceError (a service store), CofferRpcError
 */
export async function proposeSafeTransaction(
  connection: SafeConnection,
  proposal: SafeProposal,
  options: ProposeOptions = {},
): Promise<SafeTransactionFile> {
  const signer = requireSigner(connection, "propose a Safe transaction");
  const state = await readSafeState(connection, connection.safeAddress);
  if (!state.owners.includes(signer)) throw new SafeSignerNotOwnerError(signer, state.safeAddress, state.owners);
  if (options.nonce !== undefined && (!Number.isSafeInteger(options.nonce) || options.nonce < state.nonce)) {
    throw new SafeInvalidProposalError(`nonce ${options.nonce} is below the Safe's current nonce ${state.nonce}`);
  }
  await checkProposal(connection, proposal);
  for (let attempt = 1; ; attempt += 1) {
    const nonce = options.nonce ?? (await nextSafeNonce(connection, connection.safeAddress, options.store));
    const transaction = await buildTransaction(connection, proposal, nonce);
    let signed: SafeTransaction;
    let safeTxHash: string;
    try {
      signed = await connection.kit.signTransaction(transaction);
      safeTxHash = (await connection.kit.getTransactionHash(signed)).toLowerCase();
    } catch (error) {
      throw toCofferError(error);
    }
    const file = toSafeTransactionFile(signed, {
      chainId: connection.chainId,
      safeAddress: connection.safeAddress,
      safeTxHash,
      proposer: signer,
      proposedAt: new Date().toISOString(),
      note: options.note,
    });
    if (options.store === undefined) return file;
    try {
      return await options.store.add(file);
    } catch (error) {
      if (!(error instanceof SafeNonceTakenError) || options.nonce !== undefined || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt));
    }
  }
}

async function checkProposal(chain: SafeChain, proposal: SafeProposal): Promise<void> {
  if (proposal.kind === "transfer" && proposal.amount <= 0n) {
    throw new SafeInvalidProposalError(`the amount must be positive, not ${proposal.amount}`);
  }
  if (proposal.kind === "batch" && proposal.calls.length === 0) throw new SafeInvalidProposalError("empty batch");
  const calls: readonly SafeCall[] =
    proposal.kind === "transfer"
      ? [transferCall(proposal.token, proposal.to, proposal.amount)]
      : proposal.kind === "call"
        ? [proposal]
        : proposal.kind === "batch"
          ? proposal.calls
          : [];
  for (const call of calls) {
    const to = checkAddress(call.to, "target");
    if (call.data !== undefined && !ethers.isHexString(call.data)) {
      throw new SafeInvalidProposalError(`the data for ${to} is not hex`);
    }
    // A call with data to an address without code "succeeds" and does nothing: catch a wrong token address.
    if (call.data !== undefined && call.data !== "0x" && (await chain.provider.getCode(to)) === "0x") {
      throw new SafeInvalidProposalError(`${to} has no contract code on chain ${chain.chainId}: nothing to call`);
    }
  }
}

async function buildTransaction(
  connection: SafeConnection,
  proposal: SafeProposal,
  nonce: number,
): Promise<SafeTransaction> {
  const kit = connection.kit;
  const options = { nonce };
  const meta = (call: SafeCall) => ({
    to: ethers.getAddress(call.to),
    value: (call.value ?? 0n).toString(),
    data: call.data ?? "0x",
  });
  try {
    switch (proposal.kind) {
      case "transfer":
        return await kit.createTransaction({
          transactions: [meta(transferCall(proposal.token, proposal.to, proposal.amount))],
          options,
        });
      case "call":
        return await kit.createTransaction({
          transactions: [meta({ to: checkAddress(proposal.to, "target"), data: proposal.data, value: proposal.value })],
          options,
        });
      case "batch":
        return await kit.createTransaction({ transactions: proposal.calls.map(meta), onlyCalls: true, options });
      case "addOwner":
        return await kit.createAddOwnerTx(
          { ownerAddress: checkAddress(proposal.owner, "owner"), threshold: proposal.threshold },
          options,
        );
      case "removeOwner": {
        // protocol-kit lowers the threshold by one when none is given (a 2-of-3 would become 1-of-2): Coffer
        // keeps it, capped at the remaining owner count.
        const [threshold, owners] = await Promise.all([kit.getThreshold(), kit.getOwners()]);
        return await kit.createRemoveOwnerTx(
          {
            ownerAddress: checkAddress(proposal.owner, "owner"),
            threshold: proposal.threshold ?? Math.max(1, Math.min(threshold, owners.length - 1)),
          },
          options,
        );
      }
      case "changeThreshold":
        return await kit.createChangeThresholdTx(proposal.threshold, options);
    }
  } catch (error) {
    if (error instanceof SafeApprovalError) throw error;
    // protocol-kit checks owner changes ("Address provided is already an owner", "Threshold cannot exceed owner
    // count", …) with plain errors: they describe the proposal's problem.
    throw new SafeInvalidProposalError((error as Error).message, { cause: error });
  }
}

/** The result of {@link signSafeTransaction}. */
export interface SignResult {
  /** The transaction with the new signature. */
  readonly file: SafeTransactionFile;
  /** False when the signer had signed already (nothing changed). */
  readonly added: boolean;
  readonly signer: string;
  /** The verification of the transaction as returned. */
  readonly verified: VerifiedSafeTransaction;
}

/**
 * Co-signs a transaction after verifying it (hash recomputed by the Safe, every signature recovered and checked
 * against the owners, nonce not stale). Signing twice is harmless: the second call adds nothing. With a store,
 * the signature is added to the stored transaction.
 * @throws every error of {@link verifySafeTransaction}; SafeSignerMissingError, SafeSignerNotOwnerError
 */
export async function signSafeTransaction(
  connection: SafeConnection,
  file: SafeTransactionFile,
  options: { store?: SafeTransactionStore } = {},
): Promise<SignResult> {
  const signer = requireSigner(connection, "sign a Safe transaction");
  const verified = await verifySafeTransaction(connection, file, { expectedSafe: connection.safeAddress });
  if (!verified.state.owners.includes(signer)) {
    throw new SafeSignerNotOwnerError(signer, file.safeAddress, verified.state.owners);
  }
  if (verified.signers.includes(signer)) return { file, added: false, signer, verified };
  let signature: SafeSignatureRecord;
  try {
    const signed = await connection.kit.signTransaction(toSafeTransaction(file));
    const added = signed.getSignature(signer);
    if (added === undefined) throw new Error(`protocol-kit returned no signature of ${signer}`);
    signature = { signer, data: added.data, isContractSignature: added.isContractSignature };
  } catch (error) {
    throw toCofferError(error);
  }
  const updated =
    options.store === undefined
      ? withSignature(file, signature)
      : await options.store.addSignature(file.safeTxHash, signature);
  return {
    file: updated,
    added: true,
    signer,
    verified: await verifySafeTransaction(connection, updated, { expectedSafe: connection.safeAddress }),
  };
}

/** Options of {@link executeSafeTransaction}. */
export interface ExecuteOptions {
  /**
   * Whether an executor who is an owner and has not signed counts toward the threshold. Default true: the Safe
   * accepts an owner's `msg.sender` as its approval (a "pre-validated" signature, v = 1), and protocol-kit adds
   * it silently; Coffer adds it explicitly and reports it as an approval of kind `executor`. With false, the
   * transaction must carry the threshold in signatures and on-chain approvals alone.
   */
  readonly executorApproves?: boolean;
}

/** A mined Safe execution. */
export interface ExecutionResult {
  readonly safeTxHash: string;
  /** The chain transaction that called `execTransaction`. */
  readonly transactionHash: string;
  readonly blockNumber: number;
  readonly gasUsed: bigint;
  readonly executor: string;
  /** The approvals that met the threshold. */
  readonly approvals: readonly SafeApproval[];
}

/**
 * Executes a transaction once its approvals meet the threshold, after verifying it. Counts signatures, on-chain
 * approvals and, when it is an owner, the executor (see {@link ExecuteOptions.executorApproves}).
 * @throws every error of {@link verifySafeTransaction}; SafeNonceNotNextError; SafeThresholdNotMetError saying
 * how many approvals are missing; SafeExecutionError when sending fails or the Safe's call fails
 */
export async function executeSafeTransaction(
  connection: SafeConnection,
  file: SafeTransactionFile,
  options: ExecuteOptions = {},
): Promise<ExecutionResult> {
  const executor = requireSigner(connection, "execute a Safe transaction");
  const verified = await verifySafeTransaction(connection, file, { expectedSafe: connection.safeAddress });
  const { state } = verified;
  if (file.transaction.nonce > state.nonce) {
    throw new SafeNonceNotNextError(file.transaction.nonce, state.nonce, file.safeTxHash);
  }
  const approvals: SafeApproval[] = [...verified.approvals];
  const executorIsOwner = state.owners.includes(executor);
  const alreadyApproved = approvals.some((approval) => approval.owner === executor);
  const countExecutor = options.executorApproves !== false && executorIsOwner && !alreadyApproved;
  if (countExecutor) approvals.push({ owner: executor, kind: "executor" });
  const missing = state.threshold - approvals.length;
  if (missing > 0) {
    const executorNote = !executorIsOwner
      ? `the executor ${executor} is not an owner, so executing approves nothing`
      : alreadyApproved
        ? `the executor ${executor} has approved already`
        : countExecutor
          ? `the executor ${executor} is an owner and its approval is counted`
          : `the executor ${executor} is an owner, but its approval is not counted (executorApproves: false)`;
    throw new SafeThresholdNotMetError(missing, state.threshold, approvals, file.safeTxHash, executorNote);
  }

  const transaction = toSafeTransaction(file);
  for (const approval of approvals) {
    if (approval.kind !== "signature") transaction.addSignature(generatePreValidatedSignature(approval.owner));
  }
  let hash: string;
  try {
    hash = (await connection.kit.executeTransaction(transaction)).hash;
  } catch (error) {
    throw new SafeExecutionError(file.safeTxHash, explainExecutionFailure(error), undefined, { cause: error });
  }
  const receipt = await confirmSafeExecution(connection.provider, connection.safe.interface, file, hash, 120_000);
  return {
    safeTxHash: file.safeTxHash,
    transactionHash: hash,
    blockNumber: receipt.blockNumber,
    gasUsed: receipt.gasUsed,
    executor,
    approvals,
  };
}

/** A transaction waiting in a store, with its verification (or why it does not verify). */
export interface PendingSafeTransaction {
  readonly file: SafeTransactionFile;
  readonly description: SafeCallDescription;
  /** Present when the transaction verifies. */
  readonly verified?: VerifiedSafeTransaction;
  /** Why it does not verify, when it does not. */
  readonly error?: SafeApprovalError;
}

/** The transactions of a Safe in a store whose nonce is at least the Safe's, by nonce, each verified. */
export async function listPendingSafeTransactions(
  chain: SafeChain,
  safeAddress: string,
  store: SafeTransactionStore,
): Promise<{ state: SafeState; transactions: PendingSafeTransaction[] }> {
  const state = await readSafeState(chain, safeAddress);
  const files = await store.list(chain.chainId, state.safeAddress, state.nonce);
  const transactions: PendingSafeTransaction[] = [];
  for (const file of files) {
    const description = describeSafeTransaction(file);
    try {
      transactions.push({ file, description, verified: await verifySafeTransaction(chain, file) });
    } catch (error) {
      if (!(error instanceof SafeApprovalError)) throw error;
      transactions.push({ file, description, error });
    }
  }
  return { state, transactions };
}
