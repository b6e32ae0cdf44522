import { DirectorySafeStore, readSafeTransactionFile } from "@coffer/sdk/node";
import {
  connectChain,
  connectSafeOnChain,
  describeSafeTransaction,
  formatDescription,
  SafeApiKitStore,
  SignatureServiceClient,
  type SafeChain,
  type SafeConnection,
  type SafeTransactionFile,
  type SafeTransactionStore,
  type VerifiedSafeTransaction,
} from "@coffer/sdk/safe";
import type { Command } from "commander";
import { deploymentsDirOf, findManifest } from "../../common";
import { loadPrivateKey, parseAddress, rpcUrlFrom, toJson, UsageError, type CliIo } from "../../io";
import type { FundsView } from "./tokens";

/** Options every chain-facing command takes. */
export interface ChainOptions {
  rpcUrl?: string;
  json?: boolean;
}
/** Options of a command on a Safe. */
export interface SafeOptions extends ChainOptions {
  safe?: string;
  deploymentsDir?: string;
  keystore?: string;
}
/** Where transactions are shared: a directory, a signature service, a Safe Transaction Service. */
export interface StoreOptions {
  dir?: string;
  service?: string;
  txService?: string;
}

/** `--json`. */
export const withJson = (command: Command) => command.option("--json", "print machine-readable JSON on stdout");
/** `--rpc-url`. */
export const withRpc = (command: Command) =>
  command.option("--rpc-url <url>", "the chain's JSON-RPC URL (default: $COFFER_RPC_URL)");
/** `--safe` and `--deployments-dir`. */
export const withSafe = (command: Command) =>
  command
    .option("--safe <address>", "the Safe (default: the treasury Safe of deployments/<chainId>.json)")
    .option(
      "--deployments-dir <dir>",
      "where the deployment manifests are (default: $COFFER_DEPLOYMENTS_DIR or deployments/)",
    );
/** `--keystore`. */
export const withKey = (command: Command) =>
  command.option(
    "--keystore <file>",
    "sign with an encrypted JSON keystore, password in $COFFER_KEYSTORE_PASSWORD (default: the key in $COFFER_PRIVATE_KEY)",
  );
/** `--dir`, `--service` and `--tx-service`. */
export const withStore = (command: Command) =>
  command
    .option("--dir <dir>", "a signature store directory (one JSON file per safeTxHash)")
    .option("--service <url>", "Coffer's signature service (`coffer safe serve`)")
    .option("--tx-service <url>", "a Safe Transaction Service (API key in $COFFER_SAFE_API_KEY)");

/** Which Safe: `--safe`, else the file's, else the treasury Safe of the chain's deployment manifest. */
export function safeAddressFor(
  options: SafeOptions,
  env: NodeJS.ProcessEnv,
  chainId: number,
  fromFile?: string,
): string {
  if (options.safe !== undefined) return parseAddress(options.safe, "--safe");
  if (fromFile !== undefined) return fromFile;
  // The CLI's own environment (not necessarily this process's, when `main` runs embedded) names the folder.
  const treasury = findManifest(deploymentsDirOf(options.deploymentsDir, env), chainId)?.treasurySafe;
  if (treasury !== undefined) return treasury.address;
  throw new UsageError(`no --safe given and no treasury Safe in the deployment manifest of chain ${chainId}`);
}

/** A chain connection for one command, and a way to open the Safe on it. */
export interface Session {
  readonly chain: SafeChain;
  /** Connects to the Safe (`--safe`, else the transaction's, else the manifest's treasury Safe). */
  open(fromFile?: string): Promise<SafeConnection>;
}

/**
 * Runs `work` with a chain connection, closed afterwards. The key is loaded first, so that a missing key or RPC
 * URL fails (exit 2) before any network use.
 */
export async function withSession<T>(
  io: CliIo,
  options: SafeOptions,
  needsKey: boolean,
  work: (session: Session) => Promise<T>,
): Promise<T> {
  const rpcUrl = rpcUrlFrom(options.rpcUrl, io.env);
  const privateKey = needsKey ? await loadPrivateKey(options.keystore, io.env) : undefined;
  const chain = await connectChain(rpcUrl);
  try {
    return await work({
      chain,
      open: (fromFile) =>
        connectSafeOnChain(chain, {
          safeAddress: safeAddressFor(options, io.env, chain.chainId, fromFile),
          privateKey,
        }),
    });
  } finally {
    chain.close();
  }
}

/** At most one store. */
export function checkStoreOptions(options: StoreOptions): void {
  const given = [options.dir, options.service, options.txService].filter((value) => value !== undefined);
  if (given.length > 1) throw new UsageError("give at most one of --dir, --service and --tx-service");
}

