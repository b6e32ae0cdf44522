import { Command } from "commander";
import type { CliIo } from "../../io";
import { addCreateCommand } from "./create";
import { addDistributeCommand } from "./distribute";
import { addPredictCommand } from "./predict";
import { addShowCommand } from "./show";
import { addWithdrawCommand } from "./withdraw";

/** `coffer splits …`: revenue splits. */
export function splitsCommand(io: CliIo): Command {
  const group = new Command("splits").description("revenue splits: create, predict addresses, distribute, withdraw");
  for (const add of [addCreateCommand, addPredictCommand, addDistributeCommand, addWithdrawCommand, addShowCommand]) {
    add(group, io);
  }
  return group;
}
