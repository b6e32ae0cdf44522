import type { Command } from "commander";
import type { CliIo } from "../../../io";
import { addProposeAddOwnerCommand } from "./add-owner";
import { addProposeBatchCommand } from "./batch";
import { addProposeCallCommand } from "./call";
import { addProposeChangeThresholdCommand } from "./change-threshold";
import { addProposeRemoveOwnerCommand } from "./remove-owner";
import { addProposeTransferCommand } from "./transfer";

/** `coffer safe propose …`: a payout, a batch, a call, an owner change, signed by the proposing owner. */
export function addProposeCommand(safe: Command, io: CliIo): void {
  const propose = safe
    .command("propose")
    .description("propose a Safe transaction, signed by you (an owner): a payout, a batch, a call, an owner change");
  for (const add of [
    addProposeTransferCommand,
    addProposeBatchCommand,
    addProposeCallCommand,
    addProposeAddOwnerCommand,
    addProposeRemoveOwnerCommand,
    addProposeChangeThresholdCommand,
  ]) {
    add(propose, io);
  }
}
