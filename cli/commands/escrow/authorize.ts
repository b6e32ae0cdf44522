import type { Command } from "commander";
import type { CliIo } from "../../io";
import { addOpenPayment } from "./shared";

/** `coffer escrow authorize`: the payer holds a payment in escrow and writes its file. */
export function addAuthorizeCommand(group: Command, io: CliIo): void {
  addOpenPayment(group, io, "authorize", "hold a payment in escrow (you are the payer); writes the payment file");
}
