import type { Command } from "commander";
import { formatAmount, print, readCommand, rows, withSession, type ChainOptions } from "../../common";
import type { CliIo } from "../../io";
import { amountLines, chainTime, channelJson, formatDuration, parseChannelId, readChannel, statusLine } from "./shared";

/** `coffer channels show <channel>`: a channel, what it holds and pays, its exit, and its parties' credits (no key). */
export function addShowCommand(group: Command, io: CliIo): void {
  readCommand(group, "show", "show a channel: parties, deposit, redeemed, remaining, status, and credits")
    .argument("<channel>", "the channel id")
    .action(async (id: string, options: ChainOptions) => {
      const channelId = parseChannelId(id);
      await withSession(io, options, false, async (session) => {
        const view = await readChannel(session, channelId);
        const { channel, token } = view;
        const [now, payeeCredit, payerCredit] = await Promise.all([
          chainTime(session),
          session.client.channels.creditOf(channel.payee, channel.token),
          session.client.channels.creditOf(channel.payer, channel.token),
        ]);
        // A credit is what a payout that could not be pushed left to withdraw (coffer channels withdraw).
        const credits = [
          ["payee's credit", payeeCredit],
          ["payer's credit", payerCredit],
        ] as const;
        print(session, { ...channelJson(view), credits: { payee: payeeCredit, payer: payerCredit } }, () => [
          `Channel ${channelId}: ${statusLine(channel, now)}`,
          ...rows([
            ["payer", channel.payer],
            ["payee", channel.payee],
            ["token", `${token.symbol} (${token.decimals} decimals) ${token.address}`],
            ...amountLines(view),
            ["signer", channel.signer],
            ["challenge period", formatDuration(channel.challengePeriod)],
            ...credits
              .filter(([, credit]) => credit > 0n)
              .map(([label, credit]): [string, string] => [label, formatAmount(credit, token)]),
          ]),
        ]);
      });
    });
}
