import { splits } from "@coffer/sdk";
import type { Command } from "commander";
import {
  formatAmount,
  print,
  resolveToken,
  rows,
  sendCommand,
  txJson,
  txLine,
  withSession,
  type ChainOptions,
} from "../../common";
import { parseAddress, type CliIo } from "../../io";
import { splitAddressOf, withSplitArgument } from "./shared";

/** `coffer splits withdraw`: a recipient withdraws what a split credited it. */
export function addWithdrawCommand(group: Command, io: CliIo): void {
  withSplitArgument(sendCommand(group, "withdraw", "withdraw what a split credited you in a token"))
    .requiredOption("--token <token>", "ETH, a token address, or a token of the deployment manifest")
    .option("--to <address>", "where to send it (default: you)")
    .action(
      async (argument: string | undefined, options: ChainOptions & { split?: string; token: string; to?: string }) => {
        const split = splitAddressOf(argument, options);
        await withSession(io, options, true, async (session) => {
          const token = await resolveToken(session, options.token);
          const to = options.to === undefined ? undefined : parseAddress(options.to, "--to");
          const result = await splits.withdraw(session.client, split, token.address, to);
          print(
            session,
            { split, token: token.address, amount: result.amount, to: result.to, ...txJson(result) },
            () => [`Withdrew ${formatAmount(result.amount, token)} to ${result.to}`, ...rows([txLine(result)])],
          );
        });
      },
    );
}
