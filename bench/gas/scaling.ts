import { ethers } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { DeploymentManifest } from "../../deploy/manifest";
import { measure, type Measurement } from "./measure";
import { measureDistribution, splitBench, type SplitMode } from "./splits";

/** Recipient counts of the split series, per mode (each capped at the mode's maximum, which is always added). */
export const SPLIT_SIZES: Record<SplitMode, readonly number[]> = {
  push: [2, 5, 10, 20, 50, 100, 200],
  pull: [2, 5, 10, 20, 50, 100, 200, 400, 600],
};

/** Batch sizes of the `chargeMany` series. */
export const CHARGE_BATCHES: readonly number[] = [1, 5, 10, 25, 50, 100, 200];

/** One point of a scaling series: the item count and the measurement of the transaction (gas per item). */
export interface ScalingPoint {
  count: number;
  measurement: Measurement;
}

/**
 * Gas per recipient of one split distribution against the number of recipients, for push and pull-only splits
 * (see `measureDistribution`: recipients holding the token, a repeat distribution for pull), each size on a new
 * split with new recipients.
 */
export async function measureSplitScaling(
  hre: HardhatRuntimeEnvironment,
  manifest: DeploymentManifest,
): Promise<Record<SplitMode, ScalingPoint[]>> {
  const bench = await splitBench(hre, manifest);
  const series: Record<SplitMode, ScalingPoint[]> = { push: [], pull: [] };
  for (const mode of ["push", "pull"] as const) {
    const max = bench.maxOf[mode];
    const sizes = [...new Set([...SPLIT_SIZES[mode].filter((n) => n <= max), max])].sort((a, b) => a - b);
    for (const count of sizes) {
      const measurement = await measureDistribution(hre, bench, mode, count, `scaling ${mode} ${count}`);
      series[mode].push({ count, measurement });
    }
  }
  return series;
}

/**
 * Gas of `chargeMany` against the batch size: for each size, that many subscribers (6-decimal token, a 12-period
 * allowance, the first period paid when subscribing) of a new plan whose payee already holds the token, all due
 * one period later, charged in one transaction. Each batch charges its own subscribers, so every charge is a
 * subscription's second, as in `subscriptions.chargeMany50.perSubscription`.
 */
export async function measureChargeManyScaling(
  hre: HardhatRuntimeEnvironment,
  manifest: DeploymentManifest,
  batches: readonly number[] = CHARGE_BATCHES,
): Promise<ScalingPoint[]> {
  const [, merchant] = await hre.ethers.getSigners();
  const subscriptions = await hre.ethers.getContractAt(
    "CofferSubscriptions",
    manifest.contracts["CofferSubscriptions"]!.address,
  );
  const token = await hre.ethers.getContractAt("MockERC20", manifest.contracts["TestUSDC"]!.address);
  const unit = 1_000_000n;
  const payee = ethers.getAddress(ethers.dataSlice(ethers.id("scaling chargeMany payee"), 12));
  await (await token.mint(payee, unit)).wait();
  const planParams = {
    payee,
    token: await token.getAddress(),
    amount: 10n * unit,
    period: 30 * 86_400,
    trial: 0,
    grace: 3 * 86_400,
    feeBps: 0,
    feeReceiver: ethers.ZeroAddress,
  };
  const planId = await subscriptions.connect(merchant!).createPlan.staticCall(planParams);
  await (await subscriptions.connect(merchant!).createPlan(planParams)).wait();

  let created = 0;
  const subscribe = async (): Promise<bigint> => {
    const wallet = new ethers.Wallet(ethers.id(`scaling subscriber ${++created}`), hre.ethers.provider);
    await hre.network.provider.send("hardhat_setBalance", [wallet.address, ethers.toQuantity(ethers.WeiPerEther)]);
    await (await token.mint(wallet.address, 1_000n * unit)).wait();
    await (await token.connect(wallet).approve(await subscriptions.getAddress(), 120n * unit)).wait();
    const id = await subscriptions.connect(wallet).subscribe.staticCall(planId);
    await (await subscriptions.connect(wallet).subscribe(planId)).wait();
    return id;
  };
  const groups: bigint[][] = [];
  for (const size of batches) {
    const ids: bigint[] = [];
    for (let i = 0; i < size; i++) ids.push(await subscribe());
    groups.push(ids);
  }
  // One period later (mined, so that the checks below see the new time).
  await hre.network.provider.send("evm_increaseTime", [30 * 86_400]);
  await hre.network.provider.send("evm_mine", []);
  const series: ScalingPoint[] = [];
  for (const ids of groups) {
    const charged = await subscriptions.chargeMany.staticCall(ids);
    if (charged !== BigInt(ids.length)) throw new Error(`chargeMany would charge ${charged} of ${ids.length}`);
    series.push({ count: ids.length, measurement: await measure(subscriptions.chargeMany(ids), ids.length) });
  }
  return series;
}
