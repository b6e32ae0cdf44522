import { Command } from "commander";
import type { CliIo } from "../../io";
import { addBudgetTransferCommand } from "./budget-transfer";
import { addExecuteCommand } from "./execute";
import { policyCommand } from "./policy";
import { addQueueCommand } from "./queue";
import { addStatusCommand } from "./status";
import { addSweepCommand } from "./sweep";

export { QUEUED_FORMAT } from "./shared";

/** `coffer treasury …`: operators' budgets, queued transfers and sweeps of a Safe with Coffer's module. */
export function treasuryCommand(io: CliIo): Command {
  const group = new Command("treasury").description(
    "treasury Safe operations by its operators: budget transfers, queued transfers, sweeps (policy changes go through `coffer safe propose call`)",
  );
  addBudgetTransferCommand(group, io);
  addQueueCommand(group, io);
  addExecuteCommand(group, io);
  group.addCommand(policyCommand(io));
  addSweepCommand(group, io);
  addStatusCommand(group, io);
  return group;
}
