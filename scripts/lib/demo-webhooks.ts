/**
 * The demo's webhooks: the shop's own endpoint (a receiver that verifies every request, as a shop's server
 * would), registered with a webhook service that follows the demo's indexer from its first block, so that the
 * day's events arrive at the shop, each verified, in chain order. `--check` compares what arrived with the
 * indexer's events.
 */
import { isDeepStrictEqual } from "node:util";
import { ethers } from "ethers";
import pino from "pino";
import { newApiKey, parseApiKeys } from "../../cli/webhooks/api-keys";
import { createEndpoint } from "../../cli/webhooks/endpoints";
import { startWebhookService, type WebhookService } from "../../cli/webhooks/service";
import { indexerEventSource } from "../../cli/webhooks/source";
import { openWebhookStore, type WebhookStore } from "../../cli/webhooks/store/database";
import type { WebhookEvent } from "../../sdk/src/webhooks";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver";

/** The owner of the demo's API key. */
const OWNER = "bean-and-leaf";

export interface DemoWebhooks {
  /** The service's HTTP API (`coffer webhooks list --api <url>` with the key). */
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly endpointId: string;
  readonly receiver: WebhookReceiver;
  stop(): Promise<void>;
}

/**
 * Starts the service (outbox in memory, 0 confirmations) and registers the shop's endpoint for every event of its
 * deployment: its payments, subscriptions, split and treasury.
 */
export async function startDemoWebhooks(options: { indexerUrl: string }): Promise<DemoWebhooks> {
  const receiver = await startWebhookReceiver();
  let store: WebhookStore | undefined;
  let service: WebhookService | undefined;
  try {
    store = await openWebhookStore({ kind: "memory" });
    const endpoint = await createEndpoint(store, OWNER, {
      url: receiver.url,
      description: "Bean & Leaf's order system",
      eventTypes: [],
      filters: {},
    });
    receiver.setSecret(endpoint.secret);
    const apiKey = newApiKey();
    service = await startWebhookService({
      store,
      // From the first block: the endpoint exists before the day's events are read.
      ingest: {
        source: indexerEventSource(options.indexerUrl),
        chains: [{ chainId: 31337, confirmations: 0, reorgWindow: 64 }],
        startAt: "genesis",
        pollMs: 250,
      },
      api: { keys: parseApiKeys(`${OWNER}:${apiKey}`) },
      logger: pino({ level: "warn" }, pino.destination(2)),
    });
    const running = service;
    const opened = store;
    return {
      apiUrl: running.url ?? "",
      apiKey,
      endpointId: endpoint.id,
      receiver,
      stop: async () => {
        await running.stop();
        await opened.close();
        await receiver.close();
      },
    };
  } catch (error) {
    await service?.stop();
    await store?.close();
    await receiver.close();
    throw error;
  }
}

/** Every event the indexer has up to its indexed block, in chain order. */
export async function indexedEvents(indexerUrl: string): Promise<WebhookEvent[]> {
  const events: WebhookEvent[] = [];
  for (let from = 0; ;) {
    const response = await fetch(`${indexerUrl}/webhooks/events?fromBlock=${from}&limit=5000`);
    if (!response.ok) throw new Error(`${indexerUrl}/webhooks/events answered ${response.status}`);
    const page = (await response.json()) as { indexedBlock: number; throughBlock: number; events: WebhookEvent[] };
    events.push(...page.events);
    if (page.throughBlock >= page.indexedBlock) break;
    from = page.throughBlock + 1;
  }
  return events;
}

/** Waits until the receiver holds `count` events (or `timeoutMs` passed); returns whether it does. */
export async function waitForEvents(receiver: WebhookReceiver, count: number, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (receiver.events.length < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return receiver.events.length >= count;
}

/** One event as a line: its type, amount, Coffer id and block. */
export function eventLine(event: WebhookEvent): string {
  const data = event.data as Record<string, unknown> & WebhookEvent["data"];
  const amount = typeof data["amount"] === "string" ? `${data["amount"]} ${data.token?.symbol ?? ""}`.trim() : "";
  const id = [data["paymentId"], data["invoiceId"], data["subscriptionId"], data["channelId"]].find(
    (value) => value !== undefined,
  );
  const shortId =
    typeof id === "string" && id.startsWith("0x") ? `${id.slice(0, 10)}…` : id === undefined ? "" : `#${String(id)}`;
  return `${event.type.padEnd(27)} ${amount.padEnd(14)} ${String(shortId).padEnd(12)} block ${data.blockNumber}  ${event.id}`;
}

/** What is wrong with what the shop received against what it should have: nothing when all is right. */
export function webhookProblems(received: DemoWebhooks["receiver"], expected: readonly WebhookEvent[]): string[] {
  const problems: string[] = [];
  const got = received.events.map((item) => item.event);
  if (received.refused > 0) problems.push(`${received.refused} requests did not verify`);
  const gotIds = got.map((event) => event.id);
  const expectedIds = expected.map((event) => event.id);
  if (JSON.stringify(gotIds) !== JSON.stringify(expectedIds)) {
    const missing = expectedIds.filter((id) => !gotIds.includes(id));
    const extra = gotIds.filter((id) => !expectedIds.includes(id));
    problems.push(
      missing.length + extra.length === 0
        ? "the events arrived out of chain order"
        : `${missing.length} events missing, ${extra.length} not expected`,
    );
  }
  for (const [index, event] of got.entries()) {
    const same = expected[index];
    if (same !== undefined && same.id === event.id && !isDeepStrictEqual(same, event)) {
      problems.push(`event ${event.id} arrived with another body than the indexer's`);
    }
  }
  const repeats = received.events.filter((item) => item.deliveries > 1).length;
  if (repeats > 0) problems.push(`${repeats} events were delivered more than once`);
  if (got.some((event) => !ethers.isHexString(event.data.transactionHash, 32)))
    problems.push("an event lacks its transaction");
  return problems;
}
