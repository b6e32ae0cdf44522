import { isWebhookEventName, type WebhookEventName } from "@coffer/sdk/webhooks";
import { Hono, type Context } from "hono";
import { z } from "zod";
import type { ApiKeys } from "./api-keys";
import { DELIVERY_STATUSES, listDeliveries, redeliver, redeliverFailed } from "./deliveries";
import { createEndpoint, deleteEndpoint, getEndpoint, listEndpoints, rotateSecret, updateEndpoint } from "./endpoints";
import { assertPublicDestination } from "./network-policy";
import { storeAndFanOut } from "./outbox";
import { sampleEvent } from "./samples";
import type { WebhookStore } from "./store/database";
import { createEndpointSchema, firstIssue, updateEndpointSchema, type CreateEndpointInput } from "./validation";

/** What the HTTP API needs. */
export interface ApiOptions {
  readonly store: WebhookStore;
  readonly keys: ApiKeys;
  /** How long the previous secret keeps signing after a rotation (ms). */
  readonly secretOverlapMs: number;
  /** Whether endpoint URLs may point at loopback and private addresses (default true). */
  readonly allowPrivateNetworks?: boolean;
  /** Called when the API queued something to send (redelivery, test event). */
  readonly onWork?: () => void;
}

class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 413,
    readonly errorName: string,
    message: string,
  ) {
    super(message);
  }
}

type Env = { Variables: { owner: string } };

/**
 * The webhook service's HTTP API. Every route under `/v1` needs `Authorization: Bearer <key>`; a key sees only
 * its owner's endpoints (another owner's answer 404). Errors answer `{ error: { name, message } }`.
 *
 * | route | body / query | answers |
 * | --- | --- | --- |
 * | `GET /health` | | `{ ok: true }` |
 * | `POST /v1/endpoints` | `{ url, eventTypes?, filters?, description? }` | 201 `{ endpoint }` with its `secret` (shown once) |
 * | `GET /v1/endpoints` | | `{ endpoints }` |
 * | `GET /v1/endpoints/:id` | | `{ endpoint }` |
 * | `PATCH /v1/endpoints/:id` | `{ url?, eventTypes?, filters?, description?, enabled? }` | `{ endpoint }` |
 * | `POST /v1/endpoints/:id/rotate-secret` | | `{ endpoint }` with the new `secret` |
 * | `DELETE /v1/endpoints/:id` | | `{ deleted: true }` |
 * | `GET /v1/endpoints/:id/deliveries` | `?status=&limit=` | `{ deliveries }` with their attempts |
 * | `POST /v1/endpoints/:id/redeliver` | `{ since }` (ISO time) | `{ redelivered: n }` (its failed deliveries) |
 * | `POST /v1/endpoints/:id/test` | `{ type }` | 202 `{ eventId }`: a signed sample event |
 * | `POST /v1/deliveries/:id/redeliver` | | 202 `{ redelivered: true }` |
 */
