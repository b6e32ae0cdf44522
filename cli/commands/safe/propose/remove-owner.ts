import type { Command } from "commander";
import { parseAddress, parseCount, type CliIo } from "../../../io";
import { addProposal } from "./shared";

/** `coffer safe propose remove-owner`: removes an owner, optionally with a new threshold. */
export function addProposeRemoveOwnerCommand(propose: Command, io: CliIo): void {
  addProposal(
    propose,
    io,
    "remove-owner",
    "remove an owner (removeOwner)",
    (command) =>
      command
        .requiredOption("--owner <address>", "the owner to remove")
        .option("--threshold <n>", "the new threshold (default: unchanged, or the new owner count if lower)"),
    (options) => ({
      kind: "removeOwner",
      owner: parseAddress(options.owner ?? "", "--owner"),
      threshold: options.threshold === undefined ? undefined : parseCount(options.threshold, "--threshold"),
    }),
  );
}
