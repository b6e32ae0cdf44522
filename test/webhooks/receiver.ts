import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { Webhook } from "standardwebhooks";
import { verifyWebhook, type WebhookEvent } from "../../sdk/src/webhooks";

/** What the receiver does with one request: answer `status` after `delayMs`, with `body`. */
export interface Reply {
  readonly status?: number;
  readonly delayMs?: number;
  readonly body?: string | Buffer;
  readonly headers?: Record<string, string>;
}

/** One request the receiver got, verified with the `standardwebhooks` library and with the SDK's verifyWebhook. */
export interface Received {
  readonly id: string;
  readonly event: WebhookEvent;
  readonly body: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly at: number;
  readonly status: number;
}

/** A real HTTP receiver on 127.0.0.1 that verifies every request and records it. */
export interface Receiver {
  readonly url: string;
  /** Every request, verified, in arrival order. */
  readonly received: Received[];
  /** Ids answered 2xx, in order. */
  acceptedIds(): string[];
  /** The most requests of one id that were in flight at the same time (1 = never concurrent). */
  readonly maxConcurrentPerId: number;
  /** Requests whose signature did not verify (kept apart: every test expects none). */
  readonly rejected: string[];
  /** Decides each answer (default 204). `n` counts this receiver's requests from 0. */
  reply: (event: WebhookEvent, n: number) => Reply;
  /** The secrets the receiver checks with; a request must verify with `secrets[0]`, and with each listed. */
  secrets: string[];
  close(): Promise<void>;
}

/** Starts a receiver verifying with `secrets`. */
export async function startReceiver(
  secrets: string[],
  reply: Receiver["reply"] = () => ({ status: 204 }),
): Promise<Receiver> {
  const received: Received[] = [];
  const rejected: string[] = [];
  const inFlight = new Map<string, number>();
  let maxConcurrentPerId = 0;
  let count = 0;
  const sockets = new Set<import("node:net").Socket>();
  const receiver: Receiver = {
    url: "",
    received,
    rejected,
    get maxConcurrentPerId() {
      return maxConcurrentPerId;
    },
    acceptedIds: () => received.filter((item) => item.status >= 200 && item.status < 300).map((item) => item.id),
    reply,
    secrets,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let event: WebhookEvent;
      try {
        for (const secret of receiver.secrets) {
          // The library's own check, and the SDK's, on the raw body.
          new Webhook(secret).verify(body, request.headers as Record<string, string>);
          verifyWebhook(body, request.headers, secret);
        }
        event = JSON.parse(body) as WebhookEvent;
        expect(request.headers["webhook-id"]).to.equal(event.id);
        expect(request.headers["user-agent"]).to.match(/^Coffer-Webhooks\//);
      } catch (error) {
        rejected.push(String(error));
        response.writeHead(400).end("bad signature");
        return;
      }
      const n = count++;
      const answer = receiver.reply(event, n);
      const status = answer.status ?? 204;
      inFlight.set(event.id, (inFlight.get(event.id) ?? 0) + 1);
      maxConcurrentPerId = Math.max(maxConcurrentPerId, inFlight.get(event.id)!);
      // Recorded on arrival: the order is the order requests were sent in.
      received.push({ id: event.id, event, body, headers: request.headers, at: Date.now(), status });
      const finish = () => {
        inFlight.set(event.id, inFlight.get(event.id)! - 1);
        if (response.destroyed) return;
        response.writeHead(status, answer.headers);
        response.end(answer.body);
      };
      if (answer.delayMs === undefined) finish();
      else setTimeout(finish, answer.delayMs);
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  (receiver as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}

/** Waits until `condition` holds (polling every 25 ms), or fails with `what` after `timeoutMs`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
