/**
 * What `npm run demo` prints about the indexer (example queries) and what `--check` compares: the indexer's
 * answers, through the SDK's typed client, against the chain's own getters and `balanceOf`.
 */
import { ethers } from "ethers";
import { z } from "zod";
import { createIndexerClient, type IndexerClient } from "../../sdk/src/indexer";
import {
  CofferEscrow__factory,
  CofferSubscriptions__factory,
  CofferTreasuryModule__factory,
  MockERC20__factory,
} from "../../typechain-types";
import type { ScenarioResult } from "./scenario";

/** A GraphQL query worth trying on the demo's data. */
export interface ExampleQuery {
  readonly title: string;
  readonly query: string;
}

/** The example queries the demo prints (and `--check` runs), filled with the story's addresses and ids. */
export function exampleQueries(result: ScenarioResult): ExampleQuery[] {
  const chainId = result.chainId;
  const dana = result.accounts.customerDana.toLowerCase();
  const safe = result.treasurySafe.toLowerCase();
  const split = result.splits.revenue.address.toLowerCase();
  return [
    {
      title: "What Dana holds (token balances from Transfer events)",
      query: `{ tokenBalances(where: { chainId: ${chainId}, account: "${dana}" }) { items { token balance } } }`,
    },
    {
      title: "The treasury Safe's history, newest first",
      query:
        `{ activitys(where: { chainId: ${chainId}, account: "${safe}" }, orderBy: "id", orderDirection: "desc", ` +
        `limit: 10) { items { kind token amount counterparty timestamp } } }`,
    },
    {
      title: "The shop's escrowed orders and where each stands",
      query:
        `{ payments(where: { chainId: ${chainId}, payee: "${split}" }, orderBy: "createdAt") ` +
        `{ items { referenceId token state captured refunded fees } } }`,
    },
    {
      title: "Subscriptions, with failed charges",
      query: `{ subscriptions(where: { chainId: ${chainId} }) { items { id subscriber status failedCharges nextChargeAt } } }`,
    },
  ];
}

