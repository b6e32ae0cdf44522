import { Command } from "commander";
import type { CliIo } from "../../io";
import { addAuthorizeCommand } from "./authorize";
import { addCaptureCommand } from "./capture";
import { addChargeCommand } from "./charge";
import { addDisputeCommand } from "./dispute";
import { addReclaimCommand } from "./reclaim";
import { addRefundCommand } from "./refund";
import { addRelayCommand } from "./relay";
import { addResolveCommand } from "./resolve";
import { PAYMENT_FORMAT } from "./shared";
import { addSignCommand } from "./sign";
import { addStatusCommand } from "./status";
import { addVoidCommand } from "./void";

export { PAYMENT_FORMAT } from "./shared";

/**
 * `coffer escrow …`: authorize, charge, sign, relay, capture, void, reclaim, refund, dispute, resolve, status.
 */
export function escrowCommand(io: CliIo): Command {
  const group = new Command("escrow").description(
    `checkout and escrow payments; a payment is a JSON file (${PAYMENT_FORMAT}) written by authorize or charge`,
  );
  // The order of `coffer escrow --help`.
  for (const add of [
    addAuthorizeCommand,
    addChargeCommand,
    addSignCommand,
    addRelayCommand,
    addCaptureCommand,
    addVoidCommand,
    addReclaimCommand,
    addRefundCommand,
    addDisputeCommand,
    addResolveCommand,
    addStatusCommand,
  ]) {
    add(group, io);
  }
  return group;
}
