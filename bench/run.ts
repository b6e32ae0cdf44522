/**
 * `npm run bench`: measures, on a fresh in-process Hardhat chain, the gas of every Coffer operation of the
 * snapshot next to the baselines of the same run (raw ERC-20 transfers, the same transfer by a 2-of-3 Safe), the
 * scaling series (split distributions against recipients, `chargeMany` against the batch size), and for each
 * transaction its calldata and estimated L1 data fee on an OP-stack chain. Writes `bench/results/gas.json`, then
 * the report (`bench/report.ts`). It does not touch `bench/gas-snapshot.json` (that is `npm run gas:update`).
 * With `BENCH_INDEXER=true` it then runs the indexer benchmark (`bench/indexer.ts`, also `npm run bench:indexer-backfill`).
 */
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { gitCommit, machineInfo, packageVersion } from "./environment";
import { measureAll } from "./gas/all";
import { gasFiguresOf, type GasFigures, type Measurement } from "./gas/measure";
import { compareToSnapshot } from "./gas/snapshot";
import { measureChargeManyScaling, measureSplitScaling, type ScalingPoint } from "./gas/scaling";
import { ETH_USD, FJORD, L1_FEE_SCENARIOS, bytesOf, estimateL1 } from "./l1-fee";
import { runIndexerBench } from "./indexer";
import { writeReport } from "./report";
import {
  GAS_RESULTS_FILE,
  INDEXER_RESULTS_FILE,
  RESULTS_DIR,
  gasResultsSchema,
  parseResults,
  type Figure,
  type GasResults,
  type Point,
} from "./results";

const BASELINE = "baseline.erc20.transfer";
const SNAPSHOT_FILE = path.join(__dirname, "gas-snapshot.json");

const FORMULA = [
  "estimatedSizeScaled = max(minTransactionSize × 1e6, intercept + fastlzCoef × fastlzSize)",
  "l1FeeScaled         = baseFeeScalar × l1BaseFee × 16 + blobBaseFeeScalar × blobBaseFee",
  "l1Fee (wei)         = estimatedSizeScaled × l1FeeScaled / 1e12",
  "fastlzSize          = FastLZ-compressed size of the RLP-encoded signed transaction",
].join("\n");

/** A measurement as a results figure: gas, ratio to the raw transfer, calldata size, L1 estimate. */
export function figureOf(measurement: Measurement, baselineGas: number): Figure {
  return {
    gas: measurement.gas,
    per: measurement.per,
    totalGas: measurement.totalGas,
    ratio: Math.round((measurement.gas / baselineGas) * 10_000) / 10_000,
    calldataBytes: bytesOf(measurement.data).length,
    l1: estimateL1(measurement.signedTx),
  };
}

function pointsOf(series: readonly ScalingPoint[], baselineGas: number): Point[] {
  return series.map(({ count, measurement }) => ({ count, ...figureOf(measurement, baselineGas) }));
}

