import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { CHARTS, renderReport, usd, writeIndexerResults, writeReport, writeSdkResults } from "../../bench/report";
import {
  gasResultsSchema,
  indexerResultsSchema,
  parseResults,
  type Figure,
  type GasResults,
  type IndexerResults,
  type Point,
  type SdkResults,
} from "../../bench/results";
import { lineChart, logScale, linearScale, niceTicks } from "../../bench/svg";

const RAW = 34_178;

/** A figure of `gas` (per item when `per` > 1) with an L1 estimate whose busy fee is `busyUsd` for the whole tx. */
function figure(gas: number, per = 1, busyUsd = 0.005): Figure {
  return {
    gas,
    per,
    totalGas: gas * per,
    ratio: Math.round((gas / RAW) * 10_000) / 10_000,
    calldataBytes: 36 + 32 * per,
    l1: {
      signedTxBytes: 150 + 32 * per,
      fastLzBytes: 120 + 20 * per,
      fjordEstimatedBytes: 100,
      fees: {
        quiet: { fjordWei: "14000000000", fjordUsd: busyUsd / 100, ecotoneWei: "1", ecotoneUsd: 0 },
        busy: { fjordWei: "1600000000000", fjordUsd: busyUsd, ecotoneWei: "1", ecotoneUsd: 0 },
      },
    },
  };
}

const point = (count: number, gas: number, busyUsd = 0.01): Point => ({ count, ...figure(gas, count, busyUsd) });

const GAS: GasResults = {
  schema: 1,
  date: "2026-12-01T10:00:00.000Z",
  commit: "0123456789abcdef0123456789abcdef01234567",
  dirty: false,
  machine: { cpu: "Test CPU", cores: 2, os: "Linux 6 (x64)", memoryGiB: 8 },
  versions: { node: "v20.0.0", hardhat: "2.29.1", solc: "0.8.30" },
  chain: "a test chain",
  baseline: { operation: "baseline.erc20.transfer", gas: RAW },
  l1Fee: {
    formula: "l1Fee = estimatedSizeScaled × l1FeeScaled / 1e12",
    constants: { costIntercept: -42_585_600, costFastlzCoef: 836_500, minTransactionSize: 100 },
    scenarios: [
      {
        name: "quiet",
        description: "quiet L1",
        l1BaseFeeWei: "2000000000",
        blobBaseFeeWei: "125000000",
        baseFeeScalar: 1368,
        blobBaseFeeScalar: 810949,
      },
      {
        name: "busy",
        description: "busy L1",
        l1BaseFeeWei: "30000000000",
        blobBaseFeeWei: "20000000000",
        baseFeeScalar: 1368,
        blobBaseFeeScalar: 810949,
      },
    ],
    ethUsd: 3000,
    transactions: "test transactions",
  },
  operations: {
    "baseline.erc20.transfer": figure(RAW),
    "escrow.capture": figure(54_479, 1, 0.0114),
    "subscriptions.charge": figure(66_004),
    "subscriptions.chargeMany50.perSubscription": figure(31_513, 50, 0.018),
  },
  scaling: {
    splits: {
      push: [point(2, 29_388), point(20, 10_576), point(200, 8_696)],
      pull: [point(2, 26_514), point(20, 7_623), point(600, 5_597, 0.66)],
    },
    chargeMany: [point(1, 66_498), point(10, 34_364), point(200, 31_007, 0.07)],
  },
  indexer: { file: "indexer.json", writtenBy: "bench/indexer.ts" },
};

