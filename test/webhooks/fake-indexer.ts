import crypto from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import type { WebhookEvent, WebhookEventType } from "../../sdk/src/webhooks";

/** A fake of the indexer's `GET /webhooks/events` (and `/status`), serving an in-memory list a test edits. */
export interface FakeIndexer {
  readonly url: string;
  readonly chainId: number;
  /** The head as the fake indexer reports it. */
  indexedBlock: number;
  /** Every event, in chain order. */
  readonly events: WebhookEvent[];
  /** Adds an event in `block` (the head moves up to it) and returns it. */
  add(type: WebhookEventType, block: number, data?: Record<string, unknown>): WebhookEvent;
  /** A reorg: every event of `block` and above disappears (their block hashes change). */
  reorgFrom(block: number): void;
  /** Requests answered, for assertions on polling. */
  readonly requests: number;
  close(): Promise<void>;
}

const hex = (bytes: number) => `0x${crypto.randomBytes(bytes).toString("hex")}`;

/** A deterministic id as the indexer derives it: from chain id, block hash, log index and type. */
export function eventIdOf(chainId: number, blockHash: string, logIndex: number, type: string): string {
  return `evt_${crypto.createHash("sha256").update(`${chainId}:${blockHash}:${logIndex}:${type}`).digest("hex").slice(0, 32)}`;
}

/** Starts a fake indexer for `chainId` on 127.0.0.1. */
export async function startFakeIndexer(chainId = 31337): Promise<FakeIndexer> {
  const events: WebhookEvent[] = [];
  const blockHashes = new Map<number, string>();
  let requests = 0;
  const state = { indexedBlock: 0 };
  const app = new Hono();
  app.get("/status", (context) =>
    context.json({ anvil: { id: chainId, block: { number: state.indexedBlock, timestamp: 0 } } }),
  );
  app.get("/webhooks/events", (context) => {
    requests++;
    const q = (name: string) => context.req.query(name);
    if (Number(q("chainId")) !== chainId)
      return context.json({ errors: [{ message: `unknown chain ${q("chainId")}` }] }, 400);
    const fromBlock = Number(q("fromBlock"));
    const toBlock = Number(q("toBlock"));
    const limit = Math.min(Number(q("limit") ?? 1000), 5000);
    const inRange = events.filter((event) => event.data.blockNumber >= fromBlock && event.data.blockNumber <= toBlock);
    let throughBlock = toBlock;
    let page = inRange;
    if (inRange.length > limit) {
      // Cut at a block boundary: the last block kept is complete.
      const lastBlock = inRange[limit - 1]!.data.blockNumber;
      throughBlock = inRange[limit]!.data.blockNumber === lastBlock ? lastBlock - 1 : lastBlock;
      if (throughBlock < fromBlock) throughBlock = lastBlock;
      page = inRange.filter((event) => event.data.blockNumber <= throughBlock);
    }
    return context.json({ chainId, indexedBlock: state.indexedBlock, throughBlock, events: page });
  });
  const server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  const fake: FakeIndexer = {
    url: `http://127.0.0.1:${port}`,
    chainId,
    get indexedBlock() {
      return state.indexedBlock;
    },
    set indexedBlock(value: number) {
      state.indexedBlock = value;
    },
    events,
    get requests() {
      return requests;
    },
    add: (type, block, data = {}) => {
      if (!blockHashes.has(block)) blockHashes.set(block, hex(32));
      const blockHash = blockHashes.get(block)!;
      const logIndex = events.filter((event) => event.data.blockNumber === block).length;
      const event: WebhookEvent = {
        id: eventIdOf(chainId, blockHash, logIndex, type),
        type,
        timestamp: new Date(1_700_000_000_000 + block * 1000).toISOString(),
        data: {
          chainId,
          blockNumber: block,
          blockHash,
          transactionHash: hex(32),
          logIndex,
          contract: hex(20),
          reference: hex(32),
          token: { address: "0x" + "ab".repeat(20), symbol: "USDC", decimals: 6 },
          payee: "0x" + "11".repeat(20),
          amount: "49.5",
          ...data,
        },
      };
      events.push(event);
      events.sort((a, b) => a.data.blockNumber - b.data.blockNumber || a.data.logIndex - b.data.logIndex);
      state.indexedBlock = Math.max(state.indexedBlock, block);
      return event;
    },
    reorgFrom: (block) => {
      for (let i = events.length - 1; i >= 0; i--) if (events[i]!.data.blockNumber >= block) events.splice(i, 1);
      for (const key of [...blockHashes.keys()]) if (key >= block) blockHashes.delete(key);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
  return fake;
}
