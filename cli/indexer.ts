import { indexer, type DeploymentManifest } from "@coffer/sdk";
import { Command } from "commander";
import { ethers } from "ethers";
import { z } from "zod";
import { deploymentsDirOf, findManifest, print, rows, table } from "./common";
import { parseAddress, parseCount, toJson, UsageError, type CliIo } from "./io";

/** Where the indexer answers when neither `--indexer` nor `COFFER_INDEXER_URL` is given. */
export const DEFAULT_INDEXER_URL = "http://127.0.0.1:42069";

/**
 * A failure whose result was printed already (e.g. a reconciliation with differences, printed with --json): `coffer`
 * exits 1 and writes the message on stderr, but adds no `{"ok":false}` document to stdout.
 */
export class ReportedFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReportedFailure";
  }
}

/** Options of every command that reads the indexer. */
interface IndexerOptions {
  indexer?: string;
  chainId?: string;
  json?: boolean;
  deploymentsDir?: string;
}

/** A command with `--indexer`, `--chain-id`, `--deployments-dir` and `--json`. */
function indexerCommand(parent: Command | undefined, name: string, description: string): Command {
  return (parent === undefined ? new Command(name) : parent.command(name))
    .description(description)
    .option("--json", "print machine-readable JSON on stdout")
    .option("--indexer <url>", `the indexer's URL (default: $COFFER_INDEXER_URL or ${DEFAULT_INDEXER_URL})`)
    .option("--chain-id <id>", "the chain to read (default: the indexer's only chain)")
    .option(
      "--deployments-dir <dir>",
      "where the deployment manifests are, for token names and decimals (default: $COFFER_DEPLOYMENTS_DIR or deployments/)",
    );
}

/** A token as the tables show it: decimals known from the deployment manifest (or ETH), else raw units. */
interface KnownToken {
  readonly symbol: string;
  readonly decimals: number | undefined;
}

/** What one indexer command works with. */
interface IndexerSession {
  readonly io: CliIo;
  readonly json: boolean;
  readonly client: indexer.IndexerClient;
  readonly chainId: number;
  readonly manifest: DeploymentManifest | undefined;
  /** The token at `address` as the manifest knows it. */
  token(address: string | null): KnownToken;
  /** An amount for people: in token units when its decimals are known, else `<raw> units of <address>`. */
  amount(value: bigint, token: string | null): string;
}

/** The indexer's URL from the option or the environment, checked (a usage error before any request). */
function indexerUrlFrom(option: string | undefined, env: NodeJS.ProcessEnv): string {
  const url = option ?? (env.COFFER_INDEXER_URL === "" ? undefined : env.COFFER_INDEXER_URL) ?? DEFAULT_INDEXER_URL;
  if (!/^https?:\/\/[^/]/.test(url)) throw new UsageError(`the indexer URL ${url} is not an http(s) URL`);
  return url;
}

/** Symbol and decimals of the manifest's tokens (MockERC20-like: constructor `name, symbol, decimals`). */
function manifestTokens(manifest: DeploymentManifest | undefined): Map<string, KnownToken & { name: string }> {
  const tokens = new Map<string, KnownToken & { name: string }>();
  tokens.set(ethers.ZeroAddress, { name: "ETH", symbol: "ETH", decimals: 18 });
  for (const [name, record] of Object.entries(manifest?.contracts ?? {})) {
    const [, symbol, decimals] = record.constructorArgs;
    if (typeof symbol === "string" && (typeof decimals === "number" || typeof decimals === "string")) {
      const parsed = Number(decimals);
      if (Number.isInteger(parsed) && parsed >= 0 && parsed <= 255) {
        tokens.set(ethers.getAddress(record.address), { name, symbol, decimals: parsed });
      }
    }
  }
  return tokens;
}

