/**
 * What a checkout link asks the customer to do, read from the page's address:
 * - `?invoice=<base64url>`: a merchant-signed invoice, the `coffer-invoice/1` document the CLI writes
 *   (`coffer invoice create`), or `?invoiceUrl=<url>` to fetch it;
 * - `?order=<base64url>`: an escrowed order (`coffer-order/1`): the payment's terms without the payer, who is
 *   whoever pays, and the amount to authorize;
 * - `?plan=<id>`: a subscription plan, read from the indexer.
 * Everything is checked before it is shown: the chain and escrow must be the app's, amounts whole numbers.
 * Links are written by `scripts/lib/checkout-links.ts` (the demo's) or any server that base64url-encodes the JSON.
 */
import type { Invoice, Payment } from "@coffer/sdk";
import { ethers } from "ethers";
import { z } from "zod";

export const INVOICE_FORMAT = "coffer-invoice/1";
export const ORDER_FORMAT = "coffer-order/1";

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address");
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "32 bytes of hex");
const uint = z.union([z.string().regex(/^\d{1,78}$/), z.number().int().nonnegative()]).transform((v) => BigInt(v));
const bps = z.number().int().min(0).max(10_000);

const invoiceDocument = z.object({
  format: z.literal(INVOICE_FORMAT),
  chainId: z.number().int(),
  escrow: address,
  invoiceId: bytes32,
  invoice: z.object({
    payee: address,
    payer: address,
    token: address,
    amount: uint,
    expiry: uint,
    referenceId: bytes32,
    salt: uint,
  }),
  signature: z.string().regex(/^0x[0-9a-fA-F]*$/),
});

const orderDocument = z.object({
  format: z.literal(ORDER_FORMAT),
  chainId: z.number().int(),
  escrow: address,
  payment: z.object({
    operator: address,
    payee: address,
    token: address,
    maxAmount: uint,
    preApprovalExpiry: uint,
    authorizationExpiry: uint,
    refundExpiry: uint,
    minFeeBps: bps,
    maxFeeBps: bps,
    feeReceiver: address,
    arbiter: address,
    referenceId: bytes32,
    salt: uint,
  }),
  amount: uint,
});

/** The order's payment terms; the payer is filled in with the connected account. */
export type OrderTerms = Omit<Payment, "payer">;

export type CheckoutRequest =
  | { readonly kind: "invoice"; readonly invoice: Invoice; readonly signature: string; readonly invoiceId: string }
  | { readonly kind: "order"; readonly terms: OrderTerms; readonly amount: bigint }
  | { readonly kind: "plan"; readonly planId: bigint };

/** A checkout link that cannot be used, with why. */
export class CheckoutLinkError extends Error {
  override name = "CheckoutLinkError";
}

/** The JSON inside a base64url link parameter. */
function decodeParameter(name: string, value: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(ethers.decodeBase64(value.replace(/-/g, "+").replace(/_/g, "/"))));
  } catch {
    throw new CheckoutLinkError(
      `The link's "${name}" is not readable: it was cut short or changed. Ask the merchant for the link again.`,
    );
  }
}

function parseWith<T extends z.ZodTypeAny>(schema: T, document: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new CheckoutLinkError(`This ${what} is not valid (${problems}). Ask the merchant for a new link.`);
  }
  return parsed.data;
}

function checkDeployment(document: { chainId: number; escrow: string }, chainId: number, escrow: string, what: string) {
  if (document.chainId !== chainId) {
    throw new CheckoutLinkError(
      `This ${what} is for chain ${document.chainId}; this checkout takes payments on chain ${chainId}.`,
    );
  }
  if (document.escrow.toLowerCase() !== escrow.toLowerCase()) {
    throw new CheckoutLinkError(`This ${what} names escrow ${document.escrow}, not Coffer's escrow here (${escrow}).`);
  }
}

/** Reads a `coffer-invoice/1` document for this chain's escrow. */
export function parseInvoiceDocument(document: unknown, chainId: number, escrow: string): CheckoutRequest {
  const data = parseWith(invoiceDocument, document, "invoice");
  checkDeployment(data, chainId, escrow, "invoice");
  const i = data.invoice;
  return {
    kind: "invoice",
    invoice: {
      ...i,
      payee: ethers.getAddress(i.payee),
      payer: ethers.getAddress(i.payer),
      token: ethers.getAddress(i.token),
    },
    signature: data.signature,
    invoiceId: data.invoiceId.toLowerCase(),
  };
}

/** Reads a `coffer-order/1` document for this chain's escrow. */
export function parseOrderDocument(document: unknown, chainId: number, escrow: string): CheckoutRequest {
  const data = parseWith(orderDocument, document, "order");
  checkDeployment(data, chainId, escrow, "order");
  const p = data.payment;
  if (data.amount === 0n || data.amount > p.maxAmount) {
    throw new CheckoutLinkError(`This order's amount ${data.amount} is not between 1 and its maximum ${p.maxAmount}.`);
  }
  const terms: OrderTerms = {
    ...p,
    operator: ethers.getAddress(p.operator),
    payee: ethers.getAddress(p.payee),
    token: ethers.getAddress(p.token),
    feeReceiver: ethers.getAddress(p.feeReceiver),
    arbiter: ethers.getAddress(p.arbiter),
  };
  return { kind: "order", terms, amount: data.amount };
}

/** The request in `search` (the page's `location.search`), fetching `invoiceUrl` when given. */
export async function readCheckoutRequest(search: string, chainId: number, escrow: string): Promise<CheckoutRequest> {
  const params = new URLSearchParams(search);
  const invoice = params.get("invoice");
  if (invoice !== null) return parseInvoiceDocument(decodeParameter("invoice", invoice), chainId, escrow);
  const invoiceUrl = params.get("invoiceUrl");
  if (invoiceUrl !== null) {
    let response: Response;
    try {
      response = await fetch(new URL(invoiceUrl, document.baseURI));
    } catch (error) {
      throw new CheckoutLinkError(`Could not fetch the invoice from ${invoiceUrl}: ${(error as Error).message}`);
    }
    if (!response.ok)
      throw new CheckoutLinkError(`Could not fetch the invoice from ${invoiceUrl}: HTTP ${response.status}`);
    return parseInvoiceDocument(await response.json().catch(() => null), chainId, escrow);
  }
  const order = params.get("order");
  if (order !== null) return parseOrderDocument(decodeParameter("order", order), chainId, escrow);
  const plan = params.get("plan");
  if (plan !== null) {
    if (!/^\d{1,30}$/.test(plan)) throw new CheckoutLinkError(`"${plan}" is not a plan number.`);
    return { kind: "plan", planId: BigInt(plan) };
  }
  throw new CheckoutLinkError(
    "This page needs a checkout link from a merchant: an invoice, an order or a subscription plan.",
  );
}
