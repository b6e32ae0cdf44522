import type { CofferClient } from "./client";
import { send, type CofferReceipt } from "./errors";
import type { ICofferSubscriptions } from "../typechain-types/contracts/subscriptions/CofferSubscriptions";

/** A plan's parameters (see `ICofferSubscriptions.PlanParams`). */
export type PlanParams = ICofferSubscriptions.PlanParamsStruct;

/** Argument `arg` of the first event named `name`, as a bigint id. */
function idFrom(result: CofferReceipt, name: string, arg: string): bigint {
  const event = result.events.find((candidate) => candidate.name === name);
  if (event === undefined) throw new Error(`No ${name} event in transaction ${result.hash}`);
  return event.args[arg] as bigint;
}

/** Publishes a plan (the caller is its merchant); returns its id. */
export async function createPlan(
  client: CofferClient,
  params: PlanParams,
): Promise<CofferReceipt & { planId: bigint }> {
  const result = await send(() => client.subscriptions.createPlan(params));
  return { ...result, planId: idFrom(result, "PlanCreated", "planId") };
}

/** Retires a plan: no new subscribers (merchant). */
export const retirePlan = (client: CofferClient, planId: bigint) => send(() => client.subscriptions.retirePlan(planId));

/**
 * Subscribes the caller; without a trial the first period is charged at once. For an ETH plan, `value` is added to
 * the caller's deposit first. With `permit`, an EIP-2612 permit of `permit.value` is used instead of an allowance.
 */
export async function subscribe(
  client: CofferClient,
  planId: bigint,
  options: { value?: bigint; permit?: { value: bigint; deadline: bigint; v: number; r: string; s: string } } = {},
): Promise<CofferReceipt & { subscriptionId: bigint }> {
  const { permit } = options;
  const result = await send(() =>
    permit
      ? client.subscriptions.subscribeWithPermit(planId, permit.value, permit.deadline, permit.v, permit.r, permit.s)
      : client.subscriptions.subscribe(planId, { value: options.value ?? 0n }),
  );
  return { ...result, subscriptionId: idFrom(result, "SubscriptionCreated", "subscriptionId") };
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
  const result = await send(() => client.subscriptions.chargeMany(ids));
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
  send(() => client.subscriptions.cancel(subscriptionId));

/** Pauses a subscription (subscriber). */
export const pause = (client: CofferClient, subscriptionId: bigint) =>
  send(() => client.subscriptions.pause(subscriptionId));

/** Resumes a paused subscription (subscriber). */
export const resume = (client: CofferClient, subscriptionId: bigint) =>
  send(() => client.subscriptions.resume(subscriptionId));
