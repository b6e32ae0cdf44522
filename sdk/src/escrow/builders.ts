import { ethers } from "ethers";
import { CofferValidationError } from "../errors";
import {
  parseDuration,
  randomSalt,
  requireAddress,
  requireAmount,
  requireBps,
  toReferenceId,
  unixNow,
  type Duration,
} from "../values";
import type { Invoice, Payment } from "./typed-data";

/** What {@link buildPayment} needs; everything else has a default. */
export interface PaymentInput {
  /** Captures, voids and may relay the payer's signed approval (the merchant's backend). */
  readonly operator: string;
  readonly payer: string;
  readonly payee: string;
  /** ERC-20 address, or `NATIVE_TOKEN` for ETH. */
  readonly token: string;
  /** The most that may be authorized, in token units. */
  readonly maxAmount: bigint;
  /** The merchant's order id: any text (hashed) or 32 bytes of hex. */
  readonly reference: string;
  /** How long the payer's approval may be used to authorize or charge. Default `"1h"`. */
  readonly authorizeWithin?: Duration;
  /** How long after `now` captures (and disputes) are accepted; the payer may reclaim from then on. Default `"7d"`. */
  readonly captureWithin?: Duration;
  /** How long after the capture window refunds are accepted. Default `"30d"`. */
  readonly refundWithin?: Duration;
  /** Fee bounds in basis points; `feeReceiver` is required when `max` is above 0. Default no fee. */
  readonly fee?: { readonly minBps: number; readonly maxBps: number; readonly receiver: string };
  /** Settles disputes. Default none (the payment cannot be disputed). */
  readonly arbiter?: string;
  /** Default a random 128-bit salt. */
  readonly salt?: bigint;
  /** Unix seconds the expiries count from. Default this machine's clock; pass `getChainTime(provider)` on a test chain. */
  readonly now?: bigint;
}

/**
 * A complete {@link Payment} from the fields that matter, with expiries from durations, a random salt and the
 * reference hashed. The bounds the contract checks (amount, fee rates, expiry order, zero addresses) are checked
 * here first, so that a bad payment fails before anyone signs it.
 * @example
 * const payment = buildPayment({ operator, payer, payee, token: usdc, maxAmount: 25_000_000n, reference: "ORDER-1042" });
 * @throws CofferValidationError naming the field.
 */
export function buildPayment(input: PaymentInput): Payment {
  const now = input.now ?? unixNow();
  const preApprovalExpiry = now + parseDuration(input.authorizeWithin ?? "1h", "authorizeWithin");
  const authorizationExpiry = now + parseDuration(input.captureWithin ?? "7d", "captureWithin");
  const refundExpiry = authorizationExpiry + parseDuration(input.refundWithin ?? "30d", "refundWithin");
  if (preApprovalExpiry > authorizationExpiry) {
    throw new CofferValidationError("authorizeWithin", "must not be longer than captureWithin");
  }
  if (refundExpiry >= 1n << 48n) throw new CofferValidationError("refundWithin", "the expiry does not fit in uint48");
  const fee = input.fee ?? { minBps: 0, maxBps: 0, receiver: ethers.ZeroAddress };
  requireBps(fee.minBps, "fee.minBps");
  requireBps(fee.maxBps, "fee.maxBps");
  if (fee.minBps > fee.maxBps)
    throw new CofferValidationError("fee.minBps", `${fee.minBps} is above fee.maxBps ${fee.maxBps}`);
  const feeReceiver = requireAddress(fee.receiver, "fee.receiver");
  if (fee.maxBps > 0 && feeReceiver === ethers.ZeroAddress) {
    throw new CofferValidationError("fee.receiver", "a payment with a fee needs a fee receiver");
  }
  const operator = requireAddress(input.operator, "operator");
  const payee = requireAddress(input.payee, "payee");
  if (operator === ethers.ZeroAddress) throw new CofferValidationError("operator", "must not be the zero address");
  if (payee === ethers.ZeroAddress) throw new CofferValidationError("payee", "must not be the zero address");
  return {
    operator,
    payer: requireAddress(input.payer, "payer"),
    payee,
    token: requireAddress(input.token, "token"),
    maxAmount: requireAmount(input.maxAmount, "maxAmount", 120),
    preApprovalExpiry,
    authorizationExpiry,
    refundExpiry,
    minFeeBps: fee.minBps,
    maxFeeBps: fee.maxBps,
    feeReceiver,
    arbiter: requireAddress(input.arbiter ?? ethers.ZeroAddress, "arbiter"),
    referenceId: toReferenceId(input.reference),
    salt: input.salt ?? randomSalt(),
  };
}

/** What {@link buildInvoice} needs; everything else has a default. */
export interface InvoiceInput {
  /** Receives the payment and signs the invoice. */
  readonly payee: string;
  /** ERC-20 address, or `NATIVE_TOKEN` for ETH. */
  readonly token: string;
  /** Exact amount due, in token units. */
  readonly amount: bigint;
  /** The merchant's invoice number: any text (hashed) or 32 bytes of hex. */
  readonly reference: string;
  /** Only this account may pay. Default anyone. */
  readonly payer?: string;
  /** How long the invoice may be paid. Default `"7d"`. */
  readonly payWithin?: Duration;
  /** The expiry itself, in unix seconds (exclusive), instead of `payWithin`. */
  readonly expiry?: bigint;
  /** Default a random 128-bit salt. */
  readonly salt?: bigint;
  /** Unix seconds the expiry counts from. Default this machine's clock. */
  readonly now?: bigint;
}

/**
 * A complete {@link Invoice} with its expiry from a duration, a random salt and the reference hashed; the payee
 * signs it with `signInvoice` (or `createInvoice` does both).
 * @throws CofferValidationError naming the field.
 */
export function buildInvoice(input: InvoiceInput): Invoice {
  const payee = requireAddress(input.payee, "payee");
  if (payee === ethers.ZeroAddress) throw new CofferValidationError("payee", "must not be the zero address");
  if (input.expiry !== undefined && input.payWithin !== undefined) {
    throw new CofferValidationError("expiry", "give expiry or payWithin, not both");
  }
  const expiry = input.expiry ?? (input.now ?? unixNow()) + parseDuration(input.payWithin ?? "7d", "payWithin");
  if (expiry >= 1n << 48n) throw new CofferValidationError("payWithin", "the expiry does not fit in uint48");
  return {
    payee,
    payer: requireAddress(input.payer ?? ethers.ZeroAddress, "payer"),
    token: requireAddress(input.token, "token"),
    amount: requireAmount(input.amount, "amount", 256),
    expiry,
    referenceId: toReferenceId(input.reference),
    salt: input.salt ?? randomSalt(),
  };
}
