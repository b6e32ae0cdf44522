import { channels } from "@coffer/sdk";
import type { Command } from "commander";
import { formatAmount, print, sendCommand, txJson, withSession, type ChainOptions } from "../../common";
import type { CliIo } from "../../io";
import {
  afterLines,
  chainTime,
  channelJson,
  eventValue,
  formatDuration,
  formatTime,
  parseChannelId,
  readChannel,
} from "./shared";

/** `coffer channels exit <channel>`: the payer starts the exit; the payee has the challenge period to redeem. */
export function addExitCommand(group: Command, io: CliIo): void {
  sendCommand(group, "exit", "start the payer's exit: after the challenge period, take back what no voucher claims")
    .argument("<channel>", "the channel id")
    .action(async (id: string, options: ChainOptions) => {
      const channelId = parseChannelId(id);
      await withSession(io, options, true, async (session) => {
        const result = await channels.startExit(session.client, channelId);
        const view = await readChannel(session, channelId);
        const exitAt = BigInt(view.channel.exitAt);
        const now = await chainTime(session);
        print(session, { channelId, exitAt, channel: channelJson(view), ...txJson(result) }, () => [
          `Exit started: it ends ${formatTime(exitAt)} (in ${formatDuration(view.channel.challengePeriod)}); ` +
            `then run coffer channels finish-exit ${channelId}`,
          ...afterLines(view, now, result),
        ]);
      });
    });
}

/**
 * `coffer channels finish-exit <channel>`: once the challenge period has ended, the payer takes back the rest.
 * Too early, the chain refuses it with `CofferChannelsExitNotDue`, whose message gives the end as a UTC date.
 */
export function addFinishExitCommand(group: Command, io: CliIo): void {
  sendCommand(group, "finish-exit", "finish the payer's exit once the challenge period has ended; closes the channel")
    .argument("<channel>", "the channel id")
    .action(async (id: string, options: ChainOptions) => {
      const channelId = parseChannelId(id);
      await withSession(io, options, true, async (session) => {
        const result = await channels.finishExit(session.client, channelId);
        const refunded = eventValue(result, "ChannelClosed", "refunded");
        const view = await readChannel(session, channelId);
        const now = await chainTime(session);
        print(session, { channelId, refunded, channel: channelJson(view), ...txJson(result) }, () => [
          `Exit finished: ${formatAmount(refunded, view.token)} returned to ${view.channel.payer}`,
          ...afterLines(view, now, result),
        ]);
      });
    });
}
