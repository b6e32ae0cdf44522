/**
 * The indexer's `/webhooks/events` against the chain: one event per Coffer log a merchant is told of, each a
 * valid webhook body with the log's place on chain and its amounts in the token's units. Run inside the
 * end-to-end suite (`e2e.ts`), on the scenario it indexed.
 */
import { expect } from "chai";
import { ethers } from "ethers";
import {
  CofferChannels__factory,
  CofferEscrow__factory,
  CofferSplitFactory__factory,
  CofferSplit__factory,
  CofferSubscriptions__factory,
  CofferTreasuryModule__factory,
} from "../../typechain-types";
import { readManifest } from "../../deploy/manifest";
import type { RunningIndexer } from "../../scripts/lib/indexer-process";
import { SUBSCRIPTION_STATUSES } from "../../sdk/src/indexer";
import { webhookEventSchema, type WebhookEvent } from "../../sdk/src/webhooks/events";
import { expectServedValue } from "./helpers";

/** Each contract event a webhook announces, and the event type it becomes. */
const ANNOUNCED: Readonly<Record<string, string>> = {
  PaymentAuthorized: "payment.authorized",
  PaymentCharged: "payment.charged",
  PaymentCaptured: "payment.captured",
  PaymentVoided: "payment.voided",
  PaymentReclaimed: "payment.reclaimed",
  PaymentRefunded: "payment.refunded",
  PaymentDisputed: "payment.disputed",
  PaymentResolved: "payment.resolved",
  InvoicePaid: "invoice.paid",
  SubscriptionCreated: "subscription.created",
  SubscriptionCharged: "subscription.charged",
  SubscriptionChargeFailed: "subscription.charge_failed",
  SubscriptionLapsed: "subscription.lapsed",
  SubscriptionPaused: "subscription.paused",
  SubscriptionResumed: "subscription.resumed",
  SubscriptionCancelled: "subscription.canceled",
  Distributed: "split.distributed",
  BudgetSpent: "treasury.transfer_made",
  TransferQueued: "treasury.transfer_queued",
  TransferExecuted: "treasury.transfer_executed",
  TransferCancelled: "treasury.transfer_canceled",
  Swept: "treasury.swept",
  ExecutionSuccess: "safe.transaction_executed",
  ExecutionFailure: "safe.transaction_executed",
  ChannelOpened: "channel.opened",
  ChannelToppedUp: "channel.topped_up",
  VoucherRedeemed: "channel.redeemed",
  ExitStarted: "channel.exit_started",
  ChannelClosed: "channel.closed",
};

interface Announced {
  key: string;
  type: string;
  args: ethers.Result;
  blockNumber: number;
}

const SAFE_EVENTS = new ethers.Interface([
  "event ExecutionSuccess(bytes32 indexed txHash, uint256 payment)",
  "event ExecutionFailure(bytes32 indexed txHash, uint256 payment)",
]);

