import { ethers } from "ethers";
import type { CofferClient } from "./client";
import { send, type CofferReceipt } from "./errors";

/** A payment as the escrow contract takes it (all fields; see `ICofferEscrow.Payment`). */
export interface Payment {
  operator: string;
  payer: string;
  payee: string;
  /** ERC-20 address, or `NATIVE_TOKEN` for ETH. */
  token: string;
  /** Largest amount that may be authorized, in token units. */
  maxAmount: bigint;
  /** Unix seconds, exclusive. */
  preApprovalExpiry: bigint;
  /** Unix seconds, exclusive: captures and disputes before it, payer reclaim from it on. */
  authorizationExpiry: bigint;
  /** Unix seconds, exclusive. */
  refundExpiry: bigint;
  minFeeBps: number;
  maxFeeBps: number;
  feeReceiver: string;
  /** `ethers.ZeroAddress` for a payment that cannot be disputed. */
  arbiter: string;
  /** The merchant's order or invoice id. */
  referenceId: string;
  salt: bigint;
}

/** A merchant-signed invoice (see `ICofferEscrow.Invoice`). */
export interface Invoice {
  payee: string;
  /** `ethers.ZeroAddress`: anyone may pay. */
  payer: string;
  token: string;
  amount: bigint;
  /** Unix seconds, exclusive. */
  expiry: bigint;
  referenceId: string;
  salt: bigint;
}

/** Token address that stands for native ETH. */
export const NATIVE_TOKEN = ethers.ZeroAddress;

/** The escrow's EIP-712 domain on a chain. */
export interface EscrowDomain {
  chainId: bigint | number;
  /** Address of the CofferEscrow contract. */
  escrow: string;
}

const PAYMENT_TYPES = {
  Payment: [
    { name: "operator", type: "address" },
    { name: "payer", type: "address" },
    { name: "payee", type: "address" },
    { name: "token", type: "address" },
    { name: "maxAmount", type: "uint120" },
    { name: "preApprovalExpiry", type: "uint48" },
    { name: "authorizationExpiry", type: "uint48" },
    { name: "refundExpiry", type: "uint48" },
    { name: "minFeeBps", type: "uint16" },
    { name: "maxFeeBps", type: "uint16" },
    { name: "feeReceiver", type: "address" },
    { name: "arbiter", type: "address" },
    { name: "referenceId", type: "bytes32" },
    { name: "salt", type: "uint256" },
  ],
};

/**
 * What a payer lets the payment's operator do with its signature: `"authorize"` holds the payment in escrow
 * (`authorize`, `authorizeWithPermit`); `"charge"` pays the payee at once (`charge`, `chargeWithPermit`). A
 * signature for one is refused by the other.
 */
export type PayerAction = "authorize" | "charge";

/** The EIP-712 types the payer signs, one primary type per action, each nesting the whole `Payment`. */
export const PAYER_APPROVAL_TYPES: Record<PayerAction, Record<string, ethers.TypedDataField[]>> = {
  authorize: { AuthorizePayment: [{ name: "payment", type: "Payment" }], ...PAYMENT_TYPES },
  charge: { ChargePayment: [{ name: "payment", type: "Payment" }], ...PAYMENT_TYPES },
};

const INVOICE_TYPES = {
  Invoice: [
    { name: "payee", type: "address" },
    { name: "payer", type: "address" },
    { name: "token", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "expiry", type: "uint48" },
    { name: "referenceId", type: "bytes32" },
    { name: "salt", type: "uint256" },
  ],
};

/** The EIP-712 domain of the escrow, as its `eip712Domain()` reports it. */
export function escrowTypedDataDomain(domain: EscrowDomain): ethers.TypedDataDomain {
  return { name: "Coffer Escrow", version: "1", chainId: domain.chainId, verifyingContract: domain.escrow };
}

