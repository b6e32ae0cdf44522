import { expect } from "chai";
import { handlerFigures, parseMetrics } from "../../bench/indexer-handlers";
import { DEFAULT_ROUND, scaledRound } from "../../bench/indexer/mixed";
import { indexerHandlersSchema, indexerScaleSchema, INDEXER_SECTIONS } from "../../bench/indexer-sections";

/** A few lines of Ponder's `/metrics`, as its Prometheus registry writes them. */
const METRICS = `# HELP ponder_indexing_function_duration Duration of indexing function execution
# TYPE ponder_indexing_function_duration histogram
ponder_indexing_function_duration_bucket{le="1",chain="chain31337",event="Token:Transfer"} 3
ponder_indexing_function_duration_sum{chain="chain31337",event="Token:Transfer"} 1.5
ponder_indexing_function_duration_count{chain="chain31337",event="Token:Transfer"} 3
ponder_indexing_function_duration_sum{chain="chain31337",event="CofferEscrow:PaymentCharged"} 2.5
ponder_indexing_function_duration_count{chain="chain31337",event="CofferEscrow:PaymentCharged"} 1
ponder_indexing_store_queries_total{table="activity",method="insert"} 6
ponder_indexing_store_queries_total{table="payment",method="find"} 2
`;

describe("bench: the indexer's handler figures from Ponder's /metrics", function () {
  it("parses samples with their labels and skips comments", function () {
    const samples = parseMetrics(METRICS);
    expect(samples).to.have.length(7);
    expect(samples[0]).to.deep.equal({
      name: "ponder_indexing_function_duration_bucket",
      labels: { le: "1", chain: "chain31337", event: "Token:Transfer" },
      value: 3,
    });
  });

  it("sums handler calls and time (ms) over event types, and store operations over tables", function () {
    const figures = handlerFigures(METRICS);
    expect(figures.events).to.equal(4);
    expect(figures.handlerSeconds).to.equal(0.004);
    expect(figures.eventsPerSecond).to.equal(1000);
    expect(figures.storeOperations).to.equal(8);
    expect(figures.storeOperationsPerEvent).to.equal(2);
    expect(figures.byEvent["Token:Transfer"]).to.deep.equal({ count: 3, meanMs: 0.5 });
    expect(figures.storeByTable).to.deep.equal({ "activity.insert": 6, "payment.find": 2 });
  });

  it("renders both report sections from results that match their schemas", function () {
    const run = {
      date: "2026-12-05T00:00:00.000Z",
      commit: "0123456789abcdef",
      dirty: false,
      machine: { cpu: "cpu", cores: 2, memoryGiB: 4, os: "linux" },
      method: "m",
    };
    const handlers = { ...handlerFigures(METRICS), byEvent: {} };
    const handlersResults = indexerHandlersSchema.parse({
      ...run,
      points: [
        { cofferEvents: 10, transfers: 20, startupSeconds: 1, backfillSeconds: 2, databaseMiB: 3.5, handlers },
        { cofferEvents: 100, transfers: 200, startupSeconds: 1, backfillSeconds: 1, handlers },
      ],
      marginalBackfillEventsPerSecond: 500,
      round: { scale: 10, perRound: scaledRound(DEFAULT_ROUND, 10) },
    });
    const scaleResults = indexerScaleSchema.parse({
      ...run,
      chain: { cofferEvents: 10, testTokenTransfers: 20, unrelatedTransfers: 1000, blocks: 5 },
      runs: [
        {
          filter: "none",
          finished: false,
          startupSeconds: 1,
          backfillSeconds: 9,
          handlers,
          tokenTransferEvents: 3,
          tokenBalanceRows: -1,
        },
      ],
    });
    const [handlersSection, scaleSection] = INDEXER_SECTIONS;
    const rendered = handlersSection!.render(handlersResults).join("\n");
    expect(rendered).to.include(
      "Each round (sent at once, then mined): 100 escrow charges, 50 authorizations (captured the next round), " +
        "50 paid invoices, 400 subscription charges (`chargeMany` of 40), 10 split fundings and distributions, " +
        "50 treasury budget spends (10 times the workload's default round).",
    );
    // Backfill rate: 4 handler events in 2 s; a run without the database size shows a dash.
    expect(rendered).to.include("| 10 | 20 | 1 s | 2 s | 2/s | 4 | 0.004 s | 1,000/s | 2,500/s | 2 | 3.5 MiB |");
    expect(rendered).to.include("| 100 | 200 | 1 s | 1 s | 4/s | 4 | 0.004 s | 1,000/s | 25,000/s | 2 | — |");
    // The chart: events per second at each size, handler rate and backfill rate.
    const [chart] = handlersSection!.charts!;
    expect(rendered).to.include(`(${chart!.file})`);
    const svg = chart!.render(handlersResults);
    const points = (series: string) =>
      [
        ...(svg.split(`<g data-series="${series}">`)[1]?.split("</g>")[0] ?? "").matchAll(
          /data-x="([\d.]+)" data-y="([\d.]+)"/g,
        ),
      ].map((m) => [Number(m[1]), Number(m[2])]);
    expect(points("handler rate")).to.deep.equal([
      [10, 1000],
      [100, 1000],
    ]);
    expect(points("backfill rate")).to.deep.equal([
      [10, 2],
      [100, 4],
    ]);
    expect(scaleSection!.render(scaleResults).join("\n")).to.include(
      "| none | **no** (stopped) | 1 s | 9 s | 4 | 3 | — |",
    );
  });

  it("scales every count of a round alike, and refuses a scale that is not a positive integer", () => {
    const scaled = scaledRound(DEFAULT_ROUND, 3);
    for (const key of Object.keys(DEFAULT_ROUND) as (keyof typeof DEFAULT_ROUND)[]) {
      expect(scaled[key], key).to.equal(DEFAULT_ROUND[key] * 3);
    }
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => scaledRound(DEFAULT_ROUND, bad)).to.throw(/positive integer/);
    }
  });
});
