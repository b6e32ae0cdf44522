import { channels } from "@coffer/sdk";
import type { Command } from "commander";
import {
  formatAmount,
  parseAmount,
  print,
  reportApproval,
  sendCommand,
  txJson,
  withSession,
  type ChainOptions,
} from "../../common";
import type { CliIo } from "../../io";
import { afterLines, chainTime, channelJson, parseChannelId, readChannel } from "./shared";

/** `coffer channels top-up <channel>`: the payer adds to a channel's deposit. */
export function addTopUpCommand(group: Command, io: CliIo): void {
  sendCommand(group, "top-up", "add to a channel's deposit (payer; not once an exit has started)")
    .argument("<channel>", "the channel id")
    .requiredOption("--amount <amount>", "how much to add, in the token's units")
    .action(async (id: string, options: ChainOptions & { amount: string }) => {
      const channelId = parseChannelId(id);
      await withSession(io, options, true, async (session) => {
        const { token } = await readChannel(session, channelId);
        const amount = parseAmount(options.amount, token);
        session.progress(`adding ${formatAmount(amount, token)} to channel ${channelId}`);
        const result = await channels.topUp(session.client, channelId, amount);
        reportApproval(session, result, amount, token, await session.client.channels.getAddress());
        const view = await readChannel(session, channelId);
        const now = await chainTime(session);
        print(session, { channelId, amount, channel: channelJson(view), ...txJson(result) }, () => [
          `Added ${formatAmount(amount, token)} to the deposit`,
          ...afterLines(view, now, result),
        ]);
      });
    });
}
