/**
 * The benchmark report: reads `bench/results/gas.json` (written by `npm run bench`) and, when present,
 * `bench/results/indexer.json` (written by the indexer benchmark) and `bench/results/sdk.json` (written by
 * `npm run bench:sdk`), and writes `bench/results/README.md` with its
 * SVG charts next to it. `npm run bench` runs it at the end; `npm run bench:report` runs it alone, e.g. after the
 * indexer benchmark has written its file.
 */
import fs from "node:fs";
import path from "node:path";
import {
  GAS_RESULTS_FILE,
  INDEXER_RESULTS_FILE,
  RESULTS_DIR,
  SDK_RESULTS_FILE,
  gasResultsSchema,
  indexerResultsSchema,
  parseResults,
  sdkResultsSchema,
  webResultsSchema,
  WEB_RESULTS_FILE,
  type WebResults,
  type Figure,
  type GasResults,
  type IndexerResults,
  type Point,
  type SdkResults,
} from "./results";
import { OPTIONAL_SECTIONS, runLine } from "./report-sections";
import { formatNumber, lineChart } from "./svg";

export const REPORT_FILE = "README.md";
export const CHARTS = {
  perRecipient: "gas-per-recipient.svg",
  perCharge: "gas-per-charge.svg",
  indexerBackfill: "indexer-backfill.svg",
  indexerBackfillRate: "indexer-backfill-rate.svg",
} as const;

/** The order and titles of the operation groups, by name prefix. */
const GROUPS: readonly (readonly [prefix: string, title: string])[] = [
  ["baseline.", "Baselines"],
  ["escrow.", "Checkout and escrow"],
  ["subscriptions.", "Subscriptions"],
  ["treasury.", "Treasury module"],
  ["splits.", "Revenue splits"],
  ["channels.", "Payment channels"],
];

/** Gas, with thousands separators. */
const gas = (value: number): string => formatNumber(Math.round(value));

/** A ratio to the raw transfer, e.g. `2.45×`. */
export const ratio = (value: number): string => `${value.toFixed(2)}×`;

/** US dollars, with two significant digits below one dollar (fees are fractions of a cent). */
export function usd(value: number): string {
  if (value === 0) return "$0";
  if (value >= 1) return `$${value.toFixed(2)}`;
  const decimals = Math.min(10, Math.max(2, 1 - Math.floor(Math.log10(value))));
  return `$${value.toFixed(decimals)}`;
}

/** A Markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], alignRight = true): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  const rule = header.map((_, i) => (i === 0 || !alignRight ? "---" : "---:"));
  return [line(header), line(rule), ...rows.map(line)].join("\n");
}

/** A figure's name, with what a per-item figure divides by. */
function operationLabel(name: string, figure: Figure): string {
  return figure.per > 1 ? `\`${name}\` (÷ ${figure.per})` : `\`${name}\``;
}

/** The fee of a scenario in US dollars, divided by `per`. */
function feeUsd(figure: Figure, scenario: string, per = 1): number {
  const fee = figure.l1.fees[scenario];
  if (fee === undefined) throw new Error(`No L1 fee for the scenario "${scenario}"`);
  return fee.fjordUsd / per;
}

function gasSection(results: GasResults): string[] {
  const names = Object.keys(results.operations);
  const out = [
    "## Gas per operation",
    "",
    `Each figure is the total gas of one transaction (intrinsic cost and calldata included) on ${results.chain}, ` +
      `divided by the items it covers where the name says so (÷ n), next to its ratio to the raw ERC-20 transfer of ` +
      `the same run (\`${results.baseline.operation}\`, ${gas(results.baseline.gas)} gas). The names are the keys of ` +
      "`bench/gas-snapshot.json`, which `npm test` checks.",
    "",
  ];
  const grouped = new Set<string>();
  for (const [prefix, title] of GROUPS) {
    const inGroup = names.filter((name) => name.startsWith(prefix));
    if (inGroup.length === 0) continue;
    inGroup.forEach((name) => grouped.add(name));
    out.push(`### ${title}`, "");
    out.push(
      table(
        ["operation", "gas", "× raw transfer"],
        inGroup.map((name) => {
          const figure = results.operations[name]!;
          return [operationLabel(name, figure), gas(figure.gas), ratio(figure.ratio)];
        }),
      ),
      "",
    );
  }
  const others = names.filter((name) => !grouped.has(name));
  if (others.length > 0) {
    out.push("### Other", "");
    out.push(
      table(
        ["operation", "gas", "× raw transfer"],
        others.map((name) => {
          const figure = results.operations[name]!;
          return [operationLabel(name, figure), gas(figure.gas), ratio(figure.ratio)];
        }),
      ),
      "",
    );
  }
  return out;
}

