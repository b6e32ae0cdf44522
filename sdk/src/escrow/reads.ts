import type { CofferClient } from "../client";
import { toCofferError } from "../errors";
import { domainOf } from "./actions";
import { getInvoiceId, getPaymentId, type Invoice, type Payment } from "./typed-data";

/** Where a payment stands (`ICofferEscrow.PaymentStatus`). */
export type PaymentStatus = "none" | "authorized" | "disputed" | "resolved";

const PAYMENT_STATUSES: readonly PaymentStatus[] = ["none", "authorized", "disputed", "resolved"];

/** A payment's state, decoded. */
export interface PaymentState {
  readonly paymentId: string;
  readonly status: PaymentStatus;
  /** Held in escrow and not yet captured or returned, in token units. */
  readonly capturable: bigint;
  /** Captured and not yet refunded, in token units. */
  readonly refundable: bigint;
}

/**
 * The state of a payment, given the payment or its id.
 * @example const { status, capturable } = await escrow.getPaymentState(client, payment);
 */
export async function getPaymentState(client: CofferClient, payment: Payment | string): Promise<PaymentState> {
  const paymentId = typeof payment === "string" ? payment : getPaymentId(payment, await domainOf(client));
  try {
    const state = await client.escrow.getPaymentState(paymentId);
    return {
      paymentId,
      status: PAYMENT_STATUSES[Number(state.status)] ?? "none",
      capturable: state.capturable,
      refundable: state.refundable,
    };
  } catch (error) {
    throw toCofferError(error);
  }
}

/** Whether an invoice (or its id) has been paid. */
export async function isInvoicePaid(client: CofferClient, invoice: Invoice | string): Promise<boolean> {
  const invoiceId = typeof invoice === "string" ? invoice : getInvoiceId(invoice, await domainOf(client));
  try {
    return await client.escrow.isInvoicePaid(invoiceId);
  } catch (error) {
    throw toCofferError(error);
  }
}

/** What `account` may withdraw of `token` (payouts that a blocked or reverting receiver could not take). */
export async function getCredit(client: CofferClient, account: string, token: string): Promise<bigint> {
  try {
    return await client.escrow.creditOf(account, token);
  } catch (error) {
    throw toCofferError(error);
  }
}
