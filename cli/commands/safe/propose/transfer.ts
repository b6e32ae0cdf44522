import { ETH } from "@coffer/sdk/safe";
import type { Command } from "commander";
import { parseAddress, parseUnits, type CliIo } from "../../../io";
import { addProposal } from "./shared";

/** `coffer safe propose transfer`: a payout of an ERC-20 token or ETH from the Safe. */
export function addProposeTransferCommand(propose: Command, io: CliIo): void {
  addProposal(
    propose,
    io,
    "transfer",
    "a payout of an ERC-20 token or ETH from the Safe",
    (command) =>
      command
        .requiredOption("--token <address>", `the token, or ${ETH} for the chain's native currency`)
        .requiredOption("--to <address>", "the recipient")
        .requiredOption("--amount <units>", "the amount in base units (token units or wei; no decimals)"),
    (options) => ({
      kind: "transfer",
      token: options.token === ETH ? ETH : parseAddress(options.token ?? "", "--token"),
      to: parseAddress(options.to ?? "", "--to"),
      amount: parseUnits(options.amount ?? "", "--amount"),
    }),
  );
}
