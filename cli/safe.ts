import fs from "node:fs";
import { DirectorySafeStore, readSafeTransactionFile, writeSafeTransactionFile } from "@coffer/sdk/node";
import {
  connectChain,
  connectSafeOnChain,
  describeSafeTransaction,
  ETH,
  executeSafeTransaction,
  formatDescription,
  listPendingSafeTransactions,
  proposeSafeTransaction,
  SafeApiKitStore,
  signSafeTransaction,
  SignatureServiceClient,
  transferCall,
  verifySafeTransaction,
  type SafeCall,
  type SafeChain,
  type SafeConnection,
  type SafeProposal,
  type SafeTransactionFile,
  type SafeTransactionStore,
  type VerifiedSafeTransaction,
} from "@coffer/sdk/safe";
import { Command, Option } from "commander";
import { z } from "zod";
import { deploymentsDirOf, findManifest } from "./common";
import { loadPrivateKey, parseAddress, parseCount, parseUnits, rpcUrlFrom, toJson, UsageError, type CliIo } from "./io";

/** Options every chain-facing command takes. */
interface ChainOptions {
  rpcUrl?: string;
  json?: boolean;
}
interface SafeOptions extends ChainOptions {
  safe?: string;
  deploymentsDir?: string;
  keystore?: string;
}
interface StoreOptions {
  dir?: string;
  service?: string;
  txService?: string;
}

const withJson = (command: Command) => command.option("--json", "print machine-readable JSON on stdout");
const withRpc = (command: Command) =>
  command.option("--rpc-url <url>", "the chain's JSON-RPC URL (default: $COFFER_RPC_URL)");
const withSafe = (command: Command) =>
  command
    .option("--safe <address>", "the Safe (default: the treasury Safe of deployments/<chainId>.json)")
    .option(
      "--deployments-dir <dir>",
      "where the deployment manifests are (default: $COFFER_DEPLOYMENTS_DIR or deployments/)",
    );
const withKey = (command: Command) =>
  command.option(
    "--keystore <file>",
    "sign with an encrypted JSON keystore, password in $COFFER_KEYSTORE_PASSWORD (default: the key in $COFFER_PRIVATE_KEY)",
  );
const withStore = (command: Command) =>
  command
    .option("--dir <dir>", "a signature store directory (one JSON file per safeTxHash)")
    .option("--service <url>", "Coffer's signature service (`coffer safe serve`)")
    .option("--tx-service <url>", "a Safe Transaction Service (API key in $COFFER_SAFE_API_KEY)");

/** Which Safe: `--safe`, else the file's, else the treasury Safe of the chain's deployment manifest. */
function safeAddressFor(options: SafeOptions, env: NodeJS.ProcessEnv, chainId: number, fromFile?: string): string {
  if (options.safe !== undefined) return parseAddress(options.safe, "--safe");
  if (fromFile !== undefined) return fromFile;
  // The CLI's own environment (not necessarily this process's, when `main` runs embedded) names the folder.
  const treasury = findManifest(deploymentsDirOf(options.deploymentsDir, env), chainId)?.treasurySafe;
  if (treasury !== undefined) return treasury.address;
  throw new UsageError(`no --safe given and no treasury Safe in the deployment manifest of chain ${chainId}`);
}

/** A chain connection for one command, and a way to open the Safe on it. */
interface Session {
  readonly chain: SafeChain;
  /** Connects to the Safe (`--safe`, else the transaction's, else the manifest's treasury Safe). */
  open(fromFile?: string): Promise<SafeConnection>;
}

/**
 * Runs `work` with a chain connection, closed afterwards. The key is loaded first, so that a missing key or RPC
 * URL fails (exit 2) before any network use.
 */
async function withSession<T>(
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

function checkStoreOptions(options: StoreOptions): void {
  const given = [options.dir, options.service, options.txService].filter((value) => value !== undefined);
  if (given.length > 1) throw new UsageError("give at most one of --dir, --service and --tx-service");
}

async function storeFor(
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

/** What the CLI prints about a transaction in JSON. */
function summary(file: SafeTransactionFile, verified?: VerifiedSafeTransaction): Record<string, unknown> {
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
          executable: verified.executable,
        }),
  };
}

