/**
 * The report's sections for the benchmarks that write their own results file: the CLI's start
 * time (`cli.json`) and the webhook service's delivery (`webhooks.json`). Each is rendered only when its file
 * exists; `writeSectionResults` (bench/report.ts) checks a file against its schema before writing it.
 */
import type { z } from "zod";
import { INDEXER_READERS_RESULTS_FILE, indexerReadersResultsSchema, type IndexerReadersResults } from "./results";
import { INDEXER_SECTIONS } from "./indexer-sections";
import {
  CHANNELS_RESULTS_FILE,
  channelsResultsSchema,
  type ChannelsResults,
  CLI_RESULTS_FILE,
  cliResultsSchema,
  WEBHOOKS_RESULTS_FILE,
  webhooksResultsSchema,
  type CliResults,
  type WebhooksResults,
} from "./results";

/** What every results file says about its run, in one line. */
export function runLine(results: {
  date: string;
  commit: string;
  dirty: boolean;
  machine: { cpu: string; cores: number; memoryGiB: number; os: string };
  versions: Record<string, string>;
}): string {
  const { machine } = results;
  const versions = Object.entries(results.versions)
    .map(([tool, version]) => `${tool} ${version}`)
    .join(", ");
  return (
    `${results.date} · commit \`${results.commit.slice(0, 12)}\`${results.dirty ? " (with uncommitted changes)" : ""}` +
    ` · ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os} · ${versions}`
  );
}

const ms = (value: number) => `${value.toFixed(0)} ms`;
const timing = (t: { medianMs: number; minMs: number; maxMs: number; runs: number }) =>
  `${ms(t.medianMs)} (${t.minMs.toFixed(0)}–${t.maxMs.toFixed(0)}, median of ${t.runs})`;
const percentiles = (p: { p50Ms: number; p95Ms: number; maxMs: number; samples: number }) =>
  `p50 ${ms(p.p50Ms)}, p95 ${ms(p.p95Ms)}, max ${ms(p.maxMs)} (${p.samples} deliveries)`;

function cliSection(cli: CliResults): string[] {
  const verdict = (value: number, target: number) => (value <= target ? "within" : "**over**");
  return [
    "## Command line",
    "",
    `Run: ${runLine(cli)}`,
    "",
    "From process start to exit, as a user runs it (`node bin/coffer.js`, the bundled build):",
    "",
    `- \`coffer --help\`: ${timing(cli.help)}, ${verdict(cli.help.medianMs, cli.targets.helpMs)} the target of ${ms(cli.targets.helpMs)}.`,
    `- \`${cli.command.command}\`: ${timing(cli.command)}, ${verdict(cli.command.medianMs, cli.targets.commandMs)} the target of ${ms(cli.targets.commandMs)}.`,
    ...(cli.notes ?? []).map((note) => `- ${note}`),
    "",
  ];
}

function webhooksSection(webhooks: WebhooksResults): string[] {
  return [
    "## Webhooks",
    "",
    `Run: ${runLine(webhooks)}`,
    "",
    `From a payment's block to its verified arrival at the merchant's receiver, through the local chain, the ` +
      `indexer and the webhook service, with 0 confirmations: ${percentiles(webhooks.blockToDelivery)}.`,
    "",
    "The service's own share, against a scripted indexer, per outbox store:",
    "",
    "| store | event to delivery (p50 / p95) | one fast receiver | endpoints (slow) | all delivered | fast endpoints done |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...webhooks.stores.map((store) => {
      const many = store.manyEndpoints;
      return (
        `| ${store.store} | ${ms(store.eventToDelivery.p50Ms)} / ${ms(store.eventToDelivery.p95Ms)} ` +
        `| ${store.oneReceiver.perSecond.toFixed(0)}/s (${store.oneReceiver.deliveries}) ` +
        `| ${many.endpoints} (${many.slowEndpoints} answer after ${ms(many.slowResponseMs)}) ` +
        `| ${many.deliveries} in ${many.seconds.toFixed(1)} s, ${many.perSecond.toFixed(0)}/s ` +
        `| ${many.fastEndpointsSeconds.toFixed(1)} s |`
      );
    }),
    "",
    ...(webhooks.notes ?? []).map((note) => `- ${note}`),
    "",
  ];
}

