/**
 * The coverage gate: fails when line coverage of `contracts/` (the mocks shelf excluded, see `.solcover.js`) falls
 * under 95% or branch coverage under 90%, and names the files that pull the totals down.
 * Reads `coverage/coverage-summary.json`, written by `npm run coverage`.
 */
import fs from "node:fs";
import path from "node:path";

/** The thresholds of the security issue, in percent. */
export const THRESHOLDS = { lines: 95, branches: 90 } as const;

interface Metric {
  total: number;
  covered: number;
  pct: number;
}
type Summary = Record<string, Record<keyof typeof THRESHOLDS, Metric>>;

/** The gate's verdict for a summary: an empty list when every total meets its threshold. */
export function coverageProblems(summary: Summary): string[] {
  const total = summary.total;
  if (total === undefined) return ["coverage-summary.json has no total"];
  const problems: string[] = [];
  for (const [metric, threshold] of Object.entries(THRESHOLDS) as [keyof typeof THRESHOLDS, number][]) {
    const { pct, covered, total: count } = total[metric];
    if (pct < threshold) {
      const weakest = Object.entries(summary)
        .filter(([file]) => file !== "total")
        .map(([file, metrics]) => ({ file, pct: metrics[metric].pct }))
        .filter((entry) => entry.pct < threshold)
        .sort((a, b) => a.pct - b.pct)
        .map((entry) => `${path.relative(process.cwd(), entry.file)} ${entry.pct}%`);
      problems.push(
        `${metric} coverage ${pct}% (${covered}/${count}) is under ${threshold}%; weakest: ${weakest.join(", ")}`,
      );
    }
  }
  return problems;
}

function main(): void {
  const file = path.join(__dirname, "..", "coverage", "coverage-summary.json");
  if (!fs.existsSync(file)) {
    console.error(`No ${path.relative(process.cwd(), file)}: run \`npm run coverage\` first.`);
    process.exit(2);
  }
  const summary = JSON.parse(fs.readFileSync(file, "utf8")) as Summary;
  const problems = coverageProblems(summary);
  const total = summary.total;
  if (total !== undefined) {
    console.log(
      `Coverage of contracts/ (mocks excluded): lines ${total.lines.pct}%, branches ${total.branches.pct}% ` +
        `(gate: lines ≥ ${THRESHOLDS.lines}%, branches ≥ ${THRESHOLDS.branches}%)`,
    );
  }
  if (problems.length > 0) {
    console.error(`Coverage gate failed:\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
}

if (require.main === module) main();