async function main(): Promise<void> {
  const started = Date.now();
  const date = new Date().toISOString();
  console.log("Measuring every operation of the snapshot…");
  const { measurements, manifest } = await measureAll(hre);
  const baseline = measurements[BASELINE];
  if (baseline === undefined) throw new Error(`${BASELINE} was not measured`);
  console.log("Measuring split distributions against the number of recipients…");
  const splits = await measureSplitScaling(hre, manifest);
  console.log("Measuring chargeMany against the batch size…");
  const chargeMany = await measureChargeManyScaling(hre, manifest);

  const compiler = hre.config.solidity.compilers[0]!;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solcLong = (require("solc") as { version(): string }).version();
  const results: GasResults = {
    schema: 1,
    date,
    ...gitCommit(),
    machine: machineInfo(),
    versions: {
      node: process.version,
      hardhat: packageVersion("hardhat"),
      solc: solcLong,
      settings: `evm ${compiler.settings?.evmVersion ?? "default"}, viaIR ${compiler.settings?.viaIR === true}, optimizer ${
        compiler.settings?.optimizer?.enabled === true ? `${compiler.settings.optimizer.runs} runs` : "off"
      }`,
      ethers: packageVersion("ethers"),
      "@openzeppelin/contracts": packageVersion("@openzeppelin/contracts"),
      "@safe-global/safe-contracts": packageVersion("@safe-global/safe-contracts"),
    },
    chain: `Hardhat ${packageVersion("hardhat")}'s in-process network (chain id ${hre.network.config.chainId}, ${
      hre.config.networks.hardhat.hardfork
    })`,
    baseline: { operation: BASELINE, gas: baseline.gas },
    l1Fee: {
      formula: FORMULA,
      constants: {
        costIntercept: Number(FJORD.costIntercept),
        costFastlzCoef: Number(FJORD.costFastlzCoef),
        minTransactionSize: Number(FJORD.minTransactionSize),
      },
      scenarios: L1_FEE_SCENARIOS.map((s) => ({
        name: s.name,
        description: s.description,
        l1BaseFeeWei: s.l1BaseFee.toString(),
        blobBaseFeeWei: s.blobBaseFee.toString(),
        baseFeeScalar: Number(s.baseFeeScalar),
        blobBaseFeeScalar: Number(s.blobBaseFeeScalar),
      })),
      ethUsd: ETH_USD,
      transactions:
        "each transaction as signed on the local chain (EIP-1559, chain id 31337); on an OP-stack chain its " +
        "chain id, nonce and fee fields differ by a few bytes",
    },
    operations: Object.fromEntries(
      Object.entries(measurements).map(([name, measured]) => [name, figureOf(measured, baseline.gas)]),
    ),
    scaling: {
      splits: { push: pointsOf(splits.push, baseline.gas), pull: pointsOf(splits.pull, baseline.gas) },
      chargeMany: pointsOf(chargeMany, baseline.gas),
    },
    indexer: { file: INDEXER_RESULTS_FILE, writtenBy: "bench/indexer.ts" },
  };
  // The same check the report makes when it reads the file back.
  parseResults(gasResultsSchema, results, GAS_RESULTS_FILE);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(RESULTS_DIR, GAS_RESULTS_FILE), JSON.stringify(results, null, 2) + "\n");
  const written = [GAS_RESULTS_FILE, ...writeReport(RESULTS_DIR)];

  for (const [name, figure] of Object.entries(results.operations)) {
    const busy = figure.l1.fees["busy"]?.fjordUsd ?? 0;
    console.log(
      `${name.padEnd(46)} ${String(figure.gas).padStart(9)} ${figure.ratio.toFixed(2).padStart(6)}×` +
        `  ${String(figure.calldataBytes).padStart(6)} B calldata  L1 busy $${busy.toFixed(5)}`,
    );
  }
  for (const mode of ["push", "pull"] as const) {
    console.log(`split ${mode}: ${results.scaling.splits[mode].map((p) => `${p.count}→${p.gas}`).join(", ")}`);
  }
  console.log(`chargeMany: ${results.scaling.chargeMany.map((p) => `${p.count}→${p.gas}`).join(", ")}`);
  // The snapshot is what `npm test` checks; a difference here means it has not been updated on purpose yet.
  const snapshot = JSON.parse(fs.readFileSync(SNAPSHOT_FILE, "utf8")) as GasFigures;
  const measured = gasFiguresOf(measurements);
  const differences = [
    ...compareToSnapshot(snapshot, measured),
    ...Object.entries(measured)
      .filter(([name, gas]) => snapshot[name] !== undefined && gas < snapshot[name])
      .map(([name, gas]) => `${name}: ${snapshot[name]} → ${gas} (cheaper)`),
  ];
  if (differences.length > 0) {
    console.warn(`\nThese figures differ from bench/gas-snapshot.json (npm run gas:update accepts them):`);
    for (const difference of differences) console.warn(`  ${difference}`);
  }
  const shown = written.map((file) => path.relative(process.cwd(), path.join(RESULTS_DIR, file)));
  console.log(`\nWrote ${shown.join(", ")} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (process.env.BENCH_INDEXER === "true") {
    console.log("\nIndexer benchmark (BENCH_INDEXER=true)…");
    await runIndexerBench(hre);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
