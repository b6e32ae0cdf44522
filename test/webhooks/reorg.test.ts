import { expect } from "chai";
import { revertedEventId } from "../../cli/webhooks/ids";
import { addEndpoint, deliveriesOf, startHarness, type Harness } from "./harness";
import { startReceiver, until, type Receiver } from "./receiver";

describe("webhooks: finality and reorgs (fake indexer)", function () {
  let harness: Harness;
  let hooks: Receiver;
  let failing = false;

  beforeEach(async function () {
    harness = await startHarness({ schedule: { delaysMs: [100], maxAgeMs: 60_000, jitter: 0 } });
    failing = false;
    hooks = await startReceiver([], () => (failing ? { status: 500 } : { status: 200 }));
    hooks.secrets.push((await addEndpoint(harness, { url: hooks.url, eventTypes: ["payment.authorized"] })).secret);
  });
  afterEach(async function () {
    await harness.stop();
    await hooks.close();
  });

  it("never delivers an event a reorg removed before it was delivered (the endpoint failing meanwhile)", async function () {
    failing = true;
    const doomed = harness.indexer.add("payment.authorized", 5);
    await until(() => hooks.received.length >= 1, "a failed attempt");
    harness.indexer.reorgFrom(5);
    const replacement = harness.indexer.add("payment.authorized", 5);
    harness.indexer.add("payment.authorized", 6);
    await harness.service.ingester!.pollOnce();
    failing = false;
    await until(() => hooks.acceptedIds().length === 2, "the new branch's two events");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hooks.acceptedIds()).to.not.include(doomed.id);
    expect(hooks.acceptedIds()[0]).to.equal(replacement.id);
    expect(hooks.received.map((item) => item.event.type)).to.not.include("payment.authorized.reverted");
    const log = await deliveriesOf(
      harness,
      (await harness.api<{ endpoints: { id: string }[] }>("GET", "/v1/endpoints")).body.endpoints[0]!.id,
    );
    expect(log.find((delivery) => delivery.eventId === doomed.id)?.status).to.equal("canceled");
  });

  it("follows a delivered event that a reorg removed with <type>.reverted carrying the same data", async function () {
    const delivered = harness.indexer.add("payment.authorized", 7);
    await until(() => hooks.acceptedIds().includes(delivered.id), "the original");
    harness.indexer.reorgFrom(7);
    harness.indexer.indexedBlock = 8;
    await until(() => hooks.acceptedIds().length === 2, "the reverted event");
    const reverted = hooks.received.at(-1)!.event;
    expect(reverted.type).to.equal("payment.authorized.reverted");
    expect(reverted.id).to.equal(revertedEventId(delivered.id));
    expect(reverted.data).to.deep.equal({ ...delivered.data, revertedEventId: delivered.id });
    // Polling again changes nothing: no second reverted event, no redelivery.
    await harness.service.ingester!.pollOnce();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(hooks.acceptedIds()).to.deep.equal([delivered.id, reverted.id]);
  });

  it("waits for the confirmations a chain needs", async function () {
    await harness.service.stop();
    const { createIngester } = await import("../../cli/webhooks/ingest");
    const { indexerEventSource } = await import("../../cli/webhooks/source");
    const ingester = createIngester({
      store: harness.store,
      source: indexerEventSource(harness.indexer.url),
      chains: [{ chainId: harness.indexer.chainId, confirmations: 3, reorgWindow: 6 }],
      startAt: "genesis",
    });
    const event = harness.indexer.add("payment.authorized", 20);
    const stored = async () =>
      (await harness.store.query("SELECT 1 FROM coffer_webhooks.events WHERE id = $1", [event.id])).length;
    await ingester.pollOnce();
    expect(await stored(), "0 confirmations on top").to.equal(0);
    harness.indexer.indexedBlock = 22;
    await ingester.pollOnce();
    expect(await stored(), "2 on top").to.equal(0);
    harness.indexer.indexedBlock = 23;
    await ingester.pollOnce();
    expect(await stored(), "3 on top").to.equal(1);
  });
});
