/**
 * A merchant's webhook endpoint, as a shop's server would run one: it verifies each request with the SDK's
 * `verifyWebhook` (the Standard Webhooks signature, with the endpoint's secret), answers 200, and keeps each event
 * once by id, in the order received. The demo registers one and prints what it got; benchmarks time arrivals.
 */
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { verifyWebhook, WebhookVerificationError, type WebhookEvent } from "../../sdk/src/webhooks";

/** An event as the receiver got it. */
export interface ReceivedEvent {
  readonly event: WebhookEvent;
  /** `Date.now()` when it arrived. */
  readonly receivedAt: number;
  /** How many times it was delivered (repeats are kept once). */
  deliveries: number;
}

export interface WebhookReceiver {
  /** The endpoint's URL (`http://127.0.0.1:<port>/hooks`). */
  readonly url: string;
  /** Events received, each once, in the order they first arrived. */
  readonly events: readonly ReceivedEvent[];
  /** Requests refused because they did not verify. */
  readonly refused: number;
  /** Sets the secret to verify with (known once the endpoint is registered). */
  setSecret(secret: string): void;
  /** Called with each new event. */
  onEvent(listener: (received: ReceivedEvent) => void): void;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 (`port` 0: any free port). */
export async function startWebhookReceiver(options: { secret?: string; port?: number } = {}): Promise<WebhookReceiver> {
  let secret = options.secret;
  let refused = 0;
  const events: ReceivedEvent[] = [];
  const byId = new Map<string, ReceivedEvent>();
  const listeners: ((received: ReceivedEvent) => void)[] = [];
  const app = new Hono();
  app.post("/hooks", async (c) => {
    const body = await c.req.text();
    if (secret === undefined) return c.text("no secret configured yet", 503);
    let event: WebhookEvent;
    try {
      event = verifyWebhook(body, c.req.raw.headers, secret);
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      refused += 1;
      return c.text(error.message, 400);
    }
    const known = byId.get(event.id);
    if (known !== undefined) {
      known.deliveries += 1;
    } else {
      const received: ReceivedEvent = { event, receivedAt: Date.now(), deliveries: 1 };
      byId.set(event.id, received);
      events.push(received);
      for (const listener of listeners) listener(received);
    }
    return c.body(null, 204);
  });
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: options.port ?? 0 }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    events,
    get refused() {
      return refused;
    },
    setSecret: (value) => {
      secret = value;
    },
    onEvent: (listener) => listeners.push(listener),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
