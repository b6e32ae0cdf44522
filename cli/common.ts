import fs from "node:fs";
import path from "node:path";
import {
  CofferContractNotDeployedError,
  CofferDeploymentNotFoundError,
  CofferValidationError,
  createCofferClient,
  fetchChainId,
  getTokenInfo,
  NATIVE_TOKEN,
  parseDuration as parseSdkDuration,
  type CofferClient,
  type CofferReceipt,
  type DeploymentManifest,
  type TokenInfo,
} from "@coffer/sdk";
import { readDeploymentManifest } from "@coffer/sdk/node";
import { Command, Option } from "commander";
import { ethers } from "ethers";
import { z } from "zod";
import { loadPrivateKey, rpcUrlFrom, toJson, UsageError, type CliIo } from "./io";

export type { TokenInfo } from "@coffer/sdk";

/** The repository's `deployments/` folder: where `npm run deploy` and `npm run chain` write the manifests. */
export const DEFAULT_DEPLOYMENTS_DIR = path.join(
  __dirname,
  // From the sources (cli/) or from the build (cli/dist/).
  path.basename(__dirname) === "dist" ? "../.." : "..",
  "deployments",
);

/** The folder of the deployment manifests: `--deployments-dir`, else `$COFFER_DEPLOYMENTS_DIR`, else `deployments/`. */
export function deploymentsDirOf(option: string | undefined, env: NodeJS.ProcessEnv): string {
  return option ?? env.COFFER_DEPLOYMENTS_DIR ?? DEFAULT_DEPLOYMENTS_DIR;
}

/**
 * The deployment manifest of `chainId` in `directory`.
 * @throws UsageError when the folder has none (nothing can be done on that chain).
 */
export function loadManifest(directory: string, chainId: number): DeploymentManifest {
  try {
    return readDeploymentManifest(directory, chainId);
  } catch (error) {
    if (error instanceof CofferDeploymentNotFoundError) {
      throw new UsageError(
        `Coffer is not deployed on chain ${chainId}: no ${chainId}.json in ${directory}. ` +
          "Deploy with `npm run deploy -- --network <name>`, or start a local chain with `npm run chain`.",
      );
    }
    throw error;
  }
}

/** The deployment manifest of `chainId` in `directory`, or undefined when the folder has none. */
export function findManifest(directory: string, chainId: number): DeploymentManifest | undefined {
  try {
    return readDeploymentManifest(directory, chainId);
  } catch (error) {
    if (error instanceof CofferDeploymentNotFoundError) return undefined;
    throw error;
  }
}

/**
 * An SDK validation error as a usage error (exit 2: nothing was done), with `message` or the SDK's; anything
 * else is rethrown as it is.
 */
export function usageFrom(error: unknown, message?: string): never {
  if (error instanceof CofferValidationError) throw new UsageError(message ?? error.message);
  throw error;
}

/** Options of every command that talks to Coffer on a chain. */
export interface ChainOptions {
  rpcUrl?: string;
  /** `--rpc`, a short alias of `--rpc-url`. */
  rpc?: string;
  json?: boolean;
  deploymentsDir?: string;
  keystore?: string;
}

/** Adds `--json`, `--rpc-url` and `--deployments-dir` to a command that reads the chain. */
export function readCommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .option("--json", "print machine-readable JSON on stdout")
    .option("--rpc-url <url>", "the chain's JSON-RPC URL (default: $COFFER_RPC_URL)")
    .addOption(new Option("--rpc <url>", "alias of --rpc-url").hideHelp())
    .option(
      "--deployments-dir <dir>",
      "where the deployment manifests are (default: $COFFER_DEPLOYMENTS_DIR or deployments/)",
    );
}

/** {@link readCommand} plus `--keystore`, for a command that sends a transaction. */
export function sendCommand(parent: Command, name: string, description: string): Command {
  return readCommand(parent, name, description).option(
    "--keystore <file>",
    "sign with an encrypted JSON keystore, password in $COFFER_KEYSTORE_PASSWORD (default: the key in $COFFER_PRIVATE_KEY)",
  );
}

/** A connection for one command: the provider, Coffer's contracts, and the signer when the command sends. */
export interface Session {
  readonly io: CliIo;
  readonly json: boolean;
  readonly chainId: number;
  readonly provider: ethers.JsonRpcProvider;
  readonly client: CofferClient;
  /** The signer's address (commands that send only). */
  readonly account: string;
  readonly signer: ethers.Signer | undefined;
  /** A progress line on stderr (only for people: not with --json). */
  progress(text: string): void;
}

/**
 * Runs `work` with a session, closed afterwards. The key and the RPC URL are checked first, so that a missing one
 * fails (exit 2) before any network use; a chain without Coffer is a usage error too.
 */
