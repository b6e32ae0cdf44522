/**
 * The indexer's HTTP API, next to Ponder's `/status`, `/health` and `/ready`:
 * - `/graphql`: Ponder's GraphQL (filters, ordering, cursor pagination, relations), introspection included, with
 *   limits on body size, tokens, depth, aliases and rows (`graphql-guard.ts`); a query that fails to parse,
 *   validate or pass a limit gets a 4xx with the GraphQL errors, never a crash.
 * - `/reports/settlement`: gross, fees, refunds and net per UTC day for a merchant and token, JSON or CSV.
 * - `/reports/reconciliation`: indexed token balances against `balanceOf` on chain at the indexed block.
 * - `/reports/native-balances`: plain ETH (POL on Polygon) of named or tracked accounts at the indexed block.
 * - `/webhooks/events`: the events merchants are notified of, in a block range, as webhook bodies.
 * - `/freshness`: per chain, the indexed block, the chain head, the lag and the finalized block; every answer of
 *   this app carries the same as `X-Coffer-*` headers (`freshness.ts`).
 * - `/healthy?maxLagSeconds=`: 200 when every chain is indexed within that lag of its head, else 503 with the lag.
 */
import { db, publicClients } from "ponder:api";
import schema from "ponder:schema";
import { Hono, type Context } from "hono";
import { graphql } from "ponder";
import { createPublicClient, http, type PublicClient } from "viem";
import { ReportError, readStatus, reconciliation, settlementCsv, settlementReport } from "./reports";
import { eventsLimit, webhookEvents } from "./webhook-events";
import { accountsParam, kindsParam, nativeBalances } from "./native-balances";
import { guardedGraphql } from "./graphql-guard";
import { loadPonderGraphqlInternals, ponderGraphql, ponderPackageDir } from "./ponder-graphql";
import { MAX_GRAPHQL_ALIASES, MAX_GRAPHQL_TOKENS } from "./graphql-limits";
import { hexColumnsOf } from "./hex-columns";
import { loadSettings } from "../settings";
import {
  createFreshnessReader,
  freshnessHeaders,
  stalenessReasons,
  type Freshness,
  type FreshnessChain,
} from "./freshness";
import { readCheckpoints, type Executor } from "./checkpoints";

const app = new Hono<{ Variables: { freshness?: Freshness } }>();

/** Ponder's chains as its build holds them (the `ponder:api` module reads the same global). */
const ponderChains =
  (globalThis as { PONDER_INDEXING_BUILD?: { chains?: { id: number; finalityBlockCount: number }[] } })
    .PONDER_INDEXING_BUILD?.chains ?? [];

const freshness = createFreshnessReader({
  readIndexed: () => readCheckpoints(db as unknown as Executor),
  chains: loadSettings().map((chain): FreshnessChain => {
    // A client of its own: Ponder's retries a failed call for a long time; a head read gives up at once.
    const client = createPublicClient({ transport: http(chain.rpcUrl, { timeout: 2_000, retryCount: 0 }) });
    const finality = ponderChains.find((entry) => entry.id === chain.chainId)?.finalityBlockCount;
    // Ponder's default for chains it does not know (its `getFinalityBlockCount`).
    return { chainId: chain.chainId, name: chain.name, finalityBlocks: finality ?? 30, client };
  }),
  headTtlMs: Number(process.env.COFFER_HEAD_TTL_MS ?? 1_000),
  headStaleMs: 10_000,
  checkpointTtlMs: Number(process.env.COFFER_CHECKPOINT_TTL_MS ?? 100),
});

// Read before the answer is made: the answer holds at least the blocks its headers name.
app.use("*", async (c, next) => {
  const reading = await freshness.read().catch(() => undefined);
  c.set("freshness", reading);
  await next();
  if (reading === undefined) return;
  // A Response passed through unchanged may have immutable headers: copy it first then.
  try {
    for (const [name, value] of Object.entries(freshnessHeaders(reading))) c.res.headers.set(name, value);
  } catch {
    c.res = new Response(c.res.body, c.res);
    for (const [name, value] of Object.entries(freshnessHeaders(reading))) c.res.headers.set(name, value);
  }
});

