import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort } from "./local-chain";

/** Where the indexer keeps its tables: an embedded PGlite folder, or a PostgreSQL schema. */
export type IndexerDatabase =
  { kind: "pglite"; directory: string } | { kind: "postgres"; connectionString: string; schema: string };

export interface StartIndexerOptions {
  chainId: number;
  rpcUrl: string;
  deploymentsDir: string;
  database: IndexerDatabase;
  /** HTTP port; a free one by default. */
  port?: number;
  /** Receives each line the indexer prints. */
  log?: (line: string) => void;
  /** More chains for the same process (their manifests in the same `deploymentsDir`). */
  extraChains?: { chainId: number; rpcUrl: string }[];
  /**
   * More environment variables for the child, on top of this process's (e.g. `COFFER_TOKENS_<chainId>` to index more
   * tokens); the variables set from the other options take precedence.
   */
  env?: Record<string, string>;
}

/** A running `ponder start` (the writer) or `ponder serve` (a reader) of the Coffer indexer. */
export interface RunningIndexer {
  /** Base URL: `/status`, `/health`, `/ready`, `/reports/...`. */
  url: string;
  graphqlUrl: string;
  /** Resolves once `/status` reports the chain indexed up to `blockNumber`; rejects on timeout or exit. */
  waitForBlock(blockNumber: number, timeoutMs?: number): Promise<void>;
  /** Stops it (SIGTERM, SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
}

const INDEXER_DIR = path.join(__dirname, "..", "..", "indexer");
/**
 * Node flags Ponder runs with: semi-spaces of 64 MiB (V8's default is 16), so that the rows a batch of events makes
 * die in the young generation instead of being copied to the old one: the handlers' time fell by about 30 % in
 * `bench:indexer-handlers`. The indexer's `npm start` and `npm run serve` set the same. `COFFER_PONDER_NODE_FLAGS`
 * (space-separated) replaces them, to profile for instance (`--cpu-prof`).
 */
const PONDER_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=64"];

function ponderNodeFlags(): string[] {
  const flags = process.env.COFFER_PONDER_NODE_FLAGS;
  return flags === undefined ? [...PONDER_NODE_FLAGS] : flags.split(" ").filter((flag) => flag !== "");
}

/** Ponder's CLI, installed by the workspace (hoisted to the root `node_modules`, or in `indexer/node_modules`). */
function ponderBin(): string {
  const candidates = [INDEXER_DIR, path.join(INDEXER_DIR, "..")].map((dir) =>
    path.join(dir, "node_modules", "ponder", "dist", "esm", "bin", "ponder.js"),
  );
  const found = candidates.find((file) => fs.existsSync(file));
  if (found === undefined) throw new Error("Ponder is not installed: run `npm ci` at the repository root");
  return found;
}

/** The last `n` lines of what the indexer printed, for error messages. */
function tail(lines: string[], n = 40): string {
  return lines.slice(-n).join("\n");
}

/** Indexed block of `chainId` according to `/status`, or undefined before the chain shows up. */
export async function indexedBlock(url: string, chainId: number): Promise<number | undefined> {
  const response = await fetch(`${url}/status`);
  if (!response.ok) return undefined;
  const status = (await response.json()) as Record<string, { id: number; block: { number: number } }>;
  return Object.values(status).find((chain) => chain.id === chainId)?.block.number;
}

/**
 * Spawns `ponder start` in `indexer/` for one chain, on `options.database` (a fresh PGlite folder or PostgreSQL
 * schema is the caller's choice: Ponder refuses to reuse a schema with changed code and its sync cache is keyed
 * by chain id). Resolves once the HTTP server answers `/health`.
 */
export async function startIndexer(options: StartIndexerOptions): Promise<RunningIndexer> {
  return launch("start", options);
}

/**
 * Spawns `ponder serve` in `indexer/`: a reader that answers the API (GraphQL, reports, `/status`, `/freshness`)
 * from the tables a writer (`startIndexer`) keeps in the same PostgreSQL schema, and indexes nothing. The writer must
 * have created the schema first (Ponder refuses to serve a schema that does not exist). Resolves once it answers
 * `/health`.
 */
export async function startReader(
  options: Omit<StartIndexerOptions, "database"> & { database: Extract<IndexerDatabase, { kind: "postgres" }> },
): Promise<RunningIndexer> {
  return launch("serve", options);
}

async function launch(command: "start" | "serve", options: StartIndexerOptions): Promise<RunningIndexer> {
  const port = options.port ?? (await freePort());
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    PONDER_TELEMETRY_DISABLED: "true",
    COFFER_CHAIN_IDS: [options.chainId, ...(options.extraChains ?? []).map((chain) => chain.chainId)].join(","),
    COFFER_DEPLOYMENTS_DIR: options.deploymentsDir,
    [`PONDER_RPC_URL_${options.chainId}`]: options.rpcUrl,
  };
  for (const chain of options.extraChains ?? []) env[`PONDER_RPC_URL_${chain.chainId}`] = chain.rpcUrl;
  let schema: string;
  if (options.database.kind === "postgres") {
    env.DATABASE_URL = options.database.connectionString;
    schema = options.database.schema;
    delete env.COFFER_PGLITE_DIR;
  } else {
    fs.mkdirSync(options.database.directory, { recursive: true });
    env.COFFER_PGLITE_DIR = options.database.directory;
    schema = "public";
    delete env.DATABASE_URL;
  }
  env.DATABASE_SCHEMA = schema;

  const child = spawn(
    process.execPath,
    [...ponderNodeFlags(), ponderBin(), command, "--port", String(port), "--schema", schema, "--log-format", "pretty"],
    { cwd: INDEXER_DIR, env, stdio: ["ignore", "pipe", "pipe"], detached: false },
  );
  const lines: string[] = [];
  let pending = "";
  const onData = (chunk: Buffer) => {
    pending += chunk.toString();
    const parts = pending.split("\n");
    pending = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      if (lines.length > 500) lines.shift();
      options.log?.(line);
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exitCode = code ?? (signal === null ? -1 : null);
      resolve();
    }),
  );
  const isRunning = () => exitCode === undefined;

  const url = `http://127.0.0.1:${port}`;
  const terminate = async (signal: NodeJS.Signals): Promise<void> => {
    if (!isRunning()) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (!isRunning()) throw new Error(`The indexer exited at start (code ${exitCode}):\n${tail(lines)}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await terminate("SIGKILL");
      throw new Error(`The indexer did not answer /health within 120 s:\n${tail(lines)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return {
    url,
    graphqlUrl: `${url}/graphql`,
    waitForBlock: async (blockNumber, timeoutMs = 120_000) => {
      const until = Date.now() + timeoutMs;
      let last: number | undefined;
      for (;;) {
        if (!isRunning()) throw new Error(`The indexer exited (code ${exitCode}):\n${tail(lines)}`);
        try {
          last = await indexedBlock(url, options.chainId);
          if (last !== undefined && last >= blockNumber) return;
        } catch {
          // the server restarts its connections now and then; try again
        }
        if (Date.now() > until) {
          throw new Error(
            `The indexer reached block ${last ?? "none"}, not ${blockNumber}, within ${timeoutMs} ms:\n${tail(lines)}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    stop: () => terminate("SIGTERM"),
    kill: () => terminate("SIGKILL"),
  };
}
