import { Command } from "commander";
import { UsageError, type CliIo } from "../../io";

/** Where `coffer webhooks …` finds the service when neither `--api` nor `COFFER_WEBHOOKS_URL` is given. */
export const DEFAULT_WEBHOOKS_URL = "http://127.0.0.1:8548";

/** Options of every command that talks to the webhook service's API. */
export interface ApiCommandOptions {
  api?: string;
  json?: boolean;
}

/** A subcommand with `--api` and `--json`. */
export function apiCommand(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .option("--api <url>", `the webhook service (default: $COFFER_WEBHOOKS_URL or ${DEFAULT_WEBHOOKS_URL})`)
    .option("--json", "print machine-readable JSON on stdout");
}

/** The webhook service's API, with the key from `COFFER_WEBHOOKS_API_KEY`. */
export interface WebhooksApiClient {
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
}

/** A client for the API at `--api` / `COFFER_WEBHOOKS_URL`; usage errors for a missing key or a bad URL. */
export function apiClient(options: ApiCommandOptions, io: CliIo): WebhooksApiClient {
  const base = (options.api ?? (io.env.COFFER_WEBHOOKS_URL || undefined) ?? DEFAULT_WEBHOOKS_URL).replace(/\/+$/, "");
  if (!/^https?:\/\/[^/]/.test(base)) throw new UsageError(`the webhook service URL ${base} is not an http(s) URL`);
  const key = io.env.COFFER_WEBHOOKS_API_KEY;
  if (key === undefined || key === "") {
    throw new UsageError("no API key: set COFFER_WEBHOOKS_API_KEY (`coffer webhooks serve` prints one in local mode)");
  }
  return {
    request: async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      let response: Response;
      try {
        response = await fetch(`${base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${key}`,
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause;
        throw new Error(`the webhook service at ${base} cannot be reached (${cause?.code ?? String(error)})`);
      }
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new Error(`the webhook service answered ${response.status} with no JSON: ${text.slice(0, 200)}`);
      }
      if (!response.ok) {
        const message = (parsed as { error?: { message?: string } }).error?.message ?? text.slice(0, 200);
        if (response.status === 400) throw new UsageError(message);
        throw new Error(`the webhook service answered ${response.status}: ${message}`);
      }
      return parsed as T;
    },
  };
}
