import { escrow } from "@coffer/sdk";
import type { Command } from "commander";
import { formatAmount } from "../../common";
import type { CliIo } from "../../io";
import { addPaymentAction, eventAmount } from "./shared";

/** `coffer escrow void <payment>`: the operator returns everything held to the payer. */
export function addVoidCommand(group: Command, io: CliIo): void {
  addPaymentAction(
    group,
    io,
    "void",
    "return everything held to the payer (operator)",
    (command) => command,
    async (session, payment, token) => {
      const result = await escrow.voidPayment(session.client, payment);
      const amount = eventAmount(result, "PaymentVoided");
      return { result, done: `Voided: ${formatAmount(amount, token)} back to ${payment.payer}`, extra: { amount } };
    },
  );
}