const INDEXER: IndexerResults = {
  schema: 1,
  date: "2026-12-01T11:00:00.000Z",
  commit: "fedcba9876543210fedcba9876543210fedcba98",
  dirty: true,
  machine: { cpu: "Test CPU", cores: 2, os: "Linux 6 (x64)", memoryGiB: 8 },
  versions: { node: "v20.0.0", ponder: "0.16.10" },
  database: "PostgreSQL 15.10",
  backfill: {
    eventsPerSecond: 9_876,
    series: [
      { events: 50_000, seconds: 40 },
      { events: 1_000, seconds: 1.5 },
      { events: 25_000, seconds: 20.25 },
    ],
  },
  lag: { p50Ms: 812, p95Ms: 1_650, samples: 200 },
  graphql: [
    { connections: 1, p50Ms: 12, p99Ms: 31, requestsPerSecond: 80 },
    { connections: 10, p50Ms: 68, p99Ms: 143 },
  ],
};

const SDK: SdkResults = {
  schema: 1,
  date: "2026-12-01T12:00:00.000Z",
  commit: "0011223344556677889900112233445566778899",
  dirty: false,
  machine: { cpu: "Test CPU", cores: 2, os: "Linux 6 (x64)", memoryGiB: 8 },
  versions: { node: "v20.0.0", "@coffer/sdk": "0.1.0", ethers: "6.17.0", vite: "8.4.1" },
  bundler: "Vite 8.4.1 (production build, minified, target es2022)",
  bundles: [
    {
      name: "invoice checkout",
      description: "`payInvoice`",
      sdk: { minifiedBytes: 102_400, gzipBytes: 15_360 },
      total: { minifiedBytes: 409_600, gzipBytes: 122_880 },
    },
  ],
  baseline: { description: "a `BrowserProvider`", total: { minifiedBytes: 256_000, gzipBytes: 92_160 } },
  importTime: {
    runs: 10,
    modules: [
      { module: "ethers", system: "commonjs", medianMs: 170.04, minMs: 160, maxMs: 240 },
      { module: "@coffer/sdk", system: "commonjs", medianMs: 185.5, minMs: 180, maxMs: 220 },
    ],
  },
};

/** The markers of one series of an SVG chart: data values and where they are drawn. */
function markers(svg: string, series: string): { x: number; y: number; cx: number; cy: number }[] {
  const group = svg.split(`<g data-series="${series}">`)[1]?.split("</g>")[0];
  if (group === undefined) throw new Error(`No series "${series}" in the chart`);
  return [...group.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"[^>]*data-x="([\d.]+)" data-y="([\d.]+)"/g)].map(
    (m) => ({ cx: Number(m[1]), cy: Number(m[2]), x: Number(m[3]), y: Number(m[4]) }),
  );
}

/** The labels of a chart's axis ticks, in order. */
function tickLabels(svg: string, anchor: "end" | "middle"): string[] {
  const pattern =
    anchor === "end"
      ? /<text x="[\d.]+" y="[\d.]+" text-anchor="end" dominant-baseline="middle">([^<]+)<\/text>/g
      : /<text x="[\d.]+" y="[\d.]+" text-anchor="middle">([\d,.]+)<\/text>/g;
  return [...svg.matchAll(pattern)].map((m) => m[1]!);
}

