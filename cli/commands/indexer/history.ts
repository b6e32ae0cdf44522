import type { Command } from "commander";
import { print, table } from "../../common";
import { parseAddress, type CliIo } from "../../io";
import { indexerCommand, isoTime, pageOptions, short, withIndexer, type IndexerOptions } from "./shared";

/** `coffer history <account>`: an account's activity, newest first (from the indexer). */
export function historyCommand(io: CliIo): Command {
  return indexerCommand(undefined, "history", "an account's activity, newest first (from the indexer)")
    .argument("<account>", "the account's address")
    .option("--limit <n>", "rows per page, 1 to 1000", "20")
    .option("--after <cursor>", "the page after this cursor (printed by the previous page)")
    .action(async (value: string, options: IndexerOptions & { limit?: string; after?: string }) => {
      const account = parseAddress(value, "account");
      const page = pageOptions(options);
      await withIndexer(io, options, async (session) => {
        const result = await session.client.activity(session.chainId, account, page);
        print(
          session,
          {
            chainId: session.chainId,
            account,
            items: result.items,
            totalCount: result.totalCount,
            hasNextPage: result.hasNextPage,
            endCursor: result.endCursor,
          },
          () => [
            `Activity of ${account} on chain ${session.chainId}: ${result.items.length} of ${result.totalCount}, newest first`,
            ...table(
              ["time (UTC)", "kind", "role", "amount", "counterparty", "transaction"],
              result.items.map((row) => [
                isoTime(row.timestamp),
                row.kind,
                row.role,
                row.token === null && row.amount === 0n ? "" : session.amount(row.amount, row.token),
                short(row.counterparty),
                short(row.transactionHash),
              ]),
            ),
            result.hasNextPage && result.endCursor !== null
              ? `Next page: --after ${result.endCursor}`
              : "No more pages.",
          ],
        );
      });
    });
}