export async function withSession<T>(
  io: CliIo,
  options: ChainOptions,
  needsKey: boolean,
  work: (session: Session) => Promise<T>,
): Promise<T> {
  const rpcUrl = rpcUrlFrom(options.rpcUrl ?? options.rpc, io.env);
  const privateKey = needsKey ? await loadPrivateKey(options.keystore, io.env) : undefined;
  const chainId = await fetchChainId(rpcUrl);
  const provider = new ethers.JsonRpcProvider(rpcUrl, chainId, {
    staticNetwork: true,
    pollingInterval: 200,
    cacheTimeout: -1,
  });
  try {
    const signer = privateKey === undefined ? undefined : new ethers.Wallet(privateKey, provider);
    const manifest = loadManifest(deploymentsDirOf(options.deploymentsDir, io.env), chainId);
    let client: CofferClient;
    try {
      client = await createCofferClient({ runner: signer ?? provider, manifest });
    } catch (error) {
      if (error instanceof CofferContractNotDeployedError) {
        throw new UsageError(error.message);
      }
      throw error;
    }
    const json = options.json === true;
    return await work({
      io,
      json,
      chainId,
      provider,
      client,
      signer,
      account: signer?.address ?? ethers.ZeroAddress,
      progress: (text) => {
        if (!json) io.stderr(`… ${text}\n`);
      },
    });
  } finally {
    provider.destroy();
  }
}

/** The session's signer (commands that send only). */
export function signerOf(session: Session): ethers.Signer {
  if (session.signer === undefined) throw new UsageError("this command needs a signing key");
  return session.signer;
}

// ─── Output ──────────────────────────────────────────────────────────────────────────────────────────────────

/** Prints `value` as one JSON document with --json, else the readable lines. */
export function print(session: { io: CliIo; json: boolean }, value: Record<string, unknown>, lines: () => string[]) {
  if (session.json) session.io.stdout(`${toJson({ ok: true, ...value })}\n`);
  else session.io.stdout(`${lines().join("\n")}\n`);
}

/** Label/value rows, aligned. */
export function rows(entries: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...entries.map(([label]) => label.length));
  return entries.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
}

/** A table with a header line, columns aligned. */
export function table(headers: readonly string[], body: readonly (readonly string[])[]): string[] {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...body.map((row) => (row[column] ?? "").length)),
  );
  const line = (row: readonly string[]) =>
    `  ${row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd()}`;
  return [line(headers), line(widths.map((width) => "─".repeat(width))), ...body.map(line)];
}

/** What every command that sent a transaction prints about it. */
export function txJson(result: CofferReceipt): Record<string, unknown> {
  return {
    transactionHash: result.transactionHash,
    blockNumber: result.blockNumber,
    gasUsed: result.gasUsed,
    events: result.events.map((event) => event.name),
  };
}

/** The readable line about a mined transaction. */
export function txLine(result: CofferReceipt): [string, string] {
  return ["transaction", `${result.transactionHash} (block ${result.blockNumber}, ${result.gasUsed} gas)`];
}

// ─── Tokens and amounts ──────────────────────────────────────────────────────────────────────────────────────

/** The tokens of the deployment manifest (its contracts that answer `symbol()`), with their names. */
async function manifestTokens(session: Session): Promise<{ name: string; info: TokenInfo }[]> {
  const found = await Promise.all(
    Object.entries(session.client.manifest.contracts).map(
      async ([name, record]): Promise<{ name: string; info: TokenInfo }[]> => {
        const info = await getTokenInfo(session.client, ethers.getAddress(record.address)).catch(() => undefined);
        return info === undefined ? [] : [{ name, info }];
      },
    ),
  );
  return found.flat();
}

/**
 * Reads a token: `ETH`, an address, or a token of the deployment manifest by its name (`TestUSDC`) or its symbol
 * as the CLI prints it (`tUSDC`, any letter case).
 */
export async function resolveToken(session: Session, value: string, what = "--token"): Promise<TokenInfo> {
  if (value.toUpperCase() === "ETH") return tokenInfo(session, NATIVE_TOKEN);
  const named = session.client.manifest.contracts[value];
  if (named !== undefined) return tokenInfo(session, named.address);
  // `isAddress` narrows a string that is not one to `never`: keep the text as it was typed.
  const typed: string = value;
  if (ethers.isAddress(value)) return tokenInfo(session, value);
  const tokens = await manifestTokens(session);
  const wanted = typed.toLowerCase();
  const match = tokens.find(({ name, info }) => info.symbol.toLowerCase() === wanted || name.toLowerCase() === wanted);
  if (match !== undefined) return match.info;
  const accepted = ["ETH", ...tokens.map(({ name, info }) => `${info.symbol} (${name})`), "a token address"];
  throw new UsageError(`${what} ${typed} is not a token on chain ${session.chainId}: use ${accepted.join(", ")}`);
}

