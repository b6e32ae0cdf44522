/**
 * The formats of `bench/results/`: `gas.json`, written by `npm run bench` (bench/run.ts), `indexer.json`,
 * written by the indexer benchmark (bench/indexer.ts), and `sdk.json`, written by the SDK's benchmark
 * (`npm run bench:sdk`, bench/sdk.ts), and `web.json`, `cli.json` and `webhooks.json` from their own benchmarks.
 * `bench/report.ts` reads them (all but `gas.json` when present) and writes `bench/results/README.md` with its
 * charts. Every file is checked against its schema when read, so a benchmark that writes a wrong shape fails the
 * report instead of producing a wrong one.
 */
import path from "node:path";
import { z } from "zod";

export const RESULTS_DIR = path.join(__dirname, "results");
export const GAS_RESULTS_FILE = "gas.json";
export const INDEXER_RESULTS_FILE = "indexer.json";
export const SDK_RESULTS_FILE = "sdk.json";
export const WEB_RESULTS_FILE = "web.json";
export const CLI_RESULTS_FILE = "cli.json";
export const WEBHOOKS_RESULTS_FILE = "webhooks.json";
export const CHANNELS_RESULTS_FILE = "channels.json";

const count = z.number().int().nonnegative();

/** The machine a benchmark ran on. */
export const machineSchema = z.object({
  cpu: z.string(),
  cores: z.number().int().positive(),
  os: z.string(),
  memoryGiB: z.number().positive(),
});
export type Machine = z.infer<typeof machineSchema>;

/** What every results file says about its run. */
const runSchema = {
  schema: z.literal(1),
  /** ISO 8601 time of the run. */
  date: z.string().datetime(),
  /** The commit measured; `dirty` when the work tree had uncommitted changes. */
  commit: z.string(),
  dirty: z.boolean(),
  machine: machineSchema,
  /** Tool → version (node, hardhat, solc, …). */
  versions: z.record(z.string()),
};

const l1EstimateSchema = z.object({
  signedTxBytes: count,
  fastLzBytes: count,
  fjordEstimatedBytes: z.number().nonnegative(),
  /** Scenario name → fee: wei as a decimal string, and US dollars. */
  fees: z.record(
    z.object({
      fjordWei: z.string().regex(/^\d+$/),
      fjordUsd: z.number().nonnegative(),
      ecotoneWei: z.string().regex(/^\d+$/),
      ecotoneUsd: z.number().nonnegative(),
    }),
  ),
});

/** One measured transaction: its gas (per item when `per` > 1), the ratio to the raw transfer, its L1 data. */
export const figureSchema = z.object({
  gas: count,
  per: z.number().int().positive(),
  totalGas: count,
  /** `gas` ÷ the raw ERC-20 transfer's gas of the same run. */
  ratio: z.number().nonnegative(),
  calldataBytes: count,
  /** The whole transaction's L1 data and fee (not divided by `per`). */
  l1: l1EstimateSchema,
});
export type Figure = z.infer<typeof figureSchema>;

/** A point of a scaling series: the item count (recipients, charges) and the transaction's figure. */
export const pointSchema = figureSchema.extend({ count: z.number().int().positive() });
export type Point = z.infer<typeof pointSchema>;

export const gasResultsSchema = z.object({
  ...runSchema,
  chain: z.string(),
  /** The figure every ratio divides by. */
  baseline: z.object({ operation: z.string(), gas: z.number().int().positive() }),
  l1Fee: z.object({
    formula: z.string(),
    constants: z.object({ costIntercept: z.number(), costFastlzCoef: z.number(), minTransactionSize: z.number() }),
    scenarios: z.array(
      z.object({
        name: z.string(),
        description: z.string(),
        l1BaseFeeWei: z.string(),
        blobBaseFeeWei: z.string(),
        baseFeeScalar: z.number(),
        blobBaseFeeScalar: z.number(),
      }),
    ),
    ethUsd: z.number().positive(),
    transactions: z.string(),
  }),
  /** Snapshot key (`bench/gas-snapshot.json`) → figure. */
  operations: z.record(figureSchema),
  scaling: z.object({
    splits: z.object({ push: z.array(pointSchema), pull: z.array(pointSchema) }),
    chargeMany: z.array(pointSchema),
  }),
  /** Where the indexer's figures are: a separate file, written by another benchmark, merged by the report. */
  indexer: z.object({ file: z.literal(INDEXER_RESULTS_FILE), writtenBy: z.string() }),
});
export type GasResults = z.infer<typeof gasResultsSchema>;

const latencySchema = z.object({
  /** Concurrent connections of the load generator. */
  connections: z.number().int().positive(),
  p50Ms: z.number().nonnegative(),
  p99Ms: z.number().nonnegative(),
  requestsPerSecond: z.number().nonnegative().optional(),
});

