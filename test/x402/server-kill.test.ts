import { PGlite } from "@electric-sql/pglite";
import { expect } from "chai";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { getChannel } from "../../sdk/src/channels";
import {
  PAYMENT_RESPONSE_HEADER,
  PAYMENT_SIGNATURE_HEADER,
  SqlVoucherStore,
  createPayingFetch,
  decodeHeader,
  paymentPayloadSchema,
  settlementResponseSchema,
  type PayingFetch,
} from "../../sdk/src/x402";
import { devPrivateKey, freePort } from "../../scripts/lib/local-chain";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { startPaidServer, type PaidServerProcess } from "./paid-server-process";
import { PRICE, clientOf, usdcOf, walletOf } from "./stack";

const PAYEE = 6;
const PAYERS = [7, 8, 9];
const ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

/** One paid request as the client saw it: its voucher, and the answer (or "error" when the connection died). */
interface Paid {
  channelId: string;
  amount: bigint;
  header: string;
  status: number | "error";
}

/** Reads the paid server's store from the test while the server is down (PGlite) or at any time (PostgreSQL). */
interface StoreAccess {
  env: Record<string, string>;
  read<T>(work: (store: SqlVoucherStore) => Promise<T>): Promise<T>;
  drop(): Promise<void>;
}

async function postgresStore(): Promise<StoreAccess> {
  const database = `coffer_paywall_kill_${crypto.randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = `postgres://postgres@127.0.0.1:5432/${database}`;
  const db = new pg.Pool({ connectionString: url, max: 3 });
  db.on("error", () => undefined); // DROP DATABASE ... WITH (FORCE) ends the idle connections
  return {
    env: { DATABASE_URL: url },
    read: (work) => work(new SqlVoucherStore(db)),
    drop: async () => {
      await db.end();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    },
  };
}

