import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import { expect } from "chai";
import pg from "pg";
import { startFakeIndexer, type FakeIndexer } from "./fake-indexer";
import type { ApiDelivery, ApiEndpoint } from "./harness";
import { startReceiver, until, type Receiver } from "./receiver";
import { callApi, startWebhooksServe, type WebhooksServeProcess } from "./serve-process";

const KEY = "alice-key-0123456789abcdef";
const ENV = { COFFER_WEBHOOKS_API_KEYS: `alice:${KEY}` };
const FAST = ["--poll-ms", "30", "--timeout", "1000", "--lease", "2500", "--retry-delays", "100,200", "--port", "0"];

describe("webhooks: dispatcher processes (kill -9, two dispatchers on PostgreSQL)", function () {
  let indexer: FakeIndexer;
  const receivers: Receiver[] = [];
  const processes: WebhooksServeProcess[] = [];
  const serve = async (args: string[], env: Record<string, string> = {}) => {
    const started = await startWebhooksServe([...args, "--indexer", indexer.url, "--chain", "31337", ...FAST], {
      ...ENV,
      ...env,
    });
    processes.push(started);
    return started;
  };

  beforeEach(async function () {
    indexer = await startFakeIndexer();
  });
  afterEach(async function () {
    for (const child of processes.splice(0)) if (child.child.exitCode === null) await child.kill();
    for (const receiver of receivers.splice(0)) await receiver.close();
    await indexer.close();
  });

  it("loses nothing and makes no new id when the dispatcher is killed with -9 in the middle of a batch", async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-webhooks-"));
    try {
      const first = await serve(["--data-dir", dir]);
      const hooks = await startReceiver([], () => ({ status: 200, delayMs: 60 }));
      receivers.push(hooks);
      const { endpoint } = await callApi<{ endpoint: ApiEndpoint & { secret: string } }>(
        first.url!,
        KEY,
        "POST",
        "/v1/endpoints",
        { url: hooks.url },
      );
      hooks.secrets.push(endpoint.secret);
      const events = Array.from({ length: 30 }, (_, i) => indexer.add("subscription.charged", 10 + i));
      await until(() => hooks.received.length >= 6, "a few deliveries before the kill");
      await first.kill();
      const before = hooks.received.length;
      expect(before, "killed in the middle").to.be.below(events.length);
      const second = await serve(["--data-dir", dir]);
      await until(() => new Set(hooks.acceptedIds()).size === events.length, "every event after the restart", 30_000);
      expect(hooks.rejected).to.deep.equal([]);
      const eventIds = events.map((event) => event.id);
      // Every id received is one of the stored events' ids, and every one arrived, in order of first arrival.
      expect([...new Set(hooks.acceptedIds())]).to.deep.equal(eventIds);
      const log = () =>
        callApi<{ deliveries: ApiDelivery[] }>(second.url!, KEY, "GET", `/v1/endpoints/${endpoint.id}/deliveries`);
      await until(
        async () => (await log()).deliveries.every((delivery) => delivery.status === "succeeded"),
        "the last outcome recorded",
      );
      const { deliveries } = await log();
      expect(deliveries.map((delivery) => delivery.eventId)).to.deep.equal(eventIds);
      expect(deliveries.every((delivery) => delivery.status === "succeeded")).to.equal(true);
      // At most the one in flight at the kill is sent twice (at least once), under the same id.
      expect(hooks.received.length - events.length).to.be.at.most(1);
      expect(await second.stop()).to.equal(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("two dispatcher processes on one PostgreSQL never send the same delivery at once, and send each once per attempt", async function () {
    const database = `coffer_webhooks_${crypto.randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const url = `postgres://postgres@127.0.0.1:5432/${database}`;
    const db = new pg.Client({ connectionString: url });
    try {
      const main = await serve(["--database-url", url, "--concurrency", "3"]);
      await serve(["--database-url", url, "--no-api", "--no-ingest", "--concurrency", "3"]);
      const endpoints: ApiEndpoint[] = [];
      for (let i = 0; i < 6; i++) {
        // Every fourth request fails: retries go through the same claims.
        const hooks = await startReceiver([], (_event, n) => ({ status: n % 4 === 3 ? 500 : 200, delayMs: 15 }));
        receivers.push(hooks);
        const { endpoint } = await callApi<{ endpoint: ApiEndpoint & { secret: string } }>(
          main.url!,
          KEY,
          "POST",
          "/v1/endpoints",
          { url: hooks.url },
        );
        hooks.secrets.push(endpoint.secret);
        endpoints.push(endpoint);
      }
      const events = Array.from({ length: 25 }, (_, i) => indexer.add("payment.captured", 5 + i));
      await until(
        () => receivers.every((hooks) => new Set(hooks.acceptedIds()).size === events.length),
        "every endpoint got every event",
        60_000,
      );
      await db.connect();
      await until(
        async () =>
          (await db.query("SELECT 1 FROM coffer_webhooks.deliveries WHERE status <> 'succeeded'")).rows.length === 0,
        "the last outcomes recorded",
      );
      const attempts = await db.query<{ n: string; dispatchers: string }>(
        "SELECT count(*) AS n, count(DISTINCT dispatcher) AS dispatchers FROM coffer_webhooks.attempts",
      );
      const sent = receivers.reduce((sum, hooks) => sum + hooks.received.length, 0);
      expect(Number(attempts.rows[0]!.n), "one request per recorded attempt").to.equal(sent);
      expect(Number(attempts.rows[0]!.dispatchers), "both processes dispatched").to.equal(2);
      for (const hooks of receivers) {
        expect(hooks.rejected).to.deep.equal([]);
        expect(hooks.maxConcurrentPerId, "never two sends of one delivery at once").to.equal(1);
        expect(hooks.acceptedIds(), "each event accepted once, in order").to.deep.equal(
          events.map((event) => event.id),
        );
      }
    } finally {
      for (const child of processes.splice(0)) if (child.child.exitCode === null) await child.kill();
      await db.end().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    }
  });
});
