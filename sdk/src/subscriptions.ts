import { ethers } from "ethers";
import type { CofferClient } from "./client";
import { CofferError, CofferInsufficientBalanceError, CofferValidationError, toCofferError } from "./errors";
import type { ICofferSubscriptions } from "./generated/typechain/CofferSubscriptions";
import { approve, getAllowance, getBalance, isPullFailure, NATIVE_TOKEN, type PermitSignature } from "./tokens";
import { sendCall, signerOf, simulate, type CofferReceipt } from "./transactions";
import { parseDuration, requireAddress, requireAmount, requireBps, type Duration } from "./values";

/** A plan's parameters (see `ICofferSubscriptions.PlanParams`). */
export type PlanParams = ICofferSubscriptions.PlanParamsStruct;

/** Argument `arg` of the first event named `name`, as a bigint id. */
function idFrom(result: CofferReceipt, name: string, arg: string): bigint {
  const event = result.events.find((candidate) => candidate.name === name);
  if (event === undefined) throw new CofferError(`No ${name} event in transaction ${result.transactionHash}`);
  return event.args[arg] as bigint;
}

/** Publishes a plan (the caller is its merchant); returns its id. */
export async function createPlan(
  client: CofferClient,
  params: PlanParams,
): Promise<CofferReceipt & { planId: bigint }> {
  const result = await sendCall(client, { contract: client.subscriptions, method: "createPlan", args: [params] });
  return { ...result, planId: idFrom(result, "PlanCreated", "planId") };
}

/** Retires a plan: no new subscribers (merchant). */
export const retirePlan = (client: CofferClient, planId: bigint) =>
  sendCall(client, { contract: client.subscriptions, method: "retirePlan", args: [planId] });

/** Options of {@link subscribe}. */
export interface SubscribeOptions {
  /** ETH added to the caller's deposit first (ETH plans). */
  readonly value?: bigint;
  /** Use the subscriber's EIP-2612 permit (of `permit.value`) instead of an allowance. */
  readonly permit?: PermitSignature & { readonly value: bigint };
  /** How many periods the allowance covers when the SDK approves the plan's token. Default 12. */
  readonly periods?: number;
  /** Approve the plan's token for `periods` charges when the allowance is lower. Default true. */
  readonly approve?: boolean;
}

/**
 * Subscribes the caller; without a trial the first period is charged at once. For an ERC-20 plan the
 * subscription contract is approved for `periods` charges (default 12) when the allowance is lower, but only
 * once the subscription is known to succeed but for the allowance: a retired plan or a missing plan throws its
 * decoded error with nothing approved or sent. For an ETH plan, `value` is added to the caller's deposit first.
 * @example const { subscriptionId } = await subscriptions.subscribe(client, planId, { periods: 6 });
 */
export async function subscribe(
  client: CofferClient,
  planId: bigint,
  options: SubscribeOptions = {},
): Promise<CofferReceipt & { subscriptionId: bigint; approval?: CofferReceipt }> {
  const { permit } = options;
  const call = permit
    ? {
        contract: client.subscriptions,
        method: "subscribeWithPermit",
        args: [planId, permit.value, permit.deadline, permit.v, permit.r, permit.s],
      }
    : { contract: client.subscriptions, method: "subscribe", args: [planId], value: options.value ?? 0n };
  let approval: CofferReceipt | undefined;
  if (permit === undefined && options.approve !== false) approval = await approveForPlan(client, planId, call, options);
  const result = await sendCall(client, call);
  return { ...result, subscriptionId: idFrom(result, "SubscriptionCreated", "subscriptionId"), approval };
}

async function approveForPlan(
  client: CofferClient,
  planId: bigint,
  call: Parameters<typeof simulate>[1],
  options: SubscribeOptions,
): Promise<CofferReceipt | undefined> {
  const periods = options.periods ?? 12;
  if (!Number.isSafeInteger(periods) || periods < 1) {
    throw new CofferValidationError("periods", `${periods} is not a whole number of periods`);
  }
  // Coffer's own refusals (no such plan, a retired plan) come first, whatever the allowance.
  try {
    await simulate(client, call);
  } catch (error) {
    if (!isPullFailure(error)) throw error;
  }
  const plan = await getPlan(client, planId);
  if (plan.token === NATIVE_TOKEN) return undefined;
  const wanted = plan.amount * BigInt(periods);
  const owner = await signerOf(client).getAddress();
  const spender = await client.subscriptions.getAddress();
  if ((await getAllowance(client, plan.token, owner, spender)) >= wanted) return undefined;
  const balance = await getBalance(client, plan.token, owner);
  if (plan.trial === 0 && balance < plan.amount) {
    throw new CofferInsufficientBalanceError(plan.token, owner, balance, plan.amount);
  }
  return approve(client, plan.token, spender, wanted);
}

