import { ethers } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { DeploymentManifest } from "../../deploy/manifest";
import type { CofferSplitFactory } from "../../typechain-types";
import { gasOf, type GasFigures } from "./measure";

/** Allocations are in millionths. */
const SCALE = 1_000_000n;

/** `count` fixed, distinct recipient addresses (derived from `tag`), sorted ascending as a split requires. */
function recipientsOf(tag: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    ethers.getAddress(ethers.dataSlice(ethers.id(`splits bench ${tag} ${i}`), 12)),
  ).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
}

/**
 * A split's entries for `recipients` with equal allocations (what does not divide goes one millionth each to the
 * first ones), packed as the contract takes them: `allocation << 160 | recipient`.
 */
function equalEntries(recipients: readonly string[]): bigint[] {
  const n = BigInt(recipients.length);
  return recipients.map(
    (recipient, i) => ((SCALE / n + (BigInt(i) < SCALE % n ? 1n : 0n)) << 160n) | BigInt(recipient),
  );
}

/**
 * Revenue splits with a 6-decimal token, no distribution incentive.
 * - `splits.create.<n>`: creating a mutable push-mode split of n recipients with the treasury Safe as controller.
 * - `splits.distribute.push.<n>.perRecipient`: a push distribution's total transaction gas divided by n (rounded),
 *   to recipients that already hold the token, by a keeper that is not a recipient; the amount leaves one unit of
 *   rounding dust in the split, as real amounts do (so no storage refund flatters the figure).
 * - `splits.distribute.pull.<n>.perRecipient`: the same for a pull-only split, measured on a repeat distribution:
 *   every recipient already has a credit from an earlier one and has not withdrawn it.
 * `max` is the mode's maximum number of recipients (`MAX_PUSH_RECIPIENTS`, `MAX_PULL_RECIPIENTS`).
 */
export async function measureSplits(hre: HardhatRuntimeEnvironment, manifest: DeploymentManifest): Promise<GasFigures> {
  const [deployer, , , , , , , , , keeper] = await hre.ethers.getSigners();
  const deployed = manifest.contracts["CofferSplitFactory"]?.address;
  const factory = (deployed !== undefined
    ? await hre.ethers.getContractAt("CofferSplitFactory", deployed)
    : await (
        await hre.ethers.deployContract("CofferSplitFactory", deployer!)
      ).waitForDeployment()) as unknown as CofferSplitFactory;
  const token = await hre.ethers.getContractAt("MockERC20", manifest.contracts["TestUSDC"]!.address);
  const tokenAddress = await token.getAddress();
  const controller = manifest.treasurySafe?.address ?? deployer!.address;
  const split = await hre.ethers.getContractAt("CofferSplit", await factory.SPLIT_IMPLEMENTATION());
  const maxOf = { push: Number(await split.MAX_PUSH_RECIPIENTS()), pull: Number(await split.MAX_PULL_RECIPIENTS()) };
  const unit = 1_000_000n;
  // 10,000 tokens plus one unit: every share is whole except for one unit of dust.
  const amount = 10_000n * unit + 1n;

  const figures: GasFigures = {};
  for (const count of [2, 10, 100]) {
    const config = {
      recipients: equalEntries(recipientsOf(`create ${count}`, count)),
      distributionIncentive: 0,
      pullOnly: false,
    };
    figures[`splits.create.${count}`] = await gasOf(factory.createSplit(config, controller));
  }

  for (const mode of ["push", "pull"] as const) {
    for (const size of [2, 10, 100, "max"] as const) {
      const count = size === "max" ? maxOf[mode] : size;
      const recipients = recipientsOf(`${mode} ${count}`, count);
      const config = { recipients: equalEntries(recipients), distributionIncentive: 0, pullOnly: mode === "pull" };
      await (await factory.createSplit(config, ethers.ZeroAddress)).wait();
      const splitAddress = await factory.predictSplitAddress(config, ethers.ZeroAddress);
      const instance = await hre.ethers.getContractAt("CofferSplit", splitAddress);
      if (mode === "push") {
        for (const recipient of recipients) await (await token.mint(recipient, unit)).wait();
      } else {
        // The first distribution gives every recipient a credit; the measured one adds to it.
        await (await token.mint(splitAddress, amount)).wait();
        await (await instance.connect(keeper!).distribute(config, tokenAddress, ethers.ZeroAddress)).wait();
      }
      await (await token.mint(splitAddress, amount)).wait();
      const gas = await gasOf(instance.connect(keeper!).distribute(config, tokenAddress, ethers.ZeroAddress));
      const credited = await instance.owed(tokenAddress);
      if (mode === "push" && credited !== 0n) throw new Error(`A push distribution to ${count} credited someone`);
      figures[`splits.distribute.${mode}.${size}.perRecipient`] = Math.round(gas / count);
    }
  }
  return figures;
}