/** The payment id: the EIP-712 digest of the payment, equal to the contract's `getPaymentId`. */
export function getPaymentId(payment: Payment, domain: EscrowDomain): string {
  return ethers.TypedDataEncoder.hash(escrowTypedDataDomain(domain), PAYMENT_TYPES, payment);
}

/** The invoice id: the EIP-712 digest of the invoice, equal to the contract's `getInvoiceId`. */
export function getInvoiceId(invoice: Invoice, domain: EscrowDomain): string {
  return ethers.TypedDataEncoder.hash(escrowTypedDataDomain(domain), INVOICE_TYPES, invoice);
}

/**
 * The digest a payer signs to let the payment's operator `action` the payment (see {@link PayerAction}), equal to
 * the contract's `getPayerApprovalDigest(payment, action === "charge")`.
 */
export function getPayerApprovalDigest(payment: Payment, domain: EscrowDomain, action: PayerAction): string {
  return ethers.TypedDataEncoder.hash(escrowTypedDataDomain(domain), PAYER_APPROVAL_TYPES[action], { payment });
}

/**
 * The payer's EIP-712 signature that lets the payment's operator (and nobody else) submit the payment for the
 * payer, who pays no gas: `"authorize"` to hold it in escrow, `"charge"` to pay the payee at once. The wallet shows
 * `AuthorizePayment` or `ChargePayment` with every field of the payment, including `maxAmount` and the fee bounds.
 * Tokens only: an ETH payment is always sent by the payer.
 */
export function signPaymentApproval(
  payer: ethers.Signer,
  payment: Payment,
  domain: EscrowDomain,
  action: PayerAction,
): Promise<string> {
  return payer.signTypedData(escrowTypedDataDomain(domain), PAYER_APPROVAL_TYPES[action], { payment });
}

/** The payee's signature of an invoice. */
export function signInvoice(payee: ethers.Signer, invoice: Invoice, domain: EscrowDomain): Promise<string> {
  return payee.signTypedData(escrowTypedDataDomain(domain), INVOICE_TYPES, invoice);
}

/** Whether `signature` is the invoice payee's ECDSA signature (contract payees are checked on chain, ERC-1271). */
export function verifyInvoice(invoice: Invoice, signature: string, domain: EscrowDomain): boolean {
  try {
    const signer = ethers.verifyTypedData(escrowTypedDataDomain(domain), INVOICE_TYPES, invoice, signature);
    return signer === ethers.getAddress(invoice.payee);
  } catch {
    return false;
  }
}

// ─── Actions ───────────────────────────────────────────────────────────────────────────────────────────

/** An EIP-2612 permit signature for the escrow. */
export interface PermitSignature {
  deadline: bigint;
  v: number;
  r: string;
  s: string;
}

/** The escrow's EIP-712 domain on the client's chain. */
export async function domainOf(client: CofferClient): Promise<EscrowDomain> {
  return { chainId: client.chainId, escrow: await client.escrow.getAddress() };
}

const valueFor = (payment: Payment, amount: bigint): bigint => (payment.token === NATIVE_TOKEN ? amount : 0n);

/**
 * Authorizes a payment (funds held in escrow). Sent by the payer, or by the payment's operator with
 * `payerSignature`, the payer's `"authorize"` approval (see {@link signPaymentApproval}); with `permit`, pulls
 * through the payer's EIP-2612 permit instead of an existing allowance.
 */
export async function authorize(
  client: CofferClient,
  payment: Payment,
  amount: bigint,
  options: { payerSignature?: string; permit?: PermitSignature } = {},
): Promise<CofferReceipt & { paymentId: string }> {
  const signature = options.payerSignature ?? "0x";
  const result = await send(() =>
    options.permit
      ? client.escrow.authorizeWithPermit(payment, amount, signature, options.permit)
      : client.escrow.authorize(payment, amount, signature, { value: valueFor(payment, amount) }),
  );
  return { ...result, paymentId: getPaymentId(payment, await domainOf(client)) };
}