/** Outcome of a keeper's batch: which subscriptions were charged, failed or skipped. */
export interface ChargeOutcome {
  readonly charged: bigint[];
  readonly failed: { subscriptionId: bigint; reason: bigint }[];
  readonly skipped: bigint[];
  readonly lapsed: bigint[];
}

/** Charges every due subscription of `ids` in one transaction; failures are recorded, never thrown. */
export async function chargeDue(client: CofferClient, ids: bigint[]): Promise<CofferReceipt & ChargeOutcome> {
  const result = await sendCall(client, { contract: client.subscriptions, method: "chargeMany", args: [ids] });
  const of = (name: string) => result.events.filter((event) => event.name === name);
  return {
    ...result,
    charged: of("SubscriptionCharged").map((event) => event.args["subscriptionId"] as bigint),
    failed: of("SubscriptionChargeFailed").map((event) => ({
      subscriptionId: event.args["subscriptionId"] as bigint,
      reason: event.args["reason"] as bigint,
    })),
    skipped: of("SubscriptionChargeSkipped").map((event) => event.args["subscriptionId"] as bigint),
    lapsed: of("SubscriptionLapsed").map((event) => event.args["subscriptionId"] as bigint),
  };
}

/** Which of `ids` are due now (read-only; for keepers choosing what to charge). */
export async function dueSubscriptions(client: CofferClient, ids: bigint[]): Promise<bigint[]> {
  const due = await Promise.all(ids.map(async (id) => ({ id, due: (await client.subscriptions.isDue(id))[0] })));
  return due.filter((entry) => entry.due).map((entry) => entry.id);
}

/** Cancels a subscription for good (subscriber or merchant). */
export const cancel = (client: CofferClient, subscriptionId: bigint) =>
  sendCall(client, { contract: client.subscriptions, method: "cancel", args: [subscriptionId] });

/** Pauses a subscription (subscriber). */
export const pause = (client: CofferClient, subscriptionId: bigint) =>
  sendCall(client, { contract: client.subscriptions, method: "pause", args: [subscriptionId] });

/** Resumes a paused subscription (subscriber). */
export const resume = (client: CofferClient, subscriptionId: bigint) =>
  sendCall(client, { contract: client.subscriptions, method: "resume", args: [subscriptionId] });

/** What {@link buildPlan} needs; everything else has a default. */
export interface PlanInput {
  /** Receives the charges (an address, a Coffer split or a Safe). */
  readonly payee: string;
  /** ERC-20 address, or `NATIVE_TOKEN` for ETH (charged from the subscriber's deposit). */
  readonly token: string;
  /** Charged once per period, fee included, in token units. */
  readonly amount: bigint;
  /** Length of a period: at least an hour. E.g. `"30d"`. */
  readonly period: Duration;
  /** Free time before the first charge. Default none (charged on subscribing). */
  readonly trial?: Duration;
  /** How long a failed charge may be retried; shorter than the period. Default a tenth of the period. */
  readonly grace?: Duration;
  /** Fee in basis points and its receiver. Default none. */
  readonly fee?: { readonly bps: number; readonly receiver: string };
}

const UINT32 = 1n << 32n;

/**
 * A plan's parameters for {@link createPlan}, from durations, with the contract's bounds checked first.
 * @example const params = buildPlan({ payee, token: usdc, amount: 9_990_000n, period: "30d", trial: "7d" });
 * @throws CofferValidationError naming the field.
 */