/** What the CLI prints about a transaction as text. */
function describeText(file: SafeTransactionFile, verified?: VerifiedSafeTransaction): string[] {
  const lines = [
    `Safe transaction ${file.safeTxHash}`,
    `  Safe       ${file.safeAddress} on chain ${file.chainId}, nonce ${file.transaction.nonce}`,
    ...formatDescription(describeSafeTransaction(file)).map(
      (line, index) => `  ${index === 0 ? "does      " : "          "} ${line}`,
    ),
  ];
  if (verified !== undefined) {
    const { approvals, missing, state } = verified;
    const who = approvals.map(
      (approval) => `${approval.owner}${approval.kind === "signature" ? "" : ` (${approval.kind})`}`,
    );
    lines.push(
      `  approvals  ${approvals.length} of ${state.threshold}${who.length > 0 ? `: ${who.join(", ")}` : ""}`,
      `  status     ${
        missing > 0
          ? `${missing} signature${missing === 1 ? "" : "s"} missing`
          : verified.executable
            ? "ready to execute"
            : `threshold met; waits for nonce ${state.nonce} to ${file.transaction.nonce - 1}`
      }`,
    );
  } else {
    lines.push(
      `  signatures ${file.signatures.map((signature) => signature.signer).join(", ") || "none"} (not verified)`,
    );
  }
  if (file.note !== undefined) lines.push(`  note       ${file.note} (unsigned)`);
  return lines;
}

const batchSchema = z.array(
  z.union([
    z.object({ token: z.string(), to: z.string(), amount: z.string() }).strict(),
    z.object({ to: z.string(), value: z.string().optional(), data: z.string().optional() }).strict(),
  ]),
);

function readBatch(file: string): SafeCall[] {
  let document: unknown;
  try {
    document = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`cannot read the batch ${file}: ${(error as Error).message}`);
  }
  const parsed = batchSchema.safeParse(document);
  if (!parsed.success) {
    throw new UsageError(
      `${file} is not a batch: a JSON array of {token, to, amount} transfers or {to, value?, data?} calls`,
    );
  }
  return parsed.data.map((entry, index): SafeCall => {
    if ("token" in entry) {
      const token = entry.token === ETH ? ETH : parseAddress(entry.token, `call ${index + 1}: token`);
      const to = parseAddress(entry.to, `call ${index + 1}: to`);
      return transferCall(token, to, parseUnits(entry.amount, `call ${index + 1}: amount`));
    }
    if (entry.data !== undefined && !/^0x([0-9a-fA-F]{2})*$/.test(entry.data)) {
      throw new UsageError(`call ${index + 1}: data is not hex`);
    }
    return {
      to: parseAddress(entry.to, `call ${index + 1}: to`),
      value: entry.value === undefined ? 0n : parseUnits(entry.value, `call ${index + 1}: value`),
      data: entry.data ?? "0x",
    };
  });
}

