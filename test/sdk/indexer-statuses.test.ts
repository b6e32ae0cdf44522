/**
 * One casing for every state and status the indexer serves: the SDK's lists are the indexer's, lower snake_case,
 * and the SDK's client refuses a contract enum name (`PastDue`, `Cancelled`) if an indexer ever serves one again.
 */
import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as served from "../../indexer/src/statuses";
import {
  ACTIVITY_ROLES,
  CHANNEL_STATUSES,
  createIndexerClient,
  FAILURE_REASONS,
  IndexerResponseError,
  PAYMENT_STATES,
  PAYMENT_STATUSES,
  QUEUED_TRANSFER_STATUSES,
  SUBSCRIPTION_STATUSES,
  type IndexedSubscriptionStatus,
} from "../../sdk/src/indexer";
import type { SubscriptionStatus } from "../../sdk/src/subscriptions";

const LOWER_SNAKE_CASE = /^[a-z]+(_[a-z]+)*$/;

/** A GraphQL endpoint on loopback that answers every query with `data`. */
async function indexerAnswering(data: unknown): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ data }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** A subscription row as the indexer serves it, with `status`. */
function subscriptionRow(status: string) {
  return {
    id: "1",
    planId: "1",
    subscriber: "0x" + "11".repeat(20),
    merchant: "0x" + "22".repeat(20),
    status,
    anchor: "1767225600",
    nextPeriod: "1",
    pastDueSince: "1767225700",
    nextChargeAt: null,
    successfulCharges: 1,
    failedCharges: 1,
    totalCharged: "5000000",
    createdAt: "1767225600",
    charges: { items: [] },
  };
}

describe("indexer states and statuses: one casing, lower snake_case", function () {
  it("the SDK's lists are the indexer's (failure reasons too), every value lower snake_case, canceled with one l", function () {
    expect(PAYMENT_STATES).to.deep.equal(served.PAYMENT_STATES);
    expect(PAYMENT_STATUSES).to.deep.equal(served.PAYMENT_STATUSES);
    expect(SUBSCRIPTION_STATUSES).to.deep.equal(served.SUBSCRIPTION_STATUSES);
    expect(QUEUED_TRANSFER_STATUSES).to.deep.equal(served.QUEUED_TRANSFER_STATUSES);
    expect(CHANNEL_STATUSES).to.deep.equal(served.CHANNEL_STATUSES);
    expect(FAILURE_REASONS).to.deep.equal([...served.FAILURE_REASONS, "unknown"]);
    expect(ACTIVITY_ROLES).to.deep.equal(served.ACTIVITY_ROLES);
    for (const value of [
      ...ACTIVITY_ROLES,
      ...PAYMENT_STATES,
      ...PAYMENT_STATUSES,
      ...SUBSCRIPTION_STATUSES,
      ...QUEUED_TRANSFER_STATUSES,
      ...CHANNEL_STATUSES,
      ...FAILURE_REASONS,
    ]) {
      expect(value).to.match(LOWER_SNAKE_CASE);
      expect(value).to.not.equal("cancelled");
    }
  });

  it("a subscription's status read from the chain and from the indexer use the same names", function () {
    // Compile-time: every indexed status is a chain status, and the contract's enum names are neither.
    const fromIndexer: readonly SubscriptionStatus[] = SUBSCRIPTION_STATUSES;
    // @ts-expect-error `PastDue` is the contract's enum name, not a status the indexer serves
    const pascal: IndexedSubscriptionStatus = "PastDue";
    expect(fromIndexer).to.include("past_due");
    expect(SUBSCRIPTION_STATUSES as readonly string[]).to.not.include(pascal);
  });

  describe("when an indexer serves a subscription", function () {
    it("given status past_due, the client returns it", async function () {
      const indexer = await indexerAnswering({ subscription: subscriptionRow("past_due") });
      try {
        const subscription = await createIndexerClient({ url: indexer.url }).subscription(31337, 1n);
        expect(subscription?.status).to.equal("past_due");
      } finally {
        await indexer.close();
      }
    });

    for (const pascal of ["PastDue", "Cancelled", "Active"]) {
      it(`given the contract's enum name ${pascal}, the client rejects it with IndexerResponseError naming the field`, async function () {
        const indexer = await indexerAnswering({ subscription: subscriptionRow(pascal) });
        try {
          const read = createIndexerClient({ url: indexer.url }).subscription(31337, 1n);
          await expect(read).to.be.rejectedWith(IndexerResponseError, /subscription\.status/);
        } finally {
          await indexer.close();
        }
      });
    }
  });
});