/**
 * `indexer.json`: the indexer's figures on PostgreSQL. `backfill.series` is backfill time against the number of
 * events (1,000 to 50,000); `lag` is the time from a block being mined to its events being queryable; `graphql`
 * holds the latency of the GraphQL API at 1 and at 10 connections.
 */
export const indexerResultsSchema = z.object({
  ...runSchema,
  /** The database, e.g. "PostgreSQL 15.10". */
  database: z.string(),
  /** What was queried and how it was loaded, in a sentence each. */
  method: z.object({ backfill: z.string(), lag: z.string(), graphql: z.string() }).partial().optional(),
  backfill: z.object({
    eventsPerSecond: z.number().positive(),
    series: z.array(z.object({ events: z.number().int().positive(), seconds: z.number().positive() })).min(1),
  }),
  lag: z.object({ p50Ms: z.number().nonnegative(), p95Ms: z.number().nonnegative(), samples: count }),
  graphql: z.array(latencySchema).min(1),
  notes: z.array(z.string()).optional(),
});
export type IndexerResults = z.infer<typeof indexerResultsSchema>;

/** A bundle's size: minified, and minified then gzipped (level 9). */
const bundleSizeSchema = z.object({ minifiedBytes: count, gzipBytes: count });

/**
 * `sdk.json`: the SDK's cost to an app. `bundles` are browser bundles of small programs, each measured twice: the
 * SDK's own code (its dependencies left out) and the whole bundle with the dependencies it pulls in (ethers, zod,
 * and for the Safe entry point Safe's libraries), next to a `baseline` without the SDK. `importTime` is the time `require` or `import()` of a module
 * takes in a new Node process, the median of `runs` processes, next to ethers alone.
 */
export const sdkResultsSchema = z.object({
  ...runSchema,
  /** The bundler and its settings, in a sentence. */
  bundler: z.string(),
  bundles: z
    .array(
      z.object({
        name: z.string(),
        description: z.string(),
        /** The SDK's own code: ethers, zod and Safe's libraries left out of the bundle. */
        sdk: bundleSizeSchema,
        /** The whole bundle, dependencies included. */
        total: bundleSizeSchema,
      }),
    )
    .min(1),
  /** The same bundler's bundle of what every wallet app has without the SDK (ethers' `BrowserProvider`). */
  baseline: z.object({ description: z.string(), total: bundleSizeSchema }),
  importTime: z.object({
    runs: z.number().int().positive(),
    modules: z
      .array(
        z.object({
          module: z.string(),
          system: z.enum(["commonjs", "esm"]),
          medianMs: z.number().nonnegative(),
          minMs: z.number().nonnegative(),
          maxMs: z.number().nonnegative(),
        }),
      )
      .min(1),
  }),
  notes: z.array(z.string()).optional(),
});
export type SdkResults = z.infer<typeof sdkResultsSchema>;

/** Parses a results file's JSON against its schema, naming the file and the wrong fields when it does not fit. */
export function parseResults<T>(schema: z.ZodType<T>, json: unknown, file: string): T {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new Error(`${file} does not have the expected format:\n  ${problems.join("\n  ")}`);
  }
  return parsed.data;
}

/** A timing: the median and range of `runs` measurements, in milliseconds. */
const timingSchema = z.object({
  runs: z.number().int().positive(),
  medianMs: z.number().nonnegative(),
  minMs: z.number().nonnegative(),
  maxMs: z.number().nonnegative(),
});

/**
 * `web.json`: what the web app costs its readers (`npm run bench:web`, bench/web.ts). `pages` is the JavaScript
 * each page loads from the production build (its entry and the chunks it imports), next to the checkout's budget;
 * `checkoutInteractive` is the time from navigation to a checkout ready to pay in headless Chromium;
 * `dashboardLatency` the time from a payment's block to its row in an open dashboard.
 */
export const webResultsSchema = z.object({
  ...runSchema,
  bundler: z.string(),
  pages: z
    .array(
      z.object({
        page: z.string(),
        files: z.array(z.string()).min(1),
        minifiedBytes: count,
        gzipBytes: count,
      }),
    )
    .min(1),
  /** The checkout page's JavaScript budget, gzipped. */
  checkoutBudgetGzipBytes: count,
  checkoutInteractive: timingSchema,
  dashboardLatency: timingSchema.optional(),
  notes: z.array(z.string()).optional(),
});
export type WebResults = z.infer<typeof webResultsSchema>;

/**
 * `cli.json`: how fast the `coffer` command starts (`npm run bench:cli`, bench/cli.ts): `coffer --help`, and one
 * command that reads the chain, each timed from process start to exit over several runs.
 */
