import fs from "node:fs";
import { Command, Option } from "commander";
import { ethers } from "ethers";
import type { z } from "zod";
import { createCofferClient, type CofferClient } from "../client";
import { CofferContractNotDeployedError, CofferDeploymentNotFoundError } from "../deployments";
import { CofferRpcError, send, type CofferReceipt } from "../errors";
import { fetchChainId } from "../rpc";
import { loadPrivateKey, parseAddress, rpcUrlFrom, toJson, UsageError, type CliIo } from "./io";

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
    let client: CofferClient;
    try {
      client = await createCofferClient({
        runner: signer ?? provider,
        deploymentsDir: options.deploymentsDir ?? io.env.COFFER_DEPLOYMENTS_DIR,
      });
    } catch (error) {
      if (error instanceof CofferDeploymentNotFoundError || error instanceof CofferContractNotDeployedError) {
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
    transactionHash: result.hash,
    blockNumber: result.receipt.blockNumber,
    gasUsed: result.receipt.gasUsed,
    events: result.events.map((event) => event.name),
  };
}

/** The readable line about a mined transaction. */
export function txLine(result: CofferReceipt): [string, string] {
  return ["transaction", `${result.hash} (block ${result.receipt.blockNumber}, ${result.receipt.gasUsed} gas)`];
}

// ─── Tokens and amounts ──────────────────────────────────────────────────────────────────────────────────────

/** A token as the CLI shows it. */
export interface TokenInfo {
  /** ERC-20 address, or the zero address for ETH. */
  readonly address: string;
  readonly symbol: string;
  readonly decimals: number;
}

const ERC20 = [
  "function decimals() view returns (uint8)",
  "function symbol() view returns (string)",
  "function balanceOf(address) view returns (uint256)",
  "function allowance(address, address) view returns (uint256)",
  "function approve(address, uint256) returns (bool)",
  "function nonces(address) view returns (uint256)",
  "function name() view returns (string)",
  "function DOMAIN_SEPARATOR() view returns (bytes32)",
];

/** An ERC-20 contract with the calls the CLI makes. */
export const erc20 = (address: string, runner: ethers.ContractRunner) => new ethers.Contract(address, ERC20, runner);

/** Reads a token: `ETH`, a contract name of the deployment manifest (e.g. `TestUSDC`), or an address. */
export async function resolveToken(session: Session, value: string, what = "--token"): Promise<TokenInfo> {
  if (value.toUpperCase() === "ETH") return { address: ethers.ZeroAddress, symbol: "ETH", decimals: 18 };
  const named = session.client.manifest.contracts[value];
  const address = named !== undefined ? named.address : parseAddress(value, what);
  if (address === ethers.ZeroAddress) return { address, symbol: "ETH", decimals: 18 };
  return tokenInfo(session, address);
}

/** Decimals and symbol of an ERC-20 address (ETH for the zero address). */
export async function tokenInfo(session: Session, address: string): Promise<TokenInfo> {
  if (address === ethers.ZeroAddress) return { address, symbol: "ETH", decimals: 18 };
  if ((await session.provider.getCode(address)) === "0x") throw new UsageError(`${address} is not a contract`);
  const token = erc20(address, session.provider);
  let decimals: number;
  try {
    decimals = Number(await token.getFunction("decimals")());
  } catch {
    throw new UsageError(`${address} does not answer decimals(): not an ERC-20 token`);
  }
  const symbol = await token
    .getFunction("symbol")()
    .then((text: unknown) => String(text))
    .catch(() => "units");
  return { address: ethers.getAddress(address), symbol, decimals };
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
  const match = /^([0-9]+)([smhdw]?)$/.exec(value);
  if (match === null) throw new UsageError(`${what} ${value} is not a duration (e.g. 3600, 90m, 24h, 7d, 2w)`);
  const unit = { "": 1n, s: 1n, m: 60n, h: 3_600n, d: 86_400n, w: 604_800n }[match[2] as "" | "s"] ?? 1n;
  return BigInt(match[1] ?? 0) * unit;
}

/** Parses a percentage with up to 2 decimals into basis points (`1.5` → 150). */
export function parseBps(value: string, what: string): number {
  if (!/^[0-9]+(\.[0-9]{1,2})?$/.test(value)) throw new UsageError(`${what} ${value} is not a percentage (e.g. 2.5)`);
  const bps = Number(ethers.parseUnits(value, 2));
  if (bps > 10_000) throw new UsageError(`${what} ${value} is above 100%`);
  return bps;
}

/** A reference: 32 bytes of hex as given, or the keccak-256 of the text (an order or invoice number). */
export function parseReference(value: string): string {
  return /^0x[0-9a-fA-F]{64}$/.test(value) ? value.toLowerCase() : ethers.id(value);
}

/** The latest block's timestamp. */
export async function now(session: Session): Promise<bigint> {
  const block = await session.provider.getBlock("latest");
  if (block === null) throw new CofferRpcError(undefined, "the node has no latest block");
  return BigInt(block.timestamp);
}

/**
 * Makes sure `spender` may pull `amount` of an ERC-20 from the signer: approves exactly `amount` when the
 * allowance is lower. Nothing to do for ETH.
 */
export async function ensureAllowance(session: Session, token: TokenInfo, spender: string, amount: bigint) {
  if (token.address === ethers.ZeroAddress || amount === 0n) return undefined;
  const contract = erc20(token.address, signerOf(session));
  const allowance = (await contract.getFunction("allowance")(session.account, spender)) as bigint;
  if (allowance >= amount) return undefined;
  session.progress(`approving ${formatAmount(amount, token)} for ${spender}`);
  return send(() => contract.getFunction("approve")(spender, amount) as Promise<ethers.ContractTransactionResponse>);
}

// ─── Files ───────────────────────────────────────────────────────────────────────────────────────────────────

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
