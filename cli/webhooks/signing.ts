import { Webhook } from "standardwebhooks";

/**
 * The `webhook-signature` header for one message: `v1,<base64>` per secret, space-separated (the Standard Webhooks
 * way to sign with two secrets while a rotation overlaps), computed by the `standardwebhooks` library.
 */
export function signatureHeader(secrets: readonly string[], messageId: string, timestamp: Date, body: string): string {
  return secrets.map((secret) => new Webhook(secret).sign(messageId, timestamp, body)).join(" ");
}

/** The Standard Webhooks headers of one message, signed now with `secrets`. */
export function webhookHeaders(
  secrets: readonly string[],
  messageId: string,
  body: string,
  userAgent: string,
  now = new Date(),
): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": userAgent,
    "webhook-id": messageId,
    "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
    "webhook-signature": signatureHeader(secrets, messageId, now, body),
  };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION: string = require("../../package.json").version;
/** `Coffer-Webhooks/<version>`. */
export const USER_AGENT = `Coffer-Webhooks/${VERSION}`;