/** The example as a command to paste in a shell. */
export function curlCommand(graphqlUrl: string, example: ExampleQuery): string {
  const body = JSON.stringify({ query: example.query }).replace(/'/g, "'\\''");
  return `curl -s ${graphqlUrl} -H 'content-type: application/json' -d '${body}'`;
}

// The contracts' enums by number, named as the indexer serves them (lower snake_case).
const PAYMENT_STATUS = ["none", "authorized", "disputed", "resolved"];
const SUBSCRIPTION_STATUS = ["none", "active", "past_due", "paused", "canceled", "lapsed"];

/** What `--check` compared. */
export interface CheckReport {
  /** How many values were compared. */
  readonly compared: number;
  /** One readable line per difference. */
  readonly mismatches: string[];
}

/**
 * Compares the indexer with the chain after the scenario: every story account's token balances, every payment's
 * state, every invoice, every subscription (state and charge counts), the treasury Safe's module settings, the
 * indexer's reconciliation report, and that each example query answers rows.
 */
export async function checkIndexerAgainstChain(
  indexerUrl: string,
  provider: ethers.Provider,
  result: ScenarioResult,
): Promise<CheckReport> {
  const client: IndexerClient = createIndexerClient({ url: indexerUrl });
  const mismatches: string[] = [];
  let compared = 0;
  const same = (what: string, indexed: unknown, onChain: unknown): void => {
    compared += 1;
    if (String(indexed) !== String(onChain))
      mismatches.push(`${what}: indexer ${String(indexed)}, chain ${String(onChain)}`);
  };
  const chainId = result.chainId;

  // Token balances of every account of the story.
  const holders: [string, string][] = [
    ...Object.entries(result.accounts),
    ["treasury Safe", result.treasurySafe],
    ["revenue split", result.splits.revenue.address],
  ];
  for (const [symbol, token] of [
    ["tUSDC", result.tokens.TestUSDC],
    ["tDAI", result.tokens.TestDAI],
  ] as const) {
    const erc20 = MockERC20__factory.connect(token, provider);
    for (const [name, address] of holders) {
      same(
        `${symbol} balance of ${name}`,
        await client.balance(chainId, address, token),
        await erc20.balanceOf(address),
      );
    }
  }

  // Payments and invoices.
  const escrow = CofferEscrow__factory.connect(result.contracts["CofferEscrow"] ?? "", provider);
  for (const [reference, payment] of Object.entries(result.payments)) {
    const indexed = await client.payment(chainId, payment.id);
    const onChain = await escrow.getPaymentState(payment.id);
    if (indexed === null) {
      compared += 1;
      mismatches.push(`payment ${reference}: missing from the indexer`);
      continue;
    }
    same(`payment ${reference} status`, indexed.status, PAYMENT_STATUS[Number(onChain.status)]);
    same(`payment ${reference} capturable`, indexed.capturable, onChain.capturable);
    same(`payment ${reference} refundable`, indexed.refundable, onChain.refundable);
  }
  for (const [reference, invoice] of Object.entries(result.invoices)) {
    const indexed = await client.invoice(chainId, invoice.id);
    same(`invoice ${reference} paid`, indexed !== null, await escrow.isInvoicePaid(invoice.id));
    if (indexed !== null) same(`invoice ${reference} amount`, indexed.amount, invoice.amount);
  }

  // Subscriptions: state as the contract stores it, and charges as its events tell.
  const subscriptions = CofferSubscriptions__factory.connect(result.contracts["CofferSubscriptions"] ?? "", provider);
  for (const [name, { id }] of Object.entries(result.subscriptions)) {
    const indexed = await client.subscription(chainId, BigInt(id));
    const onChain = await subscriptions.getSubscription(id);
    if (indexed === null) {
      compared += 1;
      mismatches.push(`subscription ${name}: missing from the indexer`);
      continue;
    }
    same(`subscription ${name} status`, indexed.status, SUBSCRIPTION_STATUS[Number(onChain.status)]);
    same(`subscription ${name} nextPeriod`, indexed.nextPeriod, onChain.nextPeriod);
    same(`subscription ${name} pastDueSince`, indexed.pastDueSince, onChain.pastDueSince);
    const charged = await subscriptions.queryFilter(subscriptions.filters.SubscriptionCharged(id));
    const failed = await subscriptions.queryFilter(subscriptions.filters.SubscriptionChargeFailed(id));
    same(
      `subscription ${name} successful charges`,
      indexed.chargeHistory.filter((c) => c.success).length,
      charged.length,
    );
    same(`subscription ${name} failed charges`, indexed.chargeHistory.filter((c) => !c.success).length, failed.length);
  }

  // The treasury Safe's module settings (pause and queue delay) as indexed, against getSafeSettings.
  const moduleAddress = result.contracts["CofferTreasuryModule"];
  if (moduleAddress === undefined) throw new Error("The scenario's result names no CofferTreasuryModule");
  const treasury = CofferTreasuryModule__factory.connect(moduleAddress, provider);
  const settings = await treasury.getSafeSettings(result.treasurySafe);
  const policy = await client.query(
    "treasury settings",
    `{ treasuryPolicys(where: { chainId: ${chainId}, safe: "${result.treasurySafe.toLowerCase()}", key: "settings" }) ` +
      `{ items { value } } }`,
    {},
    z.object({
      treasuryPolicys: z.object({
        items: z.array(
          z.object({ value: z.object({ paused: z.boolean(), delay: z.union([z.number(), z.string()]) }) }),
        ),
      }),
    }),
  );
  const indexedSettings = policy.treasuryPolicys.items[0]?.value;
  same("treasury Safe paused", indexedSettings?.paused ?? false, settings.paused);
  same("treasury Safe queue delay", indexedSettings?.delay ?? 0, settings.delay);

  // The indexer's own reconciliation: every indexed balance against balanceOf at the indexed block.
  const reconciliation = await client.reconciliation(chainId);
  compared += 1;
  if (!reconciliation.ok) mismatches.push("the indexer's reconciliation report is not ok");
  for (const difference of reconciliation.chains.flatMap((chain) => chain.differences)) {
    mismatches.push(
      `reconciliation ${difference.check} of ${difference.account} in ${difference.token}: ` +
        `indexer ${difference.indexed}, chain ${difference.onChain}`,
    );
  }

  // The printed examples answer, with rows.
  for (const example of exampleQueries(result)) {
    compared += 1;
    try {
      const data = await client.query(
        example.title,
        example.query,
        {},
        z.record(z.string(), z.object({ items: z.array(z.unknown()) })),
      );
      const rows = Object.values(data).reduce((sum, page) => sum + page.items.length, 0);
      if (rows === 0) mismatches.push(`example "${example.title}": no rows`);
    } catch (error) {
      mismatches.push(`example "${example.title}": ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { compared, mismatches };
}
