import type { Command } from "commander";
import type { CliIo } from "../../io";
import { balancesCommand } from "./balances";
import { historyCommand } from "./history";
import { paymentsCommand } from "./payments";
import { reportCommand } from "./report";

export { DEFAULT_INDEXER_URL, parseTime } from "./shared";

/** `coffer balances`, `coffer history`, `coffer payments` and `coffer report …`: what the indexer has recorded. */
export function indexerCommands(io: CliIo): Command[] {
  return [balancesCommand(io), historyCommand(io), paymentsCommand(io), reportCommand(io)];
}
