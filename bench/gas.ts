/**
 * `npm run gas`: measures the gas of every Coffer operation on a fresh in-process chain, next to the raw ERC-20
 * transfer of the same run, and writes `bench/gas-snapshot.json` (operation name → total transaction gas).
 */
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { measureBaselines } from "./gas/baseline";
import { measureEscrow } from "./gas/escrow";
import { measureSubscriptions } from "./gas/subscriptions";
import { measureTreasury } from "./gas/treasury";
import type { GasFigures } from "./gas/measure";

export const SNAPSHOT_FILE = path.join(__dirname, "gas-snapshot.json");

async function main(): Promise<void> {
  // One chain for every figure, so that each compares with the raw transfer of the same run.
  const baseline = await measureBaselines(hre);
  const figures: GasFigures = {
    ...baseline.figures,
    ...(await measureEscrow(hre, baseline.manifest)),
    ...(await measureSubscriptions(hre, baseline.manifest)),
    ...(await measureTreasury(hre, baseline.manifest)),
  };
  const sorted = Object.fromEntries(Object.entries(figures).sort(([a], [b]) => a.localeCompare(b)));
  fs.writeFileSync(SNAPSHOT_FILE, JSON.stringify(sorted, null, 2) + "\n");
  const raw = figures["baseline.erc20.transfer"]!;
  for (const [name, gas] of Object.entries(sorted)) {
    console.log(`${name.padEnd(44)} ${String(gas).padStart(10)}  ${(gas / raw).toFixed(2)}×`);
  }
  console.log(`\nWrote ${path.relative(process.cwd(), SNAPSHOT_FILE)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