/** The store the options name, if any. */
export async function storeFor(
  options: StoreOptions,
  chain: SafeChain,
  env: NodeJS.ProcessEnv,
): Promise<SafeTransactionStore | undefined> {
  checkStoreOptions(options);
  if (options.dir !== undefined) return new DirectorySafeStore(options.dir);
  if (options.service !== undefined) return new SignatureServiceClient(options.service);
  if (options.txService !== undefined) {
    return new SafeApiKitStore({
      chainId: chain.chainId,
      txServiceUrl: options.txService,
      apiKey: env.COFFER_SAFE_API_KEY,
    });
  }
  return undefined;
}

/**
 * What the CLI prints about a transaction in JSON. With `funds`, a transaction that spends more than the Safe
 * holds is not `executable`, and `shortfalls` says by how much (base units).
 */
export function summary(
  file: SafeTransactionFile,
  verified?: VerifiedSafeTransaction,
  funds?: FundsView,
): Record<string, unknown> {
  return {
    safeTxHash: file.safeTxHash,
    chainId: file.chainId,
    safeAddress: file.safeAddress,
    nonce: file.transaction.nonce,
    description: describeSafeTransaction(file),
    signers: file.signatures.map((signature) => signature.signer),
    ...(verified === undefined
      ? {}
      : {
          verified: true,
          safeNonce: verified.state.nonce,
          threshold: verified.state.threshold,
          approvals: verified.approvals,
          missing: verified.missing,
          executable: verified.executable && (funds?.shortfalls.length ?? 0) === 0,
        }),
    ...(funds === undefined ? {} : { shortfalls: funds.shortfalls }),
  };
}

/**
 * What the CLI prints about a transaction as text: transfers in token units when `funds` knows the tokens, and
 * "not executable: the Safe holds …, … short" when it spends more than the Safe holds.
 */
export function describeText(
  file: SafeTransactionFile,
  verified?: VerifiedSafeTransaction,
  funds?: FundsView,
): string[] {
  const lines = [
    `Safe transaction ${file.safeTxHash}`,
    `  Safe       ${file.safeAddress} on chain ${file.chainId}, nonce ${file.transaction.nonce}`,
    ...formatDescription(describeSafeTransaction(file), "", funds?.tokens).map(
      (line, index) => `  ${index === 0 ? "does      " : "          "} ${line}`,
    ),
  ];
  if (verified !== undefined) {
    const { approvals, missing, state } = verified;
    const who = approvals.map(
      (approval) => `${approval.owner}${approval.kind === "signature" ? "" : ` (${approval.kind})`}`,
    );
    const short = funds?.shortfallText === undefined ? [] : [`not executable: ${funds.shortfallText}`];
    const signatures =
      missing > 0
        ? `${missing} signature${missing === 1 ? "" : "s"} missing`
        : verified.executable
          ? short.length > 0
            ? undefined
            : "ready to execute"
          : `threshold met; waits for nonce ${state.nonce} to ${file.transaction.nonce - 1}`;
    lines.push(
      `  approvals  ${approvals.length} of ${state.threshold}${who.length > 0 ? `: ${who.join(", ")}` : ""}`,
      `  status     ${[signatures, ...short].filter((part) => part !== undefined).join("; ")}`,
    );
  } else {
    lines.push(
      `  signatures ${file.signatures.map((signature) => signature.signer).join(", ") || "none"} (not verified)`,
    );
  }
  if (file.note !== undefined) lines.push(`  note       ${file.note} (unsigned)`);
  return lines;
}

/** Prints `value` as JSON with --json, else the readable lines. */
export function printResult(io: CliIo, json: boolean | undefined, value: unknown, lines: () => string[]): void {
  io.stdout(json ? `${toJson(value)}\n` : `${lines().join("\n")}\n`);
}

/** Where `sign` and `exec` find the transaction: a file, or a hash in a store. */
export type Source = { readonly path: string } | { readonly hash: string };

/** The transaction `sign` or `exec` works on: `[file]`, or `--hash` with a store. */
export const sourceOf = (file: string | undefined, options: StoreOptions & { hash?: string }): Source => {
  checkStoreOptions(options);
  const inStore = options.dir !== undefined || options.service !== undefined || options.txService !== undefined;
  if (file !== undefined && options.hash === undefined && !inStore) return { path: file };
  if (file === undefined && options.hash !== undefined && inStore) return { hash: options.hash };
  throw new UsageError("give a transaction file, or --hash <safeTxHash> with --dir, --service or --tx-service");
};
/** The transaction of a source. */
export const load = async (source: Source, store: SafeTransactionStore | undefined): Promise<SafeTransactionFile> =>
  "path" in source ? readSafeTransactionFile(source.path) : (store as SafeTransactionStore).get(source.hash);
