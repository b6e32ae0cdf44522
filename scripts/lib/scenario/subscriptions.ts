/** Day 1, 09:40–09:50: three customers subscribe; each first day is charged at once. */
import * as subscriptions from "../../../sdk/src/subscriptions";
import type { ScenarioContext } from "./context";
import { eth, usdc } from "./format";
import type { Plans } from "./plans";

/** The subscriptions' ids. */
export interface Subscriptions {
  readonly dana: bigint;
  /** Allows one day only: its renewal fails. */
  readonly eli: bigint;
  readonly fay: bigint;
}

export async function subscribeCustomers(context: ScenarioContext, plans: Plans): Promise<Subscriptions> {
  const { accounts, tokens, subscriptionsAddress } = context;
  const { office, espresso } = plans;
  const recorded = context.records.subscriptions;
  const record = (name: string, subscriptionId: bigint, planId: bigint, subscriber: string): void => {
    recorded[name] = { id: subscriptionId.toString(), planId: planId.toString(), subscriber };
  };

  await context.clock(1, "09:40");
  await context.mined(context.token(tokens.TestUSDC, "customerDana").approve(subscriptionsAddress, usdc("150")));
  const danaSub = await subscriptions.subscribe(await context.client("customerDana"), office.planId, {
    approve: false, // the customers choose their own allowances here
  });
  record("danaOfficeCoffee", danaSub.subscriptionId, office.planId, accounts.customerDana);
  context.step(`Dana subscribes to "Office coffee, daily" (subscription #${danaSub.subscriptionId}); day 1 is charged`);

  await context.clock(1, "09:45");
  // Eli allows exactly one day: tomorrow's renewal will fail.
  await context.mined(context.token(tokens.TestUSDC, "customerEli").approve(subscriptionsAddress, office.amount));
  const eliSub = await subscriptions.subscribe(await context.client("customerEli"), office.planId, { approve: false });
  record("eliOfficeCoffee", eliSub.subscriptionId, office.planId, accounts.customerEli);
  context.step(
    `Eli subscribes to "Office coffee, daily" (subscription #${eliSub.subscriptionId}), ` +
      `allowing only ${context.show(tokens.TestUSDC, office.amount)}; day 1 is charged`,
  );

  await context.clock(1, "09:50");
  const fay = await context.client("customerFay");
  await context.mined(fay.subscriptions.deposit(accounts.customerFay, { value: eth("0.05") }));
  const faySub = await subscriptions.subscribe(fay, espresso.planId, { approve: false });
  record("fayEspressoClub", faySub.subscriptionId, espresso.planId, accounts.customerFay);
  context.step(
    `Fay deposits 0.05 ETH and joins "Espresso club, daily" (subscription #${faySub.subscriptionId}); day 1 is charged`,
  );
  return { dana: danaSub.subscriptionId, eli: eliSub.subscriptionId, fay: faySub.subscriptionId };
}
