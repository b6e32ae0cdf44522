import { splits } from "@coffer/sdk";
import type { Command } from "commander";
import { ethers } from "ethers";
import {
  formatAmount,
  print,
  resolveToken,
  rows,
  sendCommand,
  table,
  txJson,
  txLine,
  withSession,
  type ChainOptions,
} from "../../common";
import { parseAddress, type CliIo } from "../../io";
import { loadSplit, splitAddressOf, withSplitArgument } from "./shared";

/** `coffer splits distribute`: anyone divides what a split holds of a token among its recipients. */
export function addDistributeCommand(group: Command, io: CliIo): void {
  withSplitArgument(
    sendCommand(group, "distribute", "divide what a split holds of a token among its recipients (anyone)"),
  )
    .requiredOption("--token <token>", "ETH, a token address, or a token of the deployment manifest")
    .option("--distributor <address>", "who receives the incentive (default: you)")
    .action(
      async (
        argument: string | undefined,
        options: ChainOptions & { split?: string; token: string; distributor?: string },
      ) => {
        const address = splitAddressOf(argument, options);
        await withSession(io, options, true, async (session) => {
          const token = await resolveToken(session, options.token);
          const info = await loadSplit(session, address);
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
      },
    );
}
