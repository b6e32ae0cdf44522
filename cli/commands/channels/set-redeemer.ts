import { channels } from "@coffer/sdk";
import type { Command } from "commander";
import { print, rows, sendCommand, txJson, txLine, withSession, type ChainOptions } from "../../common";
import { parseAddress, type CliIo } from "../../io";

/** `coffer channels set-redeemer <address>`: a payee lets an account redeem and close its channels (or stops it). */
export function addSetRedeemerCommand(group: Command, io: CliIo): void {
  sendCommand(
    group,
    "set-redeemer",
    "let an account redeem and close your channels as payee (payouts still go to you); --revoke stops it",
  )
    .argument("<address>", "the account")
    .option("--revoke", "stop it redeeming")
    .action(async (value: string, options: ChainOptions & { revoke?: boolean }) => {
      const redeemer = parseAddress(value, "redeemer");
      const allowed = options.revoke !== true;
      await withSession(io, options, true, async (session) => {
        const result = await channels.setRedeemer(session.client, redeemer, allowed);
        print(session, { payee: session.account, redeemer, allowed, ...txJson(result) }, () => [
          allowed
            ? `${redeemer} may now redeem and close the channels paying ${session.account}`
            : `${redeemer} may no longer redeem or close the channels paying ${session.account}`,
          ...rows([txLine(result)]),
        ]);
      });
    });
}
