import crypto from "node:crypto";
import type pino from "pino";
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_DISABLE_POLICY,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_RETRY_SCHEDULE,
  retryDelayMs,
  type DisablePolicy,
  type RetrySchedule,
} from "./config";
import { sendWebhook, type AttemptOutcome, type OutgoingWebhook } from "./http-send";
import { queueReverted } from "./outbox";
import { assertPublicDestination } from "./network-policy";
import type { WebhookStore } from "./store/database";

/** The dispatcher's settings. */
export interface DispatcherOptions {
  readonly store: WebhookStore;
  /** Endpoints served at once. Default 20. */
  readonly concurrency?: number;
  /** One attempt's bound (ms). Default 10 s. */
  readonly requestTimeoutMs?: number;
  /**
   * How long a claim on an endpoint lasts (ms), renewed after each delivery; a dispatcher that dies holds its
   * endpoints this long. Default twice the request timeout plus 5 s; it must exceed the request timeout.
   */
  readonly leaseMs?: number;
  readonly retrySchedule?: RetrySchedule;
  readonly disablePolicy?: DisablePolicy;
  /** Between looks for due work when idle (ms). Default 250. */
  readonly pollMs?: number;
  /** Whether receivers on loopback and private addresses are allowed (default true: local development). */
  readonly allowPrivateNetworks?: boolean;
  /** This process's lease name (default: random). */
  readonly workerId?: string;
  readonly logger?: pino.Logger;
  /** Called after every attempt (`coffer listen` prints a line). */
  readonly onAttempt?: (attempt: DeliveredAttempt) => void;
  /** Sends one webhook (tests may wrap it); default {@link sendWebhook}. */
  readonly send?: (webhook: OutgoingWebhook) => Promise<AttemptOutcome>;
}

/** One attempt, as reported to `onAttempt`. */
export interface DeliveredAttempt extends AttemptOutcome {
  readonly deliveryId: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly url: string;
}

/** A running dispatcher. */
export interface Dispatcher {
  /** Looks for due work now instead of at the next poll. */
  wake(): void;
  /** One round: claims endpoints with due deliveries and serves them; resolves when they are done. */
  runOnce(): Promise<number>;
  start(): void;
  /** Stops claiming, waits for the attempts under way, releases its leases. */
  stop(): Promise<void>;
}

interface HeadRow {
  id: string;
  event_id: string;
  attempts: number;
  due: boolean;
  first_attempt_at: Date | null;
  body: string;
  type: string;
  reverted: boolean;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_valid: boolean;
  enabled: boolean;
}

/** At most this many deliveries per endpoint per claim, so that a busy endpoint lets the others be claimed. */
const DELIVERIES_PER_CLAIM = 50;

