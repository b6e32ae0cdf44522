import { subscriptions } from "@coffer/sdk";
import type { Command } from "commander";
import { parseId, print, rows, sendCommand, txJson, txLine, withSession, type ChainOptions } from "../../common";
import type { CliIo } from "../../io";

/** `coffer subs cancel <subscription>`: the subscriber or the merchant ends a subscription. */
export function addCancelCommand(group: Command, io: CliIo): void {
  sendCommand(group, "cancel", "cancel a subscription for good (subscriber or merchant)")
    .argument("<subscription>", "the subscription id")
    .action(async (id: string, options: ChainOptions) => {
      const subscriptionId = parseId(id, "subscription");
      await withSession(io, options, true, async (session) => {
        const result = await subscriptions.cancel(session.client, subscriptionId);
        const { status } = await subscriptions.getSubscription(session.client, subscriptionId);
        print(session, { subscriptionId, status, ...txJson(result) }, () => [
          `Canceled subscription ${subscriptionId}`,
          ...rows([txLine(result)]),
        ]);
      });
    });
}
