import { expect } from "chai";
import { Webhook } from "standardwebhooks";
import {
  isWebhookEventName,
  verifyWebhook,
  WebhookVerificationError,
  WEBHOOK_EVENT_TYPES,
} from "../../sdk/src/webhooks";

const SECRET = `whsec_${Buffer.from("coffer-test-secret-32-bytes-long").toString("base64")}`;

const EVENT = {
  id: "evt_0123456789abcdef0123456789abcdef",
  type: "payment.captured",
  timestamp: "2026-12-05T10:00:00.000Z",
  data: {
    chainId: 31337,
    blockNumber: 60,
    blockHash: `0x${"ab".repeat(32)}`,
    transactionHash: `0x${"cd".repeat(32)}`,
    logIndex: 0,
    contract: `0x${"11".repeat(20)}`,
    token: { address: `0x${"22".repeat(20)}`, symbol: "tUSDC", decimals: 6 },
    paymentId: `0x${"33".repeat(32)}`,
    reference: `0x${"44".repeat(32)}`,
    payee: `0x${"55".repeat(20)}`,
    merchant: `0x${"55".repeat(20)}`,
    amount: "49.5",
    fee: "0.5",
  },
};

/** A body and the Standard Webhooks headers a sender with `secret` makes for it, signed `at`. */
function signed(body: string, secret = SECRET, at = new Date(), id = EVENT.id) {
  const signature = new Webhook(secret).sign(id, at, body);
  return {
    "webhook-id": id,
    "webhook-timestamp": Math.floor(at.getTime() / 1000).toString(),
    "webhook-signature": signature,
  };
}

describe("sdk: verifyWebhook (Standard Webhooks signatures on Coffer's events)", function () {
  const body = JSON.stringify(EVENT);

  it("returns the event of a body signed with the endpoint's secret, from plain, Node or fetch headers", function () {
    const headers = signed(body);
    expect(verifyWebhook(body, headers, SECRET)).to.deep.equal(EVENT);
    expect(verifyWebhook(Buffer.from(body), { ...headers, "content-type": "application/json" }, SECRET).id).to.equal(
      EVENT.id,
    );
    expect(verifyWebhook(body, new Headers(headers), SECRET).data["amount"]).to.equal("49.5");
    const upper = Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toUpperCase(), value]));
    expect(verifyWebhook(body, upper, SECRET).type).to.equal("payment.captured");
  });

  it("accepts any of several signatures, as a sender rotating its secret sends", function () {
    const other = `whsec_${Buffer.from("another-secret-of-32-bytes-long!").toString("base64")}`;
    const headers = signed(body);
    const both = {
      ...headers,
      "webhook-signature": `${signed(body, other)["webhook-signature"]} ${headers["webhook-signature"]}`,
    };
    expect(verifyWebhook(body, both, SECRET).id).to.equal(EVENT.id);
    expect(verifyWebhook(body, both, other).id).to.equal(EVENT.id);
  });

  it("refuses a changed body, another secret, a stale timestamp and missing headers, saying which", function () {
    const headers = signed(body);
    const changed = body.replace('"49.5"', '"4950"');
    expect(() => verifyWebhook(changed, headers, SECRET)).to.throw(WebhookVerificationError, /signature/i);
    const other = `whsec_${Buffer.from("another-secret-of-32-bytes-long!").toString("base64")}`;
    expect(() => verifyWebhook(body, headers, other)).to.throw(WebhookVerificationError, /signature/i);
    const stale = signed(body, SECRET, new Date(Date.now() - 10 * 60_000));
    expect(() => verifyWebhook(body, stale, SECRET)).to.throw(WebhookVerificationError, /timestamp/i);
    const { ["webhook-signature"]: _dropped, ...unsigned } = headers;
    expect(() => verifyWebhook(body, unsigned, SECRET)).to.throw(WebhookVerificationError, /header/i);
    expect(() => verifyWebhook(body, headers, "not a secret!")).to.throw(WebhookVerificationError, /secret/i);
  });

  it("refuses a signed body that is not a Coffer event, or whose id is not the header's", function () {
    const notOurs = JSON.stringify({ ...EVENT, type: "charge.succeeded" });
    expect(() => verifyWebhook(notOurs, signed(notOurs), SECRET)).to.throw(WebhookVerificationError, /type/);
    const noChain = JSON.stringify({ ...EVENT, data: { ...EVENT.data, chainId: undefined } });
    expect(() => verifyWebhook(noChain, signed(noChain), SECRET)).to.throw(WebhookVerificationError, /data\.chainId/);
    const otherId = signed(body, SECRET, new Date(), "evt_ffffffffffffffffffffffffffffffff");
    expect(() => verifyWebhook(body, otherId, SECRET)).to.throw(
      WebhookVerificationError,
      /differs from the webhook-id/,
    );
  });

  it("knows every event type and its reverted form, and nothing else", function () {
    expect(WEBHOOK_EVENT_TYPES).to.have.length(30);
    for (const type of WEBHOOK_EVENT_TYPES) {
      expect(isWebhookEventName(type)).to.equal(true);
      expect(isWebhookEventName(`${type}.reverted`)).to.equal(true);
    }
    expect(isWebhookEventName("payment.created")).to.equal(false);
    expect(isWebhookEventName("payment.captured.reverted.reverted")).to.equal(false);
  });
});
