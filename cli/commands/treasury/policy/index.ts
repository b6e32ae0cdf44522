import { Command } from "commander";
import type { CliIo } from "../../../io";
import { addPauseCommands } from "./pause";
import { addQueueDelayCommand } from "./queue-delay";
import { addQueueLimitCommand } from "./queue-limit";

/** `coffer treasury policy …`: the Safe's own policy calls, encoded for `coffer safe propose call`. */
export function policyCommand(io: CliIo): Command {
  const policy = new Command("policy").description(
    "encode a policy call of the treasury Safe (no key: propose the printed call with `coffer safe propose call`)",
  );
  for (const add of [addQueueLimitCommand, addQueueDelayCommand, addPauseCommands]) add(policy, io);
  return policy;
}
