import { ethers } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { DeploymentManifest } from "../../deploy/manifest";
import { measure, type Measurements } from "./measure";

/** The batch size of `subscriptions.chargeMany50.perSubscription`. */
const BATCH = 50;

/**
 * Subscriptions of a 6-decimal token with existing (finite) allowances and a payee that already holds the
 * token: subscribing (first period charged at once), one due charge, and a batch of 50 due charges.
 */
export async function measureSubscriptions(
  hre: HardhatRuntimeEnvironment,
  manifest: DeploymentManifest,
): Promise<Measurements> {
  const [deployer, merchant, payee] = await hre.ethers.getSigners();
  const subscriptions = await hre.ethers.getContractAt(
    "CofferSubscriptions",
    manifest.contracts["CofferSubscriptions"]!.address,
  );
  const token = await hre.ethers.getContractAt("MockERC20", manifest.contracts["TestUSDC"]!.address);
  const unit = 1_000_000n;
  await (await token.mint(payee!.address, unit)).wait();
  const planParams = {
    payee: payee!.address,
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

  /** A funded subscriber with a 12-period allowance (keys derived from a counter: the same on every run). */
  let subscriberCount = 0;
  const newSubscriber = async (): Promise<ethers.Signer> => {
    const wallet = new ethers.Wallet(ethers.id(`subscriber-${++subscriberCount}`), hre.ethers.provider);
    await (await deployer!.sendTransaction({ to: wallet.address, value: ethers.parseEther("1") })).wait();
    await (await token.mint(wallet.address, 1_000n * unit)).wait();
    await (await token.connect(wallet).approve(await subscriptions.getAddress(), 120n * unit)).wait();
    return wallet;
  };

  const figures: Measurements = {};
  const first = await newSubscriber();
  figures["subscriptions.subscribe"] = await measure(subscriptions.connect(first).subscribe(planId));
  const ids: bigint[] = [];
  for (let i = 0; i < BATCH; i++) {
    const subscriber = await newSubscriber();
    await (await subscriptions.connect(subscriber).subscribe(planId)).wait();
    ids.push(
      await subscriptions
        .connect(subscriber)
        .subscribe.staticCall(planId)
        .then((next) => next - 1n),
    );
  }
  const firstId = ids[0]! - 1n;
  await hre.network.provider.send("evm_increaseTime", [30 * 86_400]);
  figures["subscriptions.charge"] = await measure(subscriptions.charge(firstId));
  figures["subscriptions.chargeMany50.perSubscription"] = await measure(subscriptions.chargeMany(ids), BATCH);
  return figures;
}
