import type { WebhookStore } from "./database";

/**
 * The webhook service's tables, all in the schema `coffer_webhooks` (so that they can share a database with
 * the indexer's schemas without clashing). Every statement is `IF NOT EXISTS`: migrating is idempotent, and an
 * advisory lock makes concurrent starts (several dispatchers) wait for each other instead of racing.
 */
export const SCHEMA_SQL = `
CREATE SCHEMA IF NOT EXISTS coffer_webhooks;

-- A merchant's receiver. Leases live here: one dispatcher at a time owns an endpoint, so deliveries to it go
-- one at a time and in event order.
CREATE TABLE IF NOT EXISTS coffer_webhooks.endpoints (
  id text PRIMARY KEY,                        -- ep_<24 hex>
  owner text NOT NULL,                        -- the API key's owner
  url text NOT NULL,
  description text NOT NULL DEFAULT '',
  event_types jsonb NOT NULL DEFAULT '[]',    -- [] = every type
  filters jsonb NOT NULL DEFAULT '{}',        -- { payee?, merchant?, safe?, split?, token?: lower-case address[] }
  secret text NOT NULL,                       -- whsec_<base64 of 24 bytes>
  previous_secret text,                       -- still signs (beside the new one) until previous_secret_expires_at
  previous_secret_expires_at timestamptz,
  enabled boolean NOT NULL DEFAULT true,
  disabled_reason text,
  disabled_at timestamptz,
  consecutive_failures integer NOT NULL DEFAULT 0,
  failing_since timestamptz,                  -- first failed attempt since the last success
  last_success_at timestamptz,
  lease_owner text,
  lease_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS endpoints_owner ON coffer_webhooks.endpoints (owner, created_at);

-- Every event ingested from the indexer (and test events), with the body exactly as delivered.
CREATE TABLE IF NOT EXISTS coffer_webhooks.events (
  id text PRIMARY KEY,                        -- evt_<32 hex>, the webhook-id
  seq bigserial NOT NULL UNIQUE,              -- ingestion order = chain order
  source text NOT NULL DEFAULT 'chain',       -- chain | test
  chain_id integer NOT NULL,
  block_number bigint NOT NULL,
  type text NOT NULL,
  body text NOT NULL,
  reverted boolean NOT NULL DEFAULT false,    -- a reorg removed it
  reverts_event_id text,                      -- on <type>.reverted events: the event undone
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS events_block ON coffer_webhooks.events (chain_id, block_number);

-- The outbox: one row per event and endpoint.
CREATE TABLE IF NOT EXISTS coffer_webhooks.deliveries (
  id text PRIMARY KEY,                        -- dlv_<24 hex>
  event_id text NOT NULL REFERENCES coffer_webhooks.events (id),
  endpoint_id text NOT NULL REFERENCES coffer_webhooks.endpoints (id) ON DELETE CASCADE,
  event_seq bigint NOT NULL,
  status text NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'succeeded', 'failed', 'canceled')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  first_attempt_at timestamptz,               -- the retry clock (three days) starts here
  last_attempt_at timestamptz,
  last_status_code integer,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, endpoint_id)
);
CREATE INDEX IF NOT EXISTS deliveries_queue ON coffer_webhooks.deliveries (endpoint_id, event_seq)
  WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_endpoint ON coffer_webhooks.deliveries (endpoint_id, created_at);

-- The delivery log: one row per HTTP attempt.
CREATE TABLE IF NOT EXISTS coffer_webhooks.attempts (
  id bigserial PRIMARY KEY,
  delivery_id text NOT NULL REFERENCES coffer_webhooks.deliveries (id) ON DELETE CASCADE,
  attempted_at timestamptz NOT NULL DEFAULT now(),
  status_code integer,                        -- null: no answer (refused, timeout, DNS)
  response_ms integer NOT NULL,
  error text,
  response_body text,                        -- at most 1 KiB
  dispatcher text                             -- the lease owner that sent it
);
CREATE INDEX IF NOT EXISTS attempts_delivery ON coffer_webhooks.attempts (delivery_id, id);

-- How far each chain has been ingested.
CREATE TABLE IF NOT EXISTS coffer_webhooks.cursors (
  chain_id integer PRIMARY KEY,
  block bigint NOT NULL,                      -- the last block ingested
  start_block bigint NOT NULL DEFAULT 0,      -- the first block followed: nothing below is ever read
  updated_at timestamptz NOT NULL DEFAULT now()
);
`;

/** Creates the schema and tables if missing. */
export async function migrate(store: WebhookStore): Promise<void> {
  await store.transaction(async (tx) => {
    // A fixed key: "coffer_webhooks" as a number. Held until the transaction ends.
    await tx.query("SELECT pg_advisory_xact_lock(7305620113)");
    for (const statement of SCHEMA_SQL.split(/;\s*\n/)) {
      const sql = statement.replace(/--.*$/gm, "").trim();
      if (sql !== "") await tx.query(sql);
    }
  });
}
