import type { Command } from "commander";
import type { CliIo } from "../../io";
import { addOpenPayment } from "./shared";

/** `coffer escrow charge`: the payer pays at once (authorize and capture in one transaction). */
export function addChargeCommand(group: Command, io: CliIo): void {
  addOpenPayment(group, io, "charge", "pay at once: authorize and capture in one transaction (you are the payer)");
}