/** Every log of Coffer's contracts up to `head` that a webhook announces, with the type it should have. */
async function announcedLogs(provider: ethers.JsonRpcProvider, deploymentsDir: string, head: number) {
  const manifest = readManifest(deploymentsDir, 31337);
  const address = (name: string) => manifest?.contracts[name]?.address ?? "";
  const factory = CofferSplitFactory__factory.connect(address("CofferSplitFactory"), provider);
  const splits = (await factory.queryFilter(factory.filters.SplitCreated(), 0, head)).map((log) => log.args.split);
  const sources: { address: string; iface: ethers.Interface }[] = [
    { address: address("CofferEscrow"), iface: CofferEscrow__factory.createInterface() },
    { address: address("CofferSubscriptions"), iface: CofferSubscriptions__factory.createInterface() },
    { address: address("CofferTreasuryModule"), iface: CofferTreasuryModule__factory.createInterface() },
    ...splits.map((split) => ({ address: split, iface: CofferSplit__factory.createInterface() })),
    ...(manifest?.contracts["CofferChannels"]
      ? [{ address: address("CofferChannels"), iface: CofferChannels__factory.createInterface() }]
      : []),
    ...(manifest?.treasurySafe ? [{ address: manifest.treasurySafe.address, iface: SAFE_EVENTS }] : []),
  ];
  const out: Announced[] = [];
  for (const { address: source, iface } of sources) {
    for (const log of await provider.getLogs({ address: source, fromBlock: 0, toBlock: head })) {
      const parsed = iface.parseLog(log);
      if (parsed === null) continue;
      const isSplit = splits.includes(source);
      const type = isSplit && parsed.name === "PayoutCredited" ? "split.credited" : ANNOUNCED[parsed.name];
      if (type === undefined || (parsed.name === "PayoutCredited" && !isSplit)) continue;
      out.push({
        key: `${log.transactionHash}:${log.index}:${type}`,
        type,
        args: parsed.args,
        blockNumber: log.blockNumber,
      });
    }
  }
  return out;
}

async function fetchEvents(indexer: RunningIndexer, query: string) {
  const response = await fetch(`${indexer.url}/webhooks/events?${query}`);
  const body = (await response.json()) as {
    indexedBlock: number;
    throughBlock: number;
    events: WebhookEvent[];
    errors?: { message: string }[];
  };
  return { status: response.status, body };
}

/** All events up to `head`, page by page of `limit`. */
async function allEvents(indexer: RunningIndexer, head: number, limit: number) {
  const events: WebhookEvent[] = [];
  let pages = 0;
  for (let from = 0; from <= head; pages++) {
    const { status, body } = await fetchEvents(indexer, `fromBlock=${from}&toBlock=${head}&limit=${limit}`);
    expect(status, JSON.stringify(body)).to.equal(200);
    expect(body.throughBlock).to.be.at.least(from);
    events.push(...body.events);
    from = body.throughBlock + 1;
  }
  return { events, pages };
}

/**
 * Checks that the indexer serves one event per announced log up to `head` (and a past-due event with each first
 * failed charge), valid, unique, in chain order, amounts in token units; returns the events and their types.
 */
