import { escrow } from "@coffer/sdk";
import type { Command } from "commander";
import { formatAmount } from "../../common";
import type { CliIo } from "../../io";
import { addPaymentAction, eventAmount } from "./shared";

/** `coffer escrow reclaim <payment>`: the payer takes back what is held once the authorization expired. */
export function addReclaimCommand(group: Command, io: CliIo): void {
  addPaymentAction(
    group,
    io,
    "reclaim",
    "take back what is held once the authorization expired (payer)",
    (command) => command,
    async (session, payment, token) => {
      const result = await escrow.reclaim(session.client, payment);
      const amount = eventAmount(result, "PaymentReclaimed");
      return { result, done: `Reclaimed ${formatAmount(amount, token)}`, extra: { amount } };
    },
  );
}
