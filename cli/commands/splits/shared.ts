import { CofferContractError, splits } from "@coffer/sdk";
import { Option, type Command } from "commander";
import { ethers } from "ethers";
import { table, type ChainOptions, type Session } from "../../common";
import { parseAddress, UsageError } from "../../io";

/** The options of a split's configuration. */
export interface ConfigOptions extends ChainOptions {
  recipient: string[];
  incentive: string;
  pullOnly?: boolean;
  controller?: string;
}

/** Collects a repeated option's values. */
export const collect = (value: string, previous: string[]) => [...previous, value];

/** `--recipient`, `--incentive`, `--pull-only` and `--controller`: a split's initial configuration. */
export function withConfig(command: Command): Command {
  return command
    .option(
      "--recipient <address:percent>",
      "a recipient and its share in percent, up to 4 decimals (repeat; shares sum to 100)",
      collect,
      [],
    )
    .option("--incentive <percent>", "part of each distribution paid to whoever distributes, up to 5%", "0")
    .option("--pull-only", "credit every share, each recipient withdraws (cheapest for large groups)")
    .option("--controller <address>", "who may update the split, e.g. a Safe (default: none, immutable)");
}

/** Percent with up to 4 decimals → millionths. */
export function millionths(value: string, what: string): bigint {
  if (!/^[0-9]+(\.[0-9]{1,4})?$/.test(value))
    throw new UsageError(`${what} ${value} is not a percentage (e.g. 33.3333)`);
  return ethers.parseUnits(value, 4);
}

/** The configuration and controller of the options, checked as the factory would (a bad one is a usage error). */
export function configOf(options: ConfigOptions): { config: splits.SplitConfig; controller: string } {
  if (options.recipient.length === 0) throw new UsageError("give at least one --recipient <address:percent>");
  const recipients = options.recipient.map((entry) => {
    const [account, percent, ...rest] = entry.split(":");
    if (account === undefined || percent === undefined || rest.length > 0) {
      throw new UsageError(`--recipient ${entry} is not <address:percent>`);
    }
    return { account: parseAddress(account, "--recipient"), allocation: millionths(percent, "--recipient share") };
  });
  const config = splits.splitConfig(recipients, {
    distributionIncentive: Number(millionths(options.incentive, "--incentive")),
    pullOnly: options.pullOnly === true,
  });
  try {
    splits.validateSplitConfig(config);
  } catch (error) {
    if (error instanceof CofferContractError) throw new UsageError(`invalid split: ${error.message}`);
    throw error;
  }
  const controller =
    options.controller === undefined ? ethers.ZeroAddress : parseAddress(options.controller, "--controller");
  return { config, controller };
}

/** Millionths as a percentage. */
export const percent = (allocation: bigint | number): string => `${ethers.formatUnits(allocation, 4)}%`;

/** A configuration as JSON: recipients with their allocations. */
export const configJson = (config: splits.SplitConfig) => ({
  recipients: splits.recipientsOf(config),
  distributionIncentive: config.distributionIncentive,
  pullOnly: config.pullOnly,
});

/** A configuration for people. */
export const configLines = (config: splits.SplitConfig): string[] => [
  `  ${config.pullOnly ? "pull-only" : "push"} mode, distribution incentive ${percent(config.distributionIncentive)}`,
  ...table(
    ["recipient", "share"],
    splits.recipientsOf(config).map((recipient) => [recipient.account, percent(recipient.allocation)]),
  ),
];

/**
 * Adds the split a command acts on: its address as the argument, as other commands take their object
 * (`coffer splits show 0x…`); `--split` is still read, for scripts written before.
 */
export function withSplitArgument(command: Command): Command {
  return command
    .argument("[split]", "the split's address")
    .addOption(new Option("--split <address>", "the split (same as the argument)").hideHelp());
}

/** The split's address from the argument or `--split`; a usage error when neither (or two different) is given. */
export function splitAddressOf(argument: string | undefined, options: { split?: string }): string {
  if (argument !== undefined && options.split !== undefined && argument.toLowerCase() !== options.split.toLowerCase()) {
    throw new UsageError(`two different splits: ${argument} and --split ${options.split}`);
  }
  const value = argument ?? options.split;
  if (value === undefined) throw new UsageError("give the split's address: coffer splits <command> <split>");
  return parseAddress(value, "split");
}

/** The split at `value` with its configuration (found in the chain's events). */
export async function loadSplit(session: Session, value: string) {
  const info = await splits.getSplit(session.client, parseAddress(value, "split"));
  if (info.config === undefined) {
    throw new Error(`the configuration of split ${info.split} (hash ${info.configHash}) is in no event the node keeps`);
  }
  return { ...info, config: info.config };
}