function indexerReadersSection(readers: IndexerReadersResults): string[] {
  const { idle, underLoad, writerUnderLoad } = readers.blockToVisible;
  return [
    "## Indexer readers",
    "",
    `Run: ${runLine(readers)}`,
    "",
    "One writer (`ponder start`) and readers (`ponder serve`) on one PostgreSQL schema; GraphQL on the readers only " +
      "(0 readers: on the writer, for comparison):",
    "",
    "| readers | connections | p50 | p95 | p99 | req/s |",
    "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ...readers.latency.map(
      (row) =>
        `| ${row.readers} | ${row.connections} | ${ms(row.p50Ms)} | ${ms(row.p95Ms)} | ${ms(row.p99Ms)} | ${row.requestsPerSecond} |`,
    ),
    "",
    `Block to visible on a reader: idle ${percentiles(idle).replace("deliveries", "blocks")}; with ` +
      `${underLoad.connections} connections of queries on the readers ${percentiles(underLoad).replace("deliveries", "blocks")}` +
      (writerUnderLoad === undefined
        ? "."
        : `; on the writer with ${writerUnderLoad.connections} connections on the writer itself (no readers) ` +
          `${percentiles(writerUnderLoad).replace("deliveries", "blocks")}.`),
    "",
    ...(readers.notes ?? []).map((note) => `- ${note}`),
    "",
  ];
}

function channelsSection(channels: ChannelsResults): string[] {
  const { gas, verification, endToEnd } = channels;
  const n = (value: number) => Math.round(value).toLocaleString("en-US");
  const latency = (l: { p50Ms: number; p99Ms: number; samples: number }) =>
    `p50 ${l.p50Ms.toFixed(1)} ms, p99 ${l.p99Ms.toFixed(1)} ms (${l.samples} requests)`;
  return [
    "## Payment channels and pay-per-request",
    "",
    `Run: ${runLine(channels)}`,
    "",
    "Gas on a local chain, each beside the raw ERC-20 transfer of the same run " +
      `(${n(gas.rawTransfer)} gas) and an x402 \`exact\` settlement (one EIP-3009 transfer per request, ` +
      `${n(gas.exactPerRequest)} gas):`,
    "",
    "| operation | gas | × raw transfer |",
    "| --- | ---: | ---: |",
    ...(
      [
        ["open a channel (the deposit)", gas.open],
        ["redeem a voucher", gas.redeem],
        ["close with a last voucher", gas.close],
        ["redeem in a batch of 10, per channel", gas.redeemManyPerChannel],
      ] as const
    ).map(([name, value]) => `| ${name} | ${n(value)} | ${(value / gas.rawTransfer).toFixed(2)}× |`),
    "",
    "Gas per paid request (one deposit, a redemption every 2,000 requests, the last by the payee's close):",
    "",
    "| requests per channel | redemptions | gas per request | × `exact` |",
    "| ---: | ---: | ---: | ---: |",
    ...gas.perRequest.map(
      (row) =>
        `| ${n(row.requests)} | ${row.redemptions} | ${row.gasPerRequest.toFixed(1)} | ` +
        `${(row.gasPerRequest / gas.exactPerRequest).toFixed(3)}× |`,
    ),
    "",
    `Vouchers verified per second on one core: ${n(verification.signaturesPerSecond)} signature checks; ` +
      `${n(verification.decisionsPerSecond)} whole paywall decisions (decode, checks, signature, store).`,
    "",
    `End to end: ${n(endToEnd.requests)} paid requests to a local API in ${endToEnd.seconds.toFixed(1)} s, with ` +
      `${endToEnd.payerTransactions} transactions by the payer (approval and deposit) and ${endToEnd.redemptions} ` +
      `redemptions by the payee. Latency with the paywall: ${latency(endToEnd.paidLatency)}; the same route ` +
      `without it: ${latency(endToEnd.freeLatency)}.`,
    "",
    ...(channels.notes ?? []).map((note) => `- ${note}`),
    "",
  ];
}

/** A chart of a section: its file (an SVG beside the report) and how it is drawn from the section's results. */
export interface SectionChart<T> {
  readonly file: string;
  render(results: T): string;
}

/** A section rendered from its own results file, with its charts if it has any. */
export interface OptionalSection<T> {
  readonly file: string;
  readonly schema: z.ZodType<T>;
  render(results: T): string[];
  readonly charts?: readonly SectionChart<T>[];
}

function section<T>(file: string, schema: z.ZodType<T>, render: (results: T) => string[]): OptionalSection<unknown> {
  return { file, schema, render: (results) => render(results as T) } as OptionalSection<unknown>;
}

/** The optional sections, in report order (after the web app's). */
export const OPTIONAL_SECTIONS: readonly OptionalSection<unknown>[] = [
  section(CLI_RESULTS_FILE, cliResultsSchema, cliSection),
  section(WEBHOOKS_RESULTS_FILE, webhooksResultsSchema, webhooksSection),
  section(INDEXER_READERS_RESULTS_FILE, indexerReadersResultsSchema, indexerReadersSection),
  section(CHANNELS_RESULTS_FILE, channelsResultsSchema, channelsSection),
  ...INDEXER_SECTIONS,
];
