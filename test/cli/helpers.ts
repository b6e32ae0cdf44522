import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { main } from "../../cli";

const BIN = path.join(__dirname, "..", "..", "bin", "coffer.js");

/** What a `coffer` run printed, and its exit code. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as one JSON document (throws with the output when it is not JSON). */
  json<T = Record<string, unknown>>(): T;
}

/** The environment of a child `coffer`: the test's, without any COFFER_ setting inherited from the shell. */
export function cliEnv(settings: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith("COFFER_")) env[name] = value;
  for (const [name, value] of Object.entries(settings)) if (value !== undefined) env[name] = value;
  return env;
}

function cliRun(args: readonly string[], code: number | null, stdout: string, stderr: string): CliRun {
  return {
    code,
    stdout,
    stderr,
    json: <T>() => {
      try {
        return JSON.parse(stdout) as T;
      } catch {
        throw new Error(`coffer ${args.join(" ")} printed no JSON (exit ${code}):\n${stdout}\n${stderr}`);
      }
    },
  };
}

/**
 * Runs `coffer ...args` inside this process through the CLI's `main` (the same code as the bin minus the
 * tsx shim): for the many error and help cases that need no separate process.
 */
export async function runCliInProcess(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(["node", "coffer", ...args], {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env,
  });
  return cliRun(args, code === "serving" ? null : code, stdout, stderr);
}

/** Runs `node bin/coffer.js ...args` as a separate process. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve(cliRun(args, code, stdout, stderr)));
  });
}

/** A `coffer safe serve` child process. */
export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `coffer safe serve ...args --json` and resolves once it prints its address. */
export function startServe(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "safe", "serve", ...args, "--json"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`coffer safe serve did not start within 30 s:\n${stdout}\n${stderr}`));
    }, 30_000);
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`coffer safe serve exited with ${code}:\n${stdout}\n${stderr}`));
    });
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split("\n").find((candidate) => candidate.includes('"url"'));
      if (line === undefined) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
      resolve({
        url: (JSON.parse(line) as { url: string }).url,
        child,
        stop: () => {
          child.kill("SIGTERM");
          return exited;
        },
      });
    });
  });
}
