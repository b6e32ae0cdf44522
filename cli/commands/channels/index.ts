import { Command } from "commander";
import type { CliIo } from "../../io";
import { addCloseCommand } from "./close";
import { addExitCommand, addFinishExitCommand } from "./exit";
import { addOpenCommand } from "./open";
import { addRedeemCommand } from "./redeem";
import { addSetRedeemerCommand } from "./set-redeemer";
import { addShowCommand } from "./show";
import { addTopUpCommand } from "./top-up";
import { addVoucherCommand } from "./voucher";
import { addWithdrawCommand } from "./withdraw";

/** `coffer channels …`: payment channels, paid with signed vouchers off chain. */
export function channelsCommand(io: CliIo): Command {
  const group = new Command("channels").description(
    "payment channels: open with a deposit, pay with signed vouchers off chain, redeem, close or exit",
  );
  // The order of `coffer channels --help`: a channel's life.
  for (const add of [
    addOpenCommand,
    addTopUpCommand,
    addShowCommand,
    addVoucherCommand,
    addRedeemCommand,
    addCloseCommand,
    addExitCommand,
    addFinishExitCommand,
    addSetRedeemerCommand,
    addWithdrawCommand,
  ]) {
    add(group, io);
  }
  return group;
}
