import { expect } from "chai";
import { confirmationsFor, DEFAULT_RETRY_SCHEDULE, defaultReorgWindow, retryDelayMs } from "../../cli/webhooks/config";
import { selects } from "../../cli/webhooks/filters";
import { assertPublicDestination, isPrivateAddress } from "../../cli/webhooks/network-policy";
import { parseApiKeys } from "../../cli/webhooks/api-keys";
import { createApi } from "../../cli/webhooks/api";
import { openWebhookStore } from "../../cli/webhooks/store/database";
import { sampleEvent } from "../../cli/webhooks/samples";
import { WEBHOOK_EVENT_TYPES, webhookEventSchema } from "../../sdk/src/webhooks/events";

describe("webhooks: policies (confirmations, retry schedule, filters, private networks)", function () {
  it("confirms per chain: the defaults, the environment, then --confirmations", function () {
    expect([31337, 1337, 1, 10, 8453, 42161, 137, 999].map((id) => confirmationsFor(id, {}))).to.deep.equal([
      0, 0, 12, 10, 10, 20, 64, 12,
    ]);
    expect(confirmationsFor(1, { COFFER_WEBHOOK_CONFIRMATIONS_1: "3" })).to.equal(3);
    expect(confirmationsFor(1, { COFFER_WEBHOOK_CONFIRMATIONS_1: "3" }, new Map([[1, 5]]))).to.equal(5);
    expect(() => confirmationsFor(1, { COFFER_WEBHOOK_CONFIRMATIONS_1: "-1" })).to.throw(
      "COFFER_WEBHOOK_CONFIRMATIONS_1=-1 is not a non-negative integer",
    );
    expect([0, 12, 64].map(defaultReorgWindow)).to.deep.equal([64, 64, 128]);
  });

  it("retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h (±10 %), then 24 h again", function () {
    const exact = (n: number) => retryDelayMs(DEFAULT_RETRY_SCHEDULE, n, () => 0.5);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(exact)).to.deep.equal(
      [5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400, 86_400].map((s) => s * 1000),
    );
    expect(retryDelayMs(DEFAULT_RETRY_SCHEDULE, 1, () => 0)).to.equal(4500);
    expect(retryDelayMs(DEFAULT_RETRY_SCHEDULE, 1, () => 1)).to.equal(5500);
    expect(DEFAULT_RETRY_SCHEDULE.maxAgeMs).to.equal(3 * 24 * 3600 * 1000);
  });

  it("selects by type (a type also selects its .reverted), and by every filter kind given (ANDed, values ORed)", function () {
    const event = sampleEvent("payment.captured");
    const payee = event.data.payee as string;
    const token = event.data.token?.address as string;
    expect(selects({ eventTypes: [], filters: {} }, event)).to.equal(true);
    expect(
      selects({ eventTypes: ["payment.captured"], filters: {} }, { ...event, type: "payment.captured.reverted" }),
    ).to.equal(true);
    expect(selects({ eventTypes: ["payment.captured.reverted"], filters: {} }, event)).to.equal(false);
    expect(selects({ eventTypes: ["invoice.paid"], filters: {} }, event)).to.equal(false);
    expect(
      selects({ eventTypes: [], filters: { payee: ["0x" + "00".repeat(20), payee.toUpperCase()] } }, event),
    ).to.equal(true);
    expect(selects({ eventTypes: [], filters: { payee: [payee], token: [token] } }, event)).to.equal(true);
    expect(selects({ eventTypes: [], filters: { payee: [payee], token: ["0x" + "00".repeat(20)] } }, event)).to.equal(
      false,
    );
    expect(selects({ eventTypes: [], filters: { safe: [payee] } }, event), "no safe in the event").to.equal(false);
  });

  it("selects a payment channel's events by its payee (and merchant), not by its payer; each sample is a valid body", function () {
    for (const type of WEBHOOK_EVENT_TYPES.filter((name) => name.startsWith("channel."))) {
      const event = sampleEvent(type);
      webhookEventSchema.parse(event);
      const payee = event.data.payee as string;
      expect(event.data.merchant, type).to.equal(payee);
      expect(selects({ eventTypes: [], filters: { payee: [payee] } }, event), type).to.equal(true);
      expect(selects({ eventTypes: [], filters: { merchant: [payee] } }, event), type).to.equal(true);
      const payer = event.data["payer"] as string;
      expect(selects({ eventTypes: [], filters: { payee: [payer] } }, event), `${type} by its payer`).to.equal(false);
    }
  });

  it("knows private addresses, and refuses them when private networks are not allowed", async function () {
    for (const ip of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "::1",
      "fd00::1",
      "::ffff:127.0.0.1",
    ]) {
      expect(isPrivateAddress(ip), ip).to.equal(true);
    }
    for (const ip of ["8.8.8.8", "172.32.0.1", "2606:4700::1111"]) expect(isPrivateAddress(ip), ip).to.equal(false);
    let refused: unknown;
    await assertPublicDestination("http://127.0.0.1:9/x").catch((error: unknown) => (refused = error));
    expect(String(refused)).to.contain("127.0.0.1 is a private address (127.0.0.1): refused");

    const store = await openWebhookStore({ kind: "memory" });
    try {
      const app = createApi({
        store,
        keys: parseApiKeys("alice:alice-key-0123456789"),
        secretOverlapMs: 1000,
        allowPrivateNetworks: false,
      });
      const response = await app.request("/v1/endpoints", {
        method: "POST",
        headers: { authorization: "Bearer alice-key-0123456789", "content-type": "application/json" },
        body: JSON.stringify({ url: "http://169.254.169.254/latest/meta-data" }),
      });
      expect(response.status).to.equal(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).to.contain(
        "169.254.169.254 is a private address",
      );
    } finally {
      await store.close();
    }
  });

  it("rejects malformed API key lists without echoing a key", function () {
    expect(() => parseApiKeys("alice")).to.throw("entry 1 is not owner:key");
    expect(() => parseApiKeys("alice:short")).to.throw("entry 1 is not owner:key");
    expect(parseApiKeys("a:0123456789abcdef,b:fedcba9876543210").ownerOf("fedcba9876543210")).to.equal("b");
  });
});
