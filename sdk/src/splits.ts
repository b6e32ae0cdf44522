import { ethers } from "ethers";
import type { CofferClient } from "./client";
import { CofferContractError, CofferError, cofferInterface, toCofferError } from "./errors";
import { cofferSplitAbi } from "./generated/abis";
import type { CofferSplit } from "./generated/typechain";
import { NATIVE_TOKEN } from "./tokens";
import { sendCall, signerOf, type CofferReceipt } from "./transactions";

/** Allocations and the distribution incentive are in millionths: allocations sum to this. */
export const ALLOCATION_SCALE = 1_000_000n;
/** Largest distribution incentive, in millionths (5%). */
export const MAX_DISTRIBUTION_INCENTIVE = 50_000;
/** Most recipients of a push-mode split. */
export const MAX_PUSH_RECIPIENTS = 200;
/** Most recipients of a pull-only split. */
export const MAX_PULL_RECIPIENTS = 600;

/**
 * A split configuration as the contracts take it (see `ICofferSplit.SplitConfig`): each entry of `recipients` is
 * `allocation << 160 | recipient`, sorted ascending by address. Build one with {@link splitConfig}.
 */
export interface SplitConfig {
  recipients: bigint[];
  /** Part of each distribution paid to its distributor, in millionths (at most 50,000). */
  distributionIncentive: number;
  /** True: every share is credited and withdrawn by its recipient; false: shares are pushed. */
  pullOnly: boolean;
}

/** One recipient and its allocation, in millionths. */
export interface SplitRecipient {
  account: string;
  allocation: bigint;
}

const ADDRESS_MASK = (1n << 160n) - 1n;
const coder = ethers.AbiCoder.defaultAbiCoder();
const CONFIG_TYPE = "tuple(uint256[] recipients, uint32 distributionIncentive, bool pullOnly)";

/** Packs a recipient and its allocation into one configuration entry. */
export const entryOf = (recipient: SplitRecipient): bigint =>
  (recipient.allocation << 160n) | BigInt(ethers.getAddress(recipient.account));

/** The recipients of a configuration with their allocations, in its (ascending) order. */
export function recipientsOf(config: SplitConfig): SplitRecipient[] {
  return config.recipients.map((entry) => ({
    account: ethers.getAddress(ethers.toBeHex(entry & ADDRESS_MASK, 20)),
    allocation: entry >> 160n,
  }));
}

