import { ethers } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { DeploymentManifest } from "../../deploy/manifest";
import type { CofferSplitFactory, MockERC20 } from "../../typechain-types";
import { measure, type Measurement, type Measurements } from "./measure";

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

/** What measuring a split's distribution needs: the factory, the token, and a keeper that is no recipient. */
export interface SplitBench {
  factory: CofferSplitFactory;
  token: MockERC20;
  keeper: ethers.Signer;
  /** The mode's maximum number of recipients (`MAX_PUSH_RECIPIENTS`, `MAX_PULL_RECIPIENTS`). */
  maxOf: Record<SplitMode, number>;
}

export type SplitMode = "push" | "pull";

/** 10,000 tokens (6 decimals) plus one unit: every share is whole except for one unit of dust. */
const AMOUNT = 10_000n * 1_000_000n + 1n;

/** The factory (the deployed one, or a new one when the manifest has none), the token and the modes' maxima. */
export async function splitBench(hre: HardhatRuntimeEnvironment, manifest: DeploymentManifest): Promise<SplitBench> {
  const [deployer, , , , , , , , , keeper] = await hre.ethers.getSigners();
  const deployed = manifest.contracts["CofferSplitFactory"]?.address;
  const factory = (deployed !== undefined
    ? await hre.ethers.getContractAt("CofferSplitFactory", deployed)
    : await (
        await hre.ethers.deployContract("CofferSplitFactory", deployer!)
      ).waitForDeployment()) as unknown as CofferSplitFactory;
  const token = await hre.ethers.getContractAt("MockERC20", manifest.contracts["TestUSDC"]!.address);
  const split = await hre.ethers.getContractAt("CofferSplit", await factory.SPLIT_IMPLEMENTATION());
  const maxOf = { push: Number(await split.MAX_PUSH_RECIPIENTS()), pull: Number(await split.MAX_PULL_RECIPIENTS()) };
  return { factory, token, keeper: keeper!, maxOf };
}

/**
 * One distribution of a new split of `count` recipients (addresses derived from `tag`, so fresh ones for a new
 * tag), measured per recipient. Push: to recipients that already hold the token, by a keeper that is not a
 * recipient; the amount leaves one unit of rounding dust in the split, as real amounts do (so no storage refund
 * flatters the figure), and the distribution must credit no one. Pull: a repeat distribution, every recipient
 * already having a credit from an earlier one that it has not withdrawn.
 */
export async function measureDistribution(
  hre: HardhatRuntimeEnvironment,
  bench: SplitBench,
  mode: SplitMode,
  count: number,
  tag: string,
): Promise<Measurement> {
  const { factory, token, keeper } = bench;
  const tokenAddress = await token.getAddress();
  const recipients = recipientsOf(tag, count);
  const config = { recipients: equalEntries(recipients), distributionIncentive: 0, pullOnly: mode === "pull" };
  await (await factory.createSplit(config, ethers.ZeroAddress)).wait();
  const splitAddress = await factory.predictSplitAddress(config, ethers.ZeroAddress);
  const instance = await hre.ethers.getContractAt("CofferSplit", splitAddress);
  if (mode === "push") {
    for (const recipient of recipients) await (await token.mint(recipient, 1_000_000n)).wait();
  } else {
    // The first distribution gives every recipient a credit; the measured one adds to it.
    await (await token.mint(splitAddress, AMOUNT)).wait();
    await (await instance.connect(keeper).distribute(config, tokenAddress, ethers.ZeroAddress)).wait();
  }
  await (await token.mint(splitAddress, AMOUNT)).wait();
  const measured = await measure(instance.connect(keeper).distribute(config, tokenAddress, ethers.ZeroAddress), count);
  const credited = await instance.owed(tokenAddress);
  if (mode === "push" && credited !== 0n) throw new Error(`A push distribution to ${count} credited someone`);
  return measured;
}

/**
 * Revenue splits with a 6-decimal token, no distribution incentive.
 * - `splits.create.<n>`: creating a mutable push-mode split of n recipients with the treasury Safe as controller.
 * - `splits.distribute.push.<n>.perRecipient`: a push distribution's total transaction gas divided by n (rounded),
 *   see {@link measureDistribution}.
 * - `splits.distribute.pull.<n>.perRecipient`: the same for a pull-only split, measured on a repeat distribution.
 * `max` is the mode's maximum number of recipients (`MAX_PUSH_RECIPIENTS`, `MAX_PULL_RECIPIENTS`).
 */
export async function measureSplits(
  hre: HardhatRuntimeEnvironment,
  manifest: DeploymentManifest,
): Promise<Measurements> {
  const [deployer] = await hre.ethers.getSigners();
  const bench = await splitBench(hre, manifest);
  const controller = manifest.treasurySafe?.address ?? deployer!.address;

  const figures: Measurements = {};
  for (const count of [2, 10, 100]) {
    const config = {
      recipients: equalEntries(recipientsOf(`create ${count}`, count)),
      distributionIncentive: 0,
      pullOnly: false,
    };
    figures[`splits.create.${count}`] = await measure(bench.factory.createSplit(config, controller));
  }

  for (const mode of ["push", "pull"] as const) {
    for (const size of [2, 10, 100, "max"] as const) {
      const count = size === "max" ? bench.maxOf[mode] : size;
      figures[`splits.distribute.${mode}.${size}.perRecipient`] = await measureDistribution(
        hre,
        bench,
        mode,
        count,
        `${mode} ${count}`,
      );
    }
  }
  return figures;
}
