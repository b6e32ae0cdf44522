import { Webhook, WebhookVerificationError as LibraryVerificationError } from "standardwebhooks";
import { webhookEventSchema, type WebhookEvent } from "./events";

/** A webhook that is not Coffer's, or not as Coffer sent it: bad signature, stale timestamp, or a malformed body. */
export class WebhookVerificationError extends Error {
  override readonly name = "WebhookVerificationError";
}

/** Headers as Node (`IncomingHttpHeaders`), fetch (`Headers`) or a plain object hold them. */
export type WebhookHeaders = Headers | Readonly<Record<string, string | string[] | undefined>>;

function plainHeaders(headers: WebhookHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof (headers as Headers).forEach === "function" && typeof (headers as Headers).get === "function") {
    (headers as Headers).forEach((value, key) => {
      out[key.toLowerCase()] = value;
    });
    return out;
  }
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (value !== undefined) out[key.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/**
 * Checks a webhook from Coffer and returns its event: the Standard Webhooks signature over the raw body with the
 * endpoint's secret (`whsec_…`), a timestamp within five minutes, and a body of Coffer's shape.
 * @param body The request body exactly as received (verify before parsing: re-serialized JSON will not match).
 * @param headers The request's headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
 * @param secret The endpoint's signing secret, as Coffer gave it.
 * @throws {WebhookVerificationError} naming what is wrong.
 */
export function verifyWebhook(body: string | Uint8Array, headers: WebhookHeaders, secret: string): WebhookEvent {
  const text = typeof body === "string" ? body : new TextDecoder().decode(body);
  const plain = plainHeaders(headers);
  let verifier: Webhook;
  try {
    verifier = new Webhook(secret);
  } catch (error) {
    throw new WebhookVerificationError(`The secret is not a Standard Webhooks secret (whsec_…): ${String(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = verifier.verify(text, plain);
  } catch (error) {
    if (error instanceof LibraryVerificationError) throw new WebhookVerificationError(error.message);
    throw new WebhookVerificationError(`The webhook could not be verified: ${String(error)}`);
  }
  const event = webhookEventSchema.safeParse(parsed);
  if (!event.success) {
    const issue = event.error.issues[0];
    throw new WebhookVerificationError(
      `The signed body is not a Coffer event: ${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`,
    );
  }
  if (event.data.id !== plain["webhook-id"]) {
    throw new WebhookVerificationError(
      `The body's id ${event.data.id} differs from the webhook-id header ${plain["webhook-id"]}`,
    );
  }
  return event.data as WebhookEvent;
}
