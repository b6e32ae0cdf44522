import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { DeploymentManifest } from "../../deploy/manifest";
import { measureBaselines } from "./baseline";
import { measureChannels } from "./channels";
import { measureEscrow } from "./escrow";
import type { Measurements } from "./measure";
import { measureSplits } from "./splits";
import { measureSubscriptions } from "./subscriptions";
import { measureTreasury } from "./treasury";

/**
 * Every operation of the snapshot, measured on one fresh chain so that each compares with the raw transfer of the
 * same run, in a fixed order (the figures depend on it). `npm run gas` and `npm run bench` both measure this way.
 */
export async function measureAll(
  hre: HardhatRuntimeEnvironment,
): Promise<{ measurements: Measurements; manifest: DeploymentManifest }> {
  const baseline = await measureBaselines(hre);
  const measurements: Measurements = {
    ...baseline.figures,
    ...(await measureEscrow(hre, baseline.manifest)),
    ...(await measureSubscriptions(hre, baseline.manifest)),
    ...(await measureTreasury(hre, baseline.manifest)),
    ...(await measureSplits(hre, baseline.manifest)),
    ...(await measureChannels(hre, baseline.manifest)),
  };
  const sorted = Object.entries(measurements).sort(([a], [b]) => a.localeCompare(b));
  return { measurements: Object.fromEntries(sorted), manifest: baseline.manifest };
}
