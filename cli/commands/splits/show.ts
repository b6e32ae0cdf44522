import { splits } from "@coffer/sdk";
import type { Command } from "commander";
import { ethers } from "ethers";
import { formatAmount, print, readCommand, resolveToken, rows, withSession, type ChainOptions } from "../../common";
import type { CliIo } from "../../io";
import { collect, configJson, configLines, loadSplit, splitAddressOf, withSplitArgument } from "./shared";

/** `coffer splits show`: a split's controller, recipients, balances and credits (no key). */
export function addShowCommand(group: Command, io: CliIo): void {
  withSplitArgument(
    readCommand(group, "show", "a split's controller, recipients, and its balances and credits in tokens"),
  )
    .option("--token <token>", "a token to show balances of (repeat; default: ETH)", collect, [])
    .action(async (argument: string | undefined, options: ChainOptions & { split?: string; token: string[] }) => {
      const address = splitAddressOf(argument, options);
      await withSession(io, options, false, async (session) => {
        const info = await loadSplit(session, address);
        const accounts = splits.recipientsOf(info.config).map((recipient) => recipient.account);
        const tokens = await Promise.all(
          (options.token.length === 0 ? ["ETH"] : options.token).map((value) => resolveToken(session, value)),
        );
        const balances = await Promise.all(
          tokens.map(async (token) => ({
            ...(await splits.splitBalances(session.client, info.split, token.address, accounts)),
            token,
          })),
        );
        print(
          session,
          {
            split: info.split,
            controller: info.controller,
            pendingController: info.pendingController,
            configHash: info.configHash,
            config: configJson(info.config),
            balances: balances.map(({ token, balance, owed, distributable, credits }) => ({
              token: token.address,
              symbol: token.symbol,
              balance,
              owed,
              distributable,
              credits,
            })),
          },
          () => [
            `Split ${info.split}`,
            ...rows([["controller", info.controller === ethers.ZeroAddress ? "none (immutable)" : info.controller]]),
            ...configLines(info.config),
            ...balances.flatMap(({ token, balance, owed, distributable, credits }) => [
              `  ${token.symbol}: holds ${formatAmount(balance, token)}, owes ${formatAmount(owed, token)}, distributable ${formatAmount(distributable, token)}`,
              ...credits
                .filter((credit) => credit.credit > 0n)
                .map((credit) => `    credit of ${credit.account}: ${formatAmount(credit.credit, token)}`),
            ]),
          ],
        );
      });
    });
}
