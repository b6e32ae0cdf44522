import { subscriptions, type PlanParams } from "@coffer/sdk";
import type { Command } from "commander";
import { ethers } from "ethers";
import {
  parseAmount,
  parseBps,
  parseDuration,
  print,
  resolveToken,
  rows,
  sendCommand,
  txJson,
  txLine,
  withSession,
  type ChainOptions,
} from "../../common";
import { parseAddress, UsageError, type CliIo } from "../../io";
import { DEFAULT_GRACE, readPlan } from "./shared";

/** `coffer subs plan-create`: a merchant publishes a plan. */
export function addPlanCreateCommand(group: Command, io: CliIo): void {
  sendCommand(group, "plan-create", "publish a plan (you are its merchant)")
    .requiredOption("--token <token>", "ETH, a token address, or a token of the deployment manifest (e.g. TestUSDC)")
    .requiredOption("--amount <amount>", "the price of one period, in the token's units")
    .requiredOption("--period <duration>", "the billing period (e.g. 30d, 1w, 3600)")
    .option("--payee <address>", "who is paid (default: you)")
    .option("--trial <duration>", "a free trial before the first charge", "0")
    .option(
      "--grace <duration>",
      "how long a failed charge may be retried before the subscription lapses; shorter than the period " +
        "(default: 3d, or half the period when that is shorter)",
    )
    .option("--fee <percent>", "a fee taken from each charge, in percent", "0")
    .option("--fee-receiver <address>", "who receives the fee (required with a fee)")
    .action(
      async (
        options: ChainOptions & {
          token: string;
          amount: string;
          period: string;
          payee?: string;
          trial: string;
          grace?: string;
          fee: string;
          feeReceiver?: string;
        },
      ) => {
        await withSession(io, options, true, async (session) => {
          const token = await resolveToken(session, options.token);
          const period = parseDuration(options.period, "--period");
          // The contract refuses a grace of a period or more (a subscriber could skip every other period).
          const grace =
            options.grace === undefined
              ? period / 2n < DEFAULT_GRACE
                ? period / 2n
                : DEFAULT_GRACE
              : parseDuration(options.grace, "--grace");
          if (grace >= period) {
            throw new UsageError(`--grace ${options.grace ?? ""} must be shorter than --period ${options.period}`);
          }
          const params: PlanParams = {
            payee: options.payee === undefined ? session.account : parseAddress(options.payee, "--payee"),
            token: token.address,
            amount: parseAmount(options.amount, token),
            period: Number(period),
            trial: Number(parseDuration(options.trial, "--trial")),
            grace: Number(grace),
            feeBps: parseBps(options.fee, "--fee"),
            feeReceiver:
              options.feeReceiver === undefined
                ? ethers.ZeroAddress
                : parseAddress(options.feeReceiver, "--fee-receiver"),
          };
          const result = await subscriptions.createPlan(session.client, params);
          const plan = await readPlan(session, result.planId);
          print(session, { planId: result.planId, plan: plan.json, ...txJson(result) }, () => [
            `Created plan ${result.planId}`,
            ...rows([...plan.lines, txLine(result)]),
          ]);
        });
      },
    );
}