function pgliteStore(): StoreAccess {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-paywall-kill-"));
  return {
    env: { DATA_DIR: dir },
    read: async (work) => {
      const db = new PGlite(dir);
      try {
        return await work(new SqlVoucherStore(db));
      } finally {
        await db.close();
      }
    },
    drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A paid API really killed: a child process (the SDK's paywall, a `SqlVoucherStore`, a batching `ChannelRedeemer`)
 * on a local chain, paid by three clients at once, is SIGKILLed after a redemption transaction was mined and
 * before it was recorded, and at random moments with requests in flight; it restarts on the same store and port.
 */
describe("x402: a paid API killed (SIGKILL) and restarted mid-batch", function () {
  this.timeout(120_000);
  let local: DeployedLocalChain;

  before(async function () {
    local = await startDeployedLocalChain();
    for (const index of PAYERS) await (await usdcOf(local).mint(walletOf(local, index).address, 10n ** 12n)).wait();
  });
  after(async function () {
    await local?.stop();
  });

  type Kill = "after-send" | "in-flight";

  async function killAndRestart(access: StoreAccess, plan: readonly Kill[]): Promise<void> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/quote`;
    const payee = walletOf(local, PAYEE).address;
    const paidBefore = await usdcOf(local).balanceOf(payee);
    const reader = await clientOf(local, walletOf(local, PAYEE));
    const base = {
      ...access.env,
      RPC_URL: local.chain.url,
      DEPLOYMENTS_DIR: local.deploymentsDir,
      PAYEE_KEY: devPrivateKey(PAYEE),
      PORT: String(port),
      PRICE: PRICE.toString(),
      REDEEM_INTERVAL_MS: "100",
      // Three channels, two per transaction: a round with all three due sends two batches.
      REDEEM_BATCH_SIZE: "2",
      REDEEM_THRESHOLD: (4n * PRICE).toString(),
    };
    const log: Paid[] = [];
    let inFlight = 0;
    const payingFetches: PayingFetch[] = [];
    for (const index of PAYERS) {
      payingFetches.push(
        createPayingFetch({
          client: await clientOf(local, walletOf(local, index)),
          deposit: () => 40n * PRICE, // top-ups on the way
          fetch: async (input, init) => {
            const header = new Headers(init?.headers).get(PAYMENT_SIGNATURE_HEADER);
            if (header === null) return fetch(input, init);
            const payload = decodeHeader(header, paymentPayloadSchema, "sent").payload as Record<string, string>;
            const paid: Paid = {
              channelId: payload["channelId"]!.toLowerCase(),
              amount: BigInt(payload["amount"]!),
              header,
              status: "error",
            };
            inFlight += 1;
            try {
              const response = await fetch(input, init);
              paid.status = response.status;
              return response;
            } finally {
              inFlight -= 1;
              log.push(paid);
            }
          },
        }),
      );
    }
    let stopped = false;
    const clients = payingFetches.map(async (payingFetch) => {
      while (!stopped) {
        try {
          await (await payingFetch(url)).arrayBuffer();
        } catch {
          await sleep(20); // the server is down: try again until it is back
        }
      }
    });
    const okBefore = (count: number, channelId: string) =>
      log.slice(0, count).filter((paid) => paid.channelId === channelId && paid.status === 200);
    const channelIds = async () => {
      while (payingFetches.some((payingFetch) => payingFetch.channels().length === 0)) await sleep(20);
      return payingFetches.map((payingFetch) => payingFetch.channels()[0]!.channelId.toLowerCase());
    };
    /** Replays an accepted voucher: refused as stale; resolves with the channel's accepted amount the server holds. */
    const expectRefusedStale = async (header: string): Promise<bigint> => {
      const response = await fetch(url, { headers: { [PAYMENT_SIGNATURE_HEADER]: header } });
      const settlement = decodeHeader(response.headers.get(PAYMENT_RESPONSE_HEADER)!, settlementResponseSchema, "r");
      expect([response.status, settlement.errorReason], "a replayed voucher").to.deep.equal([402, "voucher_stale"]);
      return BigInt(settlement.channel!.accepted);
    };

    let server: PaidServerProcess | undefined;
    const kills: Kill[] = [];
    /** The last kill: how, how many paid requests had come back, and what the chain had redeemed per channel. */
    let killed: { how: Kill; seen: number; onChain: Map<string, bigint> } | undefined;
    const restart = async (env: Record<string, string>): Promise<PaidServerProcess> => {
      const started = await startPaidServer(env);
      server = started;
      if (killed === undefined) return started;
      let behind = 0;
      for (const [i, id] of (await channelIds()).entries()) {
        const recovered = started.recovered.find((channel) => channel.channelId === id);
        const ok = okBefore(killed.seen, id);
        const highest = ok.reduce((a, paid) => (a > paid.amount ? a : paid.amount), 0n);
        // Nothing the server answered 200 for before the kill is lost after it.
        expect(recovered?.accepted ?? 0n, `channel ${i} after kill ${kills.length}`).to.be.at.least(highest);
        // And the restarted server does not take the last of them again.
        if (ok.length > 0) await expectRefusedStale(ok[ok.length - 1]!.header);
        if (killed.onChain.get(id)! > (recovered?.redeemed ?? 0n)) behind += 1;
      }
      // Killed in the window: a batch's transaction was mined and the store did not know it yet.
      if (killed.how === "after-send") expect(behind, "channels redeemed on chain, not in the store").to.be.above(0);
      return started;
    };
    try {
      for (const how of plan) {
        const current = await restart({ ...base, PAUSE_AFTER_SEND_MS: how === "after-send" ? "5000" : "0" });
        if (how === "after-send") {
          await current.next("redemption-sent");
        } else {
          await sleep(200 + Math.floor(Math.random() * 800));
          while (inFlight === 0) await sleep(1);
        }
        const flying = inFlight;
        await current.kill();
        kills.push(how);
        const ids = await channelIds();
        const onChain = await Promise.all(ids.map((id) => getChannel(reader, id)));
        killed = { how, seen: log.length, onChain: new Map(ids.map((id, i) => [id, onChain[i]!.redeemed])) };
        console.log(`kill ${kills.length} (${how}) after ${log.length} paid requests, ${flying} in flight`);
      }
      // The last restart: it redeems whatever is due, down to one request.
      const last = await restart({ ...base, REDEEM_THRESHOLD: "1" });
      await sleep(1_000);
      stopped = true;
      await Promise.all(clients);
      // No voucher is accepted twice: every one the client was answered 200 for is now refused.
      const accepted = new Map<string, bigint>();
      for (const paid of log.filter((p) => p.status === 200)) {
        accepted.set(paid.channelId, await expectRefusedStale(paid.header));
      }
      const ids = await channelIds();
      const deadline = Date.now() + 20_000;
      for (;;) {
        const onChain = await Promise.all(ids.map((id) => getChannel(reader, id)));
        if (ids.every((id, i) => onChain[i]!.redeemed === accepted.get(id))) break;
        expect(Date.now(), "the redeemer catches up").to.be.below(deadline);
        await sleep(100);
      }
      // Mined is not yet recorded: wait for a round that started after this one ended (rounds never overlap).
      const rounds = () => last.events.filter((event) => event.event === "round").length;
      const ended = rounds();
      while (rounds() < ended + 2) await sleep(50);
      await last.kill();

      const records = await access.read(async (store) => Promise.all(ids.map((id) => store.get(id))));
      let total = 0n;
      for (const [i, id] of ids.entries()) {
        const record = records[i]!;
        expect([record.accepted, record.redeemed], `channel ${i} in the store`).to.deep.equal([
          accepted.get(id),
          accepted.get(id),
        ]);
        const ok = log.filter((paid) => paid.channelId === id && paid.status === 200).map((paid) => paid.amount);
        expect(ok.length, `channel ${i} was paid across the kills`).to.be.above(10);
        // Each voucher answered 200 once: its amount is unique, a step of the price, and within what was accepted.
        expect(new Set(ok).size, `channel ${i}: a voucher answered 200 twice`).to.equal(ok.length);
        for (const amount of ok) {
          expect(amount % PRICE).to.equal(0n);
          expect(amount).to.be.at.most(record.accepted);
        }
        // Accepted vouchers go up by the price; the only ones without a 200 died with the server (one per kill).
        const steps = Number(record.accepted / PRICE);
        expect(steps - ok.length, `channel ${i}: accepted without a 200`).to.be.within(0, kills.length);
        // The chain paid exactly the highest accepted voucher.
        expect((await getChannel(reader, id)).redeemed).to.equal(record.accepted);
        total += record.accepted;
      }
      console.log(
        `${log.length} paid requests, ${log.filter((p) => p.status === 200).length} answered 200, accepted ${records.map((r) => r!.accepted / PRICE).join("/")}`,
      );
      expect((await usdcOf(local).balanceOf(payee)) - paidBefore, "what the payee received").to.equal(total);
    } finally {
      stopped = true;
      await server?.kill();
      await Promise.all(clients);
    }
  }

  it("on PostgreSQL: loses no voucher it accepted, accepts none twice, and the payee gets exactly the accepted", async function () {
    const access = await postgresStore();
    try {
      await killAndRestart(access, ["after-send", "in-flight", "after-send", "in-flight"]);
    } finally {
      await access.drop();
    }
  });

  it("on embedded PGlite (a folder): the same, through the same kills", async function () {
    const access = pgliteStore();
    try {
      // One kill (mid-batch, with requests in flight): PGlite takes seconds to start on a loaded machine.
      await killAndRestart(access, ["after-send"]);
    } finally {
      await access.drop();
    }
  });
});
