/**
 * A realistic day of a small business on Coffer, played on a local chain where Coffer is deployed (see
 * `deployCoffer`): Bean & Leaf, a coffee roaster, invoices customers, takes escrowed orders in TestUSDC, TestDAI
 * and ETH, refunds a returned item, has a dispute resolved by an arbiter, sells daily subscriptions (one renewal
 * fails and recovers the next morning), receives its income through a revenue split into its treasury Safe, pays a
 * supplier with two Safe signatures and sweeps the excess to cold storage.
 *
 * Deterministic: the same accounts (the development mnemonic), amounts, salts and clock on every fresh chain, so
 * every id (payments, invoices, plans, subscriptions, split, Safe transactions) is the same from run to run. The
 * story's clock starts on Monday 2030-03-04 (UTC); on a chain already past it, at the next midnight.
 *
 * The steps are in `scenario/`, one file each, sharing a context (`scenario/context.ts`): the chain, the cast's
 * wallets and clients, the story's clock and log, and the records that the result is made of.
 */
import { ethers } from "ethers";
import { createContext } from "./scenario/context";
import { sellAtCounter } from "./scenario/counter";
import { openDispute, resolveDispute } from "./scenario/dispute";
import { fulfilOrders } from "./scenario/fulfilment";
import { payInvoices } from "./scenario/invoices";
import type { ScenarioOptions, ScenarioResult } from "./scenario/model";
import { placeOrders } from "./scenario/orders";
import { paySupplier } from "./scenario/payout";
import { publishPlans } from "./scenario/plans";
import { approveTreasuryPolicy } from "./scenario/policy";
import { refundReturn } from "./scenario/refund";
import { renewSubscriptions } from "./scenario/renewals";
import { scenarioResult } from "./scenario/result";
import { createRevenueSplit, distributeRevenue } from "./scenario/split";
import { subscribeCustomers } from "./scenario/subscriptions";
import { sweepToColdStorage } from "./scenario/sweep";
import { fundCustomers } from "./scenario/wallets";

export {
  SCENARIO_ACCOUNTS,
  SCENARIO_DAY_ONE,
  TREASURY_QUEUE_DELAY,
  scenarioAddress,
  type ScenarioInvoice,
  type ScenarioOptions,
  type ScenarioPayment,
  type ScenarioResult,
  type ScenarioRole,
} from "./scenario/model";

/** Runs the story; see the module's comment. Throws on the first step that fails. */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const log = options.log ?? (() => undefined);
  const provider = new ethers.JsonRpcProvider(options.rpcUrl, undefined, { pollingInterval: 100, cacheTimeout: -1 });
  try {
    return await play(provider, options, log);
  } finally {
    provider.destroy();
  }
}

/** The steps, in the story's order. */
async function play(
  provider: ethers.JsonRpcProvider,
  options: ScenarioOptions,
  log: (line: string) => void,
): Promise<ScenarioResult> {
  const context = await createContext(provider, options, log);
  try {
    // Day 1
    const policy = await approveTreasuryPolicy(context);
    const revenue = await createRevenueSplit(context);
    const plans = await publishPlans(context, revenue.address);
    await fundCustomers(context);
    await payInvoices(context);
    const subscriptions = await subscribeCustomers(context, plans);
    await placeOrders(context, revenue.address);
    await sellAtCounter(context, revenue.address);
    await fulfilOrders(context);
    await openDispute(context);
    await refundReturn(context);
    await resolveDispute(context);
    // Day 2
    await renewSubscriptions(context, plans, subscriptions);
    await distributeRevenue(context, revenue);
    const payout = await paySupplier(context);
    const sweep = await sweepToColdStorage(context);
    const blockNumber = await provider.getBlockNumber();
    return scenarioResult(context, { revenue, plans, policy, payout, sweep, blockNumber });
  } finally {
    context.close();
  }
}
