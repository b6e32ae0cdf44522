import crypto from "node:crypto";
import type { WebhookEvent, WebhookEventName } from "@coffer/sdk/webhooks";
import { newSampleEventId } from "./ids";

const hex = (bytes: number) => `0x${crypto.randomBytes(bytes).toString("hex")}`;

/**
 * A sample event of `type` with realistic data (random hashes and addresses on chain 31337, 49.5 USDC): what
 * `coffer webhooks trigger` and `POST /v1/endpoints/:id/test` send. Its id is random: it is not a chain event.
 */
export function sampleEvent(type: WebhookEventName, now = new Date()): WebhookEvent {
  const base = type.replace(/\.reverted$/, "");
  const [object] = base.split(".");
  const token = { address: hex(20), symbol: "USDC", decimals: 6 };
  const data: Record<string, unknown> = {
    chainId: 31337,
    blockNumber: 1234,
    blockHash: hex(32),
    transactionHash: hex(32),
    logIndex: 0,
    contract: hex(20),
    token,
  };
  const payee = hex(20);
  switch (object) {
    case "payment":
    case "invoice":
      Object.assign(data, {
        reference: hex(32),
        paymentId: hex(32),
        payer: hex(20),
        payee,
        merchant: payee,
        amount: "49.5",
      });
      break;
    case "subscription":
      Object.assign(data, {
        subscriptionId: "1",
        planId: "1",
        subscriber: hex(20),
        merchant: payee,
        payee,
        amount: "9.99",
      });
      break;
    case "split":
      Object.assign(data, { split: hex(20), amount: "100", recipient: hex(20) });
      break;
    case "channel":
      Object.assign(data, {
        channelId: hex(32),
        payer: hex(20),
        payee,
        merchant: payee,
        amount: "0.25",
        redeemed: "1.75",
        credited: false,
      });
      break;
    case "treasury":
      Object.assign(data, { safe: hex(20), operator: hex(20), to: hex(20), amount: "250" });
      break;
    default:
      Object.assign(data, { safe: hex(20), safeTxHash: hex(32) });
      delete data.token;
  }
  if (type.endsWith(".reverted")) data.revertedEventId = newSampleEventId();
  return { id: newSampleEventId(), type, timestamp: now.toISOString(), data: data as WebhookEvent["data"] };
}