describe("benchmark report", function () {
  it("the fixtures have the results files' formats", function () {
    expect(() => parseResults(gasResultsSchema, GAS, "gas.json")).not.to.throw();
    expect(() => parseResults(indexerResultsSchema, INDEXER, "indexer.json")).not.to.throw();
  });

  it("puts every operation's gas and ratio to the raw transfer in the tables", function () {
    const { markdown } = renderReport(GAS, null);
    expect(markdown).to.contain("| `baseline.erc20.transfer` | 34,178 | 1.00× |");
    expect(markdown).to.contain("| `escrow.capture` | 54,479 | 1.59× |");
    expect(markdown).to.contain("| `subscriptions.chargeMany50.perSubscription` (÷ 50) | 31,513 | 0.92× |");
    // L2 table: calldata, signed and compressed sizes, the fee per scenario, and per item for per-item figures.
    expect(markdown).to.contain("| `escrow.capture` | 68 | 182 | 140 | $0.00011 | $0.011 |  |  |");
    expect(markdown).to.contain(
      "| `subscriptions.chargeMany50.perSubscription` (÷ 50) | 1,636 | 1,750 | 1,120 | $0.00018 | $0.018 | $0.0000036 | $0.00036 |",
    );
    expect(markdown).to.contain("1 ETH = $3,000");
    expect(markdown).to.contain("| busy | 30,000,000,000 | 20,000,000,000 | 1,368 | 810,949 | busy L1 |");
  });

  it("tabulates the scaling series, push and pull side by side, and chargeMany's total and per charge", function () {
    const { markdown } = renderReport(GAS, null);
    expect(markdown).to.contain("| 2 | 29,388 | 0.86× | $0.0050 | 26,514 | 0.78× | $0.0050 |");
    expect(markdown).to.contain("| 600 |  |  |  | 5,597 | 0.16× | $0.0011 |");
    expect(markdown).to.contain("| 200 | 6,201,400 | 31,007 | 0.91× | 6,436 | $0.00035 |");
    expect(markdown).to.contain(`![Gas per recipient of a split distribution](${CHARTS.perRecipient})`);
    expect(markdown).to.contain(`![Gas per charge in a chargeMany batch](${CHARTS.perCharge})`);
  });

  it("draws gas per recipient on a log x axis and a y axis from 0 to a round value above every figure", function () {
    const svg = renderReport(GAS, null).charts[CHARTS.perRecipient]!;
    // The raw transfer (34,178) is the highest line: the y axis ends at 40,000.
    expect(tickLabels(svg, "end")).to.deep.equal(["0", "10,000", "20,000", "30,000", "40,000"]);
    expect(tickLabels(svg, "middle")).to.deep.equal(["2", "20", "200", "600"]);
    // Plot area: x from 80 to 550, y from 340 (0 gas) up to 40 (40,000 gas).
    const push = markers(svg, "push");
    expect(push.map((m) => [m.x, m.y])).to.deep.equal([
      [2, 29_388],
      [20, 10_576],
      [200, 8_696],
    ]);
    expect(push[0]!.cx).to.equal(80);
    expect(push[0]!.cy).to.be.closeTo(340 - (29_388 / 40_000) * 300, 0.05);
    expect(push[1]!.cx).to.be.closeTo(80 + (Math.log10(10) / Math.log10(300)) * 470, 0.05);
    expect(markers(svg, "pull-only").at(-1)).to.deep.include({ x: 600, y: 5_597, cx: 550 });
    // The raw transfer is a dashed reference line without markers.
    expect(svg).to.match(/<g data-series="raw ERC-20 transfer">\s*<polyline [^>]*stroke-dasharray/);
    expect(markers(svg, "raw ERC-20 transfer")).to.deep.equal([]);
  });

  it("draws gas per charge against the batch size, with the single charge for comparison", function () {
    const svg = renderReport(GAS, null).charts[CHARTS.perCharge]!;
    expect(tickLabels(svg, "end")).to.deep.equal(["0", "20,000", "40,000", "60,000", "80,000"]);
    const batch = markers(svg, "chargeMany");
    expect(batch.map((m) => m.y)).to.deep.equal([66_498, 34_364, 31_007]);
    expect(batch[2]!.cy).to.be.closeTo(340 - (31_007 / 80_000) * 300, 0.05);
    expect(svg).to.contain('<g data-series="charge (one per tx)">');
  });

  it("leaves a marked place for the indexer's figures until indexer.json exists", function () {
    const { markdown, charts } = renderReport(GAS, null);
    expect(markdown).to.contain("## Indexer (PostgreSQL)\n\n_Not measured yet._");
    expect(charts).not.to.have.property(CHARTS.indexerBackfill);
  });

  it("merges indexer.json: backfill table and chart, lag, GraphQL latency at each connection count", function () {
    const { markdown, charts } = renderReport(GAS, INDEXER);
    expect(markdown).not.to.contain("_Not measured yet._");
    expect(markdown).to.contain("PostgreSQL 15.10");
    expect(markdown).to.contain("Backfill: **9,876 events/s**.");
    expect(markdown).to.contain("| 1,000 | 1.50 | 667 |\n| 25,000 | 20.25 | 1,235 |\n| 50,000 | 40.00 | 1,250 |");
    expect(markdown).to.contain("p50 812 ms, p95 1,650 ms (200 samples)");
    expect(markdown).to.contain("| 1 | 12 | 31 | 80 |\n| 10 | 68 | 143 |  |");
    expect(markdown).to.contain(`![Indexer backfill time against events](${CHARTS.indexerBackfill})`);
    const svg = charts[CHARTS.indexerBackfill]!;
    // Linear x from 0 to 50,000 events, y from 0 to 40 s.
    expect(tickLabels(svg, "middle")).to.deep.equal(["0", "10,000", "20,000", "30,000", "40,000", "50,000"]);
    const backfill = markers(svg, "backfill");
    expect(backfill.map((m) => m.x)).to.deep.equal([1_000, 25_000, 50_000]);
    expect(backfill[1]!.cx).to.be.closeTo(80 + 0.5 * 470, 0.05);
    expect(backfill[2]!.cy).to.equal(40);
    // The same steps as events per second: 1,000 / 1.5 s, 25,000 / 20.25 s, 50,000 / 40 s.
    expect(markdown).to.contain(`![Indexer backfill rate against events](${CHARTS.indexerBackfillRate})`);
    const rate = markers(charts[CHARTS.indexerBackfillRate]!, "backfill rate");
    expect(rate.map((m) => [m.x, m.y])).to.deep.equal([
      [1_000, 667],
      [25_000, 1_235],
      [50_000, 1_250],
    ]);
  });

  it("rejects an indexer.json of the wrong shape, naming the field", function () {
    const wrong = { ...INDEXER, lag: { p50Ms: "fast" } };
    expect(() => parseResults(indexerResultsSchema, wrong, "indexer.json")).to.throw(/indexer\.json[\s\S]*lag\.p50Ms/);
  });

  it("writes the report and charts from the files, and drops a stale indexer chart", function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-report-"));
    try {
      fs.writeFileSync(path.join(dir, "gas.json"), JSON.stringify(GAS));
      fs.writeFileSync(path.join(dir, "indexer.json"), JSON.stringify(INDEXER));
      expect(writeReport(dir)).to.have.members(["README.md", ...Object.values(CHARTS)]);
      expect(fs.readFileSync(path.join(dir, "README.md"), "utf8")).to.contain("9,876 events/s");
      fs.rmSync(path.join(dir, "indexer.json"));
      expect(writeReport(dir)).to.have.members(["README.md", CHARTS.perRecipient, CHARTS.perCharge]);
      expect(fs.existsSync(path.join(dir, CHARTS.indexerBackfill))).to.equal(false);
      expect(fs.existsSync(path.join(dir, CHARTS.indexerBackfillRate))).to.equal(false);
      expect(fs.readFileSync(path.join(dir, "README.md"), "utf8")).to.contain("_Not measured yet._");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("indexer results for the report", function () {
  it("are checked, written as indexer.json and merged into the report at once", function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-report-"));
    try {
      fs.writeFileSync(path.join(dir, "gas.json"), JSON.stringify(GAS));
      expect(() => writeIndexerResults({ ...INDEXER, graphql: [] }, dir)).to.throw(/graphql/);
      expect(fs.existsSync(path.join(dir, "indexer.json"))).to.equal(false);
      expect(writeIndexerResults(INDEXER, dir)).to.include.members([
        "indexer.json",
        "README.md",
        CHARTS.indexerBackfill,
      ]);
      expect(JSON.parse(fs.readFileSync(path.join(dir, "indexer.json"), "utf8"))).to.deep.equal(INDEXER);
      expect(fs.readFileSync(path.join(dir, "README.md"), "utf8")).to.contain("p50 812 ms, p95 1,650 ms");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("SDK results for the report", function () {
  it("are left out of the report until measured", function () {
    expect(renderReport(GAS, INDEXER).markdown).not.to.contain("## SDK");
  });

  it("put the bundle sizes, the baseline and the import times in the report", function () {
    const { markdown } = renderReport(GAS, null, SDK);
    expect(markdown).to.contain("## SDK: browser bundle size and import time");
    expect(markdown).to.contain("the baseline (a `BrowserProvider`) bundles to 250.0 KiB (90.0 KiB gzipped)");
    expect(markdown).to.contain(
      "| invoice checkout: `payInvoice` | 100.0 KiB | 15.0 KiB | 400.0 KiB | 120.0 KiB | +30.0 KiB |",
    );
    expect(markdown).to.contain("| `ethers` | CommonJS | 170.0 | 160.0–240.0 |  |");
    expect(markdown).to.contain("| `@coffer/sdk` | CommonJS | 185.5 | 180.0–220.0 | +15.5 |");
  });

  it("are checked, written as sdk.json and merged into the report at once", function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-report-"));
    try {
      fs.writeFileSync(path.join(dir, "gas.json"), JSON.stringify(GAS));
      expect(() => writeSdkResults({ ...SDK, bundles: [] }, dir)).to.throw(/sdk\.json[\s\S]*bundles/);
      expect(fs.existsSync(path.join(dir, "sdk.json"))).to.equal(false);
      expect(writeSdkResults(SDK, dir)).to.include.members(["sdk.json", "README.md"]);
      expect(JSON.parse(fs.readFileSync(path.join(dir, "sdk.json"), "utf8"))).to.deep.equal(SDK);
      expect(fs.readFileSync(path.join(dir, "README.md"), "utf8")).to.contain("| `@coffer/sdk` | CommonJS | 185.5 |");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("SVG chart scales", function () {
  it("picks round ticks from 0 to at least the maximum", function () {
    expect(niceTicks(29_388)).to.deep.equal([0, 10_000, 20_000, 30_000]);
    expect(niceTicks(12_000)).to.deep.equal([0, 2_500, 5_000, 7_500, 10_000, 12_500]);
    expect(niceTicks(34_178)).to.deep.equal([0, 10_000, 20_000, 30_000, 40_000]);
    expect(niceTicks(50_000)).to.deep.equal([0, 10_000, 20_000, 30_000, 40_000, 50_000]);
    expect(niceTicks(0.7)).to.deep.equal([0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(0)).to.deep.equal([0, 1]);
  });

  it("maps values linearly and logarithmically onto the plot", function () {
    const y = linearScale([0, 40_000], [340, 40]);
    expect(y(0)).to.equal(340);
    expect(y(40_000)).to.equal(40);
    expect(y(10_000)).to.equal(265);
    const x = logScale([2, 200], [80, 550]);
    expect(x(2)).to.equal(80);
    expect(x(200)).to.be.closeTo(550, 1e-9);
    expect(x(20)).to.be.closeTo(315, 1e-9);
    expect(() => logScale([0, 10], [0, 1])).to.throw(/positive/);
  });

  it("escapes names and titles", function () {
    const svg = lineChart({
      title: "a <b> & c",
      xLabel: "x",
      yLabel: "y",
      xScale: "linear",
      series: [{ name: 'say "hi"', points: [{ x: 1, y: 1 }] }],
    });
    expect(svg).to.contain("a &lt;b&gt; &amp; c");
    expect(svg).to.contain('data-series="say &quot;hi&quot;"');
  });

  it("formats fractions of a cent with two significant digits", function () {
    expect(usd(0.0050634)).to.equal("$0.0051");
    expect(usd(0.000044)).to.equal("$0.000044");
    expect(usd(0.62415)).to.equal("$0.62");
    expect(usd(12.345)).to.equal("$12.35");
  });
});