function l2Section(results: GasResults): string[] {
  const { l1Fee } = results;
  const scenarios = l1Fee.scenarios.map((s) => s.name);
  const out = [
    "## L2 cost: calldata and L1 data fee on an OP-stack chain",
    "",
    `The bytes of each operation's transaction and the L1 data fee an OP-stack chain (OP Mainnet, Base, …) would ` +
      `charge for it, estimated from ${l1Fee.transactions}. The fee is the whole transaction's (a per-item figure's ` +
      "transaction covers n items); the L2 execution fee (gas × L2 gas price) comes on top.",
    "",
    table(
      [
        "operation",
        "calldata bytes",
        "signed tx bytes",
        "FastLZ bytes",
        ...scenarios.map((s) => `L1 fee, ${s}`),
        ...scenarios.map((s) => `per item, ${s}`),
      ],
      Object.entries(results.operations).map(([name, figure]) => [
        operationLabel(name, figure),
        formatNumber(figure.calldataBytes),
        formatNumber(figure.l1.signedTxBytes),
        formatNumber(figure.l1.fastLzBytes),
        ...scenarios.map((s) => usd(feeUsd(figure, s))),
        ...scenarios.map((s) => (figure.per > 1 ? usd(feeUsd(figure, s, figure.per)) : "")),
      ]),
    ),
    "",
    "### Formula and assumptions",
    "",
    "Fjord's formula (the one in force on OP-stack chains), on the FastLZ-compressed size of the signed transaction:",
    "",
    "```",
    l1Fee.formula,
    "```",
    "",
    `Constants of the protocol: intercept = ${formatNumber(l1Fee.constants.costIntercept)}, fastlzCoef = ` +
      `${formatNumber(l1Fee.constants.costFastlzCoef)} (both scaled by 1e6), minTransactionSize = ` +
      `${l1Fee.constants.minTransactionSize} bytes. FastLZ sizes are computed as the OP clients compute them ` +
      "(`bench/l1-fee.ts`, checked against their test vectors). The prices and scalars below are **assumptions**, " +
      `not market data; fees in US dollars assume **1 ETH = $${formatNumber(l1Fee.ethUsd)}**.`,
    "",
    table(
      ["scenario", "l1BaseFee (wei)", "blobBaseFee (wei)", "baseFeeScalar", "blobBaseFeeScalar", "meaning"],
      l1Fee.scenarios.map((s) => [
        s.name,
        formatNumber(Number(s.l1BaseFeeWei)),
        formatNumber(Number(s.blobBaseFeeWei)),
        formatNumber(s.baseFeeScalar),
        formatNumber(s.blobBaseFeeScalar),
        s.description,
      ]),
      false,
    ),
    "",
    "`gas.json` also holds each fee in wei and the Ecotone estimate (4 gas per zero byte, 16 per non-zero byte) " +
      "for comparison.",
    "",
  ];
  return out;
}

