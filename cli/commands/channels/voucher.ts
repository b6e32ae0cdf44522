import { channels } from "@coffer/sdk";
import type { Command } from "commander";
import {
  formatAmount,
  parseAmount,
  print,
  rows,
  sendCommand,
  signerOf,
  withSession,
  type ChainOptions,
} from "../../common";
import { UsageError, type CliIo } from "../../io";
import { parseChannelId, readChannel } from "./shared";

/**
 * `coffer channels voucher <channel>`: the channel's signer signs a voucher for a cumulative amount, off chain
 * (nothing is sent); the payee redeems it with `coffer channels redeem` or `close`.
 */
export function addVoucherCommand(group: Command, io: CliIo): void {
  sendCommand(
    group,
    "voucher",
    "sign a voucher for the total the payee may take so far (channel's signer; off chain, nothing is sent)",
  )
    .argument("<channel>", "the channel id")
    .requiredOption("--amount <amount>", "the cumulative amount paid so far, in the token's units (not an increment)")
    .action(async (id: string, options: ChainOptions & { amount: string }) => {
      const channelId = parseChannelId(id);
      await withSession(io, options, true, async (session) => {
        const { channel, token } = await readChannel(session, channelId);
        const amount = parseAmount(options.amount, token);
        // A voucher the contract would refuse is refused here, where the signer can still do something about it.
        if (channel.status === "closed")
          throw new UsageError(`channel ${channelId} is closed: its vouchers are worthless`);
        if (amount > channel.deposit) {
          throw new UsageError(
            `--amount ${options.amount} is above the deposit of ${formatAmount(channel.deposit, token)}: ` +
              `a voucher cannot claim more than the channel holds; top it up first (coffer channels top-up)`,
          );
        }
        if (amount <= channel.redeemed) {
          throw new UsageError(
            `--amount ${options.amount} is not above the ${formatAmount(channel.redeemed, token)} already redeemed: ` +
              "vouchers are cumulative, give the total paid so far",
          );
        }
        if (session.account !== channel.signer) {
          throw new UsageError(
            `your key ${session.account} is not the channel's signer ${channel.signer}: the contract would refuse its voucher`,
          );
        }
        const domain = await channels.channelsDomainOf(session.client);
        const signature = await channels.signVoucher(signerOf(session), { channelId, amount }, domain);
        print(session, { channelId, amount, signature }, () => [
          `Voucher for ${formatAmount(amount, token)} in total (${formatAmount(amount - channel.redeemed, token)} more than redeemed)`,
          ...rows([
            ["channel", channelId],
            ["signature", signature],
          ]),
          `Redeem: coffer channels redeem ${channelId} --amount ${options.amount} --signature ${signature}`,
        ]);
      });
    });
}
