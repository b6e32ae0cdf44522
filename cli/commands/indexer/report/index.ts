import { Command } from "commander";
import type { CliIo } from "../../../io";
import { addReconcileCommand } from "./reconcile";
import { addSettlementCommand } from "./settlement";

/** `coffer report …`: the indexer's settlement and reconciliation reports. */
export function reportCommand(io: CliIo): Command {
  const report = new Command("report").description("the indexer's reports: settlement and reconciliation");
  addSettlementCommand(report, io);
  addReconcileCommand(report, io);
  return report;
}
