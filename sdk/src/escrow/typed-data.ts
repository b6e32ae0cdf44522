import { ethers } from "ethers";

/** A payment as the escrow contract takes it (all fields; see `ICofferEscrow.Payment`); {@link buildPayment} fills in the defaults. */
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
