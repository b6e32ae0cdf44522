import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import hre from "hardhat";
import type { CofferSplit } from "../../typechain-types";
import { deployProtocol } from "../helpers/protocol-fixture";

/** Allocations and the incentive are in millionths. */
export const SCALE = 1_000_000n;
export const MAX_PUSH_RECIPIENTS = 200;
export const MAX_PULL_RECIPIENTS = 600;
/** The gas cap of one transaction (EIP-7825), which Hardhat's network enforces. */
export const TX_GAS_CAP = 16_777_216n;

/** The kinds of asset every distribution behaviour runs for. */
export const ASSETS = [
  { name: "native ETH", decimals: 18, native: true },
  { name: "a 6-decimal token", decimals: 6, native: false },
  { name: "an 18-decimal token", decimals: 18, native: false },
] as const;
export type Asset = (typeof ASSETS)[number];

/** A split configuration as the contracts take it: each entry is `allocation << 160 | recipient`. */
export interface SplitConfig {
  recipients: bigint[];
  distributionIncentive: number;
  pullOnly: boolean;
}

/** One recipient and its allocation, in millionths. */
export interface Share {
  account: string;
  allocation: bigint;
}

/** Packs a recipient and its allocation into one entry. */
export const entryOf = (account: string, allocation: bigint): bigint => (allocation << 160n) | BigInt(account);

/** The recipient of an entry. */
export const accountOf = (entry: bigint): string => ethers.getAddress(ethers.toBeHex(entry & ((1n << 160n) - 1n), 20));

/** The allocation of an entry. */
export const allocationOf = (entry: bigint): bigint => entry >> 160n;

/** Sorts addresses ascending, as a configuration requires. */
export const sortAddresses = (accounts: readonly string[]): string[] =>
  [...accounts].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));

/** A configuration from shares in any order (sorted here); no incentive, push mode unless told. */
export function configOf(
  shares: readonly Share[],
  options: Partial<Omit<SplitConfig, "recipients">> = {},
): SplitConfig {
  const sorted = [...shares].sort((a, b) => (BigInt(a.account) < BigInt(b.account) ? -1 : 1));
  return {
    recipients: sorted.map((share) => entryOf(share.account, share.allocation)),
    distributionIncentive: options.distributionIncentive ?? 0,
    pullOnly: options.pullOnly ?? false,
  };
}

/** Equal allocations (what does not divide goes one millionth each to the first accounts, once sorted). */
export function equalConfig(
  accounts: readonly string[],
  options: Partial<Omit<SplitConfig, "recipients">> = {},
): SplitConfig {
  const sorted = sortAddresses(accounts);
  const n = BigInt(sorted.length);
  return configOf(
    sorted.map((account, i) => ({ account, allocation: SCALE / n + (BigInt(i) < SCALE % n ? 1n : 0n) })),
    options,
  );
}

/** `count` fixed, distinct addresses without code, derived from `tag`. */
export const addressesOf = (tag: string, count: number): string[] =>
  Array.from({ length: count }, (_, i) => ethers.getAddress(ethers.dataSlice(ethers.id(`splits ${tag} ${i}`), 12)));

const coder = ethers.AbiCoder.defaultAbiCoder();

/** The configuration hash a split stores: `keccak256(abi.encode(config))`. */
export const hashConfig = (config: SplitConfig): string =>
  ethers.keccak256(
    coder.encode(
      ["tuple(uint256[] recipients, uint32 distributionIncentive, bool pullOnly)"],
      [[config.recipients, config.distributionIncentive, config.pullOnly]],
    ),
  );

/** The address of a split, computed off-chain as an SDK would: CREATE2 of an ERC-1167 clone. */
export function predictOffChain(
  factory: string,
  implementation: string,
  config: SplitConfig,
  controller: string,
): string {
  const salt = ethers.keccak256(coder.encode(["bytes32", "address"], [hashConfig(config), controller]));
  const initCode = ethers.concat([
    "0x3d602d80600a3d3981f3363d3d373d3d3d363d73",
    implementation,
    "0x5af43d82803e903d91602b57fd5bf3",
  ]);
  return ethers.getCreate2Address(factory, salt, ethers.keccak256(initCode));
}

/** Each recipient's share of a distributed `amount` (rounded down), by address. */
export function sharesOf(config: SplitConfig, amount: bigint): Map<string, bigint> {
  return new Map(config.recipients.map((entry) => [accountOf(entry), (amount * allocationOf(entry)) / SCALE]));
}