/** `coffer safe …`. */
export function safeCommand(io: CliIo): Command {
  const print = (json: boolean | undefined, value: unknown, lines: () => string[]) =>
    io.stdout(json ? `${toJson(value)}\n` : `${lines().join("\n")}\n`);

  const safe = new Command("safe").description(
    "Safe approvals: propose a Safe transaction, share it (a file, a directory, a signature service), co-sign, execute",
  );

  // ── propose ────────────────────────────────────────────────────────────────────────────────────────────────
  const propose = safe
    .command("propose")
    .description("propose a Safe transaction, signed by you (an owner): a payout, a batch, a call, an owner change");

  const proposal = (
    name: string,
    description: string,
    configure: (command: Command) => Command,
    toProposal: (options: Record<string, string>) => SafeProposal,
  ) => {
    const command = propose.command(name).description(description);
    configure(command);
    withKey(withSafe(withRpc(withStore(withJson(command)))))
      .option("--out <file>", "write the signed transaction to this file (coffer-safe-tx/1)")
      .option("--nonce <n>", "an explicit nonce (default: the next one free in the store, else the Safe's nonce)")
      .option("--note <text>", "a note kept with the proposal (not signed)")
      .action(async (options: SafeOptions & StoreOptions & Record<string, string>) => {
        checkStoreOptions(options);
        if (
          options.out === undefined &&
          options.dir === undefined &&
          options.service === undefined &&
          options.txService === undefined
        ) {
          throw new UsageError(
            "say where the proposal goes: --out <file>, --dir <dir>, --service <url> or --tx-service <url>",
          );
        }
        if (options.out !== undefined && fs.existsSync(options.out)) {
          throw new UsageError(`${options.out} exists: choose another --out (a signed file is never overwritten)`);
        }
        const nonce = options.nonce === undefined ? undefined : parseCount(options.nonce, "--nonce");
        const request = toProposal(options);
        await withSession(io, options, true, async ({ chain, open }) => {
          const connection = await open();
          const store = await storeFor(options, chain, io.env);
          const file = await proposeSafeTransaction(connection, request, { store, nonce, note: options.note });
          if (options.out !== undefined) writeSafeTransactionFile(options.out, file);
          const verified = await verifySafeTransaction(chain, file);
          print(
            options.json,
            { ok: true, ...summary(file, verified), file: options.out, store: store?.location },
            () => [
              `Proposed and signed by ${connection.signer}:`,
              ...describeText(file, verified),
              ...(options.out !== undefined ? [`  written to ${options.out}`] : []),
              ...(store !== undefined ? [`  shared in ${store.location}`] : []),
            ],
          );
        });
      });
  };

  proposal(
    "transfer",
    "a payout of an ERC-20 token or ETH from the Safe",
    (command) =>
      command
        .requiredOption("--token <address>", `the token, or ${ETH} for the chain's native currency`)
        .requiredOption("--to <address>", "the recipient")
        .requiredOption("--amount <units>", "the amount in base units (token units or wei; no decimals)"),
    (options) => ({
      kind: "transfer",
      token: options.token === ETH ? ETH : parseAddress(options.token ?? "", "--token"),
      to: parseAddress(options.to ?? "", "--to"),
      amount: parseUnits(options.amount ?? "", "--amount"),
    }),
  );
  proposal(
    "batch",
    "several transfers and calls executed atomically (MultiSendCallOnly)",
    (command) =>
      command.requiredOption(
        "--calls <file>",
        'a JSON array of transfers {"token", "to", "amount"} (token or "ETH") and calls {"to", "value"?, "data"?}',
      ),
    (options) => ({ kind: "batch", calls: readBatch(options.calls ?? "") }),
  );
  proposal(
    "call",
    "any call from the Safe, e.g. a treasury policy change",
    (command) =>
      command
        .requiredOption("--to <address>", "the contract to call")
        .requiredOption("--data <hex>", "the calldata")
        .option("--value <wei>", "ETH to send with the call, in wei", "0"),
    (options) => {
      if (!/^0x([0-9a-fA-F]{2})*$/.test(options.data ?? "")) throw new UsageError("--data is not hex");
      return {
        kind: "call",
        to: parseAddress(options.to ?? "", "--to"),
        data: options.data ?? "0x",
        value: parseUnits(options.value ?? "0", "--value"),
      };
    },
  );
  proposal(
    "add-owner",
    "add an owner (addOwnerWithThreshold)",
    (command) =>
      command
        .requiredOption("--owner <address>", "the new owner")
        .option("--threshold <n>", "the new threshold (default: unchanged)"),
    (options) => ({
      kind: "addOwner",
      owner: parseAddress(options.owner ?? "", "--owner"),
      threshold: options.threshold === undefined ? undefined : parseCount(options.threshold, "--threshold"),
    }),
  );
  proposal(
    "remove-owner",
    "remove an owner (removeOwner)",
    (command) =>
      command
        .requiredOption("--owner <address>", "the owner to remove")
        .option("--threshold <n>", "the new threshold (default: unchanged, or the new owner count if lower)"),
    (options) => ({
      kind: "removeOwner",
      owner: parseAddress(options.owner ?? "", "--owner"),
      threshold: options.threshold === undefined ? undefined : parseCount(options.threshold, "--threshold"),
    }),
  );
  proposal(
    "change-threshold",
    "change how many owners must approve (changeThreshold)",
    (command) => command.requiredOption("--threshold <n>", "the new threshold"),
    (options) => ({ kind: "changeThreshold", threshold: parseCount(options.threshold ?? "", "--threshold") }),
  );

  // ── sign / exec: a file, or a transaction in a store ───────────────────────────────────────────────────────
  type Source = { readonly path: string } | { readonly hash: string };
  const sourceOf = (file: string | undefined, options: StoreOptions & { hash?: string }): Source => {
    checkStoreOptions(options);
    const inStore = options.dir !== undefined || options.service !== undefined || options.txService !== undefined;
    if (file !== undefined && options.hash === undefined && !inStore) return { path: file };
    if (file === undefined && options.hash !== undefined && inStore) return { hash: options.hash };
    throw new UsageError("give a transaction file, or --hash <safeTxHash> with --dir, --service or --tx-service");
  };
  const load = async (source: Source, store: SafeTransactionStore | undefined): Promise<SafeTransactionFile> =>
    "path" in source ? readSafeTransactionFile(source.path) : (store as SafeTransactionStore).get(source.hash);

  withKey(withSafe(withRpc(withStore(withJson(safe.command("sign"))))))
    .description("verify a transaction (hash, every signature, nonce) and add your signature")
    .argument("[file]", "a coffer-safe-tx/1 file, updated in place unless --out is given")
    .option("--hash <safeTxHash>", "the transaction to sign in the store")
    .option("--out <file>", "write the co-signed transaction here instead")
    .action(async (file: string | undefined, options: SafeOptions & StoreOptions & { hash?: string; out?: string }) => {
      const source = sourceOf(file, options);
      await withSession(io, options, true, async ({ chain, open }) => {
        const store = await storeFor(options, chain, io.env);
        const transaction = await load(source, store);
        const connection = await open(transaction.safeAddress);
        const result = await signSafeTransaction(connection, transaction, { store });
        const out = options.out ?? ("path" in source ? source.path : undefined);
        if (out !== undefined && (result.added || out !== file)) writeSafeTransactionFile(out, result.file);
        print(
          options.json,
          { ok: true, ...summary(result.file, result.verified), signer: result.signer, added: result.added, file: out },
          () => [
            result.added ? `Signed by ${result.signer}:` : `${result.signer} had signed already; nothing changed:`,
            ...describeText(result.file, result.verified),
            ...(out !== undefined ? [`  written to ${out}`] : []),
            ...(store !== undefined ? [`  shared in ${store.location}`] : []),
          ],
        );
      });
    });

  withKey(withSafe(withRpc(withStore(withJson(safe.command("exec"))))))
    .description("verify a transaction and execute it once its approvals meet the threshold (you pay the gas)")
    .argument("[file]", "a coffer-safe-tx/1 file")
    .option("--hash <safeTxHash>", "the transaction to execute from the store")
    .option(
      "--no-executor-approval",
      "do not count your own approval when you are an owner who has not signed (counted by default)",
    )
    .action(
      async (
        file: string | undefined,
        options: SafeOptions & StoreOptions & { hash?: string; executorApproval: boolean },
      ) => {
        const source = sourceOf(file, options);
        await withSession(io, options, true, async ({ chain, open }) => {
          const transaction = await load(source, await storeFor(options, chain, io.env));
          const connection = await open(transaction.safeAddress);
          const result = await executeSafeTransaction(connection, transaction, {
            executorApproves: options.executorApproval,
          });
          const description = describeSafeTransaction(transaction);
          print(options.json, { ok: true, ...result, description }, () => [
            `Executed Safe transaction ${result.safeTxHash}`,
            ...formatDescription(description).map((line) => `  ${line}`),
            `  approvals  ${result.approvals.map((a) => `${a.owner}${a.kind === "signature" ? "" : ` (${a.kind})`}`).join(", ")}`,
            `  mined      ${result.transactionHash} in block ${result.blockNumber}, ${result.gasUsed} gas, sent by ${result.executor}`,
          ]);
        });
      },
    );

  // ── pending / show / serve ─────────────────────────────────────────────────────────────────────────────────
  withSafe(withRpc(withStore(withJson(safe.command("pending")))))
    .description("list a Safe's pending transactions in a store, each verified, by nonce")
    .action(async (options: SafeOptions & StoreOptions) => {
      checkStoreOptions(options);
      if (options.dir === undefined && options.service === undefined && options.txService === undefined) {
        throw new UsageError("say which store: --dir <dir>, --service <url> or --tx-service <url>");
      }
      await withSession(io, options, false, async ({ chain, open }) => {
        const connection = await open();
        const store = (await storeFor(options, chain, io.env)) as SafeTransactionStore;
        const { state, transactions } = await listPendingSafeTransactions(chain, connection.safeAddress, store);
        print(
          options.json,
          {
            ok: true,
            chainId: chain.chainId,
            safeAddress: state.safeAddress,
            safeNonce: state.nonce,
            threshold: state.threshold,
            owners: state.owners,
            transactions: transactions.map((pending) => ({
              ...summary(pending.file, pending.verified),
              ...(pending.error === undefined
                ? {}
                : { verified: false, error: { name: pending.error.name, message: pending.error.message } }),
            })),
          },
          () => [
            `Safe ${state.safeAddress} on chain ${chain.chainId}: nonce ${state.nonce}, ${state.threshold} of ${state.owners.length} owners`,
            transactions.length === 0 ? "No pending transactions." : `${transactions.length} pending:`,
            ...transactions.flatMap((pending) => [
              ...describeText(pending.file, pending.verified),
              ...(pending.error === undefined ? [] : [`  INVALID    ${pending.error.message}`]),
            ]),
          ],
        );
      });
    });

  withRpc(withJson(safe.command("show")))
    .description("print what a transaction file does, its nonce and signatures (offline unless --verify)")
    .argument("<file>", "a coffer-safe-tx/1 file")
    .option("--verify", "also verify it against the chain (hash, signatures, owners, nonce): exit 1 if it does not")
    .action(async (file: string, options: ChainOptions & { verify?: boolean }) => {
      const transaction = readSafeTransactionFile(file);
      let verified: VerifiedSafeTransaction | undefined;
      if (options.verify) {
        const chain = await connectChain(rpcUrlFrom(options.rpcUrl, io.env));
        try {
          verified = await verifySafeTransaction(chain, transaction);
        } finally {
          chain.close();
        }
      }
      print(options.json, { ok: true, ...summary(transaction, verified), transaction }, () =>
        describeText(transaction, verified),
      );
    });

  withRpc(withJson(safe.command("serve")))
    .description("run the signature-collection service: proposals and signatures over HTTP, kept on disk, verified")
    .requiredOption("--dir <dir>", "where transactions are kept (one JSON file per safeTxHash)")
    .addOption(new Option("--port <port>", "the port (0: any free one)").default("8547"))
    .option("--host <host>", "the interface to listen on", "127.0.0.1")
    .action(async (options: ChainOptions & { dir: string; port: string; host: string }) => {
      const port = parseCount(options.port, "--port");
      if (port > 65_535) throw new UsageError(`--port ${port} is not a port`);
      const rpcUrl = rpcUrlFrom(options.rpcUrl, io.env);
      const { startSignatureService } = await import("./safe-approval-server");
      const { default: pino } = await import("pino");
      const logger = pino({ level: io.env.COFFER_LOG_LEVEL ?? "info" }, pino.destination(2));
      const service = await startSignatureService({ directory: options.dir, rpcUrl, host: options.host, port, logger });
      print(options.json, { ok: true, url: service.url, chainId: service.chainId, dir: options.dir }, () => [
        `Coffer signature service for chain ${service.chainId} on ${service.url} (transactions in ${options.dir})`,
      ]);
      const stop = () => {
        void service.close().then(() => process.exit(0));
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });

  return safe;
}
