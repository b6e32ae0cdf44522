import { ethers } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { DeploymentManifest } from "../../deploy/manifest";
import { signVoucher } from "../../sdk/src/channels";
import type { ChannelsDomain } from "../../sdk/src/channels/vouchers";
import type { CofferChannels } from "../../typechain-types";
import { measure, type Measurements } from "./measure";

/** The batch size of `channels.redeemMany10.perChannel`. */
const BATCH = 10;
const HOUR = 3_600n;

/**
 * Payment channels in the manifest's 6-decimal token, with a payee that already holds the token: opening (the
 * deposit), a top-up, a redemption (the payee's first and a later one), ten channels redeemed in one batch, the
 * payee's close with a last voucher, and the payer's exit (start and finish). The contract is deployed here, beside
 * the manifest's.
 */
export async function measureChannels(
  hre: HardhatRuntimeEnvironment,
  manifest: DeploymentManifest,
): Promise<Measurements> {
  const [deployer, , payee] = await hre.ethers.getSigners();
  const channels = (await hre.ethers.deployContract("CofferChannels", [], deployer)) as unknown as CofferChannels;
  const address = await channels.getAddress();
  const token = await hre.ethers.getContractAt("MockERC20", manifest.contracts["TestUSDC"]!.address);
  const tokenAddress = await token.getAddress();
  const unit = 1_000_000n;
  await (await token.mint(payee!.address, unit)).wait();
  const domain: ChannelsDomain = { chainId: (await hre.ethers.provider.getNetwork()).chainId, channels: address };
  const sessionKey = new ethers.Wallet(ethers.id("channel-session-key"));

  /** A funded payer (keys derived from a counter: the same on every run) that approved the channels contract. */
  let payerCount = 0;
  const newPayer = async (): Promise<ethers.Wallet> => {
    const wallet = new ethers.Wallet(ethers.id(`channel-payer-${++payerCount}`), hre.ethers.provider);
    await (await deployer!.sendTransaction({ to: wallet.address, value: ethers.parseEther("1") })).wait();
    await (await token.mint(wallet.address, 1_000n * unit)).wait();
    await (await token.connect(wallet).approve(address, ethers.MaxUint256)).wait();
    return wallet;
  };
  const openFrom = async (payer: ethers.Wallet, salt: string) => {
    const sent = channels
      .connect(payer)
      .open(payee!.address, tokenAddress, sessionKey.address, 100n * unit, HOUR, salt);
    return { sent, channelId: await channels.channelIdOf(payer.address, payee!.address, tokenAddress, salt) };
  };
  const voucherFor = (channelId: string, amount: bigint) => signVoucher(sessionKey, { channelId, amount }, domain);

  const figures: Measurements = {};
  const payer = await newPayer();
  const opened = await openFrom(payer, ethers.id("first"));
  figures["channels.open"] = await measure(opened.sent);
  figures["channels.topUp"] = await measure(channels.connect(payer).topUp(opened.channelId, 50n * unit));
  const payeeChannels = channels.connect(payee!);
  figures["channels.redeem.first"] = await measure(
    payeeChannels.redeem(opened.channelId, unit, await voucherFor(opened.channelId, unit)),
  );
  figures["channels.redeem.later"] = await measure(
    payeeChannels.redeem(opened.channelId, 2n * unit, await voucherFor(opened.channelId, 2n * unit)),
  );
  figures["channels.close"] = await measure(
    payeeChannels.close(opened.channelId, 3n * unit, await voucherFor(opened.channelId, 3n * unit)),
  );

  const exiting = await openFrom(payer, ethers.id("exit"));
  await (await exiting.sent).wait();
  figures["channels.startExit"] = await measure(channels.connect(payer).startExit(exiting.channelId));
  await hre.network.provider.send("evm_increaseTime", [Number(HOUR)]);
  figures["channels.finishExit"] = await measure(channels.connect(payer).finishExit(exiting.channelId));

  // Ten channels, each already redeemed once (a payee redeeming again is the steady state), redeemed together.
  const batch = [];
  for (let i = 0; i < BATCH; i++) {
    const { sent, channelId } = await openFrom(await newPayer(), ethers.id(`batch-${i}`));
    await (await sent).wait();
    await (await payeeChannels.redeem(channelId, unit, await voucherFor(channelId, unit))).wait();
    batch.push({ channelId, amount: 2n * unit, signature: await voucherFor(channelId, 2n * unit) });
  }
  figures["channels.redeemMany10.perChannel"] = await measure(payeeChannels.redeemMany(batch), BATCH);
  return figures;
}
