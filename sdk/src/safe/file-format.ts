/**
 * Coffer's Safe transaction files (`coffer-safe-tx/1`): the format, its parser and its writer. Free of
 * protocol-kit, so that `@coffer/sdk/node` can read and write them without Safe's libraries installed.
 */
import { ethers } from "ethers";
import { z } from "zod";
import { SafeFileFormatError } from "./errors";

/** The format tag of Coffer's Safe transaction files. */
export const SAFE_TX_FORMAT = "coffer-safe-tx/1";

/** One owner's signature of a safeTxHash. */
export interface SafeSignatureRecord {
  /** The owner who signed (checksummed). */
  readonly signer: string;
  /**
   * The signature bytes as the Safe takes them: 65 bytes `r ‖ s ‖ v` for an EOA (v 27/28 for EIP-712
   * signatures, 31/32 for `eth_sign` ones), or the EIP-1271 signature bytes of a contract owner.
   */
  readonly data: string;
  /** True when the signer is a contract (a Safe owning a Safe) that validates `data` with EIP-1271. */
  readonly isContractSignature: boolean;
}

/**
 * A Safe transaction with its signatures, as Coffer writes it to files, keeps it in its signature store and
 * sends it to its signature service (`coffer-safe-tx/1`). Only `transaction` is signed: every signer signs
 * `safeTxHash`, the EIP-712 hash of `transaction` under the domain (`chainId`, `safeAddress`). The metadata
 * (`proposer`, `proposedAt`, `note`) is informational and unsigned; nothing trusts it.
 */
export interface SafeTransactionFile {
  readonly format: typeof SAFE_TX_FORMAT;
  /** The chain id of the Safe (EIP-155). */
  readonly chainId: number;
  /** The Safe (checksummed). */
  readonly safeAddress: string;
  /** The Safe's `getTransactionHash(transaction)`: 32 bytes, lower-case hex. */
  readonly safeTxHash: string;
  /** The `SafeTx` fields. Amounts are decimal strings in wei / token base units; `nonce` is the Safe's nonce. */
  readonly transaction: {
    readonly to: string;
    readonly value: string;
    readonly data: string;
    /** 0 call, 1 delegatecall (a MultiSend batch). */
    readonly operation: 0 | 1;
    readonly safeTxGas: string;
    readonly baseGas: string;
    readonly gasPrice: string;
    readonly gasToken: string;
    readonly refundReceiver: string;
    readonly nonce: number;
  };
  /** The signatures, one per signer, sorted by signer address. */
  readonly signatures: readonly SafeSignatureRecord[];
  /** Who proposed it (unsigned). */
  readonly proposer?: string;
  /** When it was proposed, ISO 8601 (unsigned). */
  readonly proposedAt?: string;
  /** A free note from the proposer (unsigned). */
  readonly note?: string;
}

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "expected a 20-byte hex address")
  .transform((value, context) => {
    try {
      return ethers.getAddress(value);
    } catch {
      context.addIssue({ code: z.ZodIssueCode.custom, message: `bad address checksum: ${value}` });
      return z.NEVER;
    }
  });
const hex = z
  .string()
  .regex(/^0x([0-9a-fA-F]{2})*$/, "expected 0x-prefixed hex bytes")
  .transform((value) => value.toLowerCase());
const uint = z.string().regex(/^(0|[1-9][0-9]*)$/, "expected a decimal integer string");

const signatureSchema = z.object({ signer: address, data: hex, isContractSignature: z.boolean() }).strict();

const fileSchema = z
  .object({
    format: z.literal(SAFE_TX_FORMAT),
    chainId: z.number().int().positive(),
    safeAddress: address,
    safeTxHash: z
      .string()
      .regex(/^0x[0-9a-fA-F]{64}$/, "expected a 32-byte hex hash")
      .transform((value) => value.toLowerCase()),
    transaction: z
      .object({
        to: address,
        value: uint,
        data: hex,
        operation: z.union([z.literal(0), z.literal(1)]),
        safeTxGas: uint,
        baseGas: uint,
        gasPrice: uint,
        gasToken: address,
        refundReceiver: address,
        nonce: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
      })
      .strict(),
    signatures: z.array(signatureSchema),
    proposer: address.optional(),
    proposedAt: z.string().datetime().optional(),
    note: z.string().max(1000).optional(),
  })
  .strict();

/**
 * Checks a parsed JSON document against the format and normalises it (checksummed addresses, lower-case hex).
 * Checks the shape only: {@link verifySafeTransaction} checks the hash and the signatures against the chain.
 * @throws SafeFileFormatError naming the first problem.
 */
export function parseSafeTransactionFile(document: unknown, source?: string): SafeTransactionFile {
  const result = fileSchema.safeParse(document);
  if (!result.success) {
    throw new SafeFileFormatError(describeIssue(result.error), source);
  }
  return result.data;
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return "invalid";
  return `${issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""}${issue.message}`;
}

/** Parses a signature record (what the signature service accepts). @throws SafeFileFormatError */
export function parseSafeSignatureRecord(document: unknown, source?: string): SafeSignatureRecord {
  const result = signatureSchema.safeParse(document);
  if (!result.success) {
    throw new SafeFileFormatError(`signature ${describeIssue(result.error)}`, source);
  }
  return result.data;
}

/** The file as text: two-space JSON with a fixed key order, signatures sorted by signer, a final newline. */
export function serializeSafeTransactionFile(file: SafeTransactionFile): string {
  const ordered: SafeTransactionFile = {
    format: SAFE_TX_FORMAT,
    chainId: file.chainId,
    safeAddress: file.safeAddress,
    safeTxHash: file.safeTxHash,
    transaction: {
      to: file.transaction.to,
      value: file.transaction.value,
      data: file.transaction.data,
      operation: file.transaction.operation,
      safeTxGas: file.transaction.safeTxGas,
      baseGas: file.transaction.baseGas,
      gasPrice: file.transaction.gasPrice,
      gasToken: file.transaction.gasToken,
      refundReceiver: file.transaction.refundReceiver,
      nonce: file.transaction.nonce,
    },
    signatures: sortSignatures(file.signatures).map((signature) => ({
      signer: signature.signer,
      data: signature.data,
      isContractSignature: signature.isContractSignature,
    })),
    ...(file.proposer === undefined ? {} : { proposer: file.proposer }),
    ...(file.proposedAt === undefined ? {} : { proposedAt: file.proposedAt }),
    ...(file.note === undefined ? {} : { note: file.note }),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

/** Signatures sorted by signer address, the order the Safe requires. */
export function sortSignatures(signatures: readonly SafeSignatureRecord[]): SafeSignatureRecord[] {
  return [...signatures].sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
}

/** The file with `signature` added (a signature of the same signer already there is kept instead). */
export function withSignature(file: SafeTransactionFile, signature: SafeSignatureRecord): SafeTransactionFile {
  return mergeSignatures(file, [signature]);
}

/** The file with `signatures` added, one per signer: a signer already present keeps its first signature. */
export function mergeSignatures(
  file: SafeTransactionFile,
  signatures: readonly SafeSignatureRecord[],
): SafeTransactionFile {
  const merged = [...file.signatures];
  for (const signature of signatures) {
    if (!merged.some((existing) => existing.signer.toLowerCase() === signature.signer.toLowerCase())) {
      merged.push(signature);
    }
  }
  return { ...file, signatures: sortSignatures(merged) };
}
