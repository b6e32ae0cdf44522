import { treasury } from "@coffer/sdk";
import type { Command } from "commander";
import { ethers } from "ethers";
import { formatAmount, print, resolveToken, rows, sendCommand, txJson, txLine, withSession } from "../../common";
import type { CliIo } from "../../io";
import { safeOf, withSafe, type SafeOption } from "./shared";

/** `coffer treasury sweep`: anyone sends the Safe's excess of a token above its cap to its cold address. */
export function addSweepCommand(group: Command, io: CliIo): void {
  withSafe(sendCommand(group, "sweep", "send the Safe's excess of a token above its cap to its cold address (anyone)"))
    .requiredOption("--token <token>", "ETH, a token address, or a token of the deployment manifest")
    .action(async (options: SafeOption & { token: string }) => {
      await withSession(io, options, true, async (session) => {
        const safe = safeOf(session, options);
        const token = await resolveToken(session, options.token);
        const result = await treasury.sweep(session.client, safe, token.address);
        const event = result.events.find((candidate) => candidate.name === "Swept");
        const amount = (event?.args["amount"] as bigint | undefined) ?? 0n;
        const cold = (event?.args["cold"] as string | undefined) ?? ethers.ZeroAddress;
        print(session, { safe, token: token.address, amount, cold, ...txJson(result) }, () => [
          `Swept ${formatAmount(amount, token)} from ${safe} to ${cold}`,
          ...rows([txLine(result)]),
        ]);
      });
    });
}
