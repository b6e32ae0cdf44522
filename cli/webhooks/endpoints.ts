import type { EndpointFilters } from "./filters";
import { newEndpointId, newSecret } from "./ids";
import type { Queryable, WebhookStore } from "./store/database";
import type { CreateEndpointInput, UpdateEndpointInput } from "./validation";

/** An endpoint as the API shows it (never its secrets, except once on creation and rotation). */
export interface EndpointView {
  readonly id: string;
  readonly url: string;
  readonly description: string;
  readonly eventTypes: string[];
  readonly filters: EndpointFilters;
  readonly enabled: boolean;
  /** Why the service disabled it (or `disabled by its owner`); null while enabled. */
  readonly disabledReason: string | null;
  readonly disabledAt: string | null;
  readonly consecutiveFailures: number;
  /** Until when the previous secret still signs beside the current one (after a rotation), or null. */
  readonly previousSecretExpiresAt: string | null;
  readonly createdAt: string;
}

interface EndpointRow {
  id: string;
  url: string;
  description: string;
  event_types: string[];
  filters: EndpointFilters;
  enabled: boolean;
  disabled_reason: string | null;
  disabled_at: Date | null;
  consecutive_failures: number;
  previous_secret_expires_at: Date | null;
  created_at: Date;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

function view(row: EndpointRow): EndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types,
    filters: row.filters,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    disabledAt: iso(row.disabled_at),
    consecutiveFailures: row.consecutive_failures,
    previousSecretExpiresAt: iso(row.previous_secret_expires_at),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

const COLUMNS = `id, url, description, event_types, filters, enabled, disabled_reason, disabled_at, consecutive_failures,
  previous_secret_expires_at, created_at`;

/** Registers an endpoint for `owner`; returns it with its new secret (the only time the secret is shown). */
export async function createEndpoint(
  store: Queryable,
  owner: string,
  input: CreateEndpointInput,
  secret = newSecret(),
): Promise<EndpointView & { secret: string }> {
  const [row] = await store.query<EndpointRow>(
    `INSERT INTO coffer_webhooks.endpoints (id, owner, url, description, event_types, filters, secret)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [
      newEndpointId(),
      owner,
      input.url,
      input.description,
      JSON.stringify(input.eventTypes),
      JSON.stringify(input.filters),
      secret,
    ],
  );
  if (row === undefined) throw new Error("the endpoint was not stored");
  return { ...view(row), secret };
}

/** `owner`'s endpoints, oldest first. */
export async function listEndpoints(store: Queryable, owner: string): Promise<EndpointView[]> {
  const rows = await store.query<EndpointRow>(
    `SELECT ${COLUMNS} FROM coffer_webhooks.endpoints WHERE owner = $1 ORDER BY created_at, id`,
    [owner],
  );
  return rows.map(view);
}

/** One of `owner`'s endpoints, or undefined (also when it is someone else's). */
export async function getEndpoint(store: Queryable, owner: string, id: string): Promise<EndpointView | undefined> {
  const [row] = await store.query<EndpointRow>(
    `SELECT ${COLUMNS} FROM coffer_webhooks.endpoints WHERE owner = $1 AND id = $2`,
    [owner, id],
  );
  return row === undefined ? undefined : view(row);
}

/**
 * Changes an endpoint. Disabling by the owner records `disabled by its owner`; enabling clears the reason and the
 * failure count and makes its pending deliveries due at once (they wait while it is disabled).
 */
export async function updateEndpoint(
  store: WebhookStore,
  owner: string,
  id: string,
  input: UpdateEndpointInput,
): Promise<EndpointView | undefined> {
  return store.transaction(async (tx) => {
    const [row] = await tx.query<EndpointRow>(
      `UPDATE coffer_webhooks.endpoints SET
         url = coalesce($3, url),
         description = coalesce($4, description),
         event_types = coalesce($5::jsonb, event_types),
         filters = coalesce($6::jsonb, filters),
         enabled = coalesce($7, enabled),
         disabled_reason = CASE WHEN $7 IS NULL THEN disabled_reason WHEN $7 THEN NULL
                                WHEN enabled THEN 'disabled by its owner' ELSE disabled_reason END,
         disabled_at = CASE WHEN $7 IS NULL THEN disabled_at WHEN $7 THEN NULL
                            WHEN enabled THEN now() ELSE disabled_at END,
         consecutive_failures = CASE WHEN $7 AND NOT enabled THEN 0 ELSE consecutive_failures END,
         failing_since = CASE WHEN $7 AND NOT enabled THEN NULL ELSE failing_since END
       WHERE owner = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [
        owner,
        id,
        input.url ?? null,
        input.description ?? null,
        input.eventTypes === undefined ? null : JSON.stringify(input.eventTypes),
        input.filters === undefined ? null : JSON.stringify(input.filters),
        input.enabled ?? null,
      ],
    );
    if (row !== undefined && input.enabled === true) {
      await tx.query(
        "UPDATE coffer_webhooks.deliveries SET next_attempt_at = now() WHERE endpoint_id = $1 AND status = 'pending'",
        [id],
      );
    }
    return row === undefined ? undefined : view(row);
  });
}

/**
 * Gives an endpoint a new secret; the old one keeps signing beside it (two signatures per request) for
 * `overlapMs`, so that the receiver can switch without missing a webhook.
 */
export async function rotateSecret(
  store: Queryable,
  owner: string,
  id: string,
  overlapMs: number,
): Promise<(EndpointView & { secret: string }) | undefined> {
  const secret = newSecret();
  const [row] = await store.query<EndpointRow>(
    `UPDATE coffer_webhooks.endpoints SET previous_secret = secret, secret = $3,
       previous_secret_expires_at = now() + $4 * interval '1 millisecond'
     WHERE owner = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [owner, id, secret, overlapMs],
  );
  return row === undefined ? undefined : { ...view(row), secret };
}

/** Deletes an endpoint with its deliveries and their log. @returns whether it existed */
export async function deleteEndpoint(store: Queryable, owner: string, id: string): Promise<boolean> {
  const rows = await store.query("DELETE FROM coffer_webhooks.endpoints WHERE owner = $1 AND id = $2 RETURNING id", [
    owner,
    id,
  ]);
  return rows.length > 0;
}
