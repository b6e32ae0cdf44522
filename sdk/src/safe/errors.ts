import { CofferError } from "../errors";

/** Base class of the errors of Coffer's Safe approval flow (`sdk/safe`). */
export class SafeApprovalError extends CofferError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SafeApprovalError";
  }
}

/** A transaction file (or a service's answer) does not follow the `coffer-safe-tx/1` format. */
export class SafeFileFormatError extends SafeApprovalError {
  constructor(
    /** What is wrong, e.g. `transaction.nonce: expected a number`. */
    readonly problem: string,
    /** Where the document came from (a path or a URL), when known. */
    readonly source?: string,
  ) {
    super(`${source ? `${source} is not` : "Not"} a Coffer Safe transaction (coffer-safe-tx/1): ${problem}`);
    this.name = "SafeFileFormatError";
  }
}

/** No Safe (no contract code) at the address on the connected chain. */
export class SafeNotFoundError extends SafeApprovalError {
  constructor(
    readonly safeAddress: string,
    readonly chainId: number,
  ) {
    super(`There is no Safe at ${safeAddress} on chain ${chainId} (no contract code at that address)`);
    this.name = "SafeNotFoundError";
  }
}

/** The transaction was made for another chain than the node's. */
export class SafeChainMismatchError extends SafeApprovalError {
  constructor(
    /** The chain id in the transaction. */
    readonly transactionChainId: number,
    /** The chain id of the connected node. */
    readonly nodeChainId: number,
  ) {
    super(`The transaction is for chain ${transactionChainId}, but the RPC node serves chain ${nodeChainId}`);
    this.name = "SafeChainMismatchError";
  }
}

/** The transaction belongs to another Safe than the one the caller works with. */
export class SafeAddressMismatchError extends SafeApprovalError {
  constructor(
    readonly transactionSafe: string,
    readonly expectedSafe: string,
  ) {
    super(`The transaction is for Safe ${transactionSafe}, not for Safe ${expectedSafe}`);
    this.name = "SafeAddressMismatchError";
  }
}

/** The safeTxHash in the file is not the hash that the Safe computes from the transaction's data. */
export class SafeTxHashMismatchError extends SafeApprovalError {
  constructor(
    /** The hash the file claims. */
    readonly claimedHash: string,
    /** The hash the Safe's `getTransactionHash` returns for the file's data. */
    readonly computedHash: string,
    readonly safeAddress: string,
  ) {
    super(
      `The transaction's safeTxHash ${claimedHash} does not match its data: the Safe ${safeAddress} computes ` +
        `${computedHash} (the data or the hash was altered)`,
    );
    this.name = "SafeTxHashMismatchError";
  }
}

/** A signature does not recover to the signer it claims (forged, or made for another transaction). */
export class SafeSignatureMismatchError extends SafeApprovalError {
  constructor(
    /** The signer the signature claims. */
    readonly claimedSigner: string,
    /** The address the signature recovers to, or undefined when it recovers to none. */
    readonly recoveredSigner: string | undefined,
    readonly safeTxHash: string,
    /** Why, when the signature is not an EOA's (e.g. a contract owner rejected it). */
    detail?: string,
  ) {
    super(
      `The signature claimed by ${claimedSigner} does not sign safeTxHash ${safeTxHash}: ` +
        (detail ?? (recoveredSigner === undefined ? "it recovers to no address" : `it recovers to ${recoveredSigner}`)),
    );
    this.name = "SafeSignatureMismatchError";
  }
}

/** A signer (of a signature, or the key of the caller) is not an owner of the Safe. */
export class SafeSignerNotOwnerError extends SafeApprovalError {
  constructor(
    readonly signer: string,
    readonly safeAddress: string,
    /** The Safe's current owners. */
    readonly owners: readonly string[],
  ) {
    super(`${signer} is not an owner of Safe ${safeAddress} (owners: ${owners.join(", ")})`);
    this.name = "SafeSignerNotOwnerError";
  }
}

/** The same signer appears more than once among a transaction's signatures. */
export class SafeDuplicateSignatureError extends SafeApprovalError {
  constructor(
    readonly signer: string,
    /** How many signatures claim this signer. */
    readonly count: number,
    readonly safeTxHash: string,
  ) {
    super(`${signer} appears ${count} times among the signatures of ${safeTxHash}: each owner signs once`);
    this.name = "SafeDuplicateSignatureError";
  }
}

/** A signature Coffer cannot check (wrong length, unknown `v`, a pre-validated signature carried in a file). */
export class SafeUnsupportedSignatureError extends SafeApprovalError {
  constructor(
    readonly signer: string,
    readonly reason: string,
  ) {
    super(`The signature of ${signer} cannot be checked: ${reason}`);
    this.name = "SafeUnsupportedSignatureError";
  }
}

