/**
 * The guard in front of Ponder's GraphQL: a POST must be JSON of at most {@link MAX_GRAPHQL_BODY_BYTES}, its query
 * must parse within the token limit, validate against the served schema within the depth and alias limits, ask for
 * at most {@link MAX_GRAPHQL_ROWS} rows, and carry well-formed arguments. Each refusal is a 4xx with
 * `{ errors: [{ message }] }`; what Ponder answers with errors and no data becomes a 400 too.
 */
import type { GraphQLSchema } from "graphql";
import type { Context, MiddlewareHandler, Next } from "hono";
import { bodyLimit } from "hono/body-limit";
import { lowerHex } from "./lower-hex";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { costProblem, queryRows } from "./graphql-cost";
import { MAX_GRAPHQL_BODY_BYTES, limitProblems, parseQuery } from "./graphql-limits";
import type { HexColumns } from "./hex-columns";
import { argumentProblems, effectiveVariables } from "./validate";

function refuse(c: Context, status: ContentfulStatusCode, messages: string[]) {
  return c.json({ errors: messages.map((message) => ({ message })) }, status);
}

/** True for `application/json`, with or without parameters such as `charset`. */
function isJson(contentType: string | undefined): boolean {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() === "application/json";
}

/** Ponder's answer, with a 400 when it reports errors and no data (Ponder answers 200 to every GraphQL error). */
async function withStatus(c: Context, response: Response | undefined): Promise<Response | undefined> {
  // Hono's Node server swaps in its own Response class, so test the shape rather than `instanceof`.
  if (response === undefined || typeof (response as { text?: unknown }).text !== "function") return response;
  const text = await response.text();
  // Inside JSON strings quotes are escaped, so without this key there is no error to look at: pass it through.
  if (!text.includes('"errors":')) return c.body(text, 200, { "content-type": "application/json; charset=utf-8" });
  let result: { data?: unknown; errors?: unknown[] };
  try {
    result = JSON.parse(text) as typeof result;
  } catch {
    return refuse(c, 400, [text.slice(0, 500)]);
  }
  const failed =
    Array.isArray(result.errors) && result.errors.length > 0 && (result.data === undefined || result.data === null);
  return c.json(result, failed ? 400 : 200);
}

/** What the guard stands in front of: the GraphiQL page (GET), the server that runs queries, and its schema. */
export interface GuardedServer {
  page: MiddlewareHandler;
  run: MiddlewareHandler;
  schema: GraphQLSchema;
}

/**
 * The middlewares to mount on `/graphql` in front of `server`: the body limit, then the checks; a query that passes
 * goes to `server.run`. GET gets `server.page` (Ponder's GraphiQL).
 */
export function guardedGraphql(server: GuardedServer, hexColumns: HexColumns): MiddlewareHandler[] {
  const { schema } = server;
  const limit = bodyLimit({
    maxSize: MAX_GRAPHQL_BODY_BYTES,
    onError: (c) =>
      refuse(c, 413, [`The request body is larger than the limit of ${MAX_GRAPHQL_BODY_BYTES} bytes (256 KiB)`]),
  });
  const check = async (c: Context, next: Next) => {
    if (c.req.method !== "POST") return server.page(c, next);
    const contentType = c.req.header("content-type");
    if (!isJson(contentType)) {
      return refuse(c, 415, [
        `The request body must be sent as content-type application/json, got ${JSON.stringify(contentType ?? null)}`,
      ]);
    }
    let body: unknown;
    try {
      body = await c.req.raw.clone().json();
    } catch {
      return refuse(c, 400, ['The request body is not JSON: send { "query": "...", "variables": {...} }']);
    }
    if (typeof body !== "object" || body === null || typeof (body as { query?: unknown }).query !== "string") {
      return refuse(c, 400, ['The request body needs a "query" string']);
    }
    const { query, variables, operationName } = body as { query: string; variables?: unknown; operationName?: unknown };
    if (variables !== undefined && variables !== null && (typeof variables !== "object" || Array.isArray(variables))) {
      return refuse(c, 400, [`"variables" must be an object, got ${JSON.stringify(variables).slice(0, 80)}`]);
    }
    const parsed = parseQuery(query);
    if ("error" in parsed) return refuse(c, 400, [parsed.error]);
    const limits = limitProblems(schema, parsed.document);
    if (limits.length > 0) return refuse(c, 400, limits);
    const values = effectiveVariables(parsed.document, (variables ?? {}) as Record<string, unknown>);
    const problems = argumentProblems(schema, parsed.document, values, hexColumns);
    const cost = costProblem(
      queryRows(schema, parsed.document, values, typeof operationName === "string" ? operationName : undefined),
    );
    if (cost !== undefined) problems.push(cost);
    if (problems.length > 0) return refuse(c, 400, problems);
    const lowered = lowerHex(parsed.document, variables as Record<string, unknown> | undefined);
    if (lowered.changed) {
      // Ponder reads the raw request: hand it the same request with the lowered query and variables.
      const headers = new Headers(c.req.raw.headers);
      headers.delete("content-length");
      c.req.raw = new Request(c.req.raw.url, {
        method: "POST",
        headers,
        body: JSON.stringify({ ...(body as object), query: lowered.query, variables: lowered.variables }),
      });
    }
    return withStatus(c, (await server.run(c, next)) ?? undefined);
  };
  return [limit, check];
}
