/**
 * What the dashboard reads from the indexer, through the SDK's typed client: the payments of a merchant with
 * every field of the escrow's `Payment` struct (the operator's actions pass it back to the contract), and the
 * merchant's plans (their token and price). Everything else uses the client's own methods.
 */
import { indexer, type Payment } from "@coffer/sdk";
import { ethers } from "ethers";
import { z } from "zod";

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/);
const bigint = z
  .string()
  .regex(/^-?\d+$/)
  .transform((value) => BigInt(value));

const merchantPaymentSchema = z.object({
  id: hex,
  operator: hex,
  payer: hex,
  payee: hex,
  token: hex,
  maxAmount: bigint,
  preApprovalExpiry: bigint,
  authorizationExpiry: bigint,
  refundExpiry: bigint,
  minFeeBps: z.number().int(),
  maxFeeBps: z.number().int(),
  feeReceiver: hex,
  arbiter: hex,
  referenceId: hex,
  salt: bigint,
  mode: z.string(),
  /** Lower snake_case, as the SDK's client checks them: `indexer.PAYMENT_STATES`, `indexer.PAYMENT_STATUSES`. */
  state: z.enum(indexer.PAYMENT_STATES),
  status: z.enum(indexer.PAYMENT_STATUSES),
  authorized: bigint,
  capturable: bigint,
  refundable: bigint,
  captured: bigint,
  fees: bigint,
  refunded: bigint,
  returned: bigint,
  createdAt: bigint,
  createdBlock: bigint,
  updatedAt: bigint,
});
/** A payment as the dashboard shows it: the indexer's row, the whole `Payment` struct included. */
export type MerchantPayment = z.output<typeof merchantPaymentSchema>;

const planSchema = z.object({
  id: bigint,
  token: hex,
  amount: bigint,
  period: z.number().int(),
  retired: z.boolean(),
});
/** A plan of the merchant: what its subscriptions are charged, in which token, how often. */
export type MerchantPlan = z.output<typeof planSchema>;

/** Most rows a section shows; the indexer pages at 1,000. */
export const ROW_LIMIT = 100;

/** HTTP statuses a proxy answers when what is behind it is down or slow. */
const GATEWAY_STATUSES = [502, 503, 504];

/** `error`, or an {@link indexer.IndexerUnavailableError} when it is a proxy saying the indexer is down. */
export function asIndexerProblem(error: unknown): unknown {
  if (error instanceof indexer.IndexerHttpError && GATEWAY_STATUSES.includes(error.status)) {
    return new indexer.IndexerUnavailableError(error.url, `the web server could not reach it, HTTP ${error.status}`, {
      cause: error,
    });
  }
  return error;
}

/** The merchant's payments (payee = merchant), newest first. */
export async function merchantPayments(
  client: indexer.IndexerClient,
  chainId: number,
  merchant: string,
): Promise<MerchantPayment[]> {
  const data = await client.query(
    "dashboard payments",
    `query DashboardPayments($chainId: Int!, $payee: String!, $limit: Int!) {
      payments(where: { chainId: $chainId, payee: $payee }, orderBy: "createdBlock", orderDirection: "desc",
               limit: $limit) {
        items { ${Object.keys(merchantPaymentSchema.shape).join(" ")} }
      }
    }`,
    { chainId, payee: merchant.toLowerCase(), limit: ROW_LIMIT },
    z.object({ payments: z.object({ items: z.array(merchantPaymentSchema) }) }),
  );
  return data.payments.items;
}

/** The merchant's plans, by id. */
export async function merchantPlans(
  client: indexer.IndexerClient,
  chainId: number,
  merchant: string,
): Promise<Map<bigint, MerchantPlan>> {
  const data = await client.query(
    "dashboard plans",
    `query DashboardPlans($chainId: Int!, $merchant: String!) {
      plans(where: { chainId: $chainId, merchant: $merchant }, limit: 1000) { items { id token amount period retired } }
    }`,
    { chainId, merchant: merchant.toLowerCase() },
    z.object({ plans: z.object({ items: z.array(planSchema) }) }),
  );
  return new Map(data.plans.items.map((plan) => [plan.id, plan]));
}

/** The escrow's `Payment` struct of an indexed payment, addresses checksummed. */
export function paymentStruct(row: MerchantPayment): Payment {
  return {
    operator: ethers.getAddress(row.operator),
    payer: ethers.getAddress(row.payer),
    payee: ethers.getAddress(row.payee),
    token: ethers.getAddress(row.token),
    maxAmount: row.maxAmount,
    preApprovalExpiry: row.preApprovalExpiry,
    authorizationExpiry: row.authorizationExpiry,
    refundExpiry: row.refundExpiry,
    minFeeBps: row.minFeeBps,
    maxFeeBps: row.maxFeeBps,
    feeReceiver: ethers.getAddress(row.feeReceiver),
    arbiter: ethers.getAddress(row.arbiter),
    referenceId: row.referenceId,
    salt: row.salt,
  };
}
