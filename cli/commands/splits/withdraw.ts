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

/** `coffer splits withdraw`: a recipient withdraws what a split credited it. */
export function addWithdrawCommand(group: Command, io: CliIo): void {
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
}
