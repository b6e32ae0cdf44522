import { expect } from "chai";
import { createFreshnessReader, decodeCheckpoint, type IndexedBlocks } from "../../indexer/src/api/freshness";

/** Checkpoint reads that answer when told to, counted; `failNext` makes the next one fail. */
function fakeCheckpoints() {
  const pending: ((indexed: IndexedBlocks) => void)[] = [];
  const fake = {
    reads: 0,
    failNext: false,
    read(): Promise<IndexedBlocks> {
      fake.reads += 1;
      if (fake.failNext) {
        fake.failNext = false;
        return Promise.reject(new Error("connection lost"));
      }
      return new Promise((resolve) => pending.push(resolve));
    },
    /** Answers every read in flight with `blockNumber` indexed on chain 31337. */
    async answer(blockNumber: number) {
      await new Promise((resolve) => setImmediate(resolve));
      for (const resolve of pending.splice(0)) resolve(new Map([[31337, { blockNumber, timestamp: 1_700_000_000 }]]));
    },
  };
  return fake;
}

describe("indexer API: the freshness reader shares its checkpoint reads", function () {
  const chain = {
    chainId: 31337,
    name: "local",
    finalityBlocks: 30,
    client: { getBlock: async () => ({ number: 500n, timestamp: 1_700_000_100n }) } as never,
  };

  function reader(checkpointTtlMs: number) {
    const fake = fakeCheckpoints();
    let clock = 1_000;
    const freshness = createFreshnessReader({
      readIndexed: fake.read,
      chains: [chain],
      headTtlMs: 1_000,
      headStaleMs: 10_000,
      checkpointTtlMs,
      now: () => clock,
    });
    return { fake, freshness, tick: (ms: number) => (clock += ms) };
  }

  it("a storm of reads makes one checkpoint query, and a reading is reused only for its TTL", async function () {
    const { fake, freshness, tick } = reader(100);
    const storm = Array.from({ length: 20 }, () => freshness.read());
    await fake.answer(120);
    const readings = await Promise.all(storm);
    expect(readings.map((r) => r.chains[0]!.indexedBlock)).to.deep.equal(Array(20).fill(120));
    expect(fake.reads).to.equal(1);
    tick(99);
    expect((await freshness.read()).chains[0]!.indexedBlock).to.equal(120);
    expect(fake.reads).to.equal(1);
    tick(1);
    const later = freshness.read();
    await fake.answer(121);
    expect((await later).chains[0]!.indexedBlock).to.equal(121);
    expect(fake.reads).to.equal(2);
  });

  it("a failed read is not reused: the next call reads again", async function () {
    const { fake, freshness } = reader(60_000);
    fake.failNext = true;
    const error = await freshness.read().then(
      () => undefined,
      (reason: Error) => reason,
    );
    expect(error?.message).to.equal("connection lost");
    const next = freshness.read();
    await fake.answer(7);
    expect((await next).chains[0]!.indexedBlock).to.equal(7);
    expect(fake.reads).to.equal(2);
  });

  it("with no TTL, each read that shares no read in flight reads the checkpoint", async function () {
    const { fake, freshness } = reader(0);
    for (const block of [1, 2]) {
      const read = freshness.read();
      await fake.answer(block);
      expect((await read).chains[0]!.indexedBlock).to.equal(block);
    }
    expect(fake.reads).to.equal(2);
  });

  it("decodes Ponder 0.16's checkpoint: timestamp, chain id, block number", function () {
    const checkpoint = `1700000000${"31337".padStart(16, "0")}${"120".padStart(16, "0")}${"0".repeat(33)}`;
    expect(decodeCheckpoint(checkpoint)).to.deep.equal({ chainId: 31337, blockNumber: 120, timestamp: 1_700_000_000 });
    expect(() => decodeCheckpoint("12")).to.throw(/Not a Ponder checkpoint/);
  });
});
