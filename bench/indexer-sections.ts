/**
 * The report's sections for the indexer's handler benchmark (`indexer-handlers.json`, `npm run
 * bench:indexer-handlers`) and its scale benchmark (`indexer-scale.json`, `npm run bench:indexer-scale`): their
 * schemas and how each is rendered. Listed in `OPTIONAL_SECTIONS` (bench/report-sections.ts).
 */
import { z } from "zod";
import type { OptionalSection } from "./report-sections";
import { lineChart } from "./svg";

export const INDEXER_HANDLERS_RESULTS_FILE = "indexer-handlers.json";
export const INDEXER_SCALE_RESULTS_FILE = "indexer-scale.json";
export const INDEXER_HANDLERS_CHART = "indexer-handlers-rate.svg";

const run = {
  date: z.string(),
  commit: z.string(),
  dirty: z.boolean(),
  machine: z.object({ cpu: z.string(), cores: z.number(), memoryGiB: z.number(), os: z.string() }),
};

const handlers = z.object({
  events: z.number(),
  handlerSeconds: z.number(),
  eventsPerSecond: z.number(),
  storeOperations: z.number(),
  storeOperationsPerEvent: z.number(),
  byEvent: z.record(z.object({ count: z.number(), meanMs: z.number() })),
});

export const indexerHandlersSchema = z.object({
  ...run,
  method: z.string(),
  /** What one round of the workload sends (one block's worth); absent in runs before rounds were scaled. */
  round: z
    .object({
      scale: z.number(),
      perRound: z.object({
        escrowCharges: z.number(),
        authorizations: z.number(),
        invoices: z.number(),
        subscriptions: z.number(),
        splitDistributions: z.number(),
        budgetSpends: z.number(),
      }),
    })
    .optional(),
  points: z.array(
    z.object({
      cofferEvents: z.number(),
      transfers: z.number(),
      startupSeconds: z.number(),
      backfillSeconds: z.number(),
      /** Absent in runs before the benchmark measured it. */
      databaseMiB: z.number().optional(),
      handlers,
    }),
  ),
  marginalBackfillEventsPerSecond: z.number().nullable(),
  notes: z.array(z.string()).optional(),
});

export const indexerScaleSchema = z.object({
  ...run,
  method: z.string(),
  chain: z.object({
    cofferEvents: z.number(),
    testTokenTransfers: z.number(),
    unrelatedTransfers: z.number(),
    blocks: z.number(),
  }),
  runs: z.array(
    z.object({
      filter: z.string(),
      finished: z.boolean(),
      startupSeconds: z.number(),
      backfillSeconds: z.number(),
      handlers,
      tokenTransferEvents: z.number(),
      tokenBalanceRows: z.number(),
    }),
  ),
  loadAverage: z.array(z.number()).optional(),
});

type Run = z.infer<typeof indexerHandlersSchema>;
const runOf = (r: Pick<Run, "date" | "commit" | "dirty" | "machine">) =>
  `${r.date} · commit \`${r.commit.slice(0, 12)}\`${r.dirty ? " (with uncommitted changes)" : ""} · ` +
  `${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, ${r.machine.os}`;
const n = (value: number) => value.toLocaleString("en-US");

