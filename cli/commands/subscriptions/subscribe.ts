import { getAllowance, NATIVE_TOKEN, subscriptions } from "@coffer/sdk";
import type { Command } from "commander";
import {
  formatAmount,
  parseAmount,
  parseId,
  print,
  reportApproval,
  rows,
  sendCommand,
  txJson,
  txLine,
  withSession,
  type ChainOptions,
} from "../../common";
import { parseCount, type CliIo } from "../../io";
import { permitFor, readPlan, supportsPermit } from "./shared";

/** `coffer subs subscribe`: subscribes to a plan, through an allowance, a permit, an approval or an ETH deposit. */
export function addSubscribeCommand(group: Command, io: CliIo): void {
  sendCommand(group, "subscribe", "subscribe to a plan; without a trial the first period is charged at once")
    .requiredOption("--plan <id>", "the plan")
    .option("--periods <n>", "how many periods the token allowance (or permit) covers", "12")
    .option("--no-permit", "approve with a transaction even when the token takes EIP-2612 permits")
    .option("--deposit <amount>", "for an ETH plan: ETH to deposit for the charges (default: one period)")
    .action(async (options: ChainOptions & { plan: string; periods: string; permit: boolean; deposit?: string }) => {
      const planId = parseId(options.plan, "--plan");
      const periods = parseCount(options.periods, "--periods");
      await withSession(io, options, true, async (session) => {
        const plan = await readPlan(session, planId);
        const token = plan.token;
        const price = plan.json.amount;
        const spender = await session.client.subscriptions.getAddress();
        let method: "deposit" | "permit" | "approve" | "allowance";
        let result: Awaited<ReturnType<typeof subscriptions.subscribe>>;
        if (token.address === NATIVE_TOKEN) {
          const value = options.deposit === undefined ? price : parseAmount(options.deposit, token, "--deposit");
          method = "deposit";
          result = await subscriptions.subscribe(session.client, planId, { value });
        } else {
          const covered = Math.max(periods, 1);
          const wanted = price * BigInt(covered);
          const allowance = await getAllowance(session.client, token.address, session.account, spender);
          if (allowance >= price) {
            method = "allowance";
            result = await subscriptions.subscribe(session.client, planId, { approve: false });
          } else if (options.permit && (await supportsPermit(session, token.address))) {
            method = "permit";
            session.progress(`signing a permit of ${formatAmount(wanted, token)} (${periods} periods)`);
            const permit = await permitFor(session, token.address, spender, wanted);
            result = await subscriptions.subscribe(session.client, planId, { permit });
          } else {
            method = "approve";
            // The SDK approves `covered` periods only once the subscription is known to succeed but for it.
            result = await subscriptions.subscribe(session.client, planId, { periods: covered });
            reportApproval(session, result, wanted, token, spender);
          }
        }
        const charged = result.events.some((event) => event.name === "SubscriptionCharged");
        print(session, { subscriptionId: result.subscriptionId, planId, method, charged, ...txJson(result) }, () => [
          `Subscribed to plan ${planId}: subscription ${result.subscriptionId}`,
          ...rows([
            ["first charge", charged ? formatAmount(price, token) : "after the trial"],
            ["allowance", method],
            txLine(result),
          ]),
        ]);
      });
    });
}