/** A configuration from recipients in any order (sorted here); no incentive and push mode unless told. */
export function splitConfig(
  recipients: readonly SplitRecipient[],
  options: { distributionIncentive?: number; pullOnly?: boolean } = {},
): SplitConfig {
  const sorted = [...recipients].sort((a, b) => {
    const [x, y] = [BigInt(a.account), BigInt(b.account)];
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return {
    recipients: sorted.map(entryOf),
    distributionIncentive: options.distributionIncentive ?? 0,
    pullOnly: options.pullOnly ?? false,
  };
}

/** The hash a split stores: `keccak256(abi.encode(config))`, equal to the factory's `hashConfig`. */
export function hashSplitConfig(config: SplitConfig): string {
  return ethers.keccak256(
    coder.encode([CONFIG_TYPE], [[config.recipients, config.distributionIncentive, config.pullOnly]]),
  );
}

/** A local validation failure, as the same typed error the factory would revert with. */
function configError(name: string, values: readonly unknown[]): CofferContractError {
  const fragment = cofferInterface().getError(name);
  if (fragment === null) throw new Error(`unknown error ${name}`);
  const args = Object.fromEntries(fragment.inputs.map((input, index) => [input.name, values[index]]));
  return new CofferContractError(name, args, cofferInterface().encodeErrorResult(fragment, values));
}

/**
 * Checks a configuration as the factory does, without the chain.
 * @throws CofferContractError with the error the factory would revert with (e.g. `CofferSplitInvalidTotalAllocation`).
 */
export function validateSplitConfig(config: SplitConfig): void {
  const count = config.recipients.length;
  if (count === 0) throw configError("CofferSplitNoRecipients", []);
  const max = config.pullOnly ? MAX_PULL_RECIPIENTS : MAX_PUSH_RECIPIENTS;
  if (count > max) throw configError("CofferSplitTooManyRecipients", [BigInt(count), BigInt(max)]);
  if (config.distributionIncentive > MAX_DISTRIBUTION_INCENTIVE) {
    throw configError("CofferSplitIncentiveTooHigh", [
      BigInt(config.distributionIncentive),
      BigInt(MAX_DISTRIBUTION_INCENTIVE),
    ]);
  }
  let previous = 0n;
  let total = 0n;
  recipientsOf(config).forEach((recipient, index) => {
    const value = BigInt(recipient.account);
    if (value <= previous) {
      if (value === 0n && index === 0) throw configError("CofferSplitZeroRecipient", []);
      if (value === previous) throw configError("CofferSplitDuplicateRecipient", [recipient.account]);
      const before = ethers.getAddress(ethers.toBeHex(previous, 20));
      throw configError("CofferSplitRecipientsNotSorted", [BigInt(index), before, recipient.account]);
    }
    if (recipient.allocation === 0n) throw configError("CofferSplitZeroAllocation", [recipient.account]);
    previous = value;
    total += recipient.allocation;
  });
  if (total !== ALLOCATION_SCALE) {
    throw configError("CofferSplitInvalidTotalAllocation", [total, ALLOCATION_SCALE]);
  }
}

/**
 * The address of the split of `config` and `controller` (an ERC-1167 clone at a CREATE2 address), computed
 * without the chain, given the factory and its implementation: equal to the factory's `predictSplitAddress`.
 * @throws CofferContractError for an invalid configuration, which could never be created.
 */
export function computeSplitAddress(
  factory: string,
  implementation: string,
  config: SplitConfig,
  controller: string = ethers.ZeroAddress,
): string {
  validateSplitConfig(config);
  const salt = ethers.keccak256(coder.encode(["bytes32", "address"], [hashSplitConfig(config), controller]));
  const initCode = ethers.concat([
    "0x3d602d80600a3d3981f3363d3d373d3d3d363d73",
    ethers.getAddress(implementation),
    "0x5af43d82803e903d91602b57fd5bf3",
  ]);
  return ethers.getCreate2Address(factory, salt, ethers.keccak256(initCode));
}

/** The address the split of `config` and `controller` has (or will have) on the client's chain. */
export async function predictSplitAddress(
  client: CofferClient,
  config: SplitConfig,
  controller: string = ethers.ZeroAddress,
): Promise<string> {
  validateSplitConfig(config);
  let implementation: string;
  try {
    implementation = await client.splitFactory.SPLIT_IMPLEMENTATION();
  } catch (error) {
    throw toCofferError(error);
  }
  return computeSplitAddress(await client.splitFactory.getAddress(), implementation, config, controller);
}

/** The split contract at `split`, bound to the client's runner. */
export const splitAt = (client: CofferClient, split: string): CofferSplit =>
  new ethers.Contract(split, cofferSplitAbi, client.runner) as unknown as CofferSplit;

/**
 * Creates the split of `config` and `controller` (address(0): immutable), or finds it if it exists. The
 * configuration is validated first, without the chain.
 */
export async function createSplit(
  client: CofferClient,
  config: SplitConfig,
  controller: string = ethers.ZeroAddress,
): Promise<CofferReceipt & { split: string; created: boolean; configHash: string }> {
  const split = await predictSplitAddress(client, config, controller);
  const result = await sendCall(client, {
    contract: client.splitFactory,
    method: "createSplit",
    args: [config, controller],
  });
  const event = result.events.find((candidate) => candidate.name === "SplitCreated");
  return { ...result, split, created: event !== undefined, configHash: hashSplitConfig(config) };
}

/** What a distribution did. */
export interface DistributionOutcome {
  readonly token: string;
  /** Divided among the recipients, after the incentive. */
  readonly amount: bigint;
  readonly incentive: bigint;
  readonly distributor: string;
  /** Each recipient's share, and whether it was pushed (paid) or credited (to withdraw). */
  readonly shares: { account: string; amount: bigint; paid: boolean }[];
}

/**
 * Distributes what the split holds of `token` (`NATIVE_TOKEN` for ETH) beyond what it owes: pushed to each
 * recipient in push mode (credited where a push fails), credited to all in pull-only mode. The incentive goes to
 * `distributor` (default: the caller).
 */
export async function distribute(
  client: CofferClient,
  split: string,
  config: SplitConfig,
  token: string,
  distributor: string = ethers.ZeroAddress,
): Promise<CofferReceipt & DistributionOutcome> {
  const result = await sendCall(client, {
    contract: splitAt(client, split),
    method: "distribute",
    args: [config, token, distributor],
  });
  const ours = result.events.filter((event) => event.address.toLowerCase() === split.toLowerCase());
  const distributed = ours.find((event) => event.name === "Distributed");
  if (distributed === undefined) throw new CofferError(`No Distributed event in transaction ${result.transactionHash}`);
  const amount = distributed.args["amount"] as bigint;
  const credited = new Set(
    ours.filter((event) => event.name === "PayoutCredited").map((event) => event.args["account"] as string),
  );
  return {
    ...result,
    token: distributed.args["token"] as string,
    amount,
    incentive: distributed.args["incentive"] as bigint,
    distributor: distributed.args["distributor"] as string,
    shares: recipientsOf(config).map((recipient) => ({
      account: recipient.account,
      amount: (amount * recipient.allocation) / ALLOCATION_SCALE,
      paid: !config.pullOnly && !credited.has(recipient.account),
    })),
  };
}

/** Withdraws everything credited to the caller in `token` to `to` (default: the caller). */
export async function withdraw(
  client: CofferClient,
  split: string,
  token: string,
  to?: string,
): Promise<CofferReceipt & { amount: bigint; to: string }> {
  const receiver = to ?? (await signerOf(client).getAddress());
  const result = await sendCall(client, {
    contract: splitAt(client, split),
    method: "withdraw",
    args: [token, receiver],
  });
  const event = result.events.find((candidate) => candidate.name === "Withdrawn");
  if (event === undefined) throw new CofferError(`No Withdrawn event in transaction ${result.transactionHash}`);
  return { ...result, amount: event.args["amount"] as bigint, to: receiver };
}

/** What `account` may withdraw from the split in `token`. */
export async function creditOf(client: CofferClient, split: string, account: string, token: string): Promise<bigint> {
  try {
    return await splitAt(client, split).creditOf(account, token);
  } catch (error) {
    throw toCofferError(error);
  }
}

/** A split's holdings of one token. */
export interface SplitBalances {
  readonly token: string;
  /** What the split holds. */
  readonly balance: bigint;
  /** What it owes (credited, not withdrawn). */
  readonly owed: bigint;
  /** What the next distribution would divide (incentive included). */
  readonly distributable: bigint;
  /** Each account's credit, for the accounts asked. */
  readonly credits: { account: string; credit: bigint }[];
}

/** The split's balance, debt, distributable amount and the credits of `accounts` in `token`. */
export async function splitBalances(
  client: CofferClient,
  split: string,
  token: string,
  accounts: readonly string[] = [],
): Promise<SplitBalances> {
  const contract = splitAt(client, split);
  const provider = client.runner.provider ?? (client.runner as ethers.Provider);
  try {
    const balance =
      token === NATIVE_TOKEN
        ? await provider.getBalance(split)
        : await new ethers.Contract(
            token,
            ["function balanceOf(address) view returns (uint256)"],
            provider,
          ).getFunction("balanceOf")(split);
    const [owed, distributable] = await Promise.all([contract.owed(token), contract.distributable(token)]);
    const credits = await Promise.all(
      accounts.map(async (account) => ({ account, credit: await contract.creditOf(account, token) })),
    );
    return { token, balance: balance as bigint, owed, distributable, credits };
  } catch (error) {
    throw toCofferError(error);
  }
}

/** A split as found on chain: its controller and its current configuration (from the factory's and its events). */
export interface SplitInfo {
  readonly split: string;
  readonly controller: string;
  readonly pendingController: string;
  readonly configHash: string;
  /** The configuration whose hash the split stores, or undefined when no event carries it (logs pruned). */
  readonly config: SplitConfig | undefined;
}

function configFromResult(value: ethers.Result): SplitConfig {
  return {
    recipients: [...(value[0] as bigint[])],
    distributionIncentive: Number(value[1]),
    pullOnly: Boolean(value[2]),
  };
}

/**
 * Reads a split: controller, configuration hash, and the configuration itself, found in the factory's
 * `SplitCreated` and the split's `SplitUpdated` events (from block `fromBlock`, default: the factory's deployment).
 * @throws CofferError when no split is at the address.
 */
export async function getSplit(client: CofferClient, split: string, fromBlock?: number): Promise<SplitInfo> {
  const contract = splitAt(client, split);
  const provider = client.runner.provider ?? (client.runner as ethers.Provider);
  try {
    if ((await provider.getCode(split)) === "0x") {
      throw new CofferError(`No split at ${split}: create it first (a predicted address holds no code yet)`);
    }
    const [configHash, controller, pendingController] = await Promise.all([
      contract.configHash(),
      contract.controller(),
      contract.pendingController(),
    ]);
    const start = fromBlock ?? client.manifest.contracts["CofferSplitFactory"]?.deploymentBlock ?? 0;
    const created = await client.splitFactory.queryFilter(
      client.splitFactory.filters.SplitCreated(split),
      start,
      "latest",
    );
    const updated = await contract.queryFilter(contract.filters.SplitUpdated(configHash), start, "latest");
    const configs = [
      ...created.map((event) => configFromResult(event.args.config as unknown as ethers.Result)),
      ...updated.map((event) => configFromResult(event.args.config as unknown as ethers.Result)),
    ];
    const config = configs.reverse().find((candidate) => hashSplitConfig(candidate) === configHash);
    return { split: ethers.getAddress(split), controller, pendingController, configHash, config };
  } catch (error) {
    throw toCofferError(error);
  }
}

export { NATIVE_TOKEN } from "./tokens";
