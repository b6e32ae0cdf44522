import type { Queryable } from "./store/database";

/** One HTTP attempt in the delivery log. */
export interface AttemptView {
  readonly at: string;
  /** Null when no answer came (refused, timeout, DNS). */
  readonly statusCode: number | null;
  readonly responseMs: number;
  readonly error: string | null;
  /** The start of the answer (at most 1 KiB). */
  readonly responseBody: string | null;
}

/** A delivery with its attempts. */
export interface DeliveryView {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: string;
  /** pending | succeeded | failed (gave up) | canceled (a reorg removed the event before delivery). */
  readonly status: "pending" | "succeeded" | "failed" | "canceled";
  readonly attempts: AttemptView[];
  readonly nextAttemptAt: string | null;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
}

/** The delivery statuses. */
export const DELIVERY_STATUSES = ["pending", "succeeded", "failed", "canceled"] as const;

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  type: string;
  status: DeliveryView["status"];
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  event_seq: string | number;
}

interface AttemptRow {
  delivery_id: string;
  attempted_at: Date;
  status_code: number | null;
  response_ms: number;
  error: string | null;
  response_body: string | null;
}

/** The deliveries of `owner`'s endpoint (event order, at most `limit`), optionally of one status; undefined if not theirs. */
export async function listDeliveries(
  store: Queryable,
  owner: string,
  endpointId: string,
  options: { status?: DeliveryView["status"]; limit?: number } = {},
): Promise<DeliveryView[] | undefined> {
  const owned = await store.query("SELECT 1 FROM coffer_webhooks.endpoints WHERE id = $1 AND owner = $2", [
    endpointId,
    owner,
  ]);
  if (owned.length === 0) return undefined;
  const rows = await store.query<DeliveryRow>(
    `SELECT d.id, d.endpoint_id, d.event_id, ev.type, d.status, d.next_attempt_at, d.last_status_code, d.last_error,
            d.created_at, d.event_seq
     FROM coffer_webhooks.deliveries d JOIN coffer_webhooks.events ev ON ev.id = d.event_id
     WHERE d.endpoint_id = $1 AND ($2::text IS NULL OR d.status = $2)
     ORDER BY d.event_seq LIMIT $3`,
    [endpointId, options.status ?? null, options.limit ?? 1000],
  );
  const attempts = await store.query<AttemptRow>(
    `SELECT a.delivery_id, a.attempted_at, a.status_code, a.response_ms, a.error, a.response_body
     FROM coffer_webhooks.attempts a JOIN coffer_webhooks.deliveries d ON d.id = a.delivery_id
     WHERE d.endpoint_id = $1 ORDER BY a.id`,
    [endpointId],
  );
  const byDelivery = new Map<string, AttemptView[]>();
  for (const attempt of attempts) {
    const list = byDelivery.get(attempt.delivery_id) ?? [];
    list.push({
      at: new Date(attempt.attempted_at).toISOString(),
      statusCode: attempt.status_code,
      responseMs: attempt.response_ms,
      error: attempt.error,
      responseBody: attempt.response_body,
    });
    byDelivery.set(attempt.delivery_id, list);
  }
  return rows.map((row) => ({
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.type,
    status: row.status,
    attempts: byDelivery.get(row.id) ?? [],
    nextAttemptAt: row.status === "pending" ? new Date(row.next_attempt_at).toISOString() : null,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: new Date(row.created_at).toISOString(),
  }));
}

/**
 * Sends a delivery of `owner`'s again: back to pending, due now, same event id and body; its three-day retry
 * clock starts again. @returns whether it exists and is theirs
 */
export async function redeliver(store: Queryable, owner: string, deliveryId: string): Promise<boolean> {
  const rows = await store.query(
    `UPDATE coffer_webhooks.deliveries d SET status = 'pending', next_attempt_at = now(), first_attempt_at = NULL
     FROM coffer_webhooks.endpoints ep
     WHERE d.id = $1 AND ep.id = d.endpoint_id AND ep.owner = $2 AND d.status <> 'canceled' RETURNING d.id`,
    [deliveryId, owner],
  );
  return rows.length > 0;
}

/** Sends every failed delivery of `owner`'s endpoint created since `since` again. @returns how many, or undefined */
export async function redeliverFailed(
  store: Queryable,
  owner: string,
  endpointId: string,
  since: Date,
): Promise<number | undefined> {
  const owned = await store.query("SELECT 1 FROM coffer_webhooks.endpoints WHERE id = $1 AND owner = $2", [
    endpointId,
    owner,
  ]);
  if (owned.length === 0) return undefined;
  const rows = await store.query(
    `UPDATE coffer_webhooks.deliveries SET status = 'pending', next_attempt_at = now(), first_attempt_at = NULL
     WHERE endpoint_id = $1 AND status = 'failed' AND created_at >= $2 RETURNING id`,
    [endpointId, since.toISOString()],
  );
  return rows.length;
}
