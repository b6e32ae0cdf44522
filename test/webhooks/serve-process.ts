import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { cliEnv } from "../cli/helpers";

const BIN = path.join(__dirname, "..", "..", "bin", "coffer.js");

/** A `coffer webhooks serve` child process. */
export interface WebhooksServeProcess {
  /** The API's URL, or null with --no-api. */
  readonly url: string | null;
  readonly child: ChildProcess;
  /** Everything it printed on stderr (its log). */
  readonly log: () => string;
  /** kill -9: no cleanup, as a crash. */
  kill(): Promise<void>;
  /** SIGTERM, resolving with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts `coffer webhooks serve ...args --json` and resolves once it prints its address. */
export function startWebhooksServe(
  args: readonly string[],
  env: Record<string, string | undefined>,
): Promise<WebhooksServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "webhooks", "serve", ...args, "--json"], {
      env: cliEnv({ COFFER_LOG_LEVEL: "warn", ...env }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`coffer webhooks serve did not start within 30 s:\n${stdout}\n${stderr}`));
    }, 30_000);
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`coffer webhooks serve exited with ${code}:\n${stdout}\n${stderr}`));
    });
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split("\n").find((candidate) => candidate.includes('"url"'));
      if (line === undefined) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
      resolve({
        url: (JSON.parse(line) as { url: string | null }).url,
        child,
        log: () => stderr,
        kill: async () => {
          child.kill("SIGKILL");
          await exited;
        },
        stop: () => {
          child.kill("SIGTERM");
          return exited;
        },
      });
    });
  });
}

/** Calls a webhook service's API with `key`. */
export async function callApi<T>(url: string, key: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const parsed = (await response.json()) as T;
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(parsed)}`);
  return parsed;
}