/**
 * What a distribution of `available` does: the amount divided, each share, their sum (`distributed`), the incentive
 * and what stays in the split (`remainder`, the incentive's rounding included). The incentive is its rate of
 * `available`, rounded down, but never more than `distributed * rate / (1,000,000 - rate)`: at most its rate of
 * what leaves the split. `dust`: no share reaches one unit, and the distribution reverts (CofferSplitDustOnly).
 */
export function splitOf(config: SplitConfig, available: bigint) {
  const rate = BigInt(config.distributionIncentive);
  const nominal = (available * rate) / SCALE;
  const amount = available - nominal;
  const shares = sharesOf(config, amount);
  const distributed = [...shares.values()].reduce((a, b) => a + b, 0n);
  const earned = (distributed * rate) / (SCALE - rate);
  const incentive = earned < nominal ? earned : nominal;
  return {
    incentive,
    amount,
    shares,
    distributed,
    remainder: available - incentive - distributed,
    dust: distributed === 0n,
  };
}

/**
 * Coffer deployed on the in-process chain as on a local chain (the treasury Safe, 2-of-3, is the controller of
 * mutable splits in these tests). Deterministic addresses are shared with other test files' fixtures, so tests
 * assert on balance changes or on fresh recipients.
 */
export async function splitsFixture() {
  const {
    manifest,
    splitFactory: factory,
    usdc,
    dai,
    treasurySafe: safe,
    asTreasurySafe,
    deployer,
    owners,
    signers,
  } = await deployProtocol();
  const [, , , , keeper, alice, bob, carol, dave, stranger] = signers;
  /** Executes a call from the treasury Safe with two owners' signatures, sent by the keeper. */
  const asSafe = (to: string, data: string) => asTreasurySafe(to, data, keeper!);
  return {
    manifest,
    factory,
    factoryAddress: await factory.getAddress(),
    implementation: await factory.SPLIT_IMPLEMENTATION(),
    usdc,
    dai,
    safe,
    asSafe,
    deployer,
    owners,
    keeper: keeper!,
    alice: alice!,
    bob: bob!,
    carol: carol!,
    dave: dave!,
    stranger: stranger!,
  };
}

export type SplitsFixture = Awaited<ReturnType<typeof splitsFixture>>;

/** Loads the splits fixture (snapshotted by Hardhat after its first run). */
export const loadSplits = (): Promise<SplitsFixture> => loadFixture(splitsFixture);

/** Creates the split of `config` (immutable unless a controller is given) and returns it. */
export async function createSplit(
  f: SplitsFixture,
  config: SplitConfig,
  controller: string = ethers.ZeroAddress,
): Promise<CofferSplit> {
  await (await f.factory.createSplit(config, controller)).wait();
  const address = await f.factory.predictSplitAddress(config, controller);
  return (await hre.ethers.getContractAt("CofferSplit", address)) as unknown as CofferSplit;
}

/** The token address of an asset kind (`ethers.ZeroAddress` for ETH). */
export async function tokenOf(f: SplitsFixture, asset: Asset): Promise<string> {
  if (asset.native) return ethers.ZeroAddress;
  return asset.decimals === 6 ? f.usdc.getAddress() : f.dai.getAddress();
}

/** Sends `amount` of `token` to `to`: ETH from the deployer (all gas forwarded), a mock token by minting. */
export async function fund(f: SplitsFixture, token: string, to: string, amount: bigint): Promise<void> {
  if (token === ethers.ZeroAddress) {
    await (await f.deployer.sendTransaction({ to, value: amount })).wait();
  } else {
    const mock = await hre.ethers.getContractAt("MockERC20", token);
    await (await mock.mint(to, amount)).wait();
  }
}

/** Balance of `account` in `token` (`ethers.ZeroAddress`: ETH). */
export async function balanceOf(token: string, account: string): Promise<bigint> {
  if (token === ethers.ZeroAddress) return hre.ethers.provider.getBalance(account);
  return (await hre.ethers.getContractAt("MockERC20", token)).balanceOf(account);
}

/** Balances of many accounts in `token`. */
export const balancesOf = (token: string, accounts: readonly string[]): Promise<bigint[]> =>
  Promise.all(accounts.map((account) => balanceOf(token, account)));

/** `amount` whole units of an asset. */
export const units = (asset: Asset, amount: bigint): bigint => amount * 10n ** BigInt(asset.decimals);
