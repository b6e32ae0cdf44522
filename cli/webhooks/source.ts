import type { WebhookEvent } from "@coffer/sdk/webhooks";

/** One page of `GET {indexer}/webhooks/events`. */
export interface EventPage {
  readonly chainId: number;
  /** The block the indexer has indexed up to on that chain. */
  readonly indexedBlock: number;
  /** Every event of the blocks `fromBlock…throughBlock` is in `events`. */
  readonly throughBlock: number;
  /** In chain order. */
  readonly events: readonly WebhookEvent[];
}

/** Where the ingester reads events: the indexer's HTTP API (or a test's fake of it). */
export interface EventSource {
  /** The events of blocks `fromBlock…toBlock` (a page: ask again from `throughBlock + 1`). */
  events(chainId: number, fromBlock: number, toBlock: number): Promise<EventPage>;
  /** The block the indexer has indexed up to on `chainId`. */
  indexedBlock(chainId: number): Promise<number>;
  /** The chains the indexer indexes. */
  chainIds(): Promise<number[]>;
}

/** The indexer's HTTP API at `baseUrl` as an {@link EventSource}. */
export function indexerEventSource(baseUrl: string, pageSize = 1000): EventSource {
  const base = baseUrl.replace(/\/+$/, "");
  const get = async (path: string): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`the indexer at ${base} cannot be reached (${cause?.code ?? cause?.message ?? String(error)})`);
    }
    const text = await response.text();
    if (!response.ok) {
      let message = text.slice(0, 200);
      try {
        const parsed = JSON.parse(text) as { errors?: { message?: string }[] };
        message = parsed.errors?.map((item) => item.message).join("; ") ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new Error(`the indexer answered ${response.status} to GET ${path}: ${message}`);
    }
    return JSON.parse(text) as unknown;
  };
  const events = async (chainId: number, fromBlock: number, toBlock: number): Promise<EventPage> => {
    const page = (await get(
      `/webhooks/events?chainId=${chainId}&fromBlock=${fromBlock}&toBlock=${toBlock}&limit=${pageSize}`,
    )) as EventPage;
    if (!Array.isArray(page.events) || typeof page.throughBlock !== "number" || typeof page.indexedBlock !== "number") {
      throw new Error(`the indexer at ${base} answered /webhooks/events with an unexpected shape`);
    }
    return page;
  };
  return {
    events,
    // An empty range answers the indexed block alone.
    indexedBlock: async (chainId) => (await events(chainId, 0, 0)).indexedBlock,
    chainIds: async () => {
      const status = (await get("/status")) as Record<string, { id?: number }>;
      return Object.values(status)
        .map((entry) => entry.id)
        .filter((id): id is number => typeof id === "number");
    },
  };
}
