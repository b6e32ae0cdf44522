import { Command } from "commander";
import { toJson, UsageError, type CliIo } from "../../io";
import { indexerUrlFrom } from "../indexer/shared";
import { chainsToFollow, repeatable, type ChainCommandOptions } from "./chains";
import { stopOnSignal } from "./lifecycle";

interface ListenOptions extends ChainCommandOptions {
  forwardTo: string;
  indexer?: string;
  secret?: string;
  events?: string;
  pollMs: string;
  json?: boolean;
}

/**
 * `coffer listen --forward-to <url>`: like `stripe listen`, for development. No database: the same ingester
 * and dispatcher run on an in-memory store, from the chain's head on, and forward every event (signed with a
 * secret printed at start, or `--secret`) to one local URL, printing one line per attempt.
 */
export function listenCommand(io: CliIo): Command {
  return new Command("listen")
    .description("forward the indexer's events, signed, to a local URL as they happen (no database, for development)")
    .requiredOption("--forward-to <url>", "where to send them, e.g. http://localhost:3000/hooks")
    .option("--indexer <url>", "the indexer's URL (default: $COFFER_INDEXER_URL or http://127.0.0.1:42069)")
    .option("--chain <id>", "a chain to follow (repeatable; default: every chain the indexer indexes)", repeatable)
    .option("--confirmations <chainId=n>", "confirmations before forwarding on a chain (repeatable)", repeatable)
    .option("--secret <whsec>", "sign with this secret (default: a new one, printed)")
    .option("--events <types>", "comma-separated event types to forward (default: all)")
    .option("--poll-ms <ms>", "how often the indexer is polled", "250")
    .option("--json", "print JSON lines on stdout")
    .action(async (options: ListenOptions) => {
      const { createEndpointSchema, firstIssue } = await import("../../webhooks/validation");
      const parsed = createEndpointSchema.safeParse({
        url: options.forwardTo,
        eventTypes: options.events?.split(",").map((item) => item.trim()) ?? [],
      });
      if (!parsed.success) throw new UsageError(firstIssue(parsed.error));
      if (options.secret !== undefined && !options.secret.startsWith("whsec_")) {
        throw new UsageError("--secret must be a Standard Webhooks secret (whsec_…)");
      }
      const { openWebhookStore } = await import("../../webhooks/store/database");
      const { indexerEventSource } = await import("../../webhooks/source");
      const { createEndpoint } = await import("../../webhooks/endpoints");
      const { newSecret } = await import("../../webhooks/ids");
      const { startWebhookService } = await import("../../webhooks/service");
      const indexerUrl = indexerUrlFrom(options.indexer, io.env);
      const source = indexerEventSource(indexerUrl);
      const chains = await chainsToFollow(options, source, io.env);
      const secret = options.secret ?? newSecret();
      const store = await openWebhookStore({ kind: "memory" });
      await createEndpoint(store, "listen", parsed.data, secret);
      const print = (value: Record<string, unknown>, line: string) =>
        io.stdout(options.json ? `${toJson(value)}\n` : `${line}\n`);
      const service = await startWebhookService({
        store,
        ingest: { source, chains, pollMs: Number(options.pollMs) },
        // Development: retry quickly, give up after an hour.
        retrySchedule: { delaysMs: [1_000, 2_000, 5_000, 10_000, 30_000], maxAgeMs: 3_600_000, jitter: 0 },
        disablePolicy: { failingForMs: 10 * 365 * 86_400_000, minConsecutiveFailures: 1_000_000 }, // never
        onAttempt: (attempt) =>
          print(
            {
              event: "attempt",
              type: attempt.eventType,
              id: attempt.eventId,
              status: attempt.statusCode,
              ms: attempt.responseMs,
              error: attempt.error,
            },
            `→ ${attempt.eventType} ${attempt.eventId} ${attempt.statusCode ?? "---"} ${attempt.responseMs} ms${attempt.error === null ? "" : `  ${attempt.error}`}`,
          ),
      });
      print(
        { event: "ready", url: options.forwardTo, secret, chains },
        `Forwarding events of chain ${chains.map((chain) => chain.chainId).join(", ")} from ${indexerUrl} to ${options.forwardTo}\n` +
          `Signing secret: ${secret}  (verify with verifyWebhook from @coffer/sdk/webhooks)`,
      );
      stopOnSignal(service, store);
    });
}