export function buildPlan(input: PlanInput): PlanParams {
  const period = parseDuration(input.period, "period");
  if (period < 3_600n || period >= UINT32)
    throw new CofferValidationError("period", `${period} s is not between an hour and 2^32 s`);
  const trial = parseDuration(input.trial ?? 0, "trial");
  if (trial >= UINT32) throw new CofferValidationError("trial", `${trial} s does not fit in uint32`);
  const grace = input.grace === undefined ? period / 10n : parseDuration(input.grace, "grace");
  if (grace >= period)
    throw new CofferValidationError("grace", `${grace} s is not shorter than the period (${period} s)`);
  const fee = input.fee ?? { bps: 0, receiver: ethers.ZeroAddress };
  requireBps(fee.bps, "fee.bps");
  const feeReceiver = requireAddress(fee.receiver, "fee.receiver");
  if (fee.bps > 0 && feeReceiver === ethers.ZeroAddress) {
    throw new CofferValidationError("fee.receiver", "a plan with a fee needs a fee receiver");
  }
  const payee = requireAddress(input.payee, "payee");
  if (payee === ethers.ZeroAddress) throw new CofferValidationError("payee", "must not be the zero address");
  return {
    payee,
    token: requireAddress(input.token, "token"),
    amount: requireAmount(input.amount, "amount", 96),
    period: Number(period),
    trial: Number(trial),
    grace: Number(grace),
    feeBps: fee.bps,
    feeReceiver,
  };
}

/**
 * Where a subscription stands (`ICofferSubscriptions.SubscriptionStatus`), lower snake_case as the indexer serves it
 * (`PastDue` is `past_due`; "canceled" has one l, as the `subscription.canceled` webhook).
 */
export type SubscriptionStatus = "none" | "active" | "past_due" | "paused" | "canceled" | "lapsed";

/** The contract's enum, by its number. */
const SUBSCRIPTION_STATUSES: readonly SubscriptionStatus[] = [
  "none",
  "active",
  "past_due",
  "paused",
  "canceled",
  "lapsed",
];

/** A plan, decoded. */
export interface Plan {
  readonly planId: bigint;
  readonly merchant: string;
  readonly payee: string;
  readonly token: string;
  readonly amount: bigint;
  /** Seconds. */
  readonly period: number;
  readonly trial: number;
  readonly grace: number;
  readonly feeBps: number;
  readonly feeReceiver: string;
  readonly retired: boolean;
}

/** A plan by id. @throws CofferValidationError when no such plan exists. */
export async function getPlan(client: CofferClient, planId: bigint): Promise<Plan> {
  let plan: Awaited<ReturnType<CofferClient["subscriptions"]["getPlan"]>>;
  try {
    plan = await client.subscriptions.getPlan(planId);
  } catch (error) {
    throw toCofferError(error);
  }
  if (plan.merchant === ethers.ZeroAddress) throw new CofferValidationError("planId", `no plan ${planId}`);
  return {
    planId,
    merchant: plan.merchant,
    payee: plan.payee,
    token: plan.token,
    amount: plan.amount,
    period: Number(plan.period),
    trial: Number(plan.trial),
    grace: Number(plan.grace),
    feeBps: Number(plan.feeBps),
    feeReceiver: plan.feeReceiver,
    retired: plan.retired,
  };
}

/** A subscription, decoded, with when it is next due. */
export interface Subscription {
  readonly subscriptionId: bigint;
  readonly subscriber: string;
  readonly planId: bigint;
  readonly status: SubscriptionStatus;
  /** Start of period 0 (subscription time plus trial), unix seconds. */
  readonly anchor: bigint;
  /** Lowest period index that may still be charged. */
  readonly nextPeriod: number;
  /** Time of the first failed charge since the last success, unix seconds; 0 in good standing. */
  readonly pastDueSince: bigint;
  /** Whether a charge is due now, and from when the next one is (unix seconds). */
  readonly due: boolean;
  readonly dueAt: bigint;
}

/** A subscription by id. @throws CofferValidationError when no such subscription exists. */
export async function getSubscription(client: CofferClient, subscriptionId: bigint): Promise<Subscription> {
  try {
    const [subscription, [due, dueAt]] = await Promise.all([
      client.subscriptions.getSubscription(subscriptionId),
      client.subscriptions.isDue(subscriptionId),
    ]);
    const status = SUBSCRIPTION_STATUSES[Number(subscription.status)] ?? "none";
    if (status === "none") throw new CofferValidationError("subscriptionId", `no subscription ${subscriptionId}`);
    return {
      subscriptionId,
      subscriber: subscription.subscriber,
      planId: subscription.planId,
      status,
      anchor: subscription.anchor,
      nextPeriod: Number(subscription.nextPeriod),
      pastDueSince: subscription.pastDueSince,
      due,
      dueAt,
    };
  } catch (error) {
    throw toCofferError(error);
  }
}
