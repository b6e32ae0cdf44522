import { escrow } from "@coffer/sdk";
import type { Command } from "commander";
import { formatAmount, parseAmount, parseBps } from "../../common";
import type { CliIo } from "../../io";
import { addPaymentAction } from "./shared";

/** `coffer escrow capture <payment>`: the operator moves held funds to the payee, minus the fee. */
export function addCaptureCommand(group: Command, io: CliIo): void {
  addPaymentAction(
    group,
    io,
    "capture",
    "move held funds to the payee, minus the fee (operator)",
    (command) =>
      command
        .requiredOption("--amount <amount>", "how much to capture, in the token's units")
        .option("--fee <percent>", "the fee, within the payment's bounds (default: its minimum)"),
    async (session, payment, token, options) => {
      const amount = parseAmount(options.amount ?? "", token);
      const feeBps = options.fee === undefined ? payment.minFeeBps : parseBps(options.fee, "--fee");
      const result = await escrow.capture(session.client, payment, amount, feeBps);
      return {
        result,
        done: `Captured ${formatAmount(amount, token)} for ${payment.payee}`,
        extra: { amount, feeBps },
      };
    },
  );
}