function scalingSection(results: GasResults): string[] {
  const { push, pull } = results.scaling.splits;
  const busy = results.l1Fee.scenarios[results.l1Fee.scenarios.length - 1]?.name;
  const counts = [...new Set([...push, ...pull].map((p) => p.count))].sort((a, b) => a - b);
  const at = (series: readonly Point[], count: number): Point | undefined => series.find((p) => p.count === count);
  const cells = (point: Point | undefined): string[] =>
    point === undefined
      ? ["", "", ""]
      : [gas(point.gas), ratio(point.ratio), busy === undefined ? "" : usd(feeUsd(point, busy, point.count))];
  const charge = results.operations["subscriptions.charge"];
  return [
    "## Scaling",
    "",
    "Measured fresh on every run, on the same chain as the figures above.",
    "",
    "### Split distribution: gas per recipient",
    "",
    "One `distribute` of a 6-decimal token, its total gas divided by the number of recipients. Push: every " +
      "recipient is paid in the transaction (recipients already hold the token). Pull-only: every recipient is " +
      "credited, on a repeat distribution (recipients already have a credit). Each size is a new split with new " +
      "recipients; the largest is the mode's maximum.",
    "",
    `![Gas per recipient of a split distribution](${CHARTS.perRecipient})`,
    "",
    table(
      [
        "recipients",
        "push gas / recipient",
        "× raw transfer",
        `push L1 fee / recipient${busy ? `, ${busy}` : ""}`,
        "pull gas / recipient",
        "× raw transfer",
        `pull L1 fee / recipient${busy ? `, ${busy}` : ""}`,
      ],
      counts.map((count) => [formatNumber(count), ...cells(at(push, count)), ...cells(at(pull, count))]),
    ),
    "",
    "### `chargeMany`: gas per charge against the batch size",
    "",
    "One `chargeMany` of n due subscriptions (each its second charge, 6-decimal token, finite allowances), its " +
      "total gas and that divided by n" +
      (charge ? `, next to \`subscriptions.charge\` (one charge per transaction, ${gas(charge.gas)} gas).` : "."),
    "",
    `![Gas per charge in a chargeMany batch](${CHARTS.perCharge})`,
    "",
    table(
      [
        "batch size",
        "total gas",
        "gas / charge",
        "× raw transfer",
        "calldata bytes",
        `L1 fee / charge${busy ? `, ${busy}` : ""}`,
      ],
      results.scaling.chargeMany.map((point) => [
        formatNumber(point.count),
        gas(point.totalGas),
        gas(point.gas),
        ratio(point.ratio),
        formatNumber(point.calldataBytes),
        busy === undefined ? "" : usd(feeUsd(point, busy, point.count)),
      ]),
    ),
    "",
  ];
}

function indexerSection(indexer: IndexerResults | null): string[] {
  const out = ["## Indexer (PostgreSQL)", ""];
  if (indexer === null) {
    out.push(
      `_Not measured yet._ The indexer benchmark (\`bench/indexer.ts\`) writes \`${INDEXER_RESULTS_FILE}\` next to ` +
        "this report (its format is `indexerResultsSchema` in `bench/results.ts`: backfill events per second, " +
        "backfill time against the number of events from 1,000 to 50,000, lag p50/p95, GraphQL latency p50/p99 at " +
        "1 and 10 connections; `writeIndexerResults` in `bench/report.ts` checks and writes it); the report then " +
        "adds its tables here and the chart " +
        `\`${CHARTS.indexerBackfill}\` (backfill time against events).`,
      "",
    );
    return out;
  }
  out.push(
    `Run: ${runLine(indexer)} · ${indexer.database}`,
    "",
    `Backfill: **${formatNumber(indexer.backfill.eventsPerSecond)} events/s**.` +
      (indexer.method?.backfill ? ` ${indexer.method.backfill}` : ""),
    "",
    `![Indexer backfill time against events](${CHARTS.indexerBackfill})`,
    "",
    `![Indexer backfill rate against events](${CHARTS.indexerBackfillRate})`,
    "",
    table(
      ["events", "backfill time (s)", "events / s"],
      [...indexer.backfill.series]
        .sort((a, b) => a.events - b.events)
        .map((p) => [formatNumber(p.events), p.seconds.toFixed(2), formatNumber(p.events / p.seconds)]),
    ),
    "",
    `Lag from a mined block to its events being queryable: p50 ${formatNumber(indexer.lag.p50Ms)} ms, p95 ` +
      `${formatNumber(indexer.lag.p95Ms)} ms (${formatNumber(indexer.lag.samples)} samples).` +
      (indexer.method?.lag ? ` ${indexer.method.lag}` : ""),
    "",
    "GraphQL latency" + (indexer.method?.graphql ? `: ${indexer.method.graphql}` : ":"),
    "",
    table(
      ["connections", "p50 (ms)", "p99 (ms)", "requests / s"],
      indexer.graphql.map((g) => [
        String(g.connections),
        formatNumber(g.p50Ms),
        formatNumber(g.p99Ms),
        g.requestsPerSecond === undefined ? "" : formatNumber(g.requestsPerSecond),
      ]),
    ),
    "",
    ...(indexer.notes ?? []).flatMap((note) => [`- ${note}`]),
    ...(indexer.notes?.length ? [""] : []),
  );
  return out;
}

/** Bytes as KiB with one decimal, e.g. `12.3 KiB`. */
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

