import { escrow } from "@coffer/sdk";
import type { Command } from "commander";
import { formatAmount } from "../../common";
import type { CliIo } from "../../io";
import { addPaymentAction, eventAmount } from "./shared";

/** `coffer escrow dispute <payment>`: the payer freezes what is held until the arbiter resolves. */
export function addDisputeCommand(group: Command, io: CliIo): void {
  addPaymentAction(
    group,
    io,
    "dispute",
    "freeze what is held until the arbiter resolves (payer)",
    (command) => command,
    async (session, payment, token) => {
      const result = await escrow.dispute(session.client, payment);
      const amount = eventAmount(result, "PaymentDisputed");
      return { result, done: `Disputed: ${formatAmount(amount, token)} frozen`, extra: { amount } };
    },
  );
}
