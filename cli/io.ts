import fs from "node:fs";
import { ethers } from "ethers";

/**
 * Exit codes of `coffer`, for scripts:
 * - 0: done;
 * - 1: the command ran and failed (a transaction that does not verify, missing signatures, a node or a service
 *   that fails, a revert);
 * - 2: usage error (unknown command or option, missing or malformed argument, no key or RPC URL configured);
 *   nothing was done.
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Where the CLI writes and what environment it reads (the process's, or a test's). */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly env: NodeJS.ProcessEnv;
}

/** The process's standard streams and environment. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  };
}

/** A usage error: the command line or the configuration is wrong; exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

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

/** JSON with bigints as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_, item: unknown) => (typeof item === "bigint" ? item.toString() : item));
}

/** The first line of an error's message (never a stack). */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split("\n").find((line) => line.trim() !== "") ?? "unknown error").trim();
}

/** The RPC URL from `--rpc-url` or `COFFER_RPC_URL`. */
export function rpcUrlFrom(option: string | undefined, env: NodeJS.ProcessEnv): string {
  const url = option ?? env.COFFER_RPC_URL;
  if (url === undefined || url === "") throw new UsageError("no RPC URL: pass --rpc-url <url> or set COFFER_RPC_URL");
  if (!/^https?:\/\//.test(url)) throw new UsageError(`the RPC URL ${url} is not an http(s) URL`);
  return url;
}

/**
 * The signing key, ONLY from the environment (`COFFER_PRIVATE_KEY`) or an encrypted JSON keystore
 * (`--keystore <file>`, password in `COFFER_KEYSTORE_PASSWORD`): a key never appears on the command line, where
 * it would land in the shell's history and in `ps`. The keystore wins when both are given.
 */
export async function loadPrivateKey(keystore: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  if (keystore !== undefined) {
    let json: string;
    try {
      json = fs.readFileSync(keystore, "utf8");
    } catch (error) {
      throw new UsageError(`cannot read the keystore ${keystore} (${(error as NodeJS.ErrnoException).code})`);
    }
    const password = env.COFFER_KEYSTORE_PASSWORD;
    if (password === undefined) throw new UsageError("--keystore needs its password in COFFER_KEYSTORE_PASSWORD");
    if (!ethers.isKeystoreJson(json)) throw new UsageError(`${keystore} is not an encrypted JSON keystore`);
    try {
      return (await ethers.Wallet.fromEncryptedJson(json, password)).privateKey;
    } catch {
      throw new Error(`cannot decrypt the keystore ${keystore}: wrong password in COFFER_KEYSTORE_PASSWORD?`);
    }
  }
  const key = env.COFFER_PRIVATE_KEY;
  if (key === undefined || key === "") {
    throw new UsageError(
      "no signing key: set COFFER_PRIVATE_KEY, or pass --keystore <file> with COFFER_KEYSTORE_PASSWORD",
    );
  }
  const normalised = key.startsWith("0x") ? key : `0x${key}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(normalised)) {
    throw new UsageError("COFFER_PRIVATE_KEY is not a private key (32 bytes of hex)");
  }
  return normalised;
}

/** Parses an address argument. */
export function parseAddress(value: string, what: string): string {
  if (!ethers.isAddress(value)) throw new UsageError(`${what} ${value} is not an address`);
  return ethers.getAddress(value);
}

/** Parses a non-negative integer in base units (wei, token units). */
export function parseUnits(value: string, what: string): bigint {
  if (!/^(0|[1-9][0-9]*)$/.test(value)) {
    throw new UsageError(`${what} ${value} is not a whole number of base units (wei or token units, no decimals)`);
  }
  return BigInt(value);
}

/** Parses a non-negative safe integer (a nonce, a threshold). */
export function parseCount(value: string, what: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new UsageError(`${what} ${value} is not a non-negative integer`);
  }
  return Number(value);
}
