import type { Command } from "commander";
import { ethers } from "ethers";
import { print, table } from "../../../common";
import { parseAddress, UsageError, type CliIo } from "../../../io";
import { indexerCommand, isoTime, parseTime, resolveTokenAddress, withIndexer, type IndexerOptions } from "../shared";

/** `coffer report settlement`: what a merchant earned in a token per UTC day. */
export function addSettlementCommand(report: Command, io: CliIo): void {
  indexerCommand(report, "settlement", "what a merchant earned in a token per UTC day over [from, to)")
    .requiredOption("--merchant <address>", "the payee")
    .requiredOption("--token <token>", "ETH, a token address, or a token of the deployment manifest")
    .requiredOption("--from <time>", "start, included: a date (2030-03-04, UTC), an ISO date-time, or unix seconds")
    .requiredOption("--to <time>", "end, excluded: a date, an ISO date-time, or unix seconds")
    .option("--csv", "print the report as CSV (as the indexer writes it)")
    .action(
      async (
        options: IndexerOptions & { merchant: string; token: string; from: string; to: string; csv?: boolean },
      ) => {
        const merchant = parseAddress(options.merchant, "--merchant");
        const from = parseTime(options.from, "--from");
        const to = parseTime(options.to, "--to");
        if (to < from) throw new UsageError(`--to ${options.to} is before --from ${options.from}`);
        if (options.csv === true && options.json === true) throw new UsageError("choose --csv or --json, not both");
        if (!ethers.isAddress(options.token) && !/^[A-Za-z][A-Za-z0-9_]*$/.test(options.token)) {
          throw new UsageError(`--token ${options.token} is not an address or a token name`);
        }
        await withIndexer(io, options, async (session) => {
          const token = resolveTokenAddress(session, options.token);
          const query = { merchant, token, from, to, chainId: session.chainId };
          if (options.csv === true) {
            const csv = await session.client.settlementCsv(query);
            io.stdout(csv.endsWith("\n") ? csv : `${csv}\n`);
            return;
          }
          const result = await session.client.settlementReport(query);
          const money = (value: bigint) => session.amount(value, token);
          print(session, { ...result }, () => [
            `Settlement of ${merchant} in ${session.token(token).symbol} on chain ${session.chainId}, ${isoTime(from)} to ${isoTime(to)} (UTC)`,
            ...table(
              ["date", "entries", "gross", "fees", "refunds", "net"],
              [
                ...result.days.map((day) => [
                  day.date,
                  String(day.entries),
                  money(day.gross),
                  money(day.fees),
                  money(day.refunds),
                  money(day.net),
                ]),
                [
                  "total",
                  String(result.totals.entries),
                  money(result.totals.gross),
                  money(result.totals.fees),
                  money(result.totals.refunds),
                  money(result.totals.net),
                ],
              ],
            ),
          ]);
        });
      },
    );
}