/** Runs `work` with the indexer client, the chain id (given, or the indexer's only chain) and its manifest. */
async function withIndexer<T>(
  io: CliIo,
  options: IndexerOptions,
  work: (session: IndexerSession) => Promise<T>,
): Promise<T> {
  const url = indexerUrlFrom(options.indexer, io.env);
  const given = options.chainId === undefined ? undefined : parseCount(options.chainId, "--chain-id");
  const client = indexer.createIndexerClient({ url });
  let chainId: number;
  if (given !== undefined) chainId = given;
  else {
    const chains = Object.values(await client.status());
    const only = chains[0];
    if (chains.length !== 1 || only === undefined) {
      throw new UsageError(
        `the indexer at ${client.url} serves ${chains.length} chains (${chains.map((chain) => chain.id).join(", ")}): pass --chain-id`,
      );
    }
    chainId = only.id;
  }
  const dir = deploymentsDirOf(options.deploymentsDir, io.env);
  let manifest: DeploymentManifest | undefined;
  try {
    manifest = findManifest(dir, chainId);
  } catch {
    manifest = undefined;
  }
  const tokens = manifestTokens(manifest);
  const token = (address: string | null): KnownToken => {
    if (address === null) return { symbol: "", decimals: undefined };
    return tokens.get(ethers.getAddress(address)) ?? { symbol: ethers.getAddress(address), decimals: undefined };
  };
  return work({
    io,
    json: options.json === true,
    client,
    chainId,
    manifest,
    token,
    amount: (value, address) => {
      const known = token(address);
      if (known.decimals === undefined) return `${value} units${address === null ? "" : ` of ${known.symbol}`}`;
      return `${ethers.formatUnits(value, known.decimals)} ${known.symbol}`;
    },
  });
}

/** A token argument: `ETH`, a token named in the manifest (`TestUSDC`), or an address. */
function resolveTokenAddress(session: IndexerSession, value: string): string {
  if (value.toUpperCase() === "ETH") return ethers.ZeroAddress;
  const named = session.manifest?.contracts[value];
  if (named !== undefined) return ethers.getAddress(named.address);
  if (ethers.isAddress(value)) return ethers.getAddress(value);
  throw new UsageError(`--token ${value} is not an address, ETH, or a token of chain ${session.chainId}'s manifest`);
}

/** A time: unix seconds, a date (`2030-03-04`, midnight UTC) or an ISO date-time. */
export function parseTime(value: string, what: string): bigint {
  if (/^[0-9]+$/.test(value)) return BigInt(value);
  if (/^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
    const ms = Date.parse(iso);
    if (!Number.isNaN(ms)) return BigInt(Math.floor(ms / 1000));
  }
  throw new UsageError(`${what} ${value} is not a date (2030-03-04, 2030-03-04T12:00:00Z) or unix seconds`);
}

const isoTime = (seconds: bigint): string =>
  new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z").replace("T", " ");

const short = (value: string | null): string => (value === null ? "" : `${value.slice(0, 10)}…${value.slice(-4)}`);

const escrowedSchema = z.object({
  escrowBalances: z.object({
    items: z.array(
      z.object({
        token: z.string(),
        amount: z
          .string()
          .regex(/^-?\d+$/)
          .transform((value) => BigInt(value)),
      }),
    ),
  }),
  credits: z.object({
    items: z.array(
      z.object({
        source: z.string(),
        sourceKind: z.string(),
        token: z.string(),
        amount: z
          .string()
          .regex(/^-?\d+$/)
          .transform((value) => BigInt(value)),
      }),
    ),
  }),
});

const pageOptions = (options: { limit?: string; after?: string }) => {
  const limit = options.limit === undefined ? undefined : parseCount(options.limit, "--limit");
  if (limit !== undefined && (limit < 1 || limit > 1000)) throw new UsageError(`--limit ${limit} is not 1 to 1000`);
  return { limit, after: options.after };
};

