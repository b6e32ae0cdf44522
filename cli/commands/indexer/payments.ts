import { indexer } from "@coffer/sdk";
import type { Command } from "commander";
import { print, table } from "../../common";
import { parseAddress, UsageError, type CliIo } from "../../io";
import { indexerCommand, isoTime, pageOptions, short, withIndexer, type IndexerOptions } from "./shared";

/** `coffer payments`: a merchant's escrow payments, newest first (from the indexer). */
export function paymentsCommand(io: CliIo): Command {
  return indexerCommand(undefined, "payments", "a merchant's escrow payments, newest first")
    .requiredOption("--merchant <address>", "the payee")
    .option("--state <state>", `only payments in this state: ${indexer.PAYMENT_STATES.join(", ")}`)
    .option("--limit <n>", "rows per page, 1 to 1000", "100")
    .option("--after <cursor>", "the page after this cursor (printed by the previous page)")
    .action(async (options: IndexerOptions & { merchant: string; state?: string; limit?: string; after?: string }) => {
      const merchant = parseAddress(options.merchant, "--merchant");
      const state = options.state;
      if (state !== undefined && !isPaymentState(state)) {
        throw new UsageError(`--state ${state} is not a payment state: one of ${indexer.PAYMENT_STATES.join(", ")}`);
      }
      const page = pageOptions(options);
      await withIndexer(io, options, async (session) => {
        const result = await session.client.payments(
          session.chainId,
          { payee: merchant, ...(state === undefined ? {} : { state }) },
          page,
        );
        print(
          session,
          {
            chainId: session.chainId,
            merchant,
            items: result.items,
            totalCount: result.totalCount,
            hasNextPage: result.hasNextPage,
            endCursor: result.endCursor,
          },
          () => [
            `Payments to ${merchant} on chain ${session.chainId}: ${result.items.length} of ${result.totalCount}, newest first`,
            ...table(
              ["created (UTC)", "payment", "payer", "state", "authorized", "captured", "refunded"],
              result.items.map((row) => [
                isoTime(row.createdAt),
                short(row.id),
                short(row.payer),
                row.state,
                session.amount(row.authorized, row.token),
                session.amount(row.captured, row.token),
                session.amount(row.refunded, row.token),
              ]),
            ),
            ...(result.hasNextPage && result.endCursor !== null ? [`Next page: --after ${result.endCursor}`] : []),
          ],
        );
      });
    });
}

/** Whether `value` is one of the indexer's payment states (lower snake_case, e.g. `partially_refunded`). */
function isPaymentState(value: string): value is indexer.IndexedPaymentState {
  return (indexer.PAYMENT_STATES as readonly string[]).includes(value);
}
