/** The story's end: what the steps did, as the plain JSON {@link ScenarioResult}. */
import type { ScenarioContext } from "./context";
import type { ScenarioResult } from "./model";
import type { Plans } from "./plans";
import { SWEEP_CAP, type SafeExecution } from "./policy";
import type { RevenueSplit } from "./split";
import type { Sweep } from "./sweep";

/** What the steps returned, and the chain's block at the end. */
export interface StoryEnd {
  readonly revenue: RevenueSplit;
  readonly plans: Plans;
  readonly policy: SafeExecution;
  readonly payout: SafeExecution;
  readonly sweep: Sweep;
  readonly blockNumber: number;
}

export function scenarioResult(context: ScenarioContext, end: StoryEnd): ScenarioResult {
  const { accounts, tokens, safeAddress, records } = context;
  const { revenue, plans } = end;
  return {
    chainId: context.chainId,
    business: "Bean & Leaf Coffee Roasters",
    accounts,
    tokens,
    contracts: {
      CofferEscrow: context.escrowAddress,
      CofferSubscriptions: context.subscriptionsAddress,
      CofferTreasuryModule: context.contractAddress("CofferTreasuryModule"),
      CofferSplitFactory: context.contractAddress("CofferSplitFactory"),
    },
    treasurySafe: safeAddress,
    coldWallet: accounts.coldWallet,
    splits: {
      revenue: {
        address: revenue.address,
        controller: safeAddress,
        recipients: revenue.shares,
        distributionIncentive: revenue.config.distributionIncentive,
        pullOnly: revenue.config.pullOnly,
      },
    },
    payments: records.payments,
    invoices: records.invoices,
    plans: {
      officeCoffeeDaily: {
        id: plans.office.planId.toString(),
        token: plans.office.token,
        amount: plans.office.amount.toString(),
      },
      espressoClubDaily: {
        id: plans.espresso.planId.toString(),
        token: plans.espresso.token,
        amount: plans.espresso.amount.toString(),
      },
    },
    subscriptions: records.subscriptions,
    safeTransactions: { policy: end.policy, payout: end.payout },
    sweep: {
      token: tokens.TestUSDC,
      cap: SWEEP_CAP.toString(),
      amount: end.sweep.amount.toString(),
      transactionHash: end.sweep.transactionHash,
    },
    startTime: context.startTime,
    endTime: context.at(2, "13:00"),
    blockNumber: end.blockNumber,
  };
}
