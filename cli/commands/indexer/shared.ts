import { indexer, type DeploymentManifest } from "@coffer/sdk";
import { Command } from "commander";
import { ethers } from "ethers";
import { z } from "zod";
import { deploymentsDirOf, findManifest } from "../../common";
import { parseCount, UsageError, type CliIo } from "../../io";

/** Where the indexer answers when neither `--indexer` nor `COFFER_INDEXER_URL` is given. */
export const DEFAULT_INDEXER_URL = "http://127.0.0.1:42069";

/** Options of every command that reads the indexer. */
export interface IndexerOptions {
  indexer?: string;
  chainId?: string;
  json?: boolean;
  deploymentsDir?: string;
}

/** A command with `--indexer`, `--chain-id`, `--deployments-dir` and `--json`. */
export function indexerCommand(parent: Command | undefined, name: string, description: string): Command {
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
export interface KnownToken {
  readonly symbol: string;
  readonly decimals: number | undefined;
}

/** What one indexer command works with. */
export interface IndexerSession {
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
export function indexerUrlFrom(option: string | undefined, env: NodeJS.ProcessEnv): string {
  const url = option ?? (env.COFFER_INDEXER_URL === "" ? undefined : env.COFFER_INDEXER_URL) ?? DEFAULT_INDEXER_URL;
  if (!/^https?:\/\/[^/]/.test(url)) throw new UsageError(`the indexer URL ${url} is not an http(s) URL`);
  return url;
}

/** Symbol and decimals of the manifest's tokens (MockERC20-like: constructor `name, symbol, decimals`). */
export function manifestTokens(manifest: DeploymentManifest | undefined): Map<string, KnownToken & { name: string }> {
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
export async function withIndexer<T>(
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
export function resolveTokenAddress(session: IndexerSession, value: string): string {
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

/** Unix seconds as a UTC date-time for tables. */
export const isoTime = (seconds: bigint): string =>
  new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z").replace("T", " ");

/** A long hex value shortened for tables. */
export const short = (value: string | null): string =>
  value === null ? "" : `${value.slice(0, 10)}…${value.slice(-4)}`;

/** What `coffer balances` asks the indexer for besides the token balances. */
export const escrowedSchema = z.object({
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

/** `--limit` and `--after`, checked. */
export const pageOptions = (options: { limit?: string; after?: string }) => {
  const limit = options.limit === undefined ? undefined : parseCount(options.limit, "--limit");
  if (limit !== undefined && (limit < 1 || limit > 1000)) throw new UsageError(`--limit ${limit} is not 1 to 1000`);
  return { limit, after: options.after };
};
