/**
 * Ponder's GraphQL server (Ponder 0.16's `graphql()` middleware, `ponder/src/graphql/middleware.ts`), built here with
 * Yoga's parse and validation cache on. Ponder creates its Yoga with `parserAndValidationCache: false`, so each
 * request parses and validates its query again: about an eighth of a reader's CPU under load, for the same few
 * queries a frontend sends over and over. Everything else is Ponder's: its schema and per-request data loaders
 * (from its own module, loaded from its package by file, since the package exports only `graphql()`), its limits
 * (GraphQL Armor) and its answers (200 with `errors` for a GraphQL error, masked in production).
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import type { GraphQLSchema } from "graphql";
import { createYoga } from "graphql-yoga";
import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";

/** The Ponder release whose internal module this file loads; any other is refused at start-up. */
export const PONDER_VERSION = "0.16.10";
/** Ponder's module that builds its GraphQL schema and data loaders, inside its package. */
const INTERNAL_MODULE = path.join("dist", "esm", "graphql", "index.js");

/** What Ponder's internal GraphQL module exports (Ponder 0.16.10). */
export interface PonderGraphqlInternals {
  buildGraphQLSchema(options: { schema: unknown }): GraphQLSchema;
  buildDataLoaderCache(qb: unknown): unknown;
}

/** Ponder's package folder, as Node would find `ponder` from the module at `from` (a file URL or path). */
export function ponderPackageDir(from: string): string {
  const searched = createRequire(from).resolve.paths("ponder") ?? [];
  for (const folder of searched) {
    const candidate = path.join(folder, "ponder");
    if (fs.existsSync(path.join(candidate, "package.json"))) return candidate;
  }
  throw new Error(`The "ponder" package was not found from ${from} (looked in ${searched.join(", ")})`);
}

/** Ponder's internal GraphQL module, from its package folder; refuses a Ponder other than {@link PONDER_VERSION}. */
export async function loadPonderGraphqlInternals(packageDir: string): Promise<PonderGraphqlInternals> {
  const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")) as {
    version: string;
  };
  if (version !== PONDER_VERSION) {
    throw new Error(
      `The indexer's GraphQL server loads Ponder ${PONDER_VERSION}'s internal schema builder, but Ponder ${version} ` +
        `is installed: check ${INTERNAL_MODULE} of the new release against indexer/src/api/ponder-graphql.ts`,
    );
  }
  // The same file Ponder's own middleware imports, so one module instance (and one `graphql`) serves both.
  const internals = (await import(
    pathToFileURL(path.join(packageDir, INTERNAL_MODULE)).href
  )) as PonderGraphqlInternals;
  if (typeof internals.buildGraphQLSchema !== "function" || typeof internals.buildDataLoaderCache !== "function") {
    throw new Error(
      `Ponder ${version}'s ${INTERNAL_MODULE} no longer exports buildGraphQLSchema and buildDataLoaderCache`,
    );
  }
  return internals;
}

/** Ponder's limits, as its `graphql()` takes them. */
export interface PonderGraphqlLimits {
  maxOperationTokens: number;
  maxOperationDepth: number;
  maxOperationAliases: number;
}

/** Ponder's database for the API (`globalThis.PONDER_DATABASE`, set by `ponder start` and `ponder serve`). */
type PonderDatabase = { readonlyQB: unknown };

/**
 * The GraphQL server for `schema` (Ponder's `ponder:schema`), for the queries (POSTs) that pass the guard in front; the
 * guard sends GETs to Ponder's own middleware, whose GraphiQL page this server does not have.
 */
export function ponderGraphql(
  internals: PonderGraphqlInternals,
  schema: unknown,
  limits: PonderGraphqlLimits,
): { handler: MiddlewareHandler; graphqlSchema: GraphQLSchema } {
  const database = (globalThis as { PONDER_DATABASE?: PonderDatabase }).PONDER_DATABASE;
  if (database === undefined) throw new Error("The GraphQL server runs only inside `ponder start` or `ponder serve`");
  const graphqlSchema = internals.buildGraphQLSchema({ schema });
  const yoga = createYoga({
    graphqlEndpoint: "*",
    schema: graphqlSchema,
    context: () => ({
      qb: database.readonlyQB,
      getDataLoader: internals.buildDataLoaderCache(database.readonlyQB),
    }),
    maskedErrors: process.env.NODE_ENV === "production",
    logging: false,
    graphiql: false,
    // The point of this file: Yoga's default, a bounded cache of parsed and validated documents by query text.
    parserAndValidationCache: true,
    plugins: [
      maxTokensPlugin({ n: limits.maxOperationTokens }),
      maxDepthPlugin({ n: limits.maxOperationDepth, ignoreIntrospection: false }),
      maxAliasesPlugin({ n: limits.maxOperationAliases, allowList: [] }),
    ],
  });
  const handler = createMiddleware(async (c) => {
    const response = await yoga.handle(c.req.raw);
    // As Ponder's: Yoga answers some GraphQL errors with a 500; a GraphQL error is a 200 with `errors`.
    if (response.status === 200) return response;
    return new Response(response.body, { status: 200, statusText: "OK", headers: new Headers(response.headers) });
  });
  return { handler, graphqlSchema };
}
