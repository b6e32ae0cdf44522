import { CofferValidationError, subscriptions } from "@coffer/sdk";
import type { Command } from "commander";
import {
  formatAmount,
  parseId,
  print,
  readCommand,
  rows,
  withSession,
  type ChainOptions,
  type TokenInfo,
} from "../../common";
import { UsageError, type CliIo } from "../../io";
import { readPlan, seconds, STATUS_LABEL } from "./shared";

/** `coffer subs status`: a subscription and its plan, or a plan (no key). */
export function addStatusCommand(group: Command, io: CliIo): void {
  readCommand(group, "status", "show a subscription (and its plan), or a plan with --plan")
    .argument("[subscription]", "the subscription id")
    .option("--plan <id>", "show this plan instead")
    .action(async (id: string | undefined, options: ChainOptions & { plan?: string }) => {
      if ((id === undefined) === (options.plan === undefined))
        throw new UsageError("give a subscription id or --plan <id>");
      const planOption = options.plan === undefined ? undefined : parseId(options.plan, "--plan");
      await withSession(io, options, false, async (session) => {
        if (id === undefined || planOption !== undefined) {
          const plan = await readPlan(session, planOption ?? 0n);
          print(session, { plan: plan.json }, () => [`Plan ${options.plan}`, ...rows(plan.lines)]);
          return;
        }
        const subscriptionId = parseId(id, "subscription");
        const state = await subscriptions.getSubscription(session.client, subscriptionId).catch((error: unknown) => {
          if (error instanceof CofferValidationError) throw new Error(`subscription ${subscriptionId} does not exist`);
          throw error;
        });
        const plan = await readPlan(session, state.planId);
        const { due, dueAt } = state;
        const token: TokenInfo = plan.token;
        print(
          session,
          {
            subscriptionId,
            subscriber: state.subscriber,
            planId: state.planId,
            status: state.status,
            anchor: state.anchor,
            nextPeriod: BigInt(state.nextPeriod),
            due,
            dueAt,
            plan: plan.json,
          },
          () => [
            `Subscription ${subscriptionId}: ${STATUS_LABEL[state.status]}`,
            ...rows([
              ["subscriber", state.subscriber],
              ["price", `${formatAmount(plan.json.amount, token)} every ${seconds(plan.json.period)}`],
              ["next charge", due ? "due now" : new Date(Number(dueAt) * 1000).toISOString()],
              ...plan.lines.slice(0, 1),
            ]),
          ],
        );
      });
    });
}
