import { expect } from "chai";
import { startHarness, addEndpoint, deliveriesOf, type Harness } from "./harness";
import { startReceiver, until, type Receiver } from "./receiver";

describe("webhooks: delivery (retries, ordering, hostile receivers)", function () {
  let harness: Harness;
  const receivers: Receiver[] = [];
  const receiver = async (...args: Parameters<typeof startReceiver>) => {
    const started = await startReceiver(...args);
    receivers.push(started);
    return started;
  };

  beforeEach(async function () {
    harness = await startHarness({ timeoutMs: 400 });
  });
  afterEach(async function () {
    await harness.stop();
    for (const item of receivers.splice(0)) await item.close();
  });

  it("a receiver that answers 500, then times out, then recovers gets every event exactly once, in order", async function () {
    const hooks = await receiver([], (_event, n) =>
      n === 0 ? { status: 500, body: "boom" } : n === 1 ? { status: 503, delayMs: 1_000 } : { status: 200, body: "ok" },
    );
    const endpoint = await addEndpoint(harness, { url: hooks.url });
    hooks.secrets.push(endpoint.secret);
    const events = [1, 2, 3, 4].map((block) => harness.indexer.add("payment.captured", block + 10));
    await until(() => hooks.acceptedIds().length === events.length, "all four accepted");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hooks.rejected).to.deep.equal([]);
    expect(hooks.acceptedIds()).to.deep.equal(events.map((event) => event.id));
    // The first event was tried three times (500, timeout, 200); the later ones waited behind it.
    expect(hooks.received.map((item) => item.id).slice(0, 3)).to.deep.equal([
      events[0]!.id,
      events[0]!.id,
      events[0]!.id,
    ]);
    const bodies = hooks.received.filter((item) => item.id === events[0]!.id).map((item) => item.body);
    expect(new Set(bodies).size, "byte-identical body on every retry").to.equal(1);
    const [first] = await deliveriesOf(harness, endpoint.id);
    expect(first!.status).to.equal("succeeded");
    expect(first!.attempts.map((attempt) => attempt.statusCode)).to.deep.equal([500, null, 200]);
    expect(first!.attempts[0]!.responseBody).to.equal("boom");
    expect(first!.attempts[1]!.error).to.equal("timed out after 400 ms");
    expect(first!.attempts[1]!.responseMs).to.be.within(380, 2_000);
    for (const attempt of first!.attempts) expect(attempt.responseMs).to.be.a("number");
  });

  it("records a closed port as connection refused, retries it, and delays no other endpoint", async function () {
    const closed = await receiver([]);
    const deadUrl = closed.url;
    await closed.close();
    const dead = await addEndpoint(harness, { url: deadUrl });
    // And one that never answers in time (each attempt ends at the 400 ms timeout).
    const hanging = await receiver([], () => ({ status: 200, delayMs: 2_000 }));
    await addEndpoint(harness, { url: hanging.url });
    const hooks = await receiver([]);
    const live = await addEndpoint(harness, { url: hooks.url });
    hooks.secrets.push(live.secret);
    const started = Date.now();
    const events = [1, 2, 3].map((block) => harness.indexer.add("payment.authorized", block + 20));
    await until(() => hooks.acceptedIds().length === 3, "the live endpoint got all three");
    expect(Date.now() - started, "not held up by the dead or the hanging endpoint").to.be.below(3_000);
    expect(hooks.acceptedIds()).to.deep.equal(events.map((event) => event.id));
    await until(
      async () => ((await deliveriesOf(harness, dead.id))[0]?.attempts.length ?? 0) >= 2,
      "two attempts on the dead one",
    );
    const [deadDelivery] = await deliveriesOf(harness, dead.id);
    expect(deadDelivery!.status).to.equal("pending");
    expect(deadDelivery!.attempts[0]!.statusCode).to.equal(null);
    expect(deadDelivery!.attempts[0]!.error).to.equal(`connection refused by ${new URL(deadUrl).host}`);
  });

  it("reads at most 64 KiB of a 10 MB answer, keeps 1 KiB, and judges it by its status", async function () {
    const huge = Buffer.alloc(10 * 1024 * 1024, "x");
    const big200 = await receiver([], () => ({ status: 200, body: huge }));
    const big500 = await receiver([], () => ({ status: 500, body: huge }));
    const ok = await addEndpoint(harness, { url: big200.url });
    const bad = await addEndpoint(harness, { url: big500.url });
    big200.secrets.push(ok.secret);
    big500.secrets.push(bad.secret);
    harness.indexer.add("invoice.paid", 30);
    await until(async () => (await deliveriesOf(harness, ok.id))[0]?.status === "succeeded", "the 200 one succeeded");
    await until(async () => ((await deliveriesOf(harness, bad.id))[0]?.attempts.length ?? 0) >= 1, "the 500 one tried");
    const [good] = await deliveriesOf(harness, ok.id);
    const [failed] = await deliveriesOf(harness, bad.id);
    expect(good!.attempts[0]!.responseBody).to.have.length(1024);
    expect(good!.attempts[0]!.responseMs).to.be.below(3_000);
    expect(failed!.attempts[0]).to.include({ statusCode: 500, error: "answered HTTP 500" });
    expect(failed!.attempts[0]!.responseBody).to.have.length(1024);
  });

  it("does not follow a redirect and names it", async function () {
    const target = await receiver([]);
    const redirecting = await receiver([], () => ({ status: 301, headers: { location: target.url } }));
    const endpoint = await addEndpoint(harness, { url: redirecting.url });
    redirecting.secrets.push(endpoint.secret);
    harness.indexer.add("payment.voided", 40);
    await until(async () => ((await deliveriesOf(harness, endpoint.id))[0]?.attempts.length ?? 0) >= 1, "one attempt");
    const [delivery] = await deliveriesOf(harness, endpoint.id);
    expect(delivery!.attempts[0]).to.include({
      statusCode: 301,
      error: `redirects are not followed: answered 301 to ${target.url}`,
    });
    expect(target.received).to.have.length(0);
  });

  it("delivers only what the endpoint's types and filters select", async function () {
    const hooks = await receiver([]);
    const payee = "0x" + "22".repeat(20);
    const endpoint = await addEndpoint(harness, {
      url: hooks.url,
      eventTypes: ["payment.captured"],
      filters: { payee: [payee.toUpperCase().replace("0X", "0x")] },
    });
    hooks.secrets.push(endpoint.secret);
    harness.indexer.add("payment.captured", 50, { payee: "0x" + "33".repeat(20) }); // another payee
    harness.indexer.add("payment.authorized", 51, { payee }); // another type
    const wanted = harness.indexer.add("payment.captured", 52, { payee });
    await until(() => hooks.acceptedIds().length === 1, "the one selected event");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hooks.acceptedIds()).to.deep.equal([wanted.id]);
  });
});
