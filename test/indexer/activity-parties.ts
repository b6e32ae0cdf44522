/**
 * The indexer test's check that every account a Coffer event names sees the event in its activity, with its role:
 * each party of a payment (payer, payee, operator, arbiter, fee receiver) each of its steps, and the subscriber,
 * the plan's merchant and its payee each charge and failed charge (a merchant whose plan pays a split included).
 */
import { expect } from "chai";
import { ethers } from "ethers";
import { CofferSubscriptions__factory } from "../../typechain-types";
import { readManifest } from "../../deploy/manifest";
import type { RunningIndexer } from "../../scripts/lib/indexer-process";
import { allRows } from "./helpers";

interface ActivityRow {
  account: string;
  kind: string;
  role: string;
  reference: string | null;
  amount: string;
  transactionHash: string;
}

/** How many of the checked events named a party apart from those that moved money. */
export interface NamedPartyCounts {
  /** Payment steps with an operator that is neither payer nor payee. */
  operatorSteps: number;
  /** Payment steps with an arbiter. */
  arbiterSteps: number;
  /** Payment steps with a fee receiver. */
  feeReceiverSteps: number;
  /** Charges whose plan pays another payee than its merchant (a split). */
  chargesToAnotherPayee: number;
  /** Failed charges of such plans. */
  failuresToAnotherPayee: number;
}

const lc = (value: string) => value.toLowerCase();

/** Rows of one Coffer event: same transaction, kind and reference (a movement's rows sit on its Transfer log). */
function rowsOf(rows: readonly ActivityRow[], transactionHash: string, kind: string, reference: string) {
  return rows.filter(
    (row) => row.transactionHash === transactionHash && row.kind === kind && row.reference === reference,
  );
}

/**
 * Expects each named party of each payment step and subscription charge (success or failure) to have a row of
 * the event; a party with one role in it to have that role on every such row, and a merchant paid through another
 * payee a row of amount 0 with role `merchant`. Returns how many events named parties beyond the money's.
 */
export async function expectNamedPartiesSeeTheirEvents(
  indexer: RunningIndexer,
  provider: ethers.JsonRpcProvider,
  deploymentsDir: string,
  blockNumber: number,
  chainId = 31337,
): Promise<NamedPartyCounts> {
  const where = `{ chainId: ${chainId} }`;
  const counts: NamedPartyCounts = {
    operatorSteps: 0,
    arbiterSteps: 0,
    feeReceiverSteps: 0,
    chargesToAnotherPayee: 0,
    failuresToAnotherPayee: 0,
  };
  const rows = await allRows<ActivityRow>(indexer, "activitys", "account kind role reference amount transactionHash", {
    where,
  });

  // Payments: every step (its own kind, in its own transaction) is seen by all five parties.
  const payments = await allRows<{
    id: string;
    payer: string;
    payee: string;
    operator: string;
    arbiter: string;
    feeReceiver: string;
  }>(indexer, "payments", "id payer payee operator arbiter feeReceiver", { where });
  expect(payments.length, "payments").to.be.greaterThan(0);
  for (const payment of payments) {
    const parties = (
      [
        [payment.payer, "payer"],
        [payment.payee, "payee"],
        [payment.operator, "operator"],
        [payment.arbiter, "arbiter"],
        [payment.feeReceiver, "fee_receiver"],
      ] as const
    ).filter(([account]) => account !== ethers.ZeroAddress);
    const ofPayment = rows.filter((row) => row.reference === payment.id);
    const steps = new Set(ofPayment.map((row) => `${row.transactionHash} ${row.kind}`));
    expect(steps.size, `steps of payment ${payment.id}`).to.be.greaterThan(0);
    for (const step of steps) {
      const [transactionHash = "", kind = ""] = step.split(" ");
      const stepRows = rowsOf(ofPayment, transactionHash, kind, payment.id);
      for (const [account, role] of parties) {
        const mine = stepRows.filter((row) => row.account === account);
        expect(mine.length, `${role} ${account} sees ${kind} of payment ${payment.id}`).to.be.greaterThan(0);
        // One role per account and event: an account with one role in the payment has it on each row.
        if (parties.filter(([other]) => other === account).length === 1) {
          expect(new Set(mine.map((row) => row.role)), `role of ${account} in ${kind}`).to.deep.equal(new Set([role]));
        }
      }
      if (payment.operator !== payment.payer && payment.operator !== payment.payee) counts.operatorSteps += 1;
      if (payment.arbiter !== ethers.ZeroAddress) counts.arbiterSteps += 1;
      if (payment.feeReceiver !== ethers.ZeroAddress) counts.feeReceiverSteps += 1;
    }
  }

  // Subscription charges and failed charges, from the chain's logs: subscriber, merchant and payee see each.
  const manifest = readManifest(deploymentsDir, chainId);
  const subscriptions = CofferSubscriptions__factory.connect(
    manifest?.contracts["CofferSubscriptions"]?.address ?? "",
    provider,
  );
  const charged = await subscriptions.queryFilter(subscriptions.filters.SubscriptionCharged(), 0, blockNumber);
  const failed = await subscriptions.queryFilter(subscriptions.filters.SubscriptionChargeFailed(), 0, blockNumber);
  const logs = [
    ...charged.map((log) => ({ log, kind: "subscription_charged", args: log.args })),
    ...failed.map((log) => ({ log, kind: "subscription_charge_failed", args: log.args })),
  ];
  for (const { log, kind, args } of logs) {
    const plan = await subscriptions.getPlan(args.planId, { blockTag: blockNumber });
    const reference = args.subscriptionId.toString();
    const eventRows = rowsOf(rows, lc(log.transactionHash), kind, reference);
    const subscriber = lc(args.subscriber);
    const merchant = lc(args.merchant);
    const payee = lc(plan.payee);
    const what = `${kind} of subscription ${reference}`;
    expect(
      eventRows.some((row) => row.account === subscriber),
      `subscriber sees ${what}`,
    ).to.equal(true);
    expect(
      eventRows.some((row) => row.account === payee),
      `payee sees ${what}`,
    ).to.equal(true);
    const merchantRows = eventRows.filter((row) => row.account === merchant);
    expect(merchantRows.length, `merchant sees ${what}`).to.be.greaterThan(0);
    if (merchant !== payee && merchant !== subscriber) {
      // Nothing of it moved to or from the merchant: one row of amount 0, as the plan's merchant.
      expect(
        merchantRows.map((row) => [row.role, row.amount]),
        `merchant's row of ${what}`,
      ).to.deep.equal([["merchant", "0"]]);
      expect(
        eventRows.filter((row) => row.account === payee).every((row) => row.role === "payee"),
        `payee's role in ${what}`,
      ).to.equal(true);
      if (kind === "subscription_charged") counts.chargesToAnotherPayee += 1;
      else counts.failuresToAnotherPayee += 1;
    }
  }
  return counts;
}
