import { Command } from "commander";
import type { CliIo } from "../../io";
import { addCancelCommand } from "./cancel";
import { addChargeDueCommand } from "./charge-due";
import { addPlanCreateCommand } from "./plan-create";
import { addStatusCommand } from "./status";
import { addSubscribeCommand } from "./subscribe";

/** `coffer subs …`: plans, subscriptions, keepers' charges. */
export function subscriptionsCommand(io: CliIo): Command {
  const group = new Command("subs").description("subscription billing: plans, subscribe, charge what is due, cancel");
  for (const add of [
    addPlanCreateCommand,
    addSubscribeCommand,
    addChargeDueCommand,
    addCancelCommand,
    addStatusCommand,
  ]) {
    add(group, io);
  }
  return group;
}
