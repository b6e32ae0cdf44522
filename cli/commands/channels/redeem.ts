import { channels } from "@coffer/sdk";
import type { Command } from "commander";
import { formatAmount, parseAmount, print, sendCommand, txJson, withSession, type ChainOptions } from "../../common";
import type { CliIo } from "../../io";
import { afterLines, chainTime, channelJson, eventValue, parseChannelId, parseSignature, readChannel } from "./shared";

/** `coffer channels redeem <channel>`: the payee (or its redeemer) is paid what a voucher adds. */
export function addRedeemCommand(group: Command, io: CliIo): void {
  sendCommand(group, "redeem", "redeem a voucher: the payee is paid its increase over the last one (payee or redeemer)")
    .argument("<channel>", "the channel id")
    .requiredOption("--amount <amount>", "the voucher's cumulative amount, in the token's units")
    .requiredOption("--signature <hex>", "the voucher's signature (coffer channels voucher)")
    .action(async (id: string, options: ChainOptions & { amount: string; signature: string }) => {
      const channelId = parseChannelId(id);
      const signature = parseSignature(options.signature);
      await withSession(io, options, true, async (session) => {
        const { token } = await readChannel(session, channelId);
        const amount = parseAmount(options.amount, token);
        const result = await channels.redeem(session.client, channelId, amount, signature);
        const paid = eventValue(result, "VoucherRedeemed", "amount");
        const credited = eventValue(result, "PayoutCredited", "amount");
        const view = await readChannel(session, channelId);
        const now = await chainTime(session);
        print(session, { channelId, amount, paid, credited, channel: channelJson(view), ...txJson(result) }, () => [
          `Redeemed ${formatAmount(paid, token)} for ${view.channel.payee}` +
            (credited > 0n ? ` (credited, as it could not be sent: coffer channels withdraw)` : ""),
          ...afterLines(view, now, result),
        ]);
      });
    });
}
