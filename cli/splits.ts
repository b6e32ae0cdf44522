import { CofferContractError, splits } from "@coffer/sdk";
import { Command } from "commander";
import { ethers } from "ethers";
import {
  formatAmount,
  print,
  readCommand,
  resolveToken,
  rows,
  sendCommand,
  table,
  txJson,
  txLine,
  withSession,
  type ChainOptions,
  type Session,
} from "./common";
import { parseAddress, UsageError, type CliIo } from "./io";

interface ConfigOptions extends ChainOptions {
  recipient: string[];
  incentive: string;
  pullOnly?: boolean;
  controller?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `--recipient`, `--incentive`, `--pull-only` and `--controller`: a split's initial configuration. */
function withConfig(command: Command): Command {
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
function millionths(value: string, what: string): bigint {
  if (!/^[0-9]+(\.[0-9]{1,4})?$/.test(value))
    throw new UsageError(`${what} ${value} is not a percentage (e.g. 33.3333)`);
  return ethers.parseUnits(value, 4);
}

/** The configuration and controller of the options, checked as the factory would (a bad one is a usage error). */
function configOf(options: ConfigOptions): { config: splits.SplitConfig; controller: string } {
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

const percent = (allocation: bigint | number): string => `${ethers.formatUnits(allocation, 4)}%`;

const configJson = (config: splits.SplitConfig) => ({
  recipients: splits.recipientsOf(config),
  distributionIncentive: config.distributionIncentive,
  pullOnly: config.pullOnly,
});

const configLines = (config: splits.SplitConfig): string[] => [
  `  ${config.pullOnly ? "pull-only" : "push"} mode, distribution incentive ${percent(config.distributionIncentive)}`,
  ...table(
    ["recipient", "share"],
    splits.recipientsOf(config).map((recipient) => [recipient.account, percent(recipient.allocation)]),
  ),
];

/** The split at `--split` with its configuration (found in the chain's events). */
async function loadSplit(session: Session, value: string) {
  const info = await splits.getSplit(session.client, parseAddress(value, "--split"));
  if (info.config === undefined) {
    throw new Error(`the configuration of split ${info.split} (hash ${info.configHash}) is in no event the node keeps`);
  }
  return { ...info, config: info.config };
}

/** `coffer splits …`: revenue splits. */
export function splitsCommand(io: CliIo): Command {
  const group = new Command("splits").description("revenue splits: create, predict addresses, distribute, withdraw");

  withConfig(sendCommand(group, "create", "create a split (or find it, if that configuration exists already)")).action(
    async (options: ConfigOptions) => {
      const { config, controller } = configOf(options);
      await withSession(io, options, true, async (session) => {
        const result = await splits.createSplit(session.client, config, controller);
        print(
          session,
          {
            split: result.split,
            created: result.created,
            controller,
            configHash: result.configHash,
            config: configJson(config),
            ...txJson(result),
          },
          () => [
            `${result.created ? "Created" : "Found existing"} split ${result.split}`,
            ...configLines(config),
            ...rows([
              ["controller", controller === ethers.ZeroAddress ? "none (immutable)" : controller],
              txLine(result),
            ]),
          ],
        );
      });
    },
  );

  withConfig(
    readCommand(group, "predict", "the address a split will have (funds may be sent there before it exists)"),
  ).action(async (options: ConfigOptions) => {
    const { config, controller } = configOf(options);
    await withSession(io, options, false, async (session) => {
      const split = await splits.predictSplitAddress(session.client, config, controller);
      const exists = (await session.provider.getCode(split)) !== "0x";
      print(session, { split, exists, controller, configHash: splits.hashSplitConfig(config) }, () => [
        `Split address ${split}${exists ? " (created)" : " (not created yet)"}`,
        ...configLines(config),
      ]);
    });
  });

  sendCommand(group, "distribute", "divide what a split holds of a token among its recipients (anyone)")
    .requiredOption("--split <address>", "the split")
    .requiredOption("--token <token>", "ETH, a token address, or a token of the deployment manifest")
    .option("--distributor <address>", "who receives the incentive (default: you)")
    .action(async (options: ChainOptions & { split: string; token: string; distributor?: string }) => {
      await withSession(io, options, true, async (session) => {
        const token = await resolveToken(session, options.token);
        const info = await loadSplit(session, options.split);
        const distributor =
          options.distributor === undefined ? ethers.ZeroAddress : parseAddress(options.distributor, "--distributor");
        session.progress(`distributing ${token.symbol} of ${info.split}`);
        const outcome = await splits.distribute(session.client, info.split, info.config, token.address, distributor);
        print(
          session,
          {
            split: info.split,
            token: token.address,
            amount: outcome.amount,
            incentive: outcome.incentive,
            distributor: outcome.distributor,
            shares: outcome.shares,
            ...txJson(outcome),
          },
          () => [
            `Distributed ${formatAmount(outcome.amount, token)} (incentive ${formatAmount(outcome.incentive, token)} to ${outcome.distributor})`,
            ...table(
              ["recipient", "share", ""],
              outcome.shares.map((share) => [
                share.account,
                formatAmount(share.amount, token),
                share.paid ? "paid" : "credited",
              ]),
            ),
            ...rows([txLine(outcome)]),
          ],
        );
      });
    });

  sendCommand(group, "withdraw", "withdraw what a split credited you in a token")
    .requiredOption("--split <address>", "the split")
    .requiredOption("--token <token>", "ETH, a token address, or a token of the deployment manifest")
    .option("--to <address>", "where to send it (default: you)")
    .action(async (options: ChainOptions & { split: string; token: string; to?: string }) => {
      await withSession(io, options, true, async (session) => {
        const token = await resolveToken(session, options.token);
        const split = parseAddress(options.split, "--split");
        const to = options.to === undefined ? undefined : parseAddress(options.to, "--to");
        const result = await splits.withdraw(session.client, split, token.address, to);
        print(session, { split, token: token.address, amount: result.amount, to: result.to, ...txJson(result) }, () => [
          `Withdrew ${formatAmount(result.amount, token)} to ${result.to}`,
          ...rows([txLine(result)]),
        ]);
      });
    });

  readCommand(group, "show", "a split's controller, recipients, and its balances and credits in tokens")
    .requiredOption("--split <address>", "the split")
    .option("--token <token>", "a token to show balances of (repeat; default: ETH)", collect, [])
    .action(async (options: ChainOptions & { split: string; token: string[] }) => {
      await withSession(io, options, false, async (session) => {
        const info = await loadSplit(session, options.split);
        const accounts = splits.recipientsOf(info.config).map((recipient) => recipient.account);
        const tokens = await Promise.all(
          (options.token.length === 0 ? ["ETH"] : options.token).map((value) => resolveToken(session, value)),
        );
        const balances = await Promise.all(
          tokens.map(async (token) => ({
            ...(await splits.splitBalances(session.client, info.split, token.address, accounts)),
            token,
          })),
        );
        print(
          session,
          {
            split: info.split,
            controller: info.controller,
            pendingController: info.pendingController,
            configHash: info.configHash,
            config: configJson(info.config),
            balances: balances.map(({ token, balance, owed, distributable, credits }) => ({
              token: token.address,
              symbol: token.symbol,
              balance,
              owed,
              distributable,
              credits,
            })),
          },
          () => [
            `Split ${info.split}`,
            ...rows([["controller", info.controller === ethers.ZeroAddress ? "none (immutable)" : info.controller]]),
            ...configLines(info.config),
            ...balances.flatMap(({ token, balance, owed, distributable, credits }) => [
              `  ${token.symbol}: holds ${formatAmount(balance, token)}, owes ${formatAmount(owed, token)}, distributable ${formatAmount(distributable, token)}`,
              ...credits
                .filter((credit) => credit.credit > 0n)
                .map((credit) => `    credit of ${credit.account}: ${formatAmount(credit.credit, token)}`),
            ]),
          ],
        );
      });
    });
  return group;
}