/**
 * Authorizes and captures at once: payer → payee (minus `feeBps`) and fee receiver. Sent by the payer, or by the
 * payment's operator with `payerSignature`, the payer's `"charge"` approval (see {@link signPaymentApproval}).
 */
export async function charge(
  client: CofferClient,
  payment: Payment,
  amount: bigint,
  feeBps: number,
  options: { payerSignature?: string; permit?: PermitSignature } = {},
): Promise<CofferReceipt & { paymentId: string }> {
  const signature = options.payerSignature ?? "0x";
  const result = await send(() =>
    options.permit
      ? client.escrow.chargeWithPermit(payment, amount, feeBps, signature, options.permit)
      : client.escrow.charge(payment, amount, feeBps, signature, { value: valueFor(payment, amount) }),
  );
  return { ...result, paymentId: getPaymentId(payment, await domainOf(client)) };
}

/** Captures part or all of what is held (operator). */
export const capture = (client: CofferClient, payment: Payment, amount: bigint, feeBps: number) =>
  send(() => client.escrow.capture(payment, amount, feeBps));

/** Returns what is held to the payer (operator). */
export const voidPayment = (client: CofferClient, payment: Payment) => send(() => client.escrow.void(payment));

/** Takes back what is held after the authorization expiry (payer). */
export const reclaim = (client: CofferClient, payment: Payment) => send(() => client.escrow.reclaim(payment));

/** Refunds up to what was captured, funded by the caller (operator or payee). */
export const refund = (client: CofferClient, payment: Payment, amount: bigint) =>
  send(() => client.escrow.refund(payment, amount, { value: valueFor(payment, amount) }));

/** Freezes what is held until the arbiter resolves (payer). */
export const dispute = (client: CofferClient, payment: Payment) => send(() => client.escrow.dispute(payment));

/** Divides frozen funds: `payerAmount` back to the payer, the rest to the payee (arbiter). */
export const resolve = (client: CofferClient, payment: Payment, payerAmount: bigint) =>
  send(() => client.escrow.resolve(payment, payerAmount));

/** Pays a payee-signed invoice, exactly its amount. */
export async function payInvoice(
  client: CofferClient,
  invoice: Invoice,
  payeeSignature: string,
  options: { permit?: PermitSignature } = {},
): Promise<CofferReceipt & { invoiceId: string }> {
  const result = await send(() =>
    options.permit
      ? client.escrow.payInvoiceWithPermit(invoice, payeeSignature, options.permit)
      : client.escrow.payInvoice(invoice, payeeSignature, {
          value: invoice.token === NATIVE_TOKEN ? invoice.amount : 0n,
        }),
  );
  return { ...result, invoiceId: getInvoiceId(invoice, await domainOf(client)) };
}

/** Creates and signs an invoice as its payee; returns it with its id and signature. */
export async function createInvoice(
  client: CofferClient,
  payee: ethers.Signer,
  fields: Omit<Invoice, "payee" | "payer" | "salt"> & { payer?: string; salt?: bigint },
): Promise<{ invoice: Invoice; invoiceId: string; signature: string }> {
  const invoice: Invoice = {
    payee: await payee.getAddress(),
    payer: fields.payer ?? ethers.ZeroAddress,
    token: fields.token,
    amount: fields.amount,
    expiry: fields.expiry,
    referenceId: fields.referenceId,
    salt: fields.salt ?? BigInt(ethers.hexlify(ethers.randomBytes(16))),
  };
  const domain = await domainOf(client);
  return { invoice, invoiceId: getInvoiceId(invoice, domain), signature: await signInvoice(payee, invoice, domain) };
}

/** Withdraws the caller's credited payouts of `token` to `to`. */
export const withdrawCredit = (client: CofferClient, token: string, to: string) =>
  send(() => client.escrow.withdraw(token, to));
