import type { Command } from "commander";
import type { CliIo } from "../../../io";
import { addProposal, readBatch } from "./shared";

/** `coffer safe propose batch`: transfers and calls from a JSON file, executed atomically. */
export function addProposeBatchCommand(propose: Command, io: CliIo): void {
  addProposal(
    propose,
    io,
    "batch",
    "several transfers and calls executed atomically (MultiSendCallOnly)",
    (command) =>
      command.requiredOption(
        "--calls <file>",
        'a JSON array of transfers {"token", "to", "amount"} (token: ETH, a name, a symbol or an address; amount in ' +
          'token units, e.g. "12.5") and calls {"to", "value"?, "data"?} (value in wei)',
      ),
    async (options, context) => ({ kind: "batch", calls: await readBatch(options.calls ?? "", context) }),
  );
}
