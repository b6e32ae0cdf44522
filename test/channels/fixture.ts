import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import hre from "hardhat";
import { channelIdOf, signVoucher } from "../../sdk/src/channels";
import type { ChannelsDomain } from "../../sdk/src/channels/vouchers";
import type { CofferChannels, MockERC20 } from "../../typechain-types";

/** Shared parts of the channel suites: a fresh CofferChannels, a 6-decimal token, and the parties. */

export const HOUR = 3_600n;
export const DAY = 86_400n;
export const ETH = ethers.ZeroAddress;
/** One whole unit of the fixture's 6-decimal token. */
export const USD = 1_000_000n;

export async function channelsFixture() {
  const [deployer, payer, payee, redeemer, stranger] = await hre.ethers.getSigners();
  const channels = (await hre.ethers.deployContract("CofferChannels")) as unknown as CofferChannels;
  const token = (await hre.ethers.deployContract("MockERC20", ["Test USD", "tUSD", 6])) as unknown as MockERC20;
  const address = await channels.getAddress();
  for (const account of [payer!, stranger!]) {
    await token.mint(account.address, 1_000_000n * USD);
    await token.connect(account).approve(address, ethers.MaxUint256);
  }
  // A session key: signs vouchers for the payer without holding anything.
  const sessionKey = ethers.Wallet.createRandom();
  const domain: ChannelsDomain = { chainId: (await hre.ethers.provider.getNetwork()).chainId, channels: address };
  return {
    deployer: deployer!,
    payer: payer!,
    payee: payee!,
    redeemer: redeemer!,
    stranger: stranger!,
    sessionKey,
    channels,
    token,
    tokenAddress: await token.getAddress(),
    domain,
  };
}

export type ChannelsFixture = Awaited<ReturnType<typeof channelsFixture>>;

export const loadChannels = (): Promise<ChannelsFixture> => loadFixture(channelsFixture);

export interface OpenOptions {
  token?: string;
  signer?: string;
  deposit?: bigint;
  challengePeriod?: bigint;
  salt?: string;
  payee?: string;
}

/** Opens a channel from the fixture's payer (token channel of 100 tUSD, one-hour challenge, session key signer). */
export async function openChannel(f: ChannelsFixture, options: OpenOptions = {}) {
  const token = options.token ?? f.tokenAddress;
  const deposit = options.deposit ?? 100n * USD;
  const salt = options.salt ?? ethers.hexlify(ethers.randomBytes(32));
  const payee = options.payee ?? f.payee.address;
  const signer = options.signer ?? f.sessionKey.address;
  await f.channels.connect(f.payer).open(payee, token, signer, deposit, options.challengePeriod ?? HOUR, salt, {
    value: token === ETH ? deposit : 0n,
  });
  return { channelId: channelIdOf(f.payer.address, payee, token, salt), deposit, token, salt };
}

/** A voucher for `amount` (cumulative) on `channelId`, signed by the session key unless another signer is given. */
export function voucher(f: ChannelsFixture, channelId: string, amount: bigint, signer: ethers.Signer = f.sessionKey) {
  return signVoucher(signer, { channelId, amount }, f.domain);
}

/** Balance of `account` in `token` (ETH for the zero address). */
export async function balanceOf(token: string, account: string): Promise<bigint> {
  if (token === ETH) return hre.ethers.provider.getBalance(account);
  return (await hre.ethers.getContractAt("MockERC20", token)).balanceOf(account);
}

/** Moves the next block's time to `at` (unix seconds). */
export const nextBlockAt = (at: bigint): Promise<void> => time.setNextBlockTimestamp(at);

/** The payer starts the exit of `channelId`; returns when it ends (unix seconds), as stored. */
export async function startExit(f: ChannelsFixture, channelId: string): Promise<bigint> {
  await f.channels.connect(f.payer).startExit(channelId);
  return (await f.channels.getChannel(channelId)).exitAt;
}
