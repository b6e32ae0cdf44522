import { escrow } from "@coffer/sdk";
import type { Command } from "commander";
import { formatAmount, parseAmount, reportApproval } from "../../common";
import type { CliIo } from "../../io";
import { addPaymentAction } from "./shared";

/** `coffer escrow refund <payment>`: the operator or the payee gives captured funds back, paying for it. */
export function addRefundCommand(group: Command, io: CliIo): void {
  addPaymentAction(
    group,
    io,
    "refund",
    "give captured funds back to the payer, paid by you (operator or payee)",
    (command) => command.requiredOption("--amount <amount>", "how much to refund, in the token's units"),
    async (session, payment, token, options) => {
      const amount = parseAmount(options.amount ?? "", token);
      // The SDK approves the escrow for the refund only once the refund is known to succeed but for it: a caller
      // who may not refund is refused with nothing approved.
      const result = await escrow.refund(session.client, payment, amount);
      reportApproval(session, result, amount, token, await session.client.escrow.getAddress());
      return { result, done: `Refunded ${formatAmount(amount, token)} to ${payment.payer}`, extra: { amount } };
    },
  );
}