/** The SDK's section; none until `npm run bench:sdk` has written `sdk.json`. */
function sdkSection(sdk: SdkResults | null): string[] {
  if (sdk === null) return [];
  const out = ["## SDK: browser bundle size and import time", ""];
  const modules = sdk.importTime.modules;
  const median = (module: string, system: string): number | undefined =>
    modules.find((m) => m.module === module && m.system === system)?.medianMs;
  out.push(
    `Run: ${runLine(sdk)}`,
    "",
    `Each program below is bundled for the browser by ${sdk.bundler}. "SDK alone" is the bundle with ethers, zod ` +
      "and Safe's libraries left out (what the SDK itself adds to an app that already has them); \"with " +
      'dependencies" is the whole bundle. Sizes are minified, and minified then gzipped. For comparison, the baseline ' +
      `(${sdk.baseline.description}) bundles to ${kib(sdk.baseline.total.minifiedBytes)} ` +
      `(${kib(sdk.baseline.total.gzipBytes)} gzipped): "over the baseline" is what the SDK, with the parts of its ` +
      "dependencies that only it needs, adds to an app that already talks to a wallet.",
    "",
    table(
      [
        "program",
        "SDK alone, minified",
        "SDK alone, gzipped",
        "with dependencies, minified",
        "with dependencies, gzipped",
        "over the baseline, gzipped",
      ],
      sdk.bundles.map((bundle) => [
        `${bundle.name}: ${bundle.description}`,
        kib(bundle.sdk.minifiedBytes),
        kib(bundle.sdk.gzipBytes),
        kib(bundle.total.minifiedBytes),
        kib(bundle.total.gzipBytes),
        `+${kib(bundle.total.gzipBytes - sdk.baseline.total.gzipBytes)}`,
      ]),
    ),
    "",
    `Import time in Node: the time \`require(…)\` (CommonJS) or \`await import(…)\` (ESM) of the module takes in a ` +
      `new Node process, measured inside it; median (min–max) of ${sdk.importTime.runs} processes. The SDK's ` +
      "figure includes loading ethers, which it imports.",
    "",
    table(
      ["module", "system", "median (ms)", "min–max (ms)", "over ethers alone (ms)"],
      modules.map((m) => {
        const ethers = median("ethers", m.system);
        return [
          `\`${m.module}\``,
          m.system === "esm" ? "ESM" : "CommonJS",
          m.medianMs.toFixed(1),
          `${m.minMs.toFixed(1)}–${m.maxMs.toFixed(1)}`,
          m.module === "ethers" || ethers === undefined ? "" : `+${(m.medianMs - ethers).toFixed(1)}`,
        ];
      }),
    ),
    "",
    ...(sdk.notes ?? []).map((note) => `- ${note}`),
    ...(sdk.notes?.length ? [""] : []),
  );
  return out;
}

/** The web app's section; none until `npm run bench:web` has written `web.json`. */
function webSection(web: WebResults | null): string[] {
  if (web === null) return [];
  const timing = (t: { medianMs: number; minMs: number; maxMs: number; runs: number }) =>
    `${t.medianMs.toFixed(0)} ms (${t.minMs.toFixed(0)}–${t.maxMs.toFixed(0)}, median of ${t.runs})`;
  const checkout = web.pages.find((page) => page.page === "checkout");
  return [
    "## Web app",
    "",
    `Run: ${runLine(web)}`,
    "",
    `JavaScript each page of the production build loads (its entry and every chunk it imports), built by ${web.bundler}; ` +
      `the checkout's budget is ${(web.checkoutBudgetGzipBytes / 1000).toFixed(0)} kB (${kib(web.checkoutBudgetGzipBytes)}) gzipped` +
      (checkout
        ? ` and it uses ${((100 * checkout.gzipBytes) / web.checkoutBudgetGzipBytes).toFixed(0)}% of it.`
        : "."),
    "",
    "| page | minified | gzipped | files |",
    "| --- | ---: | ---: | ---: |",
    ...web.pages.map(
      (page) => `| ${page.page} | ${kib(page.minifiedBytes)} | ${kib(page.gzipBytes)} | ${page.files.length} |`,
    ),
    "",
    `- From navigation to an interactive checkout (an invoice shown, its wallet buttons ready) in headless Chromium: ${timing(web.checkoutInteractive)}.`,
    ...(web.dashboardLatency
      ? [`- From a payment's block to its row in an open merchant dashboard: ${timing(web.dashboardLatency)}.`]
      : []),
    ...(web.notes ?? []).map((note) => `- ${note}`),
    "",
  ];
}

