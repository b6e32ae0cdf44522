/** The escrow payments of the story's orders and counter sales: their terms, and how the story records them. */
import * as escrow from "../../../sdk/src/escrow";
import type { ScenarioContext } from "./context";
import { ref } from "./format";
import { DAY, HOUR, type ScenarioRole } from "./model";

/**
 * A payment from `payer` to the revenue split, operated by the shop: pre-approvable for an hour from `time`,
 * capturable for a week, refundable for 30 days, a fee of up to 1% to the processor, the arbiter to settle disputes.
 */
export function paymentOf(
  context: ScenarioContext,
  splitAddress: string,
  reference: string,
  payer: ScenarioRole,
  tokenAddress: string,
  amount: bigint,
  time: number,
  salt: bigint,
): escrow.Payment {
  const { accounts } = context;
  return {
    operator: accounts.shop,
    payer: accounts[payer],
    payee: splitAddress,
    token: tokenAddress,
    maxAmount: amount,
    preApprovalExpiry: BigInt(time + HOUR),
    authorizationExpiry: BigInt(time + 7 * DAY),
    refundExpiry: BigInt(time + 30 * DAY),
    minFeeBps: 0,
    maxFeeBps: 100,
    feeReceiver: accounts.processor,
    arbiter: accounts.arbiter,
    referenceId: ref(reference),
    salt,
  };
}

/** Records a payment in the result, with what happens to it in the story. */
export function recordPayment(
  context: ScenarioContext,
  reference: string,
  payment: escrow.Payment,
  id: string,
  story: string,
): void {
  context.records.orders.set(reference, payment);
  context.records.payments[reference] = {
    id,
    referenceId: payment.referenceId,
    payer: payment.payer,
    payee: payment.payee,
    token: payment.token,
    amount: payment.maxAmount.toString(),
    story,
    payment: Object.fromEntries(
      Object.entries(payment).map(([key, value]) => [key, typeof value === "bigint" ? value.toString() : value]),
    ) as Record<string, string | number>,
  };
}

/** A recorded order's payment; throws when the story has none. */
export function orderOf(context: ScenarioContext, reference: string): escrow.Payment {
  const found = context.records.orders.get(reference);
  if (found === undefined) throw new Error(`No order ${reference}`);
  return found;
}
