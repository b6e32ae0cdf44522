import { treasury } from "@coffer/sdk";
import type { Command } from "commander";
import {
  ensureNewFile,
  formatAmount,
  parseAmount,
  print,
  resolveToken,
  rows,
  sendCommand,
  txJson,
  txLine,
  withSession,
  writeJsonFile,
} from "../../common";
import { parseAddress, type CliIo } from "../../io";
import { isoTime, QUEUED_FORMAT, safeOf, withSafe, type SafeOption } from "./shared";

/** `coffer treasury queue`: an operator queues a transfer behind the Safe's delay and writes it to a file. */
export function addQueueCommand(group: Command, io: CliIo): void {
  withSafe(sendCommand(group, "queue", "queue a transfer from the Safe behind its delay (operator)"))
    .requiredOption("--token <token>", "ETH, a token address, or a token of the deployment manifest")
    .requiredOption("--to <address>", "the recipient")
    .requiredOption("--amount <amount>", "the amount in the token's units")
    .requiredOption("--out <file>", `write the queued transfer (${QUEUED_FORMAT}) here, for execute`)
    .action(async (options: SafeOption & { token: string; to: string; amount: string; out: string }) => {
      ensureNewFile(options.out);
      await withSession(io, options, true, async (session) => {
        const safe = safeOf(session, options);
        const token = await resolveToken(session, options.token);
        const amount = parseAmount(options.amount, token);
        const to = parseAddress(options.to, "--to");
        const result = await treasury.queueTransfer(session.client, safe, token.address, to, amount);
        writeJsonFile(options.out, {
          format: QUEUED_FORMAT,
          chainId: session.chainId,
          module: await session.client.treasury.getAddress(),
          transferId: result.transferId,
          transfer: result.transfer,
        });
        const { earliest } = await treasury.getExecutionWindow(session.client, result.transfer);
        print(
          session,
          { transferId: result.transferId, file: options.out, transfer: result.transfer, ...txJson(result) },
          () => [
            `Queued ${formatAmount(amount, token)} from ${safe} to ${to}`,
            ...rows([
              ["transfer", result.transferId],
              ["executable", isoTime(earliest)],
              ["file", options.out],
              txLine(result),
            ]),
          ],
        );
      });
    });
}
