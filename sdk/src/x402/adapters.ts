import type { IncomingMessage, ServerResponse } from "node:http";
import type { Paywall, PricedResource } from "./paywall";
import { PAYMENT_SIGNATURE_HEADER } from "./wire";

/** What the middleware uses of a Hono context (so that the SDK does not depend on Hono). */
export interface HonoLikeContext {
  req: { url: string; header(name: string): string | undefined };
  header(name: string, value: string): void;
  json(body: unknown, status: 400 | 402, headers: Record<string, string>): Response;
}

/** A resource's price and description; the URL is the request's. */
export type Price = Omit<PricedResource, "url">;

/**
 * Hono middleware: a request without an acceptable voucher gets `402` (or `400` for a malformed payment) with the
 * payment requirements; a paid one goes on to the handler, and its answer carries `PAYMENT-RESPONSE`.
 * @example app.get("/api/quote", paywallMiddleware(paywall, { price: 1_000n }), (c) => c.json(quote()));
 */
export function paywallMiddleware(paywall: Paywall, price: Price | ((url: string) => Price)) {
  return async (c: HonoLikeContext, next: () => Promise<void>): Promise<Response | undefined> => {
    const resource = { ...(typeof price === "function" ? price(c.req.url) : price), url: c.req.url };
    const decision = await paywall.decide(resource, c.req.header(PAYMENT_SIGNATURE_HEADER));
    if (!decision.ok) return c.json(decision.body, decision.status, decision.headers);
    for (const [name, value] of Object.entries(decision.headers)) c.header(name, value);
    await next();
    return undefined;
  };
}

/** What a paid request's handler learns of its payment. */
export interface PaidRequest {
  payer: string;
  channelId: string;
  /** What this request added to the channel's accepted amount, in base units. */
  amount: bigint;
}

/**
 * For Node's `http` servers: wraps `handler` so that it runs only for paid requests, answering the rest as
 * {@link paywallMiddleware} does.
 * @example http.createServer(withPaywall(paywall, { price: 1_000n }, (req, res) => res.end("paid")));
 */
export function withPaywall(
  paywall: Paywall,
  price: Price | ((url: string) => Price),
  handler: (request: IncomingMessage, response: ServerResponse, payment: PaidRequest) => void | Promise<void>,
) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = `http://${request.headers.host ?? "localhost"}${request.url ?? "/"}`;
    const header = request.headers[PAYMENT_SIGNATURE_HEADER.toLowerCase()];
    const resource = { ...(typeof price === "function" ? price(url) : price), url };
    try {
      const decision = await paywall.decide(resource, Array.isArray(header) ? header[0] : header);
      if (!decision.ok) {
        response.writeHead(decision.status, { "content-type": "application/json", ...decision.headers });
        response.end(JSON.stringify(decision.body));
        return;
      }
      for (const [name, value] of Object.entries(decision.headers)) response.setHeader(name, value);
      await handler(request, response, {
        payer: decision.payer,
        channelId: decision.channelId,
        amount: decision.amount,
      });
    } catch (error) {
      response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    }
  };
}
