/** Day 1, 08:45: the shop publishes its two daily subscription plans, paid to the revenue split. */
import { ethers } from "ethers";
import * as subscriptions from "../../../sdk/src/subscriptions";
import type { ScenarioContext } from "./context";
import { eth, usdc } from "./format";
import { DAY, HOUR } from "./model";

/** A published plan. */
export interface Plan {
  readonly planId: bigint;
  readonly token: string;
  readonly amount: bigint;
}

/** The shop's plans: office coffee in TestUSDC, the espresso club in ETH. */
export interface Plans {
  readonly office: Plan;
  readonly espresso: Plan;
}

export async function publishPlans(context: ScenarioContext, splitAddress: string): Promise<Plans> {
  const { tokens, show } = context;
  await context.clock(1, "08:45");
  const shop = await context.client("shop");
  const publish = async (name: string, token: string, amount: bigint): Promise<Plan> => {
    const { planId } = await subscriptions.createPlan(shop, {
      payee: splitAddress,
      token,
      amount,
      period: DAY,
      trial: 0,
      grace: 12 * HOUR, // shorter than the period, as the contract requires
      feeBps: 0,
      feeReceiver: ethers.ZeroAddress,
    });
    context.step(`The shop publishes plan #${planId} "${name}": ${show(token, amount)} a day`);
    return { planId, token, amount };
  };
  const office = await publish("Office coffee, daily", tokens.TestUSDC, usdc("15"));
  const espresso = await publish("Espresso club, daily", tokens.ETH, eth("0.01"));
  return { office, espresso };
}