// The same reading as the headers'.
app.get("/freshness", async (c) => c.json(c.get("freshness") ?? (await freshness.read())));

/** Default bound of `/healthy`: a minute of chain time. */
const DEFAULT_MAX_LAG_SECONDS = 60;

app.get("/healthy", async (c) => {
  const value = c.req.query("maxLagSeconds");
  if (value !== undefined && !/^\d{1,9}$/.test(value)) {
    return badRequest(c, `"maxLagSeconds" must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  const maxLagSeconds = value === undefined ? DEFAULT_MAX_LAG_SECONDS : Number(value);
  const reading = c.get("freshness") ?? (await freshness.read());
  const reasons = stalenessReasons(reading, maxLagSeconds);
  return c.json(
    { healthy: reasons.length === 0, maxLagSeconds, reasons, ...reading },
    reasons.length === 0 ? 200 : 503,
  );
});

/**
 * Ponder's own limits (GraphQL Armor inside its Yoga server) are a backstop above ours: its depth counts fragment
 * spreads as levels and does not set introspection apart, so it must let `getIntrospectionQuery()` (21) through.
 */
const ponderLimits = {
  maxOperationDepth: 32,
  maxOperationTokens: MAX_GRAPHQL_TOKENS,
  maxOperationAliases: MAX_GRAPHQL_ALIASES,
};
// Ponder's middleware serves the GraphiQL page (GET) and writes `generated/schema.graphql`; queries (POST) run on
// the same schema in a Yoga that keeps its parse and validation cache (`ponder-graphql.ts`).
const ponderPage = graphql({ db, schema }, ponderLimits);
const served = ponderGraphql(await loadPonderGraphqlInternals(ponderPackageDir(import.meta.url)), schema, ponderLimits);

app.use(
  "/graphql",
  ...guardedGraphql(
    { page: ponderPage, run: served.handler, schema: served.graphqlSchema },
    hexColumnsOf(schema as unknown as Record<string, unknown>),
  ),
);

function badRequest(c: Context, message: string) {
  return c.json({ errors: [{ message }] }, 400);
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

function addressParam(c: Context, name: string): `0x${string}` {
  const value = c.req.query(name);
  if (value === undefined || !ADDRESS.test(value)) {
    throw new ReportError(`"${name}" must be a 0x-prefixed 20-byte hex address, got ${JSON.stringify(value ?? null)}`);
  }
  return value.toLowerCase() as `0x${string}`;
}

function integerParam(c: Context, name: string, fallback?: bigint): bigint {
  const value = c.req.query(name);
  if (value === undefined && fallback !== undefined) return fallback;
  if (value === undefined || !/^\d{1,15}$/.test(value)) {
    throw new ReportError(
      `"${name}" must be a non-negative integer (unix seconds), got ${JSON.stringify(value ?? null)}`,
    );
  }
  return BigInt(value);
}

function chainParam(c: Context): number | undefined {
  const value = c.req.query("chainId");
  if (value === undefined) return undefined;
  if (!/^\d{1,12}$/.test(value)) throw new ReportError(`"chainId" must be an integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

app.get("/reports/settlement", async (c) => {
  try {
    const merchant = addressParam(c, "merchant");
    const token = addressParam(c, "token");
    const from = integerParam(c, "from", 0n);
    const to = integerParam(c, "to", BigInt(Math.floor(Date.now() / 1000)) + 1n);
    if (to < from) throw new ReportError(`"to" (${to}) is before "from" (${from})`);
    const format = c.req.query("format") ?? "json";
    if (format !== "json" && format !== "csv") throw new ReportError(`"format" must be json or csv, got ${format}`);
    const chainId = chainParam(c);
    const chains = loadSettings().map((chain) => chain.chainId);
    if (chainId === undefined && chains.length > 1) {
      throw new ReportError(`"chainId" is required: this indexer serves chains ${chains.join(", ")}`);
    }
    if (chainId !== undefined && !chains.includes(chainId))
      throw new ReportError(`Chain ${chainId} is not indexed here`);
    const report = await settlementReport(db, { chainId, merchant, token, from, to });
    if (format === "csv") {
      return c.body(settlementCsv(report), 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="settlement-${merchant}-${token}-${from}-${to}.csv"`,
      });
    }
    return c.json(report);
  } catch (error) {
    if (error instanceof ReportError) return badRequest(c, error.message);
    throw error;
  }
});

app.get("/reports/reconciliation", async (c) => {
  try {
    const chainId = chainParam(c);
    const statusUrl = new URL("/status", c.req.url).toString();
    return c.json(await reconciliation(db, publicClients, statusUrl, chainId));
  } catch (error) {
    if (error instanceof ReportError) return badRequest(c, error.message);
    throw error;
  }
});

function blockParam(c: Context, name: string): bigint | undefined {
  const value = c.req.query(name);
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value)) {
    throw new ReportError(`"${name}" must be a block number (a non-negative integer), got ${JSON.stringify(value)}`);
  }
  return BigInt(value);
}

/** The one indexed chain `chainId` names, or the only chain when it is absent. */
function indexedChain(c: Context) {
  const chainId = chainParam(c);
  const chains = loadSettings();
  if (chainId === undefined && chains.length > 1) {
    throw new ReportError(
      `"chainId" is required: this indexer serves chains ${chains.map((x) => x.chainId).join(", ")}`,
    );
  }
  const chain = chainId === undefined ? chains[0] : chains.find((entry) => entry.chainId === chainId);
  if (chain === undefined) throw new ReportError(`Chain ${chainId} is not indexed here`);
  return chain;
}

app.get("/webhooks/events", async (c) => {
  try {
    const chain = indexedChain(c);
    const fromBlock = blockParam(c, "fromBlock") ?? 0n;
    const toBlock = blockParam(c, "toBlock");
    if (toBlock !== undefined && toBlock < fromBlock) {
      throw new ReportError(`"toBlock" (${toBlock}) is before "fromBlock" (${fromBlock})`);
    }
    const limit = eventsLimit(c.req.query("limit"));
    const status = await readStatus(new URL("/status", c.req.url).toString());
    const indexed = Object.values(status).find((entry) => entry.id === chain.chainId)?.block.number;
    if (indexed === undefined) throw new ReportError(`Chain ${chain.chainId} has not started indexing yet`);
    const client = (publicClients as unknown as Record<string, PublicClient>)[chain.name];
    if (client === undefined) throw new Error(`No RPC client for ${chain.name}`);
    return c.json(
      await webhookEvents(db, client, {
        chainId: chain.chainId,
        fromBlock,
        toBlock,
        limit,
        indexedBlock: BigInt(indexed),
      }),
    );
  } catch (error) {
    if (error instanceof ReportError) return badRequest(c, error.message);
    throw error;
  }
});

app.get("/reports/native-balances", async (c) => {
  try {
    const chain = indexedChain(c);
    const accounts = accountsParam(c.req.queries("account") ?? []);
    const kinds = kindsParam(c.req.queries("kind") ?? []);
    const client = (publicClients as unknown as Record<string, PublicClient>)[chain.name];
    if (client === undefined) throw new Error(`No RPC client for ${chain.name}`);
    const statusUrl = new URL("/status", c.req.url).toString();
    return c.json(await nativeBalances(db, client, statusUrl, chain, { accounts, kinds }));
  } catch (error) {
    if (error instanceof ReportError) return badRequest(c, error.message);
    throw error;
  }
});

app.onError((error, c) => c.json({ errors: [{ message: error.message }] }, 500));

export default app;
