/**
 * What the checkout shows and checks before the customer pays: the merchant, the amount in the token's units,
 * expiry and fee, and what the indexer already knows (paid, placed, subscribed, retired).
 */
import { escrow, type TokenInfo } from "@coffer/sdk";
import { indexerClient, readClient, tokenInfo } from "../shared/read-client";
import type { WebConfig } from "../shared/config";
import { stateLabel } from "../shared/states";
import type { CheckoutRequest } from "./request";

/** The request with everything needed to show it. */
export interface CheckoutDetails {
  readonly request: CheckoutRequest;
  readonly payee: string;
  readonly token: TokenInfo;
  /** What the customer pays now (a plan: one period). */
  readonly amount: bigint;
  /** Unix seconds after which it cannot be paid; none for plans. */
  readonly expiry?: bigint;
  /** The fee the merchant pays from the amount, in basis points: a range for an order, exact for a plan. */
  readonly fee: { readonly minBps: number; readonly maxBps: number };
  /** A plan's period and trial, in seconds. */
  readonly plan?: { readonly period: number; readonly trial: number; readonly retired: boolean };
  readonly escrowAddress: string;
}

/** Why the request cannot be paid, found before the wallet is asked anything. */
export class CheckoutBlockedError extends Error {
  constructor(
    readonly title: string,
    detail: string,
  ) {
    super(detail);
    this.name = "CheckoutBlockedError";
  }
}

/** Reads the token and (for plans) the plan from the indexer. */
export async function loadDetails(config: WebConfig, request: CheckoutRequest): Promise<CheckoutDetails> {
  const client = await readClient(config);
  const escrowAddress = await client.escrow.getAddress();
  switch (request.kind) {
    case "invoice":
      return {
        request,
        payee: request.invoice.payee,
        token: await tokenInfo(config, request.invoice.token),
        amount: request.invoice.amount,
        expiry: request.invoice.expiry,
        fee: { minBps: 0, maxBps: 0 },
        escrowAddress,
      };
    case "order":
      return {
        request,
        payee: request.terms.payee,
        token: await tokenInfo(config, request.terms.token),
        amount: request.amount,
        expiry: request.terms.preApprovalExpiry,
        fee: { minBps: request.terms.minFeeBps, maxBps: request.terms.maxFeeBps },
        escrowAddress,
      };
    case "plan": {
      const plan = await indexerClient(config).plan(config.chainId, request.planId);
      if (plan === null) {
        throw new CheckoutBlockedError(
          "This plan does not exist",
          `Coffer knows no subscription plan ${request.planId} on this chain. Check the link with the merchant.`,
        );
      }
      return {
        request,
        payee: plan.payee,
        token: await tokenInfo(config, plan.token),
        amount: plan.amount,
        fee: { minBps: plan.feeBps, maxBps: plan.feeBps },
        plan: { period: plan.period, trial: plan.trial, retired: plan.retired },
        escrowAddress,
      };
    }
  }
}

/**
 * What stands in the way of paying now, from the indexer and the chain's time: an invoice paid or expired, an
 * order placed by this account or expired, a retired plan or an active subscription of this account to it.
 * @param account the connected account, when there is one.
 */
export async function checkPayable(
  config: WebConfig,
  details: CheckoutDetails,
  account: string | undefined,
  now: bigint,
): Promise<void> {
  const indexer = indexerClient(config);
  const request = details.request;
  const domain = { chainId: config.chainId, escrow: details.escrowAddress };
  if (request.kind === "invoice") {
    const paid = await indexer.invoice(config.chainId, escrow.getInvoiceId(request.invoice, domain));
    if (paid !== null) {
      throw new CheckoutBlockedError(
        "This invoice is already paid",
        `It was paid in block ${paid.blockNumber} (transaction ${paid.transactionHash}). Nothing more is owed; nothing was sent.`,
      );
    }
  }
  if (request.kind === "order" && account !== undefined) {
    const paymentId = escrow.getPaymentId({ ...request.terms, payer: account }, domain);
    const placed = await indexer.payment(config.chainId, paymentId);
    if (placed !== null) {
      throw new CheckoutBlockedError(
        "This order is already placed",
        `Your account placed it already (payment ${paymentId}, now ${stateLabel(placed.state).toLowerCase()}). Nothing was sent.`,
      );
    }
  }
  if (request.kind === "plan") {
    if (details.plan?.retired) {
      throw new CheckoutBlockedError("This plan is no longer offered", "The merchant retired it. Nothing was sent.");
    }
    if (account !== undefined) {
      const mine = await indexer.subscriptions(config.chainId, { subscriber: account, planId: request.planId });
      const live = mine.items.find((subscription) => ["active", "past_due", "paused"].includes(subscription.status));
      if (live !== undefined) {
        throw new CheckoutBlockedError(
          "You are already subscribed",
          `Your subscription ${live.id} to this plan is ${stateLabel(live.status).toLowerCase()}. Nothing was sent.`,
        );
      }
    }
  }
  if (details.expiry !== undefined && now >= details.expiry) {
    throw new CheckoutBlockedError(
      request.kind === "invoice" ? "This invoice has expired" : "This order has expired",
      `It could be paid until ${new Date(Number(details.expiry) * 1000).toLocaleString()}. Ask the merchant for a new link. Nothing was sent.`,
    );
  }
}
