import type { Command } from "commander";
import { print, table } from "../../common";
import { parseAddress, type CliIo } from "../../io";
import { escrowedSchema, indexerCommand, withIndexer, type IndexerOptions } from "./shared";

/**
 * `coffer balances <account>`: an account's ETH (read by the indexer at its indexed block: plain ETH leaves no
 * log), tokens, escrowed funds and credits (from the indexer).
 */
export function balancesCommand(io: CliIo): Command {
  return indexerCommand(
    undefined,
    "balances",
    "an account's ETH and tokens held, funds escrowed as payer, and credits to withdraw (from the indexer)",
  )
    .argument("<account>", "the account's address")
    .action(async (value: string, options: IndexerOptions) => {
      const account = parseAddress(value, "account");
      await withIndexer(io, options, async (session) => {
        const [tokens, native, extra] = await Promise.all([
          session.client.balances(session.chainId, account),
          session.client.nativeBalances({ accounts: [account], chainId: session.chainId }),
          session.client.query(
            "escrowed and credits",
            `query Held($chainId: Int!, $account: String!) {
              escrowBalances(where: { chainId: $chainId, account: $account }, limit: 1000) { items { token amount } }
              credits(where: { chainId: $chainId, account: $account }, limit: 1000) {
                items { source sourceKind token amount }
              }
            }`,
            { chainId: session.chainId, account: account.toLowerCase() },
            escrowedSchema,
          ),
        ]);
        const held = tokens.filter((row) => row.balance !== 0n);
        const coin = native.balances[0];
        const heldRows = [
          ...(coin !== undefined && coin.balance !== 0n ? [[native.symbol, `${coin.formatted} ${native.symbol}`]] : []),
          ...held.map((row) => [session.token(row.token).symbol, session.amount(row.balance, row.token)]),
        ];
        const escrowed = extra.escrowBalances.items.filter((row) => row.amount !== 0n);
        const credits = extra.credits.items.filter((row) => row.amount !== 0n);
        print(
          session,
          {
            chainId: session.chainId,
            account,
            native: {
              symbol: native.symbol,
              balance: coin?.balance ?? 0n,
              formatted: coin?.formatted ?? "0",
              block: native.block,
            },
            tokens: held.map((row) => ({ token: row.token, balance: row.balance, updatedBlock: row.updatedBlock })),
            escrowed: escrowed.map((row) => ({ token: row.token, amount: row.amount })),
            credits: credits.map((row) => ({
              source: row.source,
              sourceKind: row.sourceKind,
              token: row.token,
              amount: row.amount,
            })),
          },
          () => [
            `Account ${account} on chain ${session.chainId}`,
            `Held (${native.symbol} read at indexed block ${native.block})`,
            ...(heldRows.length === 0 ? ["  none"] : table(["token", "balance"], heldRows)),
            "Escrowed as payer (authorized, not yet captured or returned)",
            ...(escrowed.length === 0
              ? ["  none"]
              : table(
                  ["token", "amount"],
                  escrowed.map((row) => [session.token(row.token).symbol, session.amount(row.amount, row.token)]),
                )),
            "Credits to withdraw (splits, escrow, subscriptions)",
            ...(credits.length === 0
              ? ["  none"]
              : table(
                  ["from", "contract", "amount"],
                  credits.map((row) => [row.sourceKind, row.source, session.amount(row.amount, row.token)]),
                )),
          ],
        );
      });
    });
}
