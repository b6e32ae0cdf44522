import type { Command } from "commander";
import { parseAddress, parseCount, type CliIo } from "../../../io";
import { addProposal } from "./shared";

/** `coffer safe propose add-owner`: adds an owner, optionally with a new threshold. */
export function addProposeAddOwnerCommand(propose: Command, io: CliIo): void {
  addProposal(
    propose,
    io,
    "add-owner",
    "add an owner (addOwnerWithThreshold)",
    (command) =>
      command
        .requiredOption("--owner <address>", "the new owner")
        .option("--threshold <n>", "the new threshold (default: unchanged)"),
    (options) => ({
      kind: "addOwner",
      owner: parseAddress(options.owner ?? "", "--owner"),
      threshold: options.threshold === undefined ? undefined : parseCount(options.threshold, "--threshold"),
    }),
  );
}
