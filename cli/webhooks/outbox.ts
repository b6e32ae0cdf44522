import type { WebhookEvent } from "@coffer/sdk/webhooks";
import { REVERTED_SUFFIX } from "@coffer/sdk/webhooks";
import { selects, type EndpointFilters } from "./filters";
import { newDeliveryId, revertedEventId } from "./ids";
import type { Queryable, WebhookStore } from "./store/database";

/** An event as the ingester hands it over: the parsed event and the exact body text that will be delivered. */
export interface IncomingEvent {
  readonly event: WebhookEvent;
  readonly source?: "chain" | "test";
}

interface EndpointSelectionRow {
  id: string;
  event_types: string[];
  filters: EndpointFilters;
}

/**
 * Stores `event` and queues one delivery to every enabled endpoint that selects it (or only to `onlyEndpointId`),
 * in one transaction. Idempotent: an event already stored is left alone (and fans out nothing), so several
 * ingesters, or one that crashed half-way, never make a second delivery.
 * @returns whether the event was new.
 */
export async function storeAndFanOut(
  store: WebhookStore,
  { event, source = "chain" }: IncomingEvent,
  onlyEndpointId?: string,
): Promise<boolean> {
  return store.transaction(async (tx) => {
    const inserted = await tx.query<{ seq: string | number }>(
      `INSERT INTO coffer_webhooks.events (id, source, chain_id, block_number, type, body)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING seq`,
      [event.id, source, event.data.chainId, event.data.blockNumber, event.type, JSON.stringify(event)],
    );
    const [row] = inserted;
    if (row === undefined) return false;
    const endpoints = await tx.query<EndpointSelectionRow>(
      onlyEndpointId === undefined
        ? "SELECT id, event_types, filters FROM coffer_webhooks.endpoints WHERE enabled"
        : "SELECT id, event_types, filters FROM coffer_webhooks.endpoints WHERE id = $1",
      onlyEndpointId === undefined ? [] : [onlyEndpointId],
    );
    const chosen = endpoints
      .filter(
        (endpoint) =>
          onlyEndpointId !== undefined ||
          selects({ eventTypes: endpoint.event_types, filters: endpoint.filters }, event),
      )
      .map((endpoint) => endpoint.id);
    await queueDeliveries(tx, event.id, Number(row.seq), chosen);
    return true;
  });
}

async function queueDeliveries(
  tx: Queryable,
  eventId: string,
  seq: number,
  endpointIds: readonly string[],
): Promise<void> {
  for (const endpointId of endpointIds) {
    await tx.query(
      `INSERT INTO coffer_webhooks.deliveries (id, event_id, endpoint_id, event_seq)
       VALUES ($1, $2, $3, $4) ON CONFLICT (event_id, endpoint_id) DO NOTHING`,
      [newDeliveryId(), eventId, endpointId, seq],
    );
  }
}

/** The `<type>.reverted` event that undoes `original`: a derived id, the original's data plus `revertedEventId`. */
export function revertedEventOf(original: WebhookEvent): WebhookEvent {
  return {
    id: revertedEventId(original.id),
    type: `${original.type}${REVERTED_SUFFIX}` as WebhookEvent["type"],
    timestamp: original.timestamp,
    data: { ...original.data, revertedEventId: original.id },
  };
}

/**
 * Queues `<type>.reverted` of the stored event `originalId` to `endpointIds` (the endpoints that received it),
 * inside the caller's transaction. The reverted event is stored once (derived id) and each delivery once.
 */
export async function queueReverted(tx: Queryable, originalId: string, endpointIds: readonly string[]): Promise<void> {
  if (endpointIds.length === 0) return;
  const [original] = await tx.query<{ body: string; chain_id: number; block_number: string | number }>(
    "SELECT body, chain_id, block_number FROM coffer_webhooks.events WHERE id = $1",
    [originalId],
  );
  if (original === undefined) return;
  const reverted = revertedEventOf(JSON.parse(original.body) as WebhookEvent);
  await tx.query(
    `INSERT INTO coffer_webhooks.events (id, source, chain_id, block_number, type, body, reverts_event_id)
     VALUES ($1, 'chain', $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
    [reverted.id, original.chain_id, original.block_number, reverted.type, JSON.stringify(reverted), originalId],
  );
  const [stored] = await tx.query<{ seq: string | number }>("SELECT seq FROM coffer_webhooks.events WHERE id = $1", [
    reverted.id,
  ]);
  if (stored === undefined) throw new Error(`the reverted event ${reverted.id} was not stored`);
  await queueDeliveries(tx, reverted.id, Number(stored.seq), endpointIds);
}

/**
 * A reorg removed the stored event `eventId`: in one transaction, mark it reverted, cancel its deliveries not
 * made yet (they will never be sent), and queue `<type>.reverted` to every endpoint that received it.
 * Idempotent: an event already marked is left alone.
 * @returns whether anything changed.
 */
export async function revertEvent(store: WebhookStore, eventId: string): Promise<boolean> {
  return store.transaction(async (tx) => {
    const marked = await tx.query(
      "UPDATE coffer_webhooks.events SET reverted = true WHERE id = $1 AND NOT reverted RETURNING id",
      [eventId],
    );
    if (marked.length === 0) return false;
    await tx.query(
      `UPDATE coffer_webhooks.deliveries SET status = 'canceled',
         last_error = 'a reorg removed the event''s block before it was delivered'
       WHERE event_id = $1 AND status = 'pending'`,
      [eventId],
    );
    const receivers = await tx.query<{ endpoint_id: string }>(
      "SELECT endpoint_id FROM coffer_webhooks.deliveries WHERE event_id = $1 AND status = 'succeeded'",
      [eventId],
    );
    await queueReverted(
      tx,
      eventId,
      receivers.map((row) => row.endpoint_id),
    );
    return true;
  });
}
