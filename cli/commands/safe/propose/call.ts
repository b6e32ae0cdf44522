import type { Command } from "commander";
import { parseAddress, parseUnits, UsageError, type CliIo } from "../../../io";
import { addProposal } from "./shared";

/** `coffer safe propose call`: any call from the Safe, e.g. a treasury policy change. */
export function addProposeCallCommand(propose: Command, io: CliIo): void {
  addProposal(
    propose,
    io,
    "call",
    "any call from the Safe, e.g. a treasury policy change",
    (command) =>
      command
        .requiredOption("--to <address>", "the contract to call")
        .requiredOption("--data <hex>", "the calldata")
        .option("--value <wei>", "ETH to send with the call, in wei", "0"),
    (options) => {
      if (!/^0x([0-9a-fA-F]{2})*$/.test(options.data ?? "")) throw new UsageError("--data is not hex");
      return {
        kind: "call",
        to: parseAddress(options.to ?? "", "--to"),
        data: options.data ?? "0x",
        value: parseUnits(options.value ?? "0", "--value"),
      };
    },
  );
}