/** `coffer balances`, `coffer history`, `coffer payments` and `coffer report …`: what the indexer has recorded. */
export function indexerCommands(io: CliIo): Command[] {
  const balances = indexerCommand(
    undefined,
    "balances",
    "an account's tokens held, funds escrowed as payer, and credits to withdraw (from the indexer)",
  )
    .argument("<account>", "the account's address")
    .action(async (value: string, options: IndexerOptions) => {
      const account = parseAddress(value, "account");
      await withIndexer(io, options, async (session) => {
        const [tokens, extra] = await Promise.all([
          session.client.balances(session.chainId, account),
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
        const escrowed = extra.escrowBalances.items.filter((row) => row.amount !== 0n);
        const credits = extra.credits.items.filter((row) => row.amount !== 0n);
        print(
          session,
          {
            chainId: session.chainId,
            account,
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
            "Tokens held",
            ...(held.length === 0
              ? ["  none"]
              : table(
                  ["token", "balance"],
                  held.map((row) => [session.token(row.token).symbol, session.amount(row.balance, row.token)]),
                )),
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

  const history = indexerCommand(undefined, "history", "an account's activity, newest first (from the indexer)")
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
              ["time (UTC)", "kind", "amount", "counterparty", "transaction"],
              result.items.map((row) => [
                isoTime(row.timestamp),
                row.kind,
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

  const payments = indexerCommand(undefined, "payments", "a merchant's escrow payments, newest first")
    .requiredOption("--merchant <address>", "the payee")
    .option(
      "--state <state>",
      "only payments in this state: authorized, partially_captured, captured, voided, reclaimed, refunded, partially_refunded, disputed, resolved",
    )
    .option("--limit <n>", "rows per page, 1 to 1000", "100")
    .option("--after <cursor>", "the page after this cursor (printed by the previous page)")
    .action(async (options: IndexerOptions & { merchant: string; state?: string; limit?: string; after?: string }) => {
      const merchant = parseAddress(options.merchant, "--merchant");
      if (options.state !== undefined && !/^[a-z_]+$/.test(options.state)) {
        throw new UsageError(`--state ${options.state} is not a payment state (e.g. captured)`);
      }
      const page = pageOptions(options);
      await withIndexer(io, options, async (session) => {
        const result = await session.client.payments(
          session.chainId,
          { payee: merchant, ...(options.state === undefined ? {} : { state: options.state }) },
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

  const report = new Command("report").description("the indexer's reports: settlement and reconciliation");

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

  indexerCommand(
    report,
    "reconcile",
    "compare the indexed token balances with balanceOf on the chain at the indexed block; exit 1 on any difference",
  ).action(async (options: IndexerOptions) => {
    const url = indexerUrlFrom(options.indexer, io.env);
    const chainId = options.chainId === undefined ? undefined : parseCount(options.chainId, "--chain-id");
    const client = indexer.createIndexerClient({ url });
    const result = await client.reconciliation(chainId);
    const differences = result.chains.flatMap((chain) => chain.differences);
    if (options.json === true) io.stdout(`${toJson(result)}\n`);
    else {
      const manifests = new Map<number, IndexerSession["amount"]>();
      for (const chain of result.chains) {
        const tokens = manifestTokens(findManifest(deploymentsDirOf(options.deploymentsDir, io.env), chain.chainId));
        manifests.set(chain.chainId, (value, token) => {
          const known = token === null ? undefined : tokens.get(ethers.getAddress(token));
          return known?.decimals === undefined
            ? `${value} units`
            : `${ethers.formatUnits(value, known.decimals)} ${known.symbol}`;
        });
      }
      const lines = [
        result.ok
          ? "Reconciliation: the indexer equals the chain"
          : `Reconciliation: DIFFERENCES found: ${differences.length} indexed balance(s) do not match the chain`,
        ...rows(
          result.chains.map((chain) => [
            `chain ${chain.chainId}`,
            `block ${chain.block}, ${chain.checked} balances checked, ${chain.differences.length} differ`,
          ]),
        ),
      ];
      if (differences.length > 0) {
        lines.push(
          ...table(
            ["chain", "check", "account", "token", "indexed", "on chain", "difference"],
            differences.map((row) => {
              const money = manifests.get(row.chainId) ?? ((value: bigint) => `${value} units`);
              return [
                String(row.chainId),
                row.check,
                row.account,
                row.token,
                money(row.indexed, row.token),
                money(row.onChain, row.token),
                money(row.difference, row.token),
              ];
            }),
          ),
          "difference = indexed - on chain: negative when the chain holds more than the indexer shows.",
          "check: balance = an account's token balance; escrow = the escrow's holdings against what it owes.",
          "The chain is authoritative: do not use the indexer's figures for these balances until they match again.",
        );
      }
      io.stdout(`${lines.join("\n")}\n`);
    }
    if (!result.ok || differences.length > 0) {
      throw new ReportedFailure(
        `the indexer differs from the chain in ${differences.length} balance(s); the on-chain figures are authoritative`,
      );
    }
  });

  return [balances, history, payments, report];
}
