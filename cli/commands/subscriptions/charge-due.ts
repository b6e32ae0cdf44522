import { subscriptions } from "@coffer/sdk";
import type { Command } from "commander";
import { parseId, print, rows, sendCommand, table, txJson, txLine, withSession, type ChainOptions } from "../../common";
import { UsageError, type CliIo } from "../../io";
import { FAILURE } from "./shared";

/** `coffer subs charge-due`: a keeper charges every due subscription among --ids or of --plan. */
export function addChargeDueCommand(group: Command, io: CliIo): void {
  sendCommand(group, "charge-due", "charge every due subscription among --ids, or of --plan (anyone: a keeper)")
    .option("--ids <ids>", "subscription ids, comma-separated")
    .option("--plan <id>", "every subscription of this plan (found in the chain's events)")
    .action(async (options: ChainOptions & { ids?: string; plan?: string }) => {
      if ((options.ids === undefined) === (options.plan === undefined)) {
        throw new UsageError("give --ids <ids> or --plan <id>");
      }
      const ids = options.ids?.split(",").map((id) => parseId(id.trim(), "--ids"));
      const planOption = options.plan === undefined ? undefined : parseId(options.plan, "--plan");
      await withSession(io, options, true, async (session) => {
        let candidates = ids;
        if (candidates === undefined) {
          const contract = session.client.subscriptions;
          const start = session.client.manifest.contracts["CofferSubscriptions"]?.deploymentBlock ?? 0;
          const events = await contract.queryFilter(
            contract.filters.SubscriptionCreated(undefined, planOption),
            start,
            "latest",
          );
          candidates = events.map((event) => event.args.subscriptionId);
        }
        session.progress(`checking ${candidates.length} subscription(s)`);
        const due = await subscriptions.dueSubscriptions(session.client, candidates);
        if (due.length === 0) {
          print(session, { due: [], charged: [], failed: [], skipped: [], lapsed: [] }, () => [
            `Nothing due among ${candidates.length} subscription(s).`,
          ]);
          return;
        }
        session.progress(`charging ${due.length} due subscription(s)`);
        const outcome = await subscriptions.chargeDue(session.client, due);
        const failed = outcome.failed.map((failure) => {
          const known = FAILURE[Number(failure.reason)];
          return {
            subscriptionId: failure.subscriptionId,
            reason: known?.name ?? "unknown",
            label: known?.label ?? `reason ${failure.reason}`,
          };
        });
        print(
          session,
          {
            due,
            charged: outcome.charged,
            failed: failed.map(({ subscriptionId, reason }) => ({ subscriptionId, reason })),
            skipped: outcome.skipped,
            lapsed: outcome.lapsed,
            ...txJson(outcome),
          },
          () => [
            `Charged ${outcome.charged.length} of ${due.length} due subscription(s)`,
            ...table(
              ["subscription", "outcome"],
              [
                ...outcome.charged.map((id) => [`${id}`, "charged"]),
                ...failed.map((failure) => [`${failure.subscriptionId}`, `failed: ${failure.label}`]),
                ...outcome.skipped.map((id) => [`${id}`, "skipped"]),
                ...outcome.lapsed.map((id) => [`${id}`, "lapsed"]),
              ],
            ),
            ...rows([txLine(outcome)]),
          ],
        );
      });
    });
}