export async function expectEventsMatchLogs(
  indexer: RunningIndexer,
  provider: ethers.JsonRpcProvider,
  deploymentsDir: string,
  head: number,
): Promise<{ events: WebhookEvent[]; types: Set<string> }> {
  const { events } = await allEvents(indexer, head, 5_000);
  const expected = await announcedLogs(provider, deploymentsDir, head);
  for (const event of events) webhookEventSchema.parse(event);

  const key = (event: WebhookEvent) => `${event.data.transactionHash}:${event.data.logIndex}:${event.type}`;
  const withoutPastDue = events.filter((event) => event.type !== "subscription.past_due");
  expect(withoutPastDue.map(key).sort()).to.deep.equal(expected.map((log) => log.key).sort());
  expect(new Set(events.map((event) => event.id)).size, "ids are unique").to.equal(events.length);
  // Receivers dedupe by id across re-indexes and releases: it stays the keccak of the log's place, its order within
  // the log and its type (the index counts the log's notifications, which come in order).
  const perLog = new Map<string, number>();
  for (const event of events) {
    const log = `${event.data.blockHash}:${event.data.logIndex}`;
    const index = perLog.get(log) ?? 0;
    perLog.set(log, index + 1);
    const derivation = `coffer-event/1:${event.data.chainId}:${event.data.blockHash}:${event.data.logIndex}:${index}:${event.type}`;
    expect(event.id, derivation).to.equal(`evt_${ethers.id(derivation).slice(2, 34)}`);
  }
  const order = events.map((event) => [event.data.blockNumber, event.data.logIndex] as const);
  const sorted = [...order].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  expect(order).to.deep.equal(sorted);

  // Every type the scenario produces is here, the first failed charge of a subscription made it past due.
  const types = new Set(events.map((event) => event.type));
  for (const type of ["payment.authorized", "payment.captured", "invoice.paid", "subscription.charged"]) {
    expect(types, type).to.include(type);
  }
  const pastDue = events.filter((event) => event.type === "subscription.past_due");
  if (types.has("subscription.charge_failed")) expect(pastDue.length).to.be.greaterThan(0);
  for (const event of pastDue) {
    const failed = events.find(
      (other) =>
        other.type === "subscription.charge_failed" &&
        key(other).startsWith(`${event.data.transactionHash}:${event.data.logIndex}:`),
    );
    expect(failed, "past due comes with the charge that failed").to.not.equal(undefined);
  }

  // A status in a body is the subscription's new one, as the indexer's tables say it: `paused`, never `Paused`
  // (`subscription-status.test.ts` walks one subscription through every status).
  for (const event of events) {
    if (event.data["status"] === undefined) continue;
    expect(event.type, "only a subscription's events carry a status").to.match(/^subscription\./);
    expectServedValue(String(event.data["status"]), SUBSCRIPTION_STATUSES, `${event.type} ${event.id} status`);
  }

  // Amounts are the log's, in the token's units, with the token's symbol and decimals.
  const byKey = new Map(events.map((event) => [key(event), event]));
  let amounts = 0;
  for (const log of expected) {
    const event = byKey.get(log.key) as WebhookEvent;
    expect(event.data.blockNumber).to.equal(log.blockNumber);
    if (!("amount" in log.args.toObject()) || event.data.token === undefined) continue;
    const decimals = event.data.token.decimals as number;
    expect(event.data["amount"], `${log.key} amount`).to.equal(
      ethers.formatUnits(log.args.amount, decimals).replace(/\.0$/, ""),
    );
    amounts += 1;
  }
  expect(amounts).to.be.greaterThan(10);
  const captured = events.find((event) => event.type === "payment.captured") as WebhookEvent;
  expect(captured.data.token?.symbol).to.match(/^t(USDC|DAI)$/);
  expect(captured.data["paymentId"]).to.match(/^0x[0-9a-f]{64}$/);
  expect(captured.data.payee).to.equal(captured.data.merchant);
  return { events, types };
}

/** The `it`s of this file, for the suite that set up `context()`. */
export function itServesWebhookEvents(
  context: () => { indexer: RunningIndexer; provider: ethers.JsonRpcProvider; deploymentsDir: string; head: number },
): void {
  it("serves one webhook event per announced log, in chain order, each a valid body with its amounts in token units", async function () {
    const { indexer, provider, deploymentsDir, head } = context();
    const { events, types } = await expectEventsMatchLogs(indexer, provider, deploymentsDir, head);
    console.log(`      (${events.length} events of ${types.size} types: ${[...types].sort().join(", ")})`);
  });

  it("pages the events at block boundaries, the same list as one page, with the same ids every time", async function () {
    const { indexer, head } = context();
    const whole = await allEvents(indexer, head, 5_000);
    const paged = await allEvents(indexer, head, 3);
    expect(paged.pages).to.be.greaterThan(3);
    expect(paged.events).to.deep.equal(whole.events);
  });

  it("answers bad parameters with a clear 400", async function () {
    const { indexer } = context();
    const cases: [string, RegExp][] = [
      ["fromBlock=abc", /"fromBlock" must be a block number/],
      ["fromBlock=10&toBlock=5", /"toBlock" \(5\) is before "fromBlock" \(10\)/],
      ["limit=0", /"limit" must be an integer from 1 to 5000/],
      ["limit=9000", /"limit" must be an integer from 1 to 5000/],
      ["chainId=5", /Chain 5 is not indexed here/],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await fetchEvents(indexer, query);
      expect(status, query).to.equal(400);
      expect(body.errors?.[0]?.message, query).to.match(message);
    }
  });
}
