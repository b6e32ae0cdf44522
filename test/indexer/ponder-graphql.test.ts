import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from "graphql";
import { Hono } from "hono";
import {
  PONDER_VERSION,
  loadPonderGraphqlInternals,
  ponderGraphql,
  ponderPackageDir,
  type PonderGraphqlInternals,
} from "../../indexer/src/api/ponder-graphql";

const LIMITS = { maxOperationDepth: 32, maxOperationTokens: 2_000, maxOperationAliases: 30 };

/**
 * A stand-in for Ponder's schema builder: one field that echoes its argument. graphql-js's validation reads the
 * schema's directives (`KnownDirectivesRule`, `ProvidedRequiredArgumentsRule`) each time it runs and execution does
 * not, so counting `getDirectives()` counts validations.
 */
function countingInternals(): { internals: PonderGraphqlInternals; validations: () => number; loaders: () => number } {
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: "Query",
      fields: {
        echo: {
          type: GraphQLString,
          args: { text: { type: GraphQLString } },
          resolve: (_source, args: { text?: string }, context: { getDataLoader: { label: string } }) =>
            `${context.getDataLoader.label}:${args.text ?? ""}`,
        },
      },
    }),
  });
  let directiveReads = 0;
  const getDirectives = schema.getDirectives.bind(schema);
  schema.getDirectives = () => {
    directiveReads += 1;
    return getDirectives();
  };
  let loaders = 0;
  return {
    internals: {
      buildGraphQLSchema: () => schema,
      buildDataLoaderCache: () => {
        loaders += 1;
        return { label: `loader${loaders}` };
      },
    },
    validations: () => directiveReads,
    loaders: () => loaders,
  };
}

async function post(app: Hono, query: string, variables?: Record<string, unknown>) {
  const response = await app.request("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: unknown[] } };
}

describe("indexer: the GraphQL server on Ponder's schema (ponder-graphql.ts)", function () {
  const global = globalThis as { PONDER_DATABASE?: unknown };
  let saved: unknown;
  // Errors are masked when NODE_ENV is "production" at start-up, as in Ponder's; other suites (Vite's builds) set it.
  let savedNodeEnv: string | undefined;
  beforeEach(() => {
    saved = global.PONDER_DATABASE;
    global.PONDER_DATABASE = { readonlyQB: { label: "readonly" } };
    savedNodeEnv = process.env.NODE_ENV;
    delete process.env.NODE_ENV;
  });
  afterEach(() => {
    global.PONDER_DATABASE = saved;
    if (savedNodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = savedNodeEnv;
  });

  function serve(internals: PonderGraphqlInternals): Hono {
    const { handler } = ponderGraphql(internals, {}, LIMITS);
    return new Hono().use("/graphql", handler);
  }

  it("validates a query text once, then runs it from the cache with each request's variables", async function () {
    const counting = countingInternals();
    const app = serve(counting.internals);
    const query = "query Echo($text: String) { echo(text: $text) }";
    expect(await post(app, query, { text: "a" })).to.deep.equal({ status: 200, body: { data: { echo: "loader1:a" } } });
    const afterFirst = counting.validations();
    expect(afterFirst).to.be.greaterThan(0);
    for (const text of ["b", "c", "d"]) {
      const { body } = await post(app, query, { text });
      expect(body).to.deep.equal({ data: { echo: `loader${counting.loaders()}:${text}` } });
    }
    expect(counting.validations(), "validations after four requests of one text").to.equal(afterFirst);
    // Each request gets data loaders of its own (Ponder's batching is per request).
    expect(counting.loaders()).to.equal(4);
    // Another text is validated once too.
    await post(app, '{ echo(text: "x") }');
    const afterSecondText = counting.validations();
    expect(afterSecondText).to.be.greaterThan(afterFirst);
    await post(app, '{ echo(text: "x") }');
    expect(counting.validations()).to.equal(afterSecondText);
  });

  it("answers a GraphQL error as Ponder does: a 200 with the errors, and never caches a bad query as good", async function () {
    const app = serve(countingInternals().internals);
    for (let i = 0; i < 2; i += 1) {
      const { status, body } = await post(app, "{ missing }");
      expect(status).to.equal(200);
      expect(body.data).to.equal(undefined);
      expect(JSON.stringify(body.errors)).to.include('Cannot query field \\"missing\\" on type \\"Query\\"');
    }
    const { status, body } = await post(app, "{ echo(");
    expect(status).to.equal(200);
    expect(JSON.stringify(body.errors)).to.include("Syntax Error");
  });

  it("masks a resolver's own error when NODE_ENV is production, as Ponder's server does", async function () {
    const failing = (): PonderGraphqlInternals => ({
      buildGraphQLSchema: () =>
        new GraphQLSchema({
          query: new GraphQLObjectType({
            name: "Query",
            fields: {
              broken: {
                type: GraphQLString,
                resolve: () => {
                  throw new Error("connection to 10.0.0.7 refused");
                },
              },
            },
          }),
        }),
      buildDataLoaderCache: () => ({}),
    });
    const development = await post(serve(failing()), "{ broken }");
    expect(development.status).to.equal(200);
    expect(JSON.stringify(development.body.errors)).to.include("connection to 10.0.0.7 refused");
    process.env.NODE_ENV = "production";
    const production = await post(serve(failing()), "{ broken }");
    expect(production.status).to.equal(200);
    expect(JSON.stringify(production.body.errors)).to.include("Unexpected error.");
    expect(JSON.stringify(production.body.errors)).not.to.include("10.0.0.7");
  });

  it("keeps Ponder's limits (GraphQL Armor) in front of the cache", async function () {
    const app = serve(countingInternals().internals);
    const aliases = Array.from({ length: LIMITS.maxOperationAliases + 1 }, (_, i) => `a${i}: echo`).join(" ");
    const { body } = await post(app, `{ ${aliases} }`);
    expect(JSON.stringify(body.errors)).to.include("Aliases limit of 30 exceeded");
  });

  it("runs only inside Ponder, where its database is set", function () {
    global.PONDER_DATABASE = undefined;
    expect(() => ponderGraphql(countingInternals().internals, {}, LIMITS)).to.throw(/ponder start.*ponder serve/);
  });

  it("finds Ponder's package, and refuses a Ponder release other than the one its internals were read from", async function () {
    const found = ponderPackageDir(path.join(__dirname, "..", "..", "indexer", "src", "api", "index.ts"));
    const installed = JSON.parse(fs.readFileSync(path.join(found, "package.json"), "utf8")) as { version: string };
    expect(installed.version).to.equal(PONDER_VERSION);
    expect(fs.existsSync(path.join(found, "dist", "esm", "graphql", "index.js"))).to.equal(true);

    const other = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-ponder-"));
    try {
      fs.writeFileSync(path.join(other, "package.json"), JSON.stringify({ name: "ponder", version: "0.17.0" }));
      let refused: Error | undefined;
      await loadPonderGraphqlInternals(other).catch((error: Error) => (refused = error));
      expect(refused?.message).to.include(`Ponder ${PONDER_VERSION}'s internal schema builder, but Ponder 0.17.0`);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
    expect(() => ponderPackageDir(path.join(os.tmpdir(), "nowhere", "file.ts"))).to.throw(
      /"ponder" package was not found/,
    );
  });
});
