import { treasury } from "@coffer/sdk";
import type { Command } from "commander";
import { ethers } from "ethers";
import { formatAmount, print, readCommand, resolveToken, rows, withSession } from "../../common";
import { parseAddress, type CliIo } from "../../io";
import { isoTime, QUEUED_FORMAT, QUEUED_STATUS, readQueued, safeOf, withSafe, type SafeOption } from "./shared";

/** `coffer treasury status`: a Safe's module settings, an operator's standing and budget, a queued transfer (no key). */
export function addStatusCommand(group: Command, io: CliIo): void {
  withSafe(
    readCommand(group, "status", "a Safe's module settings, an operator's standing and budget, a queued transfer"),
  )
    .option("--operator <address>", "show this operator's standing, budget and queue limit")
    .option("--token <token>", "the token of the budget, queue limit and sweep rule", "ETH")
    .option("--transfer <file>", `show the status of a queued transfer (${QUEUED_FORMAT})`)
    .action(async (options: SafeOption & { operator?: string; token: string; transfer?: string }) => {
      await withSession(io, options, false, async (session) => {
        const module = session.client.treasury;
        const safe = safeOf(session, options);
        const token = await resolveToken(session, options.token);
        const settings = await module.getSafeSettings(safe);
        const rule = await module.getSweepRule(safe, token.address);
        const result: Record<string, unknown> = {
          safe,
          token: token.address,
          paused: settings.paused,
          delay: settings.delay,
          sweepRule: { cold: rule.cold, cap: rule.cap },
        };
        const lines: [string, string][] = [
          ["safe", `${safe}${settings.paused ? " (paused)" : ""}`],
          ["queue delay", settings.delay === 0n ? "none set: nothing can be queued" : `${settings.delay} s`],
          [
            `sweep ${token.symbol}`,
            rule.cold === ethers.ZeroAddress ? "no rule" : `above ${formatAmount(rule.cap, token)} to ${rule.cold}`,
          ],
        ];
        if (options.operator !== undefined) {
          const operator = parseAddress(options.operator, "--operator");
          const standing = await module.getOperator(safe, operator);
          const [budget, remaining] = await module.getBudget(safe, operator, token.address);
          const queueLimit = await treasury.getQueueLimit(session.client, safe, operator, token.address);
          result.operator = {
            address: operator,
            enabled: standing.enabled,
            paused: standing.paused,
            restricted: standing.restricted,
            budget: { amount: budget.amount, period: budget.period, remaining },
            queueLimit,
          };
          lines.push(
            [
              "operator",
              `${operator} ${standing.enabled ? "enabled" : "disabled"}${standing.paused ? ", paused" : ""}${standing.restricted ? ", restricted recipients" : ""}`,
            ],
            [
              "budget",
              budget.period === 0n
                ? "none"
                : `${formatAmount(budget.amount, token)} per ${budget.period} s, ${formatAmount(remaining, token)} left`,
            ],
            [
              "queue limit",
              queueLimit.period === 0
                ? "none: nothing can be queued"
                : `${formatAmount(queueLimit.amount, token)} per ${queueLimit.period} s, ${formatAmount(queueLimit.remaining, token)} left`,
            ],
          );
        }
        if (options.transfer !== undefined) {
          const { transferId, transfer } = await readQueued(session, options.transfer);
          const status = QUEUED_STATUS[Number(await module.getQueuedStatus(transferId))] ?? "none";
          const settingsDelay = settings.delay;
          const window = settingsDelay === 0n ? undefined : await treasury.getExecutionWindow(session.client, transfer);
          result.queued = {
            transferId,
            status,
            eta: transfer.eta,
            queuedAt: transfer.queuedAt,
            ...(window === undefined ? {} : { executableFrom: window.earliest, executableUntil: window.deadline }),
          };
          lines.push([
            "queued",
            window === undefined
              ? `${transferId} ${status}, the Safe has no queue delay`
              : `${transferId} ${status}, executable from ${isoTime(window.earliest)} until before ${isoTime(window.deadline)}`,
          ]);
        }
        print(session, result, () => ["Treasury", ...rows(lines)]);
      });
    });
}