function handlersSection(results: z.infer<typeof indexerHandlersSchema>): string[] {
  return [
    "## Indexer handlers",
    "",
    `Run: ${runOf(results)}`,
    "",
    results.method,
    "",
    ...(results.round === undefined ? [] : [roundLine(results.round), ""]),
    "| Coffer events | token transfers | start-up | backfill | backfill rate | handler events | handler time | handler rate | Coffer events ÷ handler time | store ops / event | database |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...results.points.map(
      (p) =>
        `| ${n(p.cofferEvents)} | ${n(p.transfers)} | ${p.startupSeconds} s | ${p.backfillSeconds} s | ` +
        `${n(Math.round(p.handlers.events / p.backfillSeconds))}/s | ` +
        `${n(p.handlers.events)} | ${p.handlers.handlerSeconds} s | ${n(p.handlers.eventsPerSecond)}/s | ` +
        `${n(Math.round(p.cofferEvents / p.handlers.handlerSeconds))}/s | ${p.handlers.storeOperationsPerEvent} | ${p.databaseMiB === undefined ? "—" : `${p.databaseMiB} MiB`} |`,
    ),
    "",
    `![Indexer handler and backfill rates against the workload's size](${INDEXER_HANDLERS_CHART})`,
    "",
    ...(results.marginalBackfillEventsPerSecond === null
      ? []
      : [`Marginal backfill rate between the sizes: ${n(results.marginalBackfillEventsPerSecond)} events/s.`, ""]),
    ...(results.notes ?? []).map((note) => `- ${note}`),
    ...(results.notes === undefined ? [] : [""]),
  ];
}

function roundLine(round: NonNullable<Run["round"]>): string {
  const r = round.perRound;
  return (
    `Each round (sent at once, then mined): ${n(r.escrowCharges)} escrow charges, ${n(r.authorizations)} authorizations ` +
    `(captured the next round), ${n(r.invoices)} paid invoices, ${n(r.subscriptions)} subscription charges ` +
    `(\`chargeMany\` of 40), ${n(r.splitDistributions)} split fundings and distributions, ${n(r.budgetSpends)} treasury ` +
    `budget spends (${round.scale} times the workload's default round).`
  );
}

/** Events per second against the workload's Coffer events: the handlers' rate, and the backfill's (wall time). */
function handlersChart(results: z.infer<typeof indexerHandlersSchema>): string {
  const points = [...results.points].sort((a, b) => a.cofferEvents - b.cofferEvents);
  return lineChart({
    title: "Indexer: events per second (mixed workload, PostgreSQL)",
    xLabel: "Coffer events in the workload",
    yLabel: "events / s",
    xScale: "log",
    series: [
      { name: "handler rate", points: points.map((p) => ({ x: p.cofferEvents, y: p.handlers.eventsPerSecond })) },
      {
        name: "backfill rate",
        points: points.map((p) => ({ x: p.cofferEvents, y: Math.round(p.handlers.events / p.backfillSeconds) })),
      },
    ],
  });
}

function scaleSection(results: z.infer<typeof indexerScaleSchema>): string[] {
  const { chain } = results;
  return [
    "## Indexer with a busy token",
    "",
    `Run: ${runOf(results)}`,
    "",
    `${n(chain.cofferEvents)} Coffer events (and ${n(chain.testTokenTransfers)} test-token transfers) and ` +
      `${n(chain.unrelatedTransfers)} unrelated transfers of a configured token, ${n(chain.blocks)} blocks. ` +
      results.method,
    "",
    "| filter | finished | start-up | backfill | handler events | of which token transfers | busy-token balances |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ...results.runs.map(
      (r) =>
        `| ${r.filter} | ${r.finished ? "yes" : "**no** (stopped)"} | ${r.startupSeconds} s | ${r.backfillSeconds} s | ` +
        `${n(r.handlers.events)} | ${n(r.tokenTransferEvents)} | ${r.tokenBalanceRows < 0 ? "—" : n(r.tokenBalanceRows)} |`,
    ),
    "",
  ];
}

export const INDEXER_SECTIONS: readonly OptionalSection<unknown>[] = [
  {
    file: INDEXER_HANDLERS_RESULTS_FILE,
    schema: indexerHandlersSchema,
    render: (results) => handlersSection(results as z.infer<typeof indexerHandlersSchema>),
    charts: [
      {
        file: INDEXER_HANDLERS_CHART,
        render: (results) => handlersChart(results as z.infer<typeof indexerHandlersSchema>),
      },
    ],
  },
  {
    file: INDEXER_SCALE_RESULTS_FILE,
    schema: indexerScaleSchema,
    render: (results) => scaleSection(results as z.infer<typeof indexerScaleSchema>),
  },
];