/**
 * The dispatcher: claims endpoints that have a due delivery (a lease on the endpoint row, taken with
 * `FOR UPDATE SKIP LOCKED` so that several dispatchers on one database never take the same one), then sends that
 * endpoint's pending deliveries one at a time in event order, outside any transaction, and records each attempt.
 * A failed delivery is retried on the schedule and holds back the later ones of its endpoint (ordered per
 * endpoint). A process killed at any moment leaves its leases to expire; the deliveries are still pending and are
 * sent, under the same event ids, by whoever claims the endpoint next.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { store } = options;
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const leaseMs = options.leaseMs ?? 2 * timeoutMs + 5_000;
  if (leaseMs <= timeoutMs)
    throw new Error(`the lease (${leaseMs} ms) must outlast the request timeout (${timeoutMs} ms)`);
  const schedule = options.retrySchedule ?? DEFAULT_RETRY_SCHEDULE;
  const disable = options.disablePolicy ?? DEFAULT_DISABLE_POLICY;
  const pollMs = options.pollMs ?? 250;
  const workerId = options.workerId ?? `dispatcher-${crypto.randomBytes(6).toString("hex")}`;
  const send = options.send ?? sendWebhook;
  const inFlight = new Map<string, Promise<void>>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wakeRequested = false;
  let looping = false;

  const claim = async (limit: number): Promise<string[]> => {
    const rows = await store.query<{ id: string }>(
      `UPDATE coffer_webhooks.endpoints SET lease_owner = $1, lease_until = now() + $2 * interval '1 millisecond'
       WHERE id IN (
         SELECT ep.id FROM coffer_webhooks.endpoints ep
         WHERE ep.enabled AND (ep.lease_until IS NULL OR ep.lease_until < now())
           AND EXISTS (
             SELECT 1 FROM coffer_webhooks.deliveries d
             WHERE d.endpoint_id = ep.id AND d.status = 'pending' AND d.next_attempt_at <= now()
               AND d.event_seq = (SELECT min(h.event_seq) FROM coffer_webhooks.deliveries h
                                  WHERE h.endpoint_id = ep.id AND h.status = 'pending'))
         ORDER BY ep.lease_until NULLS FIRST, ep.created_at
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [workerId, leaseMs, limit],
    );
    return rows.map((row) => row.id);
  };

  const head = async (endpointId: string): Promise<HeadRow | undefined> => {
    const [row] = await store.query<HeadRow>(
      `SELECT d.id, d.event_id, d.attempts, d.next_attempt_at <= now() AS due, d.first_attempt_at,
              ev.body, ev.type, ev.reverted, ep.url, ep.secret, ep.previous_secret, ep.enabled,
              (ep.previous_secret_expires_at IS NOT NULL AND ep.previous_secret_expires_at > now()) AS previous_valid
       FROM coffer_webhooks.deliveries d
       JOIN coffer_webhooks.events ev ON ev.id = d.event_id
       JOIN coffer_webhooks.endpoints ep ON ep.id = d.endpoint_id
       WHERE d.endpoint_id = $1 AND d.status = 'pending'
       ORDER BY d.event_seq LIMIT 1`,
      [endpointId],
    );
    return row;
  };

  const record = async (endpointId: string, delivery: HeadRow, outcome: AttemptOutcome): Promise<void> => {
    await store.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO coffer_webhooks.attempts (delivery_id, status_code, response_ms, error, response_body, dispatcher)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [delivery.id, outcome.statusCode, outcome.responseMs, outcome.error, outcome.responseBody, workerId],
      );
      if (outcome.ok) {
        // A reorg may have canceled it while it was on the wire: it was received all the same, so it is
        // recorded as succeeded and its `.reverted` follows.
        const [before] = await tx.query<{ status: string }>(
          `UPDATE coffer_webhooks.deliveries d SET status = 'succeeded', attempts = d.attempts + 1,
             first_attempt_at = coalesce(d.first_attempt_at, now()), last_attempt_at = now(),
             last_status_code = $2, last_error = NULL
           FROM coffer_webhooks.deliveries old WHERE d.id = $1 AND old.id = d.id AND d.status IN ('pending', 'canceled')
           RETURNING old.status`,
          [delivery.id, outcome.statusCode],
        );
        if (before?.status === "canceled") await queueReverted(tx, delivery.event_id, [endpointId]);
        await tx.query(
          `UPDATE coffer_webhooks.endpoints SET consecutive_failures = 0, failing_since = NULL, last_success_at = now()
           WHERE id = $1`,
          [endpointId],
        );
        return;
      }
      const failedAttempts = delivery.attempts + 1;
      const delay = retryDelayMs(schedule, failedAttempts);
      // The last attempt is made exactly maxAge after the first; one failing after that gives up.
      await tx.query(
        `UPDATE coffer_webhooks.deliveries SET attempts = attempts + 1,
           first_attempt_at = coalesce(first_attempt_at, now()), last_attempt_at = now(),
           last_status_code = $2, last_error = $3,
           status = CASE WHEN coalesce(first_attempt_at, now()) + $5 * interval '1 millisecond' <= now()
                         THEN 'failed' ELSE 'pending' END,
           next_attempt_at = LEAST(now() + $4 * interval '1 millisecond',
                                   coalesce(first_attempt_at, now()) + $5 * interval '1 millisecond')
         WHERE id = $1 AND status = 'pending'`,
        [delivery.id, outcome.statusCode, outcome.error, delay, schedule.maxAgeMs],
      );
      await tx.query(
        `UPDATE coffer_webhooks.endpoints SET consecutive_failures = consecutive_failures + 1,
           failing_since = coalesce(failing_since, now())
         WHERE id = $1`,
        [endpointId],
      );
      await tx.query(
        `UPDATE coffer_webhooks.endpoints SET enabled = false, disabled_at = now(), lease_owner = NULL, lease_until = NULL,
           disabled_reason = 'disabled after ' || consecutive_failures || ' failed attempts in a row since '
             || to_char(failing_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ' with no success; last: ' || $2
         WHERE id = $1 AND enabled AND consecutive_failures >= $3
           AND failing_since <= now() - $4 * interval '1 millisecond'`,
        [endpointId, outcome.error ?? "failed", disable.minConsecutiveFailures, disable.failingForMs],
      );
    });
  };

  const serveEndpoint = async (endpointId: string): Promise<void> => {
    try {
      for (let served = 0; served < DELIVERIES_PER_CLAIM && !stopped; served++) {
        const delivery = await head(endpointId);
        if (delivery === undefined || !delivery.due || !delivery.enabled) break;
        const secrets = [delivery.secret];
        if (delivery.previous_secret !== null && delivery.previous_valid) secrets.push(delivery.previous_secret);
        let outcome: AttemptOutcome;
        try {
          if (options.allowPrivateNetworks === false) await assertPublicDestination(delivery.url);
          outcome = await send({
            url: delivery.url,
            messageId: delivery.event_id,
            body: delivery.body,
            secrets,
            timeoutMs,
          });
        } catch (error) {
          outcome = {
            ok: false,
            statusCode: null,
            responseMs: 0,
            error: error instanceof Error ? error.message : String(error),
            responseBody: null,
          };
        }
        await record(endpointId, delivery, outcome);
        options.onAttempt?.({
          ...outcome,
          deliveryId: delivery.id,
          endpointId,
          eventId: delivery.event_id,
          eventType: delivery.type,
          url: delivery.url,
        });
        if (!outcome.ok) break;
        const renewed = await store.query(
          `UPDATE coffer_webhooks.endpoints SET lease_until = now() + $3 * interval '1 millisecond'
           WHERE id = $1 AND lease_owner = $2 RETURNING id`,
          [endpointId, workerId, leaseMs],
        );
        if (renewed.length === 0) break; // the lease was lost (this process stalled): someone else serves it now
      }
    } finally {
      await store
        .query(
          "UPDATE coffer_webhooks.endpoints SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2",
          [endpointId, workerId],
        )
        .catch(() => undefined);
    }
  };

  const runOnce = async (): Promise<number> => {
    const free = concurrency - inFlight.size;
    if (free <= 0 || stopped) return 0;
    const claimed = await claim(free);
    for (const endpointId of claimed) {
      const work = serveEndpoint(endpointId)
        .catch((error: unknown) => {
          options.logger?.error({ endpointId, err: String(error) }, "serving an endpoint failed");
          if (options.logger === undefined && process.env.COFFER_DEBUG === "1") console.error(error);
        })
        .finally(() => {
          inFlight.delete(endpointId);
          schedule_();
        });
      inFlight.set(endpointId, work);
    }
    return claimed.length;
  };

  // The loop: claim while there is room; otherwise sleep until pollMs passes, a worker frees a slot or wake().
  const tick = async () => {
    if (looping || stopped) {
      wakeRequested = true;
      return;
    }
    looping = true;
    try {
      do {
        wakeRequested = false;
        await runOnce().catch((error: unknown) =>
          options.logger?.warn({ err: error instanceof Error ? error.message : String(error) }, "claiming failed"),
        );
      } while (wakeRequested && !stopped);
    } finally {
      looping = false;
    }
    if (!stopped) {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => void tick(), pollMs);
    }
  };
  let started = false;
  const schedule_ = () => {
    if (started && !stopped) void tick();
  };

  return {
    wake: schedule_,
    runOnce: async () => {
      const claimed = await runOnce();
      await Promise.all(inFlight.values());
      return claimed;
    },
    start: () => {
      started = true;
      void tick();
    },
    stop: async () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await Promise.all(inFlight.values());
    },
  };
}