export const cliResultsSchema = z.object({
  ...runSchema,
  help: timingSchema,
  command: timingSchema.extend({ command: z.string() }),
  /** The targets these are held to, in milliseconds. */
  targets: z.object({ helpMs: z.number().positive(), commandMs: z.number().positive() }),
  notes: z.array(z.string()).optional(),
});
export type CliResults = z.infer<typeof cliResultsSchema>;

const percentilesSchema = z.object({
  samples: z.number().int().positive(),
  p50Ms: z.number().nonnegative(),
  p95Ms: z.number().nonnegative(),
  maxMs: z.number().nonnegative(),
});

/**
 * `webhooks.json`: how fast the webhook service delivers (`npm run bench:webhooks`, bench/webhooks.ts):
 * `blockToDelivery`, from a payment's block (its receipt) to its verified arrival at a receiver, through the real
 * local chain, indexer and service with 0 confirmations; then per outbox store, against a scripted indexer (the
 * service's own share): `eventToDelivery`, deliveries per second to one fast receiver, and to many endpoints of
 * which some are slow, with how long the fast ones took meanwhile.
 */
export const webhooksResultsSchema = z.object({
  ...runSchema,
  blockToDelivery: percentilesSchema,
  stores: z
    .array(
      z.object({
        store: z.string(),
        eventToDelivery: percentilesSchema,
        oneReceiver: z.object({
          deliveries: count,
          seconds: z.number().positive(),
          perSecond: z.number().nonnegative(),
        }),
        manyEndpoints: z.object({
          endpoints: count,
          slowEndpoints: count,
          slowResponseMs: z.number().nonnegative(),
          deliveries: count,
          seconds: z.number().positive(),
          perSecond: z.number().nonnegative(),
          /** When the last of the fast endpoints had every event. */
          fastEndpointsSeconds: z.number().positive(),
        }),
      }),
    )
    .min(1),
  notes: z.array(z.string()).optional(),
});
export type WebhooksResults = z.infer<typeof webhooksResultsSchema>;

/** File of `npm run bench:indexer-readers` (bench/indexer-readers.ts). */
export const INDEXER_READERS_RESULTS_FILE = "indexer-readers.json";

/**
 * `indexer-readers.json`: one writer (`ponder start`) and readers (`ponder serve`) on one PostgreSQL schema:
 * GraphQL latency (milliseconds) with one and two readers at 10 and 50 connections, and block to visible on a
 * reader (from a mint's receipt to its row answering), idle and with 50 connections of queries on the readers.
 */
export const indexerReadersResultsSchema = z.object({
  ...runSchema,
  /** The chain's head when the readers started. */
  head: count,
  latency: z
    .array(
      z.object({
        /** 0: the writer served the queries itself. */
        readers: count,
        connections: z.number().int().positive(),
        requests: count,
        requestsPerSecond: z.number().nonnegative(),
        p50Ms: z.number().nonnegative(),
        p95Ms: z.number().nonnegative(),
        p99Ms: z.number().nonnegative(),
      }),
    )
    .min(1),
  blockToVisible: z.object({
    idle: percentilesSchema,
    underLoad: percentilesSchema.extend({ connections: z.number().int().positive(), requests: count }),
    /** On the writer while the storm hits the writer (no readers in the way): the set-up before readers. */
    writerUnderLoad: percentilesSchema.extend({ connections: z.number().int().positive(), requests: count }).optional(),
  }),
  notes: z.array(z.string()).optional(),
});
export type IndexerReadersResults = z.infer<typeof indexerReadersResultsSchema>;
const requestLatencySchema = z.object({
  p50Ms: z.number().nonnegative(),
  p99Ms: z.number().nonnegative(),
  samples: z.number().int().positive(),
});

/**
 * `channels.json`: payment channels and pay-per-request (`npm run bench:channels`, bench/channels.ts): the gas of
 * each operation beside x402 `exact` and a raw transfer, and per paid request at several channel lengths; vouchers
 * verified per second on one core; a client paying many requests to a local API, with the latency the paywall adds.
 */
export const channelsResultsSchema = z.object({
  ...runSchema,
  gas: z.object({
    open: count,
    redeem: count,
    close: count,
    redeemManyPerChannel: z.number().positive(),
    exactPerRequest: count,
    rawTransfer: count,
    perRequest: z.array(z.object({ requests: count, redemptions: count, gasPerRequest: z.number().positive() })).min(1),
  }),
  verification: z.object({ signaturesPerSecond: z.number().positive(), decisionsPerSecond: z.number().positive() }),
  endToEnd: z.object({
    requests: count,
    seconds: z.number().positive(),
    payerTransactions: count,
    redemptions: count,
    accepted: z.string(),
    paidLatency: requestLatencySchema,
    freeLatency: requestLatencySchema,
  }),
  notes: z.array(z.string()).optional(),
});
export type ChannelsResults = z.infer<typeof channelsResultsSchema>;
