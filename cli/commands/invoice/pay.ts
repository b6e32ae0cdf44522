import { escrow } from "@coffer/sdk";
import type { Command } from "commander";
import {
  formatAmount,
  print,
  reportApproval,
  rows,
  sendCommand,
  tokenInfo,
  txJson,
  txLine,
  withSession,
  type ChainOptions,
} from "../../common";
import { UsageError, type CliIo } from "../../io";
import { INVOICE_FORMAT, readInvoice } from "./shared";

/** `coffer invoice pay <invoice>`: pays exactly the invoice's amount. */
export function addPayCommand(group: Command, io: CliIo): void {
  sendCommand(group, "pay", "pay an invoice, exactly its amount (approves the escrow first when needed)")
    .argument("<invoice>", `the invoice file (${INVOICE_FORMAT})`)
    .action(async (file: string, options: ChainOptions) => {
      await withSession(io, options, true, async (session) => {
        const { invoice, invoiceId, signature, idMatches } = await readInvoice(session, file);
        if (!idMatches) throw new UsageError(`${file} was altered: its invoice does not hash to its id`);
        const token = await tokenInfo(session, invoice.token);
        // The SDK approves the escrow only once the payment is known to succeed but for the allowance: a paid,
        // expired or wrongly signed invoice is refused with nothing approved.
        session.progress(`paying ${formatAmount(invoice.amount, token)} to ${invoice.payee}`);
        const result = await escrow.payInvoice(session.client, invoice, signature);
        reportApproval(session, result, invoice.amount, token, await session.client.escrow.getAddress());
        print(session, { invoiceId, amount: invoice.amount, payee: invoice.payee, ...txJson(result) }, () => [
          `Paid invoice ${invoiceId}: ${formatAmount(invoice.amount, token)} to ${invoice.payee}`,
          ...rows([txLine(result)]),
        ]);
      });
    });
}
