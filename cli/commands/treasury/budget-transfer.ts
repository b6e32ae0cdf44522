import { treasury } from "@coffer/sdk";
import type { Command } from "commander";
import {
  formatAmount,
  parseAmount,
  print,
  resolveToken,
  rows,
  sendCommand,
  txJson,
  txLine,
  withSession,
} from "../../common";
import { parseAddress, type CliIo } from "../../io";
import { safeOf, withSafe, type SafeOption } from "./shared";

/** `coffer treasury budget-transfer`: an operator pays from the Safe within its budget. */
export function addBudgetTransferCommand(group: Command, io: CliIo): void {
  withSafe(sendCommand(group, "budget-transfer", "pay from the Safe within your budget (operator)"))
    .requiredOption("--token <token>", "ETH, a token address, or a token of the deployment manifest")
    .requiredOption("--to <address>", "the recipient")
    .requiredOption("--amount <amount>", "the amount in the token's units")
    .action(async (options: SafeOption & { token: string; to: string; amount: string }) => {
      await withSession(io, options, true, async (session) => {
        const safe = safeOf(session, options);
        const token = await resolveToken(session, options.token);
        const amount = parseAmount(options.amount, token);
        const to = parseAddress(options.to, "--to");
        const result = await treasury.budgetTransfer(session.client, safe, token.address, to, amount);
        const [, remaining] = await session.client.treasury.getBudget(safe, session.account, token.address);
        print(session, { safe, token: token.address, to, amount, remaining, ...txJson(result) }, () => [
          `Paid ${formatAmount(amount, token)} from ${safe} to ${to}`,
          ...rows([["budget left", formatAmount(remaining, token)], txLine(result)]),
        ]);
      });
    });
}