export function createApi(options: ApiOptions): Hono<Env> {
  const { store } = options;
  const app = new Hono<Env>();

  const body = async (context: Context): Promise<unknown> => {
    const text = await context.req.text();
    if (text.length > 64 * 1024) throw new ApiError(413, "PayloadTooLarge", "bodies are limited to 64 KiB");
    if (text.trim() === "") return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ApiError(400, "BadRequest", "the body is not JSON");
    }
  };
  const parse = <T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown): T => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new ApiError(400, "ValidationError", firstIssue(parsed.error));
    return parsed.data;
  };
  const notFound = (id: string) => new ApiError(404, "NotFound", `no endpoint ${id}`);
  const checkDestination = async (url: string | undefined) => {
    if (url === undefined || options.allowPrivateNetworks !== false) return;
    try {
      await assertPublicDestination(url);
    } catch (error) {
      throw new ApiError(400, "ValidationError", `url: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  app.onError((error, context) => {
    if (error instanceof ApiError) {
      return context.json({ error: { name: error.errorName, message: error.message } }, error.status);
    }
    return context.json({ error: { name: "InternalError", message: "internal error" } }, 500);
  });
  app.notFound((context) =>
    context.json({ error: { name: "NotFound", message: `no route ${context.req.method} ${context.req.path}` } }, 404),
  );

  app.get("/health", (context) => context.json({ ok: true }));

  app.use("/v1/*", async (context, next) => {
    const header = context.req.header("authorization");
    if (header === undefined) throw new ApiError(401, "Unauthorized", "no API key: send Authorization: Bearer <key>");
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const owner = match === null ? undefined : options.keys.ownerOf(match[1] ?? "");
    if (owner === undefined) throw new ApiError(401, "Unauthorized", "the API key is not valid");
    context.set("owner", owner);
    await next();
  });

  app.post("/v1/endpoints", async (context) => {
    const input = parse(createEndpointSchema, await body(context)) as CreateEndpointInput;
    await checkDestination(input.url);
    return context.json({ endpoint: await createEndpoint(store, context.get("owner"), input) }, 201);
  });
  app.get("/v1/endpoints", async (context) =>
    context.json({ endpoints: await listEndpoints(store, context.get("owner")) }),
  );
  app.get("/v1/endpoints/:id", async (context) => {
    const endpoint = await getEndpoint(store, context.get("owner"), context.req.param("id"));
    if (endpoint === undefined) throw notFound(context.req.param("id"));
    return context.json({ endpoint });
  });
  app.patch("/v1/endpoints/:id", async (context) => {
    const input = parse(updateEndpointSchema, await body(context));
    await checkDestination(input.url);
    const endpoint = await updateEndpoint(store, context.get("owner"), context.req.param("id"), input);
    if (endpoint === undefined) throw notFound(context.req.param("id"));
    if (input.enabled === true) options.onWork?.();
    return context.json({ endpoint });
  });
  app.post("/v1/endpoints/:id/rotate-secret", async (context) => {
    const endpoint = await rotateSecret(store, context.get("owner"), context.req.param("id"), options.secretOverlapMs);
    if (endpoint === undefined) throw notFound(context.req.param("id"));
    return context.json({ endpoint });
  });
  app.delete("/v1/endpoints/:id", async (context) => {
    if (!(await deleteEndpoint(store, context.get("owner"), context.req.param("id"))))
      throw notFound(context.req.param("id"));
    return context.json({ deleted: true });
  });
  app.get("/v1/endpoints/:id/deliveries", async (context) => {
    const status = context.req.query("status");
    if (status !== undefined && !(DELIVERY_STATUSES as readonly string[]).includes(status)) {
      throw new ApiError(400, "ValidationError", `status ${status} is not one of ${DELIVERY_STATUSES.join(", ")}`);
    }
    const limitText = context.req.query("limit");
    const limit = limitText === undefined ? 1000 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      throw new ApiError(400, "ValidationError", `limit ${limitText} is not an integer from 1 to 10000`);
    }
    const deliveries = await listDeliveries(store, context.get("owner"), context.req.param("id"), {
      status: status as (typeof DELIVERY_STATUSES)[number] | undefined,
      limit,
    });
    if (deliveries === undefined) throw notFound(context.req.param("id"));
    return context.json({ deliveries });
  });
  app.post("/v1/endpoints/:id/redeliver", async (context) => {
    const { since } = parse(z.object({ since: z.string().datetime({ offset: true }) }), await body(context));
    const count = await redeliverFailed(store, context.get("owner"), context.req.param("id"), new Date(since));
    if (count === undefined) throw notFound(context.req.param("id"));
    if (count > 0) options.onWork?.();
    return context.json({ redelivered: count }, 202);
  });
  app.post("/v1/endpoints/:id/test", async (context) => {
    const { type } = parse(
      z.object({
        type: z
          .string()
          .refine(isWebhookEventName, (value) => ({ message: `unknown event type ${JSON.stringify(value)}` })),
      }),
      await body(context),
    );
    const id = context.req.param("id");
    if ((await getEndpoint(store, context.get("owner"), id)) === undefined) throw notFound(id);
    const event = sampleEvent(type as WebhookEventName);
    await storeAndFanOut(store, { event, source: "test" }, id);
    options.onWork?.();
    return context.json({ eventId: event.id }, 202);
  });
  app.post("/v1/deliveries/:id/redeliver", async (context) => {
    const id = context.req.param("id");
    if (!(await redeliver(store, context.get("owner"), id))) {
      throw new ApiError(404, "NotFound", `no delivery ${id} (or it was canceled by a reorg)`);
    }
    options.onWork?.();
    return context.json({ redelivered: true }, 202);
  });
  return app;
}
