import { escrow } from "@coffer/sdk";
import type { Command } from "commander";
import { formatAmount, parseAmount } from "../../common";
import type { CliIo } from "../../io";
import { addPaymentAction, eventAmount } from "./shared";

/** `coffer escrow resolve <payment>`: the arbiter divides disputed funds between the payer and the payee. */
export function addResolveCommand(group: Command, io: CliIo): void {
  addPaymentAction(
    group,
    io,
    "resolve",
    "divide disputed funds: --payer-amount back to the payer, the rest to the payee (arbiter)",
    (command) => command.requiredOption("--payer-amount <amount>", "what the payer gets back, in the token's units"),
    async (session, payment, token, options) => {
      const payerAmount = parseAmount(options.payerAmount ?? "", token, "--payer-amount");
      const result = await escrow.resolve(session.client, payment, payerAmount);
      const payeeAmount = eventAmount(result, "PaymentResolved", "payeeAmount");
      return {
        result,
        done: `Resolved: ${formatAmount(payerAmount, token)} to the payer, ${formatAmount(payeeAmount, token)} to the payee`,
        extra: { payerAmount, payeeAmount },
      };
    },
  );
}