/** The report and its charts (file name → SVG) from the results. */
export function renderReport(
  gasResults: GasResults,
  indexer: IndexerResults | null,
  sdk: SdkResults | null = null,
  web: WebResults | null = null,
  /** Lines of the sections `OPTIONAL_SECTIONS` rendered from their files. */
  more: readonly string[] = [],
): { markdown: string; charts: Record<string, string> } {
  const raw = gasResults.baseline.gas;
  const { push, pull } = gasResults.scaling.splits;
  const allCounts = [...push, ...pull].map((p) => p.count);
  const charts: Record<string, string> = {
    [CHARTS.perRecipient]: lineChart({
      title: "Split distribution: gas per recipient",
      xLabel: "recipients",
      yLabel: "gas per recipient",
      xScale: "log",
      series: [
        { name: "push", points: push.map((p) => ({ x: p.count, y: p.gas })) },
        { name: "pull-only", points: pull.map((p) => ({ x: p.count, y: p.gas })) },
        {
          name: "raw ERC-20 transfer",
          points: [Math.min(...allCounts), Math.max(...allCounts)].map((x) => ({ x, y: raw })),
          reference: true,
        },
      ],
    }),
  };
  const batches = gasResults.scaling.chargeMany;
  const single = gasResults.operations["subscriptions.charge"];
  charts[CHARTS.perCharge] = lineChart({
    title: "chargeMany: gas per charge",
    xLabel: "batch size",
    yLabel: "gas per charge",
    xScale: "log",
    series: [
      { name: "chargeMany", points: batches.map((p) => ({ x: p.count, y: p.gas })) },
      ...(single === undefined
        ? []
        : [
            {
              name: "charge (one per tx)",
              points: batches.map((p) => ({ x: p.count, y: single.gas })),
              reference: true,
            },
          ]),
      { name: "raw ERC-20 transfer", points: batches.map((p) => ({ x: p.count, y: raw })), reference: true },
    ],
  });
  if (indexer !== null) {
    charts[CHARTS.indexerBackfill] = lineChart({
      title: "Indexer backfill time (PostgreSQL)",
      xLabel: "events",
      yLabel: "seconds",
      xScale: "linear",
      series: [{ name: "backfill", points: indexer.backfill.series.map((p) => ({ x: p.events, y: p.seconds })) }],
    });
    charts[CHARTS.indexerBackfillRate] = lineChart({
      title: "Indexer backfill rate (PostgreSQL)",
      xLabel: "events",
      yLabel: "events / s",
      xScale: "linear",
      series: [
        {
          name: "backfill rate",
          points: [...indexer.backfill.series]
            .sort((a, b) => a.events - b.events)
            .map((p) => ({ x: p.events, y: Math.round(p.events / p.seconds) })),
        },
      ],
    });
  }
  const markdown = [
    "# Coffer benchmarks",
    "",
    "<!-- Written by bench/report.ts from gas.json, indexer.json, sdk.json and web.json: edit those scripts, not this file. -->",
    "",
    "`npm run bench` measures every figure below on a fresh local chain and writes `gas.json` and this report; " +
      "the indexer benchmark writes `indexer.json`, which `npm run bench:report` (or `writeIndexerResults` of `bench/report.ts`) merges in; " +
      "`npm run bench:sdk` writes `sdk.json` and `npm run bench:web` writes `web.json`, merged in the same way.",
    "",
    `Gas run: ${runLine(gasResults)}`,
    "",
    ...gasSection(gasResults),
    ...scalingSection(gasResults),
    ...l2Section(gasResults),
    ...indexerSection(indexer),
    ...sdkSection(sdk),
    ...webSection(web),
    ...more,
  ].join("\n");
  return { markdown: markdown.replace(/\n+$/, "") + "\n", charts };
}

