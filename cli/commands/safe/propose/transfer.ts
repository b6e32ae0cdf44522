import type { Command } from "commander";
import { parseAddress, type CliIo } from "../../../io";
import { parseTransfer } from "../tokens";
import { addProposal } from "./shared";

/** `coffer safe propose transfer`: a payout of an ERC-20 token or ETH from the Safe, in token units. */
export function addProposeTransferCommand(propose: Command, io: CliIo): void {
  addProposal(
    propose,
    io,
    "transfer",
    "a payout of an ERC-20 token or ETH from the Safe",
    (command) =>
      command
        .requiredOption(
          "--token <token>",
          "the token: ETH, a name or symbol of the deployment manifest (TestUSDC, tUSDC), or an address",
        )
        .requiredOption("--to <address>", "the recipient")
        .requiredOption(
          "--amount <amount>",
          "the amount in token units, e.g. 250 or 12.5 (a whole number is whole tokens, never base units)",
        ),
    async (options, context) => {
      const to = parseAddress(options.to ?? "", "--to");
      const { token, amount } = await parseTransfer(context.chain, options.token ?? "", options.amount ?? "", context);
      return { kind: "transfer", token, to, amount };
    },
  );
}
