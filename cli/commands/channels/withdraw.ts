import { channels } from "@coffer/sdk";
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
import { eventValue } from "./shared";

/** `coffer channels withdraw`: withdraws a credit (a payout the contract could not push) in a token. */
export function addWithdrawCommand(group: Command, io: CliIo): void {
  sendCommand(group, "withdraw", "withdraw your credit in a token: payouts of channels that could not be sent to you")
    .requiredOption("--token <token>", "ETH, a token address, or a token of the deployment manifest (e.g. tUSDC)")
    .option("--to <address>", "where to send it (default: you)")
    .action(async (options: ChainOptions & { token: string; to?: string }) => {
      const to = options.to === undefined ? undefined : parseAddress(options.to, "--to");
      await withSession(io, options, true, async (session) => {
        const token = await resolveToken(session, options.token);
        const receiver = to ?? session.account;
        const result = await channels.withdrawCredit(session.client, token.address, receiver);
        const amount = eventValue(result, "CreditWithdrawn", "amount");
        print(session, { token: token.address, symbol: token.symbol, amount, to: receiver, ...txJson(result) }, () => [
          `Withdrew ${formatAmount(amount, token)} to ${receiver}`,
          ...rows([txLine(result)]),
        ]);
      });
    });
}
