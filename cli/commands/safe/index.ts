import { Command } from "commander";
import type { CliIo } from "../../io";
import { addExecCommand } from "./exec";
import { addPendingCommand } from "./pending";
import { addProposeCommand } from "./propose";
import { addServeCommand } from "./serve";
import { addShowCommand } from "./show";
import { addSignCommand } from "./sign";

/** `coffer safe …`: propose, sign, exec, pending, show, serve. */
export function safeCommand(io: CliIo): Command {
  const safe = new Command("safe").description(
    "Safe approvals: propose a Safe transaction, share it (a file, a directory, a signature service), co-sign, execute",
  );
  for (const add of [
    addProposeCommand,
    addSignCommand,
    addExecCommand,
    addPendingCommand,
    addShowCommand,
    addServeCommand,
  ]) {
    add(safe, io);
  }
  return safe;
}
