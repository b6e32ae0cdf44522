import { ethers } from "ethers";
import type { CofferClient } from "../client";
import { toCofferError } from "../errors";
import { NATIVE_TOKEN, sendPulling, type PermitSignature } from "../tokens";
import { sendCall, type CofferReceipt } from "../transactions";
import { buildInvoice, type InvoiceInput } from "./builders";
import { getInvoiceId, getPaymentId, signInvoice, type EscrowDomain, type Invoice, type Payment } from "./typed-data";

/** The escrow's EIP-712 domain on the client's chain. */
export async function domainOf(client: CofferClient): Promise<EscrowDomain> {
  return { chainId: client.chainId, escrow: await client.escrow.getAddress() };
}

/** Options of the actions that pull the payer's tokens. */
export interface PullOptions {
  /** Pull through the payer's EIP-2612 permit (see `signPermit`) instead of an allowance. */
  readonly permit?: PermitSignature;
  /**
   * Approve the escrow for exactly the amount pulled when the allowance is short, once the call is known to
   * succeed but for it. Default true; false sends the call as it is.
   */
  readonly approve?: boolean;
}

/** Options of `authorize` and `charge`. */
export interface OpenPaymentOptions extends PullOptions {
  /** The payer's approval (see `signPaymentApproval`), when the payment's operator sends the call. */
  readonly payerSignature?: string;
}

/** A receipt with the approval sent first, if one was. */
export type PullReceipt = CofferReceipt & { readonly approval?: CofferReceipt };

const valueFor = (token: string, amount: bigint): bigint => (token === NATIVE_TOKEN ? amount : 0n);

async function pullFromSigner(client: CofferClient, token: string, amount: bigint, options: PullOptions) {
  return { token, amount, spender: await client.escrow.getAddress(), skip: options.permit !== undefined };
}

async function openPayment(
  client: CofferClient,
  method: "authorize" | "charge",
  payment: Payment,
  amount: bigint,
  feeArgs: unknown[],
  options: OpenPaymentOptions,
): Promise<PullReceipt & { paymentId: string }> {
  const signature = options.payerSignature ?? "0x";
  const call = options.permit
    ? {
        contract: client.escrow,
        method: `${method}WithPermit`,
        args: [payment, amount, ...feeArgs, signature, options.permit],
      }
    : {
        contract: client.escrow,
        method,
        args: [payment, amount, ...feeArgs, signature],
        value: valueFor(payment.token, amount),
      };
  const pull = await pullFromSigner(client, payment.token, amount, options);
  // A relayed call pulls from the payer, not from the operator who sends it: nothing for the sender to approve.
  const sender = await client.signer?.getAddress();
  const pullsFromSender = sender !== undefined && ethers.getAddress(sender) === ethers.getAddress(payment.payer);
  const result =
    pull.skip || !pullsFromSender ? await sendCall(client, call) : await sendPulling(client, call, pull, options);
  return { ...result, paymentId: getPaymentId(payment, await domainOf(client)) };
}

/**
 * Authorizes a payment: `amount` (at most `payment.maxAmount`) moves from the payer into escrow. Sent by the
 * payer, or by the payment's operator with `payerSignature`. Simulated first; the payer's allowance is topped up
 * only when the call would otherwise succeed.
 * @example const { paymentId } = await escrow.authorize(client, payment, 25_000_000n);
 * @throws CofferContractError, e.g. `CofferEscrowUnauthorizedCaller`, `CofferEscrowPaymentAlreadyExists`.
 */
export function authorize(
  client: CofferClient,
  payment: Payment,
  amount: bigint,
  options: OpenPaymentOptions = {},
): Promise<PullReceipt & { paymentId: string }> {
  return openPayment(client, "authorize", payment, amount, [], options);
}

/**
 * Authorizes and captures at once: the payee gets `amount` minus the fee at `feeBps`, the fee receiver the fee.
 * Sent by the payer, or by the payment's operator with `payerSignature` (a `"charge"` approval).
 */
export function charge(
  client: CofferClient,
  payment: Payment,
  amount: bigint,
  feeBps: number,
  options: OpenPaymentOptions = {},
): Promise<PullReceipt & { paymentId: string }> {
  return openPayment(client, "charge", payment, amount, [feeBps], options);
}

/**
 * Checks, without sending anything, that the payment's operator could submit `payment` now with the payer's
 * signed approval (`"authorize"` or `"charge"` at `feeBps`): resolves when the relayed call would succeed, throws
 * its decoded error otherwise. For a payer about to hand a signature over: a failure that `isPullFailure` accepts
 * means only the payer's allowance is missing.
 */
