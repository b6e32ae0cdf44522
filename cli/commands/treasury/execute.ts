import { treasury } from "@coffer/sdk";
import type { Command } from "commander";
import {
  formatAmount,
  print,
  rows,
  sendCommand,
  tokenInfo,
  txJson,
  txLine,
  withSession,
  type ChainOptions,
} from "../../common";
import type { CliIo } from "../../io";
import { QUEUED_FORMAT, readQueued } from "./shared";

/** `coffer treasury execute <transfer>`: anyone executes a queued transfer once its delay has passed. */
export function addExecuteCommand(group: Command, io: CliIo): void {
  sendCommand(group, "execute", "execute a queued transfer once its delay has passed (anyone)")
    .argument("<transfer>", `the queued-transfer file (${QUEUED_FORMAT})`)
    .action(async (file: string, options: ChainOptions) => {
      await withSession(io, options, true, async (session) => {
        const { transfer, transferId } = await readQueued(session, file);
        const token = await tokenInfo(session, String(transfer.token));
        const result = await treasury.executeQueued(session.client, transfer);
        print(session, { transferId, amount: transfer.amount, to: transfer.to, ...txJson(result) }, () => [
          `Executed transfer ${transferId}: ${formatAmount(BigInt(transfer.amount), token)} to ${String(transfer.to)}`,
          ...rows([txLine(result)]),
        ]);
      });
    });
}
