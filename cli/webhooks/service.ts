import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import type pino from "pino";
import { createApi } from "./api";
import type { ApiKeys } from "./api-keys";
import { DEFAULT_SECRET_OVERLAP_MS, type DisablePolicy, type RetrySchedule } from "./config";
import { createDispatcher, type DeliveredAttempt, type Dispatcher } from "./dispatcher";
import { createIngester, type ChainFollowing, type Ingester } from "./ingest";
import type { EventSource } from "./source";
import type { WebhookStore } from "./store/database";

/** What `coffer webhooks serve` runs; each part can be left out (several dispatchers, one API). */
export interface WebhookServiceOptions {
  readonly store: WebhookStore;
  /** Ingest from this source (omit: no ingester in this process). */
  readonly ingest?: {
    readonly source: EventSource;
    readonly chains: readonly ChainFollowing[];
    readonly pollMs?: number;
    readonly startAt?: "head" | "genesis";
  };
  /** Serve the API here (omit: no API in this process). */
  readonly api?: {
    readonly keys: ApiKeys;
    readonly host?: string;
    readonly port?: number;
    readonly secretOverlapMs?: number;
  };
  /** Run a dispatcher (default true). */
  readonly dispatch?: boolean;
  readonly concurrency?: number;
  readonly requestTimeoutMs?: number;
  readonly leaseMs?: number;
  readonly retrySchedule?: RetrySchedule;
  readonly disablePolicy?: DisablePolicy;
  readonly dispatcherPollMs?: number;
  readonly allowPrivateNetworks?: boolean;
  readonly logger?: pino.Logger;
  readonly onAttempt?: (attempt: DeliveredAttempt) => void;
}

/** A running webhook service. */
export interface WebhookService {
  /** The API's base URL, when it runs. */
  readonly url: string | undefined;
  readonly ingester: Ingester | undefined;
  readonly dispatcher: Dispatcher | undefined;
  /** Stops the API, the ingester and the dispatcher (waiting for attempts under way); the store stays open. */
  stop(): Promise<void>;
}

/** Starts the parts of the webhook service that `options` names, on one store. */
export async function startWebhookService(options: WebhookServiceOptions): Promise<WebhookService> {
  const dispatcher =
    options.dispatch === false
      ? undefined
      : createDispatcher({
          store: options.store,
          concurrency: options.concurrency,
          requestTimeoutMs: options.requestTimeoutMs,
          leaseMs: options.leaseMs,
          retrySchedule: options.retrySchedule,
          disablePolicy: options.disablePolicy,
          pollMs: options.dispatcherPollMs,
          allowPrivateNetworks: options.allowPrivateNetworks,
          logger: options.logger,
          onAttempt: options.onAttempt,
        });
  const ingester =
    options.ingest === undefined
      ? undefined
      : createIngester({
          store: options.store,
          source: options.ingest.source,
          chains: options.ingest.chains,
          pollMs: options.ingest.pollMs,
          startAt: options.ingest.startAt,
          logger: options.logger,
          onChange: () => dispatcher?.wake(),
        });
  let server: ServerType | undefined;
  let url: string | undefined;
  if (options.api !== undefined) {
    const app = createApi({
      store: options.store,
      keys: options.api.keys,
      secretOverlapMs: options.api.secretOverlapMs ?? DEFAULT_SECRET_OVERLAP_MS,
      allowPrivateNetworks: options.allowPrivateNetworks,
      onWork: () => dispatcher?.wake(),
    });
    const host = options.api.host ?? "127.0.0.1";
    const listenPort = options.api.port ?? 0;
    server = await new Promise<ServerType>((resolve, reject) => {
      const started = serve({ fetch: app.fetch, hostname: host, port: listenPort }, () => resolve(started));
      started.once("error", reject);
    });
    const { port, address } = server.address() as AddressInfo;
    url = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
  }
  // A first poll before answering (the cursor starts at the head now); an indexer not up yet is retried later.
  await ingester
    ?.pollOnce()
    .catch((error: unknown) =>
      options.logger?.warn({ err: error instanceof Error ? error.message : String(error) }, "first ingest poll failed"),
    );
  ingester?.start();
  dispatcher?.start();
  return {
    url,
    ingester,
    dispatcher,
    stop: async () => {
      if (server !== undefined) {
        const closing = server;
        await new Promise<void>((resolve) => {
          closing.close(() => resolve());
          (closing as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
      }
      await ingester?.stop();
      await dispatcher?.stop();
    },
  };
}
