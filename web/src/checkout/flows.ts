/**
 * The payment itself, through the SDK: a balance check first, then a permit where the token takes one and the
 * allowance is short (one signature instead of an approval transaction), else the SDK's exact approval, then the
 * payment. Each SDK call simulates before it sends, so a payment that would fail sends nothing.
 */
import {
  CofferInsufficientBalanceError,
  escrow,
  getAllowance,
  getBalance,
  getChainTime,
  NATIVE_TOKEN,
  signPermit,
  subscriptions,
  type CofferClient,
  type PermitSignature,
} from "@coffer/sdk";
import type { CheckoutDetails } from "./details";

/** How many periods a subscription's approval or permit covers. */
export const SUBSCRIPTION_PERIODS = 12;
/** How long a permit stays valid: enough for the payment that follows it. */
const PERMIT_LIFETIME = 30n * 60n;

/** What the receipt shows. */
export interface CheckoutResult {
  readonly transactionHash: string;
  readonly blockNumber: number;
  /** The invoice id, payment id or subscription id. */
  readonly id: string;
  readonly usedPermit: boolean;
  readonly approvalHash?: string;
}

async function permitIfUseful(
  client: CofferClient,
  details: CheckoutDetails,
  account: string,
  spender: string,
  value: bigint,
  permitSupported: boolean,
): Promise<PermitSignature | undefined> {
  if (!permitSupported || details.token.address === NATIVE_TOKEN) return undefined;
  if ((await getAllowance(client, details.token.address, account, spender)) >= value) return undefined;
  const signer = client.signer;
  if (signer === undefined) return undefined;
  const deadline = (await getChainTime(client.provider)) + PERMIT_LIFETIME;
  return signPermit(signer, details.token.address, spender, value, deadline);
}

/** Pays the request from `account` (the client's signer). */
export async function pay(
  client: CofferClient,
  details: CheckoutDetails,
  account: string,
  permitSupported: boolean,
): Promise<CheckoutResult> {
  const token = details.token.address;
  const request = details.request;
  const firstCharge = request.kind === "plan" && details.plan?.trial !== 0 ? 0n : details.amount;
  const balance = await getBalance(client, token, account);
  if (balance < firstCharge) throw new CofferInsufficientBalanceError(token, account, balance, firstCharge);

  if (request.kind === "invoice") {
    const permit = await permitIfUseful(
      client,
      details,
      account,
      details.escrowAddress,
      details.amount,
      permitSupported,
    );
    const receipt = await escrow.payInvoice(client, request.invoice, request.signature, permit ? { permit } : {});
    return summary(receipt, receipt.invoiceId, permit !== undefined);
  }
  if (request.kind === "order") {
    const payment = { ...request.terms, payer: account };
    const permit = await permitIfUseful(
      client,
      details,
      account,
      details.escrowAddress,
      request.amount,
      permitSupported,
    );
    const receipt = await escrow.authorize(client, payment, request.amount, permit ? { permit } : {});
    return summary(receipt, receipt.paymentId, permit !== undefined);
  }
  const spender = await client.subscriptions.getAddress();
  const covered = details.amount * BigInt(SUBSCRIPTION_PERIODS);
  const permit = await permitIfUseful(client, details, account, spender, covered, permitSupported);
  const receipt = await subscriptions.subscribe(
    client,
    request.planId,
    permit ? { permit: { ...permit, value: covered } } : { periods: SUBSCRIPTION_PERIODS },
  );
  return summary(receipt, receipt.subscriptionId.toString(), permit !== undefined);
}

function summary(
  receipt: { transactionHash: string; blockNumber: number; approval?: { transactionHash: string } },
  id: string,
  usedPermit: boolean,
): CheckoutResult {
  return {
    transactionHash: receipt.transactionHash,
    blockNumber: receipt.blockNumber,
    id,
    usedPermit,
    approvalHash: receipt.approval?.transactionHash,
  };
}