export async function simulateRelay(
  client: CofferClient,
  payment: Payment,
  amount: bigint,
  action: "authorize" | "charge",
  payerSignature: string,
  feeBps: number = payment.minFeeBps,
): Promise<void> {
  const args = action === "charge" ? [payment, amount, feeBps, payerSignature] : [payment, amount, payerSignature];
  try {
    await client.escrow
      .connect(client.provider)
      .getFunction(action)
      .staticCall(...args, { from: payment.operator });
  } catch (error) {
    throw toCofferError(error);
  }
}

/** Captures `amount` of what is held, to the payee minus the fee at `feeBps` (operator). */
export const capture = (client: CofferClient, payment: Payment, amount: bigint, feeBps: number) =>
  sendCall(client, { contract: client.escrow, method: "capture", args: [payment, amount, feeBps] });

/** Returns everything held to the payer (operator). */
export const voidPayment = (client: CofferClient, payment: Payment) =>
  sendCall(client, { contract: client.escrow, method: "void", args: [payment] });

/** Takes back what is held, from the authorization expiry on (payer). */
export const reclaim = (client: CofferClient, payment: Payment) =>
  sendCall(client, { contract: client.escrow, method: "reclaim", args: [payment] });

/**
 * Refunds up to what was captured, funded by the caller (the operator or the payee), who is approved for the
 * refund only once the call is known to succeed but for the allowance.
 */
export async function refund(
  client: CofferClient,
  payment: Payment,
  amount: bigint,
  options: { approve?: boolean } = {},
): Promise<PullReceipt> {
  const call = {
    contract: client.escrow,
    method: "refund",
    args: [payment, amount],
    value: valueFor(payment.token, amount),
  };
  return sendPulling(client, call, await pullFromSigner(client, payment.token, amount, {}), options);
}

/** Freezes what is held until the arbiter resolves (payer). */
export const dispute = (client: CofferClient, payment: Payment) =>
  sendCall(client, { contract: client.escrow, method: "dispute", args: [payment] });

/** Divides frozen funds: `payerAmount` back to the payer, the rest to the payee (arbiter). */
export const resolve = (client: CofferClient, payment: Payment, payerAmount: bigint) =>
  sendCall(client, { contract: client.escrow, method: "resolve", args: [payment, payerAmount] });

/**
 * Pays a payee-signed invoice, exactly its amount, from the client's signer. Simulated first: a paid, expired or
 * wrongly signed invoice throws its decoded error with nothing approved or sent.
 * @example const { invoiceId } = await escrow.payInvoice(client, invoice, signature);
 */
export async function payInvoice(
  client: CofferClient,
  invoice: Invoice,
  payeeSignature: string,
  options: PullOptions = {},
): Promise<PullReceipt & { invoiceId: string }> {
  const call = options.permit
    ? { contract: client.escrow, method: "payInvoiceWithPermit", args: [invoice, payeeSignature, options.permit] }
    : {
        contract: client.escrow,
        method: "payInvoice",
        args: [invoice, payeeSignature],
        value: valueFor(invoice.token, invoice.amount),
      };
  const pull = await pullFromSigner(client, invoice.token, invoice.amount, options);
  const result = pull.skip ? await sendCall(client, call) : await sendPulling(client, call, pull, options);
  return { ...result, invoiceId: getInvoiceId(invoice, await domainOf(client)) };
}

/**
 * Builds an invoice (see `buildInvoice`) with `payee` as its payee and signs it; returns it with its id and
 * signature, to hand to the customer. Nothing is sent.
 */
export async function createInvoice(
  client: CofferClient,
  payee: ethers.Signer,
  input: Omit<InvoiceInput, "payee">,
): Promise<{ invoice: Invoice; invoiceId: string; signature: string }> {
  const invoice = buildInvoice({ ...input, payee: await payee.getAddress() });
  const domain = await domainOf(client);
  return { invoice, invoiceId: getInvoiceId(invoice, domain), signature: await signInvoice(payee, invoice, domain) };
}

/** Withdraws the caller's credited payouts of `token` (payouts a blocked receiver could not take) to `to`. */
export const withdrawCredit = (client: CofferClient, token: string, to: string) =>
  sendCall(client, { contract: client.escrow, method: "withdraw", args: [token, to] });
