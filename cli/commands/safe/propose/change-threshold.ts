import type { Command } from "commander";
import { parseCount, type CliIo } from "../../../io";
import { addProposal } from "./shared";

/** `coffer safe propose change-threshold`: how many owners must approve. */
export function addProposeChangeThresholdCommand(propose: Command, io: CliIo): void {
  addProposal(
    propose,
    io,
    "change-threshold",
    "change how many owners must approve (changeThreshold)",
    (command) => command.requiredOption("--threshold <n>", "the new threshold"),
    (options) => ({ kind: "changeThreshold", threshold: parseCount(options.threshold ?? "", "--threshold") }),
  );
}