/** Decimals and symbol of an ERC-20 address (ETH for the zero address); not a token is a usage error. */
export async function tokenInfo(session: Session, address: string): Promise<TokenInfo> {
  return getTokenInfo(session.client, ethers.getAddress(address)).catch((error: unknown) =>
    // The SDK's message names its field ("token: …"): the CLI's names the address only.
    usageFrom(error, error instanceof CofferValidationError ? error.message.replace(/^token: /, "") : undefined),
  );
}

/** Parses an amount in the token's units, e.g. `12.50` tUSDC → 12500000 base units. */
export function parseAmount(value: string, token: TokenInfo, what = "--amount"): bigint {
  const match = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/.exec(value);
  if (match === null) throw new UsageError(`${what} ${value} is not an amount (e.g. 12.50)`);
  if ((match[2] ?? "").length > token.decimals) {
    throw new UsageError(`${what} ${value} has more than the ${token.decimals} decimals of ${token.symbol}`);
  }
  return ethers.parseUnits(value, token.decimals);
}

/** An amount for people: `12.5 tUSDC`. */
export const formatAmount = (amount: bigint, token: TokenInfo): string =>
  `${ethers.formatUnits(amount, token.decimals)} ${token.symbol}`;

/** Parses a duration: seconds, or a number with s, m, h, d or w (`90m`, `7d`). */
export function parseDuration(value: string, what: string): bigint {
  try {
    return parseSdkDuration(value, what);
  } catch (error) {
    return usageFrom(error, `${what} ${value} is not a duration (e.g. 3600, 90m, 24h, 7d, 2w)`);
  }
}

/** Parses a percentage with up to 2 decimals into basis points (`1.5` → 150). */
export function parseBps(value: string, what: string): number {
  if (!/^[0-9]+(\.[0-9]{1,2})?$/.test(value)) throw new UsageError(`${what} ${value} is not a percentage (e.g. 2.5)`);
  const bps = Number(ethers.parseUnits(value, 2));
  if (bps > 10_000) throw new UsageError(`${what} ${value} is above 100%`);
  return bps;
}

/**
 * The progress line about the approval the SDK sent before a call that pulls tokens, if it sent one (it approves
 * only once the call is known to succeed but for the allowance).
 */
export function reportApproval(
  session: Session,
  result: { readonly approval?: CofferReceipt },
  amount: bigint,
  token: TokenInfo,
  spender: string,
): void {
  const approval = result.approval;
  if (approval === undefined) return;
  session.progress(`approved ${formatAmount(amount, token)} for ${spender} first (${approval.transactionHash})`);
}

// ─── Files ───────────────────────────────────────────────────────────────────────────────────────────────────

/** A checksummable address in a JSON file. */
export const zAddress = z.string().refine((value) => ethers.isAddress(value), "not an address");
/** A whole number written as a decimal string (JSON has no integers that large). */
export const zUint = z.string().regex(/^(0|[1-9][0-9]*)$/, "not a whole number");
/** 32 bytes of hex (an id, a hash, a reference). */
export const zBytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "not 32 bytes of hex");
/** Hex bytes (a signature). */
export const zHex = z.string().regex(/^0x[0-9a-fA-F]+$/, "not hex");

/** Reads and checks a JSON file with a zod schema; a bad file is a usage error (nothing was done). */
export function readJsonFile<T>(file: string, schema: z.ZodType<T>, what: string): T {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read the ${what} file ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`${file} is not a ${what} file: ${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`);
  }
  return parsed.data;
}

/** Fails (usage error, before anything is sent) when `file` exists: an output file is never overwritten. */
export function ensureNewFile(file: string): void {
  if (fs.existsSync(file)) throw new UsageError(`${file} exists: choose another --out`);
}

/** Writes a JSON file (bigints as decimal strings), refusing to overwrite one unless `overwrite`. */
export function writeJsonFile(file: string, value: unknown, overwrite = false): void {
  if (!overwrite && fs.existsSync(file)) throw new UsageError(`${file} exists: choose another --out`);
  fs.writeFileSync(file, `${JSON.stringify(JSON.parse(toJson(value)), null, 2)}\n`);
}

/** The same chain and contract as a file was written for, or a usage error. */
export function checkSameDeployment(
  file: string,
  fileChain: number,
  fileContract: string,
  session: Session,
  actual: string,
) {
  if (fileChain !== session.chainId) {
    throw new UsageError(`${file} is for chain ${fileChain}, but the node is chain ${session.chainId}`);
  }
  if (ethers.getAddress(fileContract) !== ethers.getAddress(actual)) {
    throw new UsageError(`${file} is for the contract ${fileContract}, but Coffer's on this chain is ${actual}`);
  }
}

/** An integer id argument (a plan, a subscription). */
export function parseId(value: string, what: string): bigint {
  if (!/^(0|[1-9][0-9]*)$/.test(value)) throw new UsageError(`${what} ${value} is not an id (a whole number)`);
  return BigInt(value);
}
