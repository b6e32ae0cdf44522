import { Command } from "commander";
import type { CliIo } from "../../io";
import { addCreateCommand } from "./create";
import { addPayCommand } from "./pay";
import { INVOICE_FORMAT } from "./shared";
import { addVerifyCommand } from "./verify";

export { INVOICE_FORMAT } from "./shared";

/** `coffer invoice create|verify|pay`: payee-signed invoices as JSON files. */
export function invoiceCommand(io: CliIo): Command {
  const group = new Command("invoice").description(
    `merchant-signed invoices (${INVOICE_FORMAT} files): create and sign, verify, pay`,
  );
  for (const add of [addCreateCommand, addVerifyCommand, addPayCommand]) add(group, io);
  return group;
}