/** The transaction's nonce is below the Safe's nonce: it was executed, or another transaction took its nonce. */
export class SafeStaleTransactionError extends SafeApprovalError {
  constructor(
    readonly nonce: number,
    readonly safeNonce: number,
    readonly safeTxHash: string,
  ) {
    super(
      `Transaction ${safeTxHash} is stale: its nonce ${nonce} is below the Safe's current nonce ${safeNonce} ` +
        `(it was executed, or another transaction used nonce ${nonce})`,
    );
    this.name = "SafeStaleTransactionError";
  }
}

/** The transaction cannot be executed yet: transactions with lower nonces must go first. */
export class SafeNonceNotNextError extends SafeApprovalError {
  constructor(
    readonly nonce: number,
    readonly safeNonce: number,
    readonly safeTxHash: string,
  ) {
    super(
      `Transaction ${safeTxHash} has nonce ${nonce} but the Safe is at nonce ${safeNonce}: ` +
        `execute nonce${nonce - safeNonce > 1 ? `s ${safeNonce} to ${nonce - 1}` : ` ${safeNonce}`} first`,
    );
    this.name = "SafeNonceNotNextError";
  }
}

/** An approval counted toward the threshold: a signature, an on-chain `approveHash`, or the executing owner. */
export interface SafeApproval {
  readonly owner: string;
  readonly kind: "signature" | "onchain" | "executor";
}

/** Executing needs more approvals than the transaction has. */
export class SafeThresholdNotMetError extends SafeApprovalError {
  constructor(
    /** How many more owners must approve. */
    readonly missing: number,
    readonly threshold: number,
    /** The approvals counted, the executor's included when it is counted. */
    readonly approvals: readonly SafeApproval[],
    readonly safeTxHash: string,
    /** Why the executor was or was not counted. */
    readonly executorNote: string,
  ) {
    super(
      `Transaction ${safeTxHash} has ${approvals.length} of the ${threshold} approvals it needs: ` +
        `${missing} signature${missing === 1 ? "" : "s"} missing` +
        (approvals.length > 0 ? ` (approved by ${approvals.map((a) => `${a.owner} [${a.kind}]`).join(", ")})` : "") +
        `; ${executorNote}`,
    );
    this.name = "SafeThresholdNotMetError";
  }
}

/** An action needs a signing key and the connection has none. */
export class SafeSignerMissingError extends SafeApprovalError {
  constructor(readonly action: string) {
    super(`To ${action}, connect with a signing key`);
    this.name = "SafeSignerMissingError";
  }
}

/** The proposal cannot be made (protocol-kit's or Coffer's checks of its parameters). */
export class SafeInvalidProposalError extends SafeApprovalError {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`Invalid proposal: ${reason}`, options);
    this.name = "SafeInvalidProposalError";
  }
}

/** Another pending transaction of the same Safe already has this nonce in the store. */
export class SafeNonceTakenError extends SafeApprovalError {
  constructor(
    readonly nonce: number,
    /** The pending transaction that holds the nonce. */
    readonly existingSafeTxHash: string,
  ) {
    super(`Nonce ${nonce} is taken by pending transaction ${existingSafeTxHash}`);
    this.name = "SafeNonceTakenError";
  }
}

/** The store or service knows no transaction with this hash. */
export class SafeTransactionNotFoundError extends SafeApprovalError {
  constructor(
    readonly safeTxHash: string,
    readonly where: string,
  ) {
    super(`No Safe transaction ${safeTxHash} in ${where}`);
    this.name = "SafeTransactionNotFoundError";
  }
}

/** Sending `execTransaction` failed, or the Safe ran it and its call failed. */
export class SafeExecutionError extends SafeApprovalError {
  constructor(
    readonly safeTxHash: string,
    readonly reason: string,
    /** The chain transaction, when one was mined. */
    readonly transactionHash?: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Executing ${safeTxHash} failed: ${reason}${transactionHash ? ` (transaction ${transactionHash})` : ""}`,
      options,
    );
    this.name = "SafeExecutionError";
  }
}

/**
 * The signature-collection service answered with an error (status 0: it could not be reached; -1: the Safe
 * Transaction Service failed through api-kit, whose errors carry no status).
 */
export class SafeServiceError extends SafeApprovalError {
  constructor(
    readonly status: number,
    /** The error's name as the service reports it, e.g. `SafeSignatureMismatchError`. */
    readonly errorName: string,
    readonly serviceMessage: string,
    readonly url: string,
  ) {
    super(
      status === 0
        ? `The signature service at ${url} cannot be reached: ${serviceMessage}`
        : status < 0
          ? `The Safe Transaction Service at ${url} failed: ${serviceMessage}`
          : errorName === "SafeTransactionService"
            ? `The Safe Transaction Service at ${url} answered ${status}: ${serviceMessage}`
            : `The signature service answered ${status} (${errorName}): ${serviceMessage}`,
    );
    this.name = "SafeServiceError";
  }
}
