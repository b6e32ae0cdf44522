import { channels } from "@coffer/sdk";
import type { Command } from "commander";
import { ethers } from "ethers";
import {
  formatAmount,
  parseAmount,
  parseDuration,
  print,
  reportApproval,
  resolveToken,
  rows,
  sendCommand,
  txJson,
  txLine,
  withSession,
  type ChainOptions,
} from "../../common";
import { parseAddress, UsageError, type CliIo } from "../../io";
import { formatDuration } from "./shared";

interface OpenOptions extends ChainOptions {
  payee: string;
  token: string;
  deposit: string;
  challengePeriod: string;
  signer?: string;
  salt?: string;
}

/** `coffer channels open`: the payer opens a channel to a payee with a first deposit. */
export function addOpenCommand(group: Command, io: CliIo): void {
  sendCommand(group, "open", "open a channel to a payee with a deposit (you are the payer); prints the channel id")
    .requiredOption("--payee <address>", "who the vouchers pay")
    .requiredOption("--token <token>", "ETH, a token address, or a token of the deployment manifest (e.g. tUSDC)")
    .requiredOption("--deposit <amount>", "the deposit, in the token's units, e.g. 100")
    .option("--challenge-period <duration>", "how long an exit waits for the payee's last voucher", "1h")
    .option("--signer <address>", "the key that signs vouchers, e.g. a session key (default: you)")
    .option("--salt <hex>", "32 bytes of hex that make the channel id (default: random)")
    .action(async (options: OpenOptions) => {
      // What can be checked without the chain is checked before connecting.
      const payee = parseAddress(options.payee, "--payee");
      const challengePeriod = parseDuration(options.challengePeriod, "--challenge-period");
      const voucherSigner = options.signer === undefined ? undefined : parseAddress(options.signer, "--signer");
      if (options.salt !== undefined && !ethers.isHexString(options.salt, 32)) {
        throw new UsageError(`--salt ${options.salt} is not 32 bytes of hex`);
      }
      await withSession(io, options, true, async (session) => {
        const token = await resolveToken(session, options.token);
        const deposit = parseAmount(options.deposit, token, "--deposit");
        if (deposit === 0n) throw new UsageError("--deposit 0: a channel needs a deposit to pay from");
        // The contract's bounds, read rather than copied, so that the message stays true.
        const [minimum, maximum] = await Promise.all([
          session.client.channels.MIN_CHALLENGE_PERIOD(),
          session.client.channels.MAX_CHALLENGE_PERIOD(),
        ]);
        if (challengePeriod < minimum || challengePeriod > maximum) {
          throw new UsageError(
            `--challenge-period ${options.challengePeriod} is outside ${formatDuration(Number(minimum))} to ` +
              `${formatDuration(Number(maximum))}`,
          );
        }
        session.progress(`opening a channel to ${payee} with ${formatAmount(deposit, token)}`);
        const result = await channels.openChannel(session.client, {
          payee,
          token: token.address,
          deposit,
          challengePeriod: Number(challengePeriod),
          voucherSigner,
          salt: options.salt?.toLowerCase(),
        });
        reportApproval(session, result, deposit, token, await session.client.channels.getAddress());
        const opened = await channels.getChannel(session.client, result.channelId);
        print(
          session,
          {
            channelId: result.channelId,
            payer: opened.payer,
            payee: opened.payee,
            token: token.address,
            symbol: token.symbol,
            deposit: opened.deposit,
            challengePeriod: BigInt(opened.challengePeriod),
            signer: opened.signer,
            ...txJson(result),
          },
          () => [
            `Opened channel ${result.channelId}`,
            ...rows([
              ["payee", opened.payee],
              ["deposit", formatAmount(opened.deposit, token)],
              ["challenge period", formatDuration(opened.challengePeriod)],
              ["signer", opened.signer],
              txLine(result),
            ]),
          ],
        );
      });
    });
}
