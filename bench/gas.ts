/**
 * Gas of every Coffer operation, measured on a fresh in-process chain next to the raw ERC-20 transfer of the same
 * run. `npm run gas` (or `npm run gas:update`) writes `bench/gas-snapshot.json` (operation name → total transaction
 * gas); `npm run gas:check` (part of `npm test`) fails when an operation costs more than the snapshot says, or when
 * an operation appears or disappears, until the snapshot is updated on purpose.
 */
import fs from "node:fs";
import path from "node:path";
import hre from "hardhat";
import { measureAll } from "./gas/all";
import { gasFiguresOf, type GasFigures } from "./gas/measure";
import { compareToSnapshot } from "./gas/snapshot";

export const SNAPSHOT_FILE = path.join(__dirname, "gas-snapshot.json");

async function main(): Promise<void> {
  const check = process.env.GAS_CHECK === "true";
  const measured = gasFiguresOf((await measureAll(hre)).measurements);
  const raw = measured["baseline.erc20.transfer"]!;
  for (const [name, gas] of Object.entries(measured)) {
    console.log(`${name.padEnd(52)} ${String(gas).padStart(10)}  ${(gas / raw).toFixed(2)}×`);
  }
  if (!check) {
    fs.writeFileSync(SNAPSHOT_FILE, JSON.stringify(measured, null, 2) + "\n");
    console.log(`\nWrote ${path.relative(process.cwd(), SNAPSHOT_FILE)}`);
    return;
  }
  const snapshot = JSON.parse(fs.readFileSync(SNAPSHOT_FILE, "utf8")) as GasFigures;
  const problems = compareToSnapshot(snapshot, measured);
  if (problems.length > 0) {
    console.error(
      `\nGas snapshot check failed (run \`npm run gas:update\` to accept on purpose):\n  ${problems.join("\n  ")}`,
    );
    process.exit(1);
  }
  const cheaper = Object.entries(measured).filter(([name, gas]) => gas < snapshot[name]!);
  console.log(`\nGas snapshot check passed${cheaper.length ? ` (${cheaper.length} cheaper than the snapshot)` : ""}.`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
