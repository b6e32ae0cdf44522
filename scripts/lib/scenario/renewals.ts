/** Day 2, 10:00–11:05: the keeper renews the subscriptions; Eli's renewal fails and recovers. */
import * as subscriptions from "../../../sdk/src/subscriptions";
import type { ScenarioContext } from "./context";
import { usdc } from "./format";
import type { Plans } from "./plans";
import type { Subscriptions } from "./subscriptions";

/** ICofferSubscriptions' charge failure reasons, by value. */
const FAILURE_REASONS = ["allowance too low", "balance too low", "transfer failed", "wrong amount delivered"];

/** Throws unless Eli's renewal fails and his retry succeeds. */
export async function renewSubscriptions(context: ScenarioContext, plans: Plans, subs: Subscriptions): Promise<void> {
  const { tokens, show } = context;
  const keeper = await context.client("keeper");
  const renewing = [subs.dana, subs.eli, subs.fay];
  await context.clock(2, "10:00");
  const renewals = await subscriptions.chargeDue(keeper, renewing);
  context.step(
    `The keeper renews subscriptions ${renewing.map((id) => `#${id}`).join(", ")}: ` +
      `charged ${renewals.charged.map((id) => `#${id}`).join(", ") || "none"}; ` +
      `failed ${renewals.failed.map((failure) => `#${failure.subscriptionId} (${FAILURE_REASONS[Number(failure.reason)] ?? failure.reason})`).join(", ") || "none"}`,
  );
  if (!renewals.failed.some((failure) => failure.subscriptionId === subs.eli)) {
    throw new Error(`Eli's renewal (#${subs.eli}) was expected to fail`);
  }

  await context.clock(2, "11:00");
  await context.mined(context.token(tokens.TestUSDC, "customerEli").approve(context.subscriptionsAddress, usdc("150")));
  context.step(`Eli gets the past-due notice and raises his allowance to ${show(tokens.TestUSDC, usdc("150"))}`);

  await context.clock(2, "11:05");
  const retry = await subscriptions.chargeDue(keeper, [subs.eli]);
  if (!retry.charged.includes(subs.eli)) throw new Error(`Eli's retry (#${subs.eli}) failed`);
  context.step(
    `The keeper retries #${subs.eli}: charged ${show(tokens.TestUSDC, plans.office.amount)}, Eli is active again`,
  );
}
