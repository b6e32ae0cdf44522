import path from "node:path";
import { Option, type Command } from "commander";
import { parseCount, toJson, UsageError, type CliIo } from "../../io";
import { indexerUrlFrom } from "../indexer/shared";
import { chainsToFollow, repeatable, type ChainCommandOptions } from "./chains";
import { stopOnSignal } from "./lifecycle";

interface ServeOptions extends ChainCommandOptions {
  indexer?: string;
  databaseUrl?: string;
  dataDir?: string;
  port: string;
  host: string;
  api: boolean;
  ingest: boolean;
  dispatch: boolean;
  concurrency?: string;
  timeout?: string;
  lease?: string;
  pollMs?: string;
  retryDelays?: string;
  retryMaxAge?: string;
  denyPrivateNetworks?: boolean;
  json?: boolean;
}

const parseDelays = (value: string): number[] =>
  value.split(",").map((item) => parseCount(item.trim(), "--retry-delays"));

/** `coffer webhooks serve`: the store, the ingester, the dispatcher and the API in one process. */
export function addServeCommand(webhooks: Command, io: CliIo): void {
  webhooks
    .command("serve")
    .description("run the webhook service: ingest the indexer's events, deliver them, serve the endpoints API")
    .option("--indexer <url>", "the indexer's URL (default: $COFFER_INDEXER_URL or http://127.0.0.1:42069)")
    .option("--chain <id>", "a chain to follow (repeatable; default: every chain the indexer indexes)", repeatable)
    .option("--confirmations <chainId=n>", "confirmations before delivery on a chain (repeatable)", repeatable)
    .option("--reorg-window <blocks>", "blocks below the cursor read again to notice reorgs (default max(2N, 64))")
    .option("--database-url <url>", "PostgreSQL (default: $DATABASE_URL, else embedded PGlite in --data-dir)")
    .option("--data-dir <dir>", "the embedded database's directory", path.join(".coffer", "webhooks"))
    .addOption(new Option("--port <port>", "the API's port (0: any free one)").default("8548"))
    .option("--host <host>", "the interface the API listens on", "127.0.0.1")
    .option("--no-api", "run no API in this process (e.g. an extra dispatcher)")
    .option("--no-ingest", "run no ingester in this process")
    .option("--no-dispatch", "run no dispatcher in this process")
    .option("--concurrency <n>", "endpoints served at once by this dispatcher", "20")
    .option("--timeout <ms>", "one attempt's time limit in milliseconds", "10000")
    .option("--lease <ms>", "how long a claim on an endpoint lasts (default twice --timeout plus 5 s)")
    .option("--poll-ms <ms>", "how often the indexer is polled and due work looked for", "250")
    .option(
      "--retry-delays <ms,ms,…>",
      "the retry schedule in milliseconds (default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h)",
    )
    .option("--retry-max-age <ms>", "give a delivery up this long after its first attempt (default three days)")
    .option("--deny-private-networks", "refuse endpoints on loopback and private addresses (do this in production)")
    .option("--json", "print the address and key as JSON on stdout")
    .action(async (options: ServeOptions) => {
      const port = parseCount(options.port, "--port");
      if (port > 65_535) throw new UsageError(`--port ${port} is not a port`);
      const { openWebhookStore } = await import("../../webhooks/store/database");
      const { indexerEventSource } = await import("../../webhooks/source");
      const { parseApiKeys, newApiKey } = await import("../../webhooks/api-keys");
      const { DEFAULT_RETRY_SCHEDULE } = await import("../../webhooks/config");
      const { startWebhookService } = await import("../../webhooks/service");
      const { default: pino } = await import("pino");
      const logger = pino({ level: io.env.COFFER_LOG_LEVEL ?? "info" }, pino.destination(2));

      let apiKey: string | undefined;
      let keys;
      if (options.api) {
        const configured = io.env.COFFER_WEBHOOKS_API_KEYS;
        try {
          if (configured !== undefined && configured !== "") keys = parseApiKeys(configured);
        } catch (error) {
          throw new UsageError((error as Error).message);
        }
        if (keys === undefined) {
          apiKey = newApiKey();
          keys = parseApiKeys(`local:${apiKey}`);
        }
      }
      const databaseUrl = options.databaseUrl ?? (io.env.DATABASE_URL || undefined);
      const indexerUrl = indexerUrlFrom(options.indexer, io.env);
      const source = indexerEventSource(indexerUrl);
      const chains = options.ingest ? await chainsToFollow(options, source, io.env) : [];
      const retrySchedule = {
        ...DEFAULT_RETRY_SCHEDULE,
        ...(options.retryDelays === undefined ? {} : { delaysMs: parseDelays(options.retryDelays) }),
        ...(options.retryMaxAge === undefined ? {} : { maxAgeMs: parseCount(options.retryMaxAge, "--retry-max-age") }),
      };
      const pollMs = parseCount(options.pollMs ?? "250", "--poll-ms");
      const store = await openWebhookStore(
        databaseUrl !== undefined
          ? { kind: "postgres", connectionString: databaseUrl }
          : { kind: "pglite", directory: path.resolve(options.dataDir ?? path.join(".coffer", "webhooks")) },
      );
      const service = await startWebhookService({
        store,
        ingest: options.ingest ? { source, chains, pollMs } : undefined,
        api: options.api && keys !== undefined ? { keys, host: options.host, port } : undefined,
        dispatch: options.dispatch,
        concurrency: parseCount(options.concurrency ?? "20", "--concurrency"),
        requestTimeoutMs: parseCount(options.timeout ?? "10000", "--timeout"),
        leaseMs: options.lease === undefined ? undefined : parseCount(options.lease, "--lease"),
        retrySchedule,
        dispatcherPollMs: pollMs,
        allowPrivateNetworks: options.denyPrivateNetworks !== true,
        logger,
      });
      const result = {
        ok: true,
        url: service.url ?? null,
        apiKey: apiKey ?? null,
        store: store.kind,
        chains,
      };
      io.stdout(
        options.json
          ? `${toJson(result)}\n`
          : [
              `Coffer webhook service${service.url === undefined ? "" : ` on ${service.url}`} (store: ${store.kind})`,
              ...chains.map(
                (chain) =>
                  `  chain ${chain.chainId}: ${chain.confirmations} confirmations, reorg window ${chain.reorgWindow} blocks, from ${indexerUrl}`,
              ),
              ...(apiKey === undefined ? [] : [`  API key (local mode): export COFFER_WEBHOOKS_API_KEY=${apiKey}`]),
              "",
            ].join("\n"),
      );
      stopOnSignal(service, store);
    });
}
