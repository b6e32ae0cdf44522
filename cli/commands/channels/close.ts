import { channels } from "@coffer/sdk";
import type { Command } from "commander";
import { formatAmount, parseAmount, print, sendCommand, txJson, withSession, type ChainOptions } from "../../common";
import { UsageError, type CliIo } from "../../io";
import { afterLines, chainTime, channelJson, eventValue, parseChannelId, parseSignature, readChannel } from "./shared";

/** `coffer channels close <channel>`: the payee redeems a last voucher (if given) and returns the rest at once. */
export function addCloseCommand(group: Command, io: CliIo): void {
  sendCommand(
    group,
    "close",
    "close a channel as its payee (or redeemer): redeem the last voucher if given, return the rest to the payer",
  )
    .argument("<channel>", "the channel id")
    .option("--amount <amount>", "the last voucher's cumulative amount, in the token's units (with --signature)")
    .option("--signature <hex>", "the last voucher's signature (with --amount)")
    .action(async (id: string, options: ChainOptions & { amount?: string; signature?: string }) => {
      const channelId = parseChannelId(id);
      if ((options.amount === undefined) !== (options.signature === undefined)) {
        throw new UsageError("give --amount and --signature together (the last voucher), or neither");
      }
      const signature = options.signature === undefined ? undefined : parseSignature(options.signature);
      await withSession(io, options, true, async (session) => {
        const { token } = await readChannel(session, channelId);
        const voucher =
          options.amount === undefined || signature === undefined
            ? undefined
            : { amount: parseAmount(options.amount, token), signature };
        const result = await channels.closeChannel(session.client, channelId, voucher);
        const paid = eventValue(result, "VoucherRedeemed", "amount");
        const redeemed = eventValue(result, "ChannelClosed", "redeemed");
        const refunded = eventValue(result, "ChannelClosed", "refunded");
        const view = await readChannel(session, channelId);
        const now = await chainTime(session);
        print(session, { channelId, paid, redeemed, refunded, channel: channelJson(view), ...txJson(result) }, () => [
          `Closed channel ${channelId}: ` +
            (paid > 0n ? `${formatAmount(paid, token)} redeemed now, ` : "") +
            `${formatAmount(refunded, token)} returned to ${view.channel.payer}`,
          ...afterLines(view, now, result),
        ]);
      });
    });
}
