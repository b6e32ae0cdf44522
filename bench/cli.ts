/**
 * `npm run bench:cli`: how fast `coffer` starts, from process start to exit, as a user runs it (`node
 * bin/coffer.js`, which runs the bundled build `npm run compile` makes): `coffer --help`, and `coffer deployments
 * --json` against a local chain with Coffer deployed (a command that loads the SDK, reads the manifest and asks the
 * node), each the median of `BENCH_CLI_RUNS` (default 10) runs. Targets: 500 ms and 1 s. Writes `cli.json`.
 */
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { startDeployedLocalChain } from "../test/helpers/local-chain";
import { gitCommit, machineInfo, packageVersion } from "./environment";
import { writeSectionResults } from "./report";
import { CLI_RESULTS_FILE, type CliResults } from "./results";
import { timing } from "./stats";

const BIN = path.join(__dirname, "..", "bin", "coffer.js");
const TARGETS = { helpMs: 500, commandMs: 1_000 };

/** Runs `coffer ...args` `runs` times; the wall-clock time of each run, in milliseconds. */
function timeRuns(args: readonly string[], env: NodeJS.ProcessEnv, runs: number): number[] {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [BIN, ...args], { env, encoding: "utf8" });
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (result.status !== 0) throw new Error(`coffer ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  }
  return samples;
}

async function main(): Promise<void> {
  const runs = Number(process.env.BENCH_CLI_RUNS ?? 10);
  const date = new Date().toISOString();
  const loadAtStart = os.loadavg()[0]!;
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("COFFER_")));
  // One run of each first, not counted: the first start also fills the disk cache.
  timeRuns(["--help"], env, 1);
  const help = timeRuns(["--help"], env, runs);
  const local = await startDeployedLocalChain();
  let command: number[];
  try {
    const chainEnv = { ...env, COFFER_RPC_URL: local.chain.url, COFFER_DEPLOYMENTS_DIR: local.deploymentsDir };
    timeRuns(["deployments", "--json"], chainEnv, 1);
    command = timeRuns(["deployments", "--json"], chainEnv, runs);
  } finally {
    await local.stop();
  }
  const results: CliResults = {
    schema: 1,
    date,
    ...gitCommit(),
    machine: machineInfo(),
    versions: { node: process.version, commander: packageVersion("commander"), ethers: packageVersion("ethers") },
    help: timing(help),
    command: { ...timing(command), command: "coffer deployments --json" },
    targets: TARGETS,
    notes: [
      `Wall-clock on a machine shared with other work: its 1-minute load average was ${loadAtStart.toFixed(1)} at ` +
        `the start and ${os.loadavg()[0]!.toFixed(1)} at the end (${os.cpus().length} cores).`,
      "Commands are defined up front (for `--help`); what only some need (Safe's libraries, the services) loads " +
        "when they run.",
    ],
  };
  const written = writeSectionResults(CLI_RESULTS_FILE, results);
  console.log(`coffer --help: median ${results.help.medianMs.toFixed(0)} ms (target ${TARGETS.helpMs} ms)`);
  console.log(`coffer deployments: median ${results.command.medianMs.toFixed(0)} ms (target ${TARGETS.commandMs} ms)`);
  console.log(`Wrote ${written.map((file) => `bench/results/${file}`).join(", ")}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
