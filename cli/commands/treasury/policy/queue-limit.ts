import { treasury } from "@coffer/sdk";
import type { Command } from "commander";
import { formatAmount, parseAmount, readCommand, resolveToken, withSession, type ChainOptions } from "../../../common";
import { parseAddress, UsageError, type CliIo } from "../../../io";
import { parseSeconds, printPolicy } from "../shared";

/** `coffer treasury policy queue-limit`: the most an operator may queue of a token per period. */
export function addQueueLimitCommand(policy: Command, io: CliIo): void {
  readCommand(policy, "queue-limit", "the most an operator may queue of a token per period (nothing until set)")
    .requiredOption("--operator <address>", "the operator")
    .requiredOption("--token <token>", "ETH, a token address, or a token of the deployment manifest")
    .requiredOption("--amount <amount>", "most per period, in the token's units (0: nothing)")
    .requiredOption("--period <seconds>", "period length in seconds (e.g. 86400 for a day)")
    .action(async (options: ChainOptions & { operator: string; token: string; amount: string; period: string }) => {
      await withSession(io, options, false, async (session) => {
        const operator = parseAddress(options.operator, "--operator");
        const token = await resolveToken(session, options.token);
        const amount = parseAmount(options.amount, token);
        const period = parseSeconds(options.period, "--period");
        if (period === 0) throw new UsageError("--period must be at least 1 second");
        const call = await treasury.policy.setQueueLimit(session.client, operator, token.address, amount, period);
        printPolicy(session, `queue limit of ${operator}: ${formatAmount(amount, token)} per ${period} s`, call);
      });
    });
}