/** Reads the results in `dir` and writes the report and its charts there; returns the files written. */
export function writeReport(dir: string = RESULTS_DIR): string[] {
  const read = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
  const gasResults = parseResults(gasResultsSchema, read(GAS_RESULTS_FILE), GAS_RESULTS_FILE);
  const indexer = fs.existsSync(path.join(dir, INDEXER_RESULTS_FILE))
    ? parseResults(indexerResultsSchema, read(INDEXER_RESULTS_FILE), INDEXER_RESULTS_FILE)
    : null;
  const sdk = fs.existsSync(path.join(dir, SDK_RESULTS_FILE))
    ? parseResults(sdkResultsSchema, read(SDK_RESULTS_FILE), SDK_RESULTS_FILE)
    : null;
  const web = fs.existsSync(path.join(dir, WEB_RESULTS_FILE))
    ? parseResults(webResultsSchema, read(WEB_RESULTS_FILE), WEB_RESULTS_FILE)
    : null;
  const sectionCharts: Record<string, string> = {};
  const more = OPTIONAL_SECTIONS.flatMap((section) => {
    if (!fs.existsSync(path.join(dir, section.file))) {
      // A chart of figures no longer present would be stale.
      for (const chart of section.charts ?? []) fs.rmSync(path.join(dir, chart.file), { force: true });
      return [];
    }
    const results = parseResults(section.schema, read(section.file), section.file);
    for (const chart of section.charts ?? []) sectionCharts[chart.file] = chart.render(results);
    return section.render(results);
  });
  const rendered = renderReport(gasResults, indexer, sdk, web, more);
  const { markdown } = rendered;
  const charts = { ...rendered.charts, ...sectionCharts };
  const written: string[] = [];
  for (const [file, svg] of Object.entries(charts)) {
    fs.writeFileSync(path.join(dir, file), svg);
    written.push(file);
  }
  // A chart of figures no longer present would be stale.
  if (indexer === null) {
    for (const chart of [CHARTS.indexerBackfill, CHARTS.indexerBackfillRate]) {
      fs.rmSync(path.join(dir, chart), { force: true });
    }
  }
  fs.writeFileSync(path.join(dir, REPORT_FILE), markdown);
  written.push(REPORT_FILE);
  return written;
}

/**
 * For the indexer benchmark: checks its figures against the format, writes `indexer.json` into `dir` and
 * rewrites the report (which needs `gas.json` there: run `npm run bench` first). Returns the files written.
 */
export function writeIndexerResults(results: IndexerResults, dir: string = RESULTS_DIR): string[] {
  const checked = parseResults(indexerResultsSchema, results, INDEXER_RESULTS_FILE);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, INDEXER_RESULTS_FILE), JSON.stringify(checked, null, 2) + "\n");
  return [INDEXER_RESULTS_FILE, ...writeReport(dir)];
}

/**
 * For the SDK's benchmark: checks its figures against the format, writes `sdk.json` into `dir` and rewrites the
 * report (which needs `gas.json` there). Returns the files written.
 */
export function writeSdkResults(results: SdkResults, dir: string = RESULTS_DIR): string[] {
  const checked = parseResults(sdkResultsSchema, results, SDK_RESULTS_FILE);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, SDK_RESULTS_FILE), JSON.stringify(checked, null, 2) + "\n");
  return [SDK_RESULTS_FILE, ...writeReport(dir)];
}

/**
 * For the web app's benchmark: checks its figures against the format, writes `web.json` into `dir` and rewrites
 * the report (which needs `gas.json` there). Returns the files written.
 */
export function writeWebResults(results: WebResults, dir: string = RESULTS_DIR): string[] {
  const checked = parseResults(webResultsSchema, results, WEB_RESULTS_FILE);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, WEB_RESULTS_FILE), JSON.stringify(checked, null, 2) + "\n");
  return [WEB_RESULTS_FILE, ...writeReport(dir)];
}

/**
 * For a benchmark with an optional section (`cli.json`, `webhooks.json`): checks its figures against the format,
 * writes the file into `dir` and rewrites the report (which needs `gas.json` there). Returns the files written.
 */
export function writeSectionResults(file: string, results: unknown, dir: string = RESULTS_DIR): string[] {
  const section = OPTIONAL_SECTIONS.find((entry) => entry.file === file);
  if (section === undefined) throw new Error(`${file} is not a results file of the report`);
  const checked = parseResults(section.schema, results, file);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, file), JSON.stringify(checked, null, 2) + "\n");
  return [file, ...writeReport(dir)];
}

if (require.main === module) {
  try {
    const dir = process.argv[2] ?? RESULTS_DIR;
    const written = writeReport(dir);
    console.log(`Wrote ${written.map((file) => path.relative(process.cwd(), path.join(dir, file))).join(", ")}`);
  } catch (error: unknown) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
