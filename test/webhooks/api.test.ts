import { expect } from "chai";
import { Webhook } from "standardwebhooks";
import { verifyWebhook } from "../../sdk/src/webhooks";
import { addEndpoint, deliveriesOf, KEYS, startHarness, type ApiEndpoint, type Harness } from "./harness";
import { startReceiver, until, type Receiver } from "./receiver";

describe("webhooks: the HTTP API", function () {
  let harness: Harness;
  let hooks: Receiver;

  beforeEach(async function () {
    harness = await startHarness({ secretOverlapMs: 1_500 });
    hooks = await startReceiver([]);
  });
  afterEach(async function () {
    await harness.stop();
    await hooks.close();
  });

  describe("when the key is missing, wrong, or another owner's", function () {
    it("answers 401 without a key and with a wrong one", async function () {
      const none = await harness.api<{ error: { message: string } }>(
        "GET",
        "/v1/endpoints",
        undefined,
        null as unknown as string,
      );
      expect(none.status).to.equal(401);
      expect(none.body.error.message).to.contain("no API key");
      const wrong = await harness.api<{ error: { message: string } }>(
        "GET",
        "/v1/endpoints",
        undefined,
        "not-a-key-at-all-000",
      );
      expect(wrong.status).to.equal(401);
      expect(wrong.body.error.message).to.equal("the API key is not valid");
    });

    it("answers 404 for another owner's endpoint and lists only one's own", async function () {
      const endpoint = await addEndpoint(harness, { url: hooks.url });
      const asBob = await harness.api("GET", `/v1/endpoints/${endpoint.id}`, undefined, KEYS.bob);
      expect(asBob.status).to.equal(404);
      expect((await harness.api("DELETE", `/v1/endpoints/${endpoint.id}`, undefined, KEYS.bob)).status).to.equal(404);
      expect(
        (await harness.api<{ endpoints: unknown[] }>("GET", "/v1/endpoints", undefined, KEYS.bob)).body.endpoints,
      ).to.deep.equal([]);
    });
  });

  describe("when the input is bad", function () {
    const cases: [string, Record<string, unknown>, string][] = [
      ["a malformed URL", { url: "not a url" }, 'url: "not a url" is not a URL'],
      ["a non-http scheme", { url: "ftp://127.0.0.1/x" }, "url: ftp://127.0.0.1/x is not an http(s) URL (scheme ftp:)"],
      [
        "an unknown event type",
        { url: "http://127.0.0.1/x", eventTypes: ["payment.stolen"] },
        'eventTypes.0: unknown event type "payment.stolen"',
      ],
      [
        "a bad address in a filter",
        { url: "http://127.0.0.1/x", filters: { payee: ["0x1234"] } },
        'filters.payee.0: "0x1234" is not an address',
      ],
    ];
    for (const [what, body, message] of cases) {
      it(`answers 400 naming ${what}`, async function () {
        const response = await harness.api<{ error: { message: string } }>("POST", "/v1/endpoints", body);
        expect(response.status).to.equal(400);
        expect(response.body.error.message).to.contain(message);
      });
    }
  });

  it("creates, lists, gets, disables, enables and deletes an endpoint", async function () {
    const created = await addEndpoint(harness, { url: hooks.url, eventTypes: ["invoice.paid"], description: "shop" });
    expect(created.secret).to.match(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(created.id).to.match(/^ep_[0-9a-f]{24}$/);
    const listed = (await harness.api<{ endpoints: ApiEndpoint[] }>("GET", "/v1/endpoints")).body.endpoints;
    expect(listed.map((endpoint) => endpoint.id)).to.deep.equal([created.id]);
    expect(listed[0]).to.not.have.property("secret");
    const disabled = await harness.api<{ endpoint: ApiEndpoint }>("PATCH", `/v1/endpoints/${created.id}`, {
      enabled: false,
    });
    expect(disabled.body.endpoint).to.include({ enabled: false, disabledReason: "disabled by its owner" });
    const enabled = await harness.api<{ endpoint: ApiEndpoint }>("PATCH", `/v1/endpoints/${created.id}`, {
      enabled: true,
      eventTypes: [],
    });
    expect(enabled.body.endpoint).to.include({ enabled: true, disabledReason: null });
    expect(enabled.body.endpoint.eventTypes).to.deep.equal([]);
    expect((await harness.api("DELETE", `/v1/endpoints/${created.id}`)).status).to.equal(200);
    expect((await harness.api("GET", `/v1/endpoints/${created.id}`)).status).to.equal(404);
  });

  it("signs with the old and the new secret during a rotation's overlap, then with the new one only", async function () {
    const endpoint = await addEndpoint(harness, { url: hooks.url });
    const rotated = (
      await harness.api<{ endpoint: ApiEndpoint & { secret: string } }>(
        "POST",
        `/v1/endpoints/${endpoint.id}/rotate-secret`,
      )
    ).body.endpoint;
    expect(rotated.secret).to.not.equal(endpoint.secret);
    hooks.secrets.push(endpoint.secret, rotated.secret); // the receiver checks that both verify
    harness.indexer.add("payment.captured", 3);
    await until(() => hooks.acceptedIds().length === 1, "a delivery during the overlap");
    expect(String(hooks.received[0]!.headers["webhook-signature"]).split(" ")).to.have.length(2);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    hooks.secrets.splice(0, hooks.secrets.length, rotated.secret);
    harness.indexer.add("payment.captured", 4);
    await until(() => hooks.acceptedIds().length === 2, "a delivery after the overlap");
    const last = hooks.received[1]!;
    expect(() => new Webhook(endpoint.secret).verify(last.body, last.headers as Record<string, string>)).to.throw();
    expect(() => verifyWebhook(last.body, last.headers, endpoint.secret)).to.throw();
    expect(hooks.rejected).to.deep.equal([]);
  });

  it("redelivers a failed delivery, and every failed one since a time, under the same ids with the same bodies", async function () {
    await harness.stop();
    harness = await startHarness({ schedule: { delaysMs: [30], maxAgeMs: 100, jitter: 0 } });
    let accept = false;
    hooks.reply = () => ({ status: accept ? 200 : 500 });
    const endpoint = await addEndpoint(harness, { url: hooks.url });
    hooks.secrets.push(endpoint.secret);
    const events = [harness.indexer.add("payment.refunded", 9), harness.indexer.add("payment.refunded", 10)];
    await until(
      async () => (await deliveriesOf(harness, endpoint.id, "?status=failed")).length === 2,
      "both deliveries give up",
    );
    const [first] = await deliveriesOf(harness, endpoint.id, "?status=failed");
    expect(first!.attempts.length).to.be.at.least(2);
    expect(first!.attempts.every((attempt) => attempt.statusCode === 500)).to.equal(true);
    accept = true;
    expect((await harness.api("POST", `/v1/deliveries/${first!.id}/redeliver`)).status).to.equal(202);
    await until(() => hooks.acceptedIds().length === 1, "the redelivery");
    const bulk = await harness.api<{ redelivered: number }>("POST", `/v1/endpoints/${endpoint.id}/redeliver`, {
      since: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(bulk.body.redelivered).to.equal(1);
    await until(() => hooks.acceptedIds().length === 2, "the bulk redelivery");
    expect(hooks.acceptedIds()).to.deep.equal(events.map((event) => event.id));
    for (const event of events) {
      const bodies = new Set(hooks.received.filter((item) => item.id === event.id).map((item) => item.body));
      expect(bodies.size, "the same body on every attempt").to.equal(1);
    }
    const log = await deliveriesOf(harness, endpoint.id);
    expect(log.map((delivery) => delivery.status)).to.deep.equal(["succeeded", "succeeded"]);
  });

  it("disables an endpoint whose deliveries keep failing, and says why", async function () {
    await harness.stop();
    harness = await startHarness({
      schedule: { delaysMs: [20], maxAgeMs: 60_000, jitter: 0 },
      disablePolicy: { failingForMs: 300, minConsecutiveFailures: 3 },
    });
    hooks.reply = () => ({ status: 503 });
    const endpoint = await addEndpoint(harness, { url: hooks.url });
    hooks.secrets.push(endpoint.secret);
    harness.indexer.add("payment.captured", 11);
    await until(
      async () =>
        !(await harness.api<{ endpoint: ApiEndpoint }>("GET", `/v1/endpoints/${endpoint.id}`)).body.endpoint.enabled,
      "disabled",
    );
    const { endpoint: shown } = (await harness.api<{ endpoint: ApiEndpoint }>("GET", `/v1/endpoints/${endpoint.id}`))
      .body;
    expect(shown.disabledReason).to.match(
      /^disabled after \d+ failed attempts in a row since \S+Z with no success; last: answered HTTP 503$/,
    );
    const tries = hooks.received.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(hooks.received.length, "nothing sent while disabled").to.equal(tries);
  });

  it("sends a signed sample event to an endpoint (POST /v1/endpoints/:id/test)", async function () {
    const endpoint = await addEndpoint(harness, { url: hooks.url });
    hooks.secrets.push(endpoint.secret);
    const response = await harness.api<{ eventId: string }>("POST", `/v1/endpoints/${endpoint.id}/test`, {
      type: "subscription.charged",
    });
    expect(response.status).to.equal(202);
    await until(() => hooks.acceptedIds().length === 1, "the sample");
    expect(hooks.received[0]!.event).to.include({ id: response.body.eventId, type: "subscription.charged" });
  });
});
