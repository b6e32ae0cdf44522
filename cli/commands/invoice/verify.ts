import { escrow, getChainTime } from "@coffer/sdk";
import type { Command } from "commander";
import { formatAmount, print, readCommand, rows, tokenInfo, withSession, type ChainOptions } from "../../common";
import type { CliIo } from "../../io";
import { INVOICE_FORMAT, readInvoice } from "./shared";

/** `coffer invoice verify <invoice>`: its id, the payee's signature, expiry, and whether it is paid (no key). */
export function addVerifyCommand(group: Command, io: CliIo): void {
  readCommand(group, "verify", "check an invoice: its id, the payee's signature, expiry, and whether it is paid")
    .argument("<invoice>", `the invoice file (${INVOICE_FORMAT})`)
    .action(async (file: string, options: ChainOptions) => {
      await withSession(io, options, false, async (session) => {
        const { invoice, invoiceId, idMatches, signatureValid } = await readInvoice(session, file);
        const token = await tokenInfo(session, invoice.token);
        const paid = await escrow.isInvoicePaid(session.client, invoiceId);
        const expired = (await getChainTime(session.provider)) >= invoice.expiry;
        const contractPayee = (await session.provider.getCode(invoice.payee)) !== "0x";
        // A contract payee signs with ERC-1271, which only the escrow checks (when paying).
        const valid = idMatches && (signatureValid || contractPayee);
        const status = paid ? "paid" : expired ? "expired" : "payable";
        if (!valid) {
          throw new Error(
            `invoice ${invoiceId} does not verify: ${idMatches ? "the signature is not the payee's" : "the file was altered (its id does not match)"}`,
          );
        }
        const result = { invoiceId, status, valid, idMatches, signatureValid, paid, expired, invoice };
        print(session, result, () => [
          `Invoice ${invoiceId}: ${status}`,
          ...rows([
            ["amount", formatAmount(invoice.amount, token)],
            ["payee", invoice.payee],
            ["signature", signatureValid ? "valid" : "checked by the escrow when paid (contract payee)"],
            ["expires", new Date(Number(invoice.expiry) * 1000).toISOString()],
          ]),
        ]);
      });
    });
}
