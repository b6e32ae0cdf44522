import { parseApiKeys } from "../../cli/webhooks/api-keys";
import type { DisablePolicy, RetrySchedule } from "../../cli/webhooks/config";
import type { DeliveredAttempt } from "../../cli/webhooks/dispatcher";
import { startWebhookService, type WebhookService } from "../../cli/webhooks/service";
import { indexerEventSource } from "../../cli/webhooks/source";
import { openWebhookStore, type StoreLocation, type WebhookStore } from "../../cli/webhooks/store/database";
import { startFakeIndexer, type FakeIndexer } from "./fake-indexer";

/** A quick schedule for tests: retries after 50, 100, 150 ms…, giving up after `maxAgeMs`. */
export const FAST_SCHEDULE: RetrySchedule = { delaysMs: [50, 100, 150], maxAgeMs: 60_000, jitter: 0 };

/** The API keys of the tests' two owners. */
export const KEYS = { alice: "alice-key-0123456789abcdef", bob: "bob-key-0123456789abcdef" };

/** A service on an in-memory store (or `location`) following a fake indexer, with an API. */
export interface Harness {
  readonly indexer: FakeIndexer;
  readonly store: WebhookStore;
  readonly service: WebhookService;
  readonly attempts: DeliveredAttempt[];
  /** Calls the API as `owner` (default alice). */
  api<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    key?: string,
  ): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

/** Starts a {@link Harness}. */
export async function startHarness(
  options: {
    schedule?: RetrySchedule;
    timeoutMs?: number;
    disablePolicy?: DisablePolicy;
    location?: StoreLocation;
    secretOverlapMs?: number;
    concurrency?: number;
  } = {},
): Promise<Harness> {
  const indexer = await startFakeIndexer();
  const store = await openWebhookStore(options.location ?? { kind: "memory" });
  const attempts: DeliveredAttempt[] = [];
  const service = await startWebhookService({
    store,
    ingest: {
      source: indexerEventSource(indexer.url),
      chains: [{ chainId: indexer.chainId, confirmations: 0, reorgWindow: 64 }],
      pollMs: 50,
    },
    api: { keys: parseApiKeys(`alice:${KEYS.alice},bob:${KEYS.bob}`), secretOverlapMs: options.secretOverlapMs },
    requestTimeoutMs: options.timeoutMs ?? 2_000,
    retrySchedule: options.schedule ?? FAST_SCHEDULE,
    disablePolicy: options.disablePolicy,
    concurrency: options.concurrency,
    dispatcherPollMs: 25,
    onAttempt: (attempt) => attempts.push(attempt),
  });
  return {
    indexer,
    store,
    service,
    attempts,
    api: async <T>(method: string, path: string, body?: unknown, key: string | null = KEYS.alice) => {
      const response = await fetch(`${service.url}${path}`, {
        method,
        headers: {
          ...(key === null ? {} : { authorization: `Bearer ${key}` }),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as T };
    },
    stop: async () => {
      await service.stop();
      await store.close();
      await indexer.close();
    },
  };
}

/** An endpoint as the API returns it. */
export interface ApiEndpoint {
  id: string;
  url: string;
  secret?: string;
  enabled: boolean;
  disabledReason: string | null;
  eventTypes: string[];
  previousSecretExpiresAt: string | null;
}

/** A delivery as the API returns it. */
export interface ApiDelivery {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: { statusCode: number | null; responseMs: number; error: string | null; responseBody: string | null }[];
}

/** Registers an endpoint through the API and returns it with its secret. */
export async function addEndpoint(
  harness: Harness,
  body: Record<string, unknown>,
  key?: string,
): Promise<ApiEndpoint & { secret: string }> {
  const response = await harness.api<{ endpoint: ApiEndpoint & { secret: string } }>(
    "POST",
    "/v1/endpoints",
    body,
    key,
  );
  if (response.status !== 201)
    throw new Error(`POST /v1/endpoints answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.endpoint;
}

/** An endpoint's deliveries through the API. */
export async function deliveriesOf(harness: Harness, endpointId: string, query = ""): Promise<ApiDelivery[]> {
  return (await harness.api<{ deliveries: ApiDelivery[] }>("GET", `/v1/endpoints/${endpointId}/deliveries${query}`))
    .body.deliveries;
}
