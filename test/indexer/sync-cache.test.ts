import { expect } from "chai";
import { ethers } from "ethers";
import { MockERC20__factory } from "../../typechain-types";
import { startIndexer, type IndexerDatabase } from "../../scripts/lib/indexer-process";
import { startRpcCounter, type RpcCounter } from "../../scripts/lib/rpc-counter";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { ROLES, driveCoffer, wallet } from "./drive";
import { expectIndexEqualsChain, freshPostgres, freshSchema, gql } from "./helpers";

/** Blocks mined after the activity so that it is all final (Ponder's depth on 31337 is 30). */
const FINALITY = 32;
/** Blocks of one token mint each after the scenario: a history worth caching. */
const MINT_BLOCKS = 150;

interface Run {
  /** From spawning `ponder start` to `/status` at the head. */
  seconds: number;
  /** `eth_getBlockByNumber` calls the run made through the counting proxy. */
  blockFetches: number;
  /** Those of them that asked for a block by number (the rest poll `latest`). */
  numberedFetches: number;
  lines: string[];
}

/**
 * Ponder's RPC cache (`ponder_sync`) kept on for local chains: a restart, or a new deployment (new schema) on the same
 * database, reads the blocks it already fetched from the cache; a different chain under the same id is detected and
 * its stale rows dropped (`indexer/src/sync-cache-guard.ts`).
 */
describe("Ponder's RPC cache on a local chain", function () {
  this.timeout(300_000);
  let chain: DeployedLocalChain | undefined;
  let counter: RpcCounter | undefined;
  let cleanup: () => void = () => undefined;
  let database: Extract<IndexerDatabase, { kind: "postgres" }>;

  /** One `ponder start` on `schema` of the shared database until it reaches `head`, then stopped. */
  async function run(schema: string, head: number, env: Record<string, string> = {}): Promise<Run> {
    if (chain === undefined || counter === undefined) throw new Error("No chain");
    counter.reset();
    const lines: string[] = [];
    const started = Date.now();
    const indexer = await startIndexer({
      chainId: 31337,
      rpcUrl: counter.url,
      deploymentsDir: chain.deploymentsDir,
      database: { ...database, schema },
      log: (line) => lines.push(line),
      // The cache is opt-in on local chains (see ponder.config.ts); this suite is about it.
      env: { COFFER_RPC_CACHE: "1", ...env },
    });
    try {
      await indexer.waitForBlock(head, 150_000);
      const seconds = (Date.now() - started) / 1000;
      const counts = counter.counts();
      return {
        seconds,
        blockFetches: counts["eth_getBlockByNumber"] ?? 0,
        numberedFetches: counts["eth_getBlockByNumber(number)"] ?? 0,
        lines,
      };
    } finally {
      await indexer.stop();
    }
  }

  before(async function () {
    const made = freshPostgres("cache");
    cleanup = made.cleanup;
    if (made.database.kind !== "postgres") throw new Error("unreachable");
    database = made.database;
  });

  after(async function () {
    await counter?.close();
    await chain?.stop();
    cleanup();
  });

  it("a restart and a new deployment fetch far fewer blocks than the first run", async function () {
    chain = await startDeployedLocalChain();
    await driveCoffer({ rpcUrl: chain.chain.url, deploymentsDir: chain.deploymentsDir });
    const provider = chain.chain.provider;
    // One mint per block, sent without waiting: Anvil mines each at once.
    const minter = wallet(provider, 0);
    const usdc = MockERC20__factory.connect(chain.first.manifest.contracts["TestUSDC"]?.address ?? "", minter);
    let nonce = await provider.getTransactionCount(minter.address);
    const sent: ethers.ContractTransactionResponse[] = [];
    for (let i = 0; i < MINT_BLOCKS; i += 1) {
      sent.push(await usdc.mint(wallet(provider, 1 + (i % 9)).address, 1_000n + BigInt(i), { nonce: nonce++ }));
    }
    await sent.at(-1)?.wait();
    await provider.send("anvil_mine", [ethers.toQuantity(FINALITY)]);
    const head = await provider.getBlockNumber();
    counter = await startRpcCounter(chain.chain.url);

    const first = await run(database.schema, head);
    const restart = await run(database.schema, head);
    const redeploy = await run(freshSchema("cache_redeploy"), head);
    // The behaviour before the guard: the cache off on local chains, every deployment fetches every block again.
    const uncached = await run(freshSchema("cache_off"), head, { COFFER_DISABLE_RPC_CACHE: "1" });
    const figures = { head, first, restart, redeploy, uncached };
    console.log(
      `      (${Object.entries(figures)
        .filter(([name]) => name !== "head")
        .map(([name, value]) => {
          const { seconds, blockFetches, numberedFetches } = value as Run;
          return `${name}: ${seconds.toFixed(1)} s, ${blockFetches} eth_getBlockByNumber (${numberedFetches} by number)`;
        })
        .join("; ")}; head ${head})`,
    );
    expect(first.numberedFetches, "the first run fetches the blocks").to.be.at.least(MINT_BLOCKS);
    expect(uncached.numberedFetches, "without the cache a new deployment fetches them again").to.be.at.least(
      MINT_BLOCKS,
    );
    for (const [name, cached] of [
      ["restart", restart],
      ["new deployment", redeploy],
    ] as const) {
      // What is left: the blocks Ponder's realtime sync reads (the last 30, not final, are never cached).
      expect(
        cached.numberedFetches,
        `${name}: ${cached.numberedFetches} fetches by number, first run ${first.numberedFetches}`,
      ).to.be.lessThan(first.numberedFetches / 3);
      expect(cached.lines.some((line) => line.includes("dropped Ponder's cached RPC data"))).to.equal(false);
    }
  });

  it("a fresh chain under the same id is indexed from itself, not from the cache of the old one", async function () {
    await counter?.close();
    await chain?.stop();
    // A new chain 31337: Coffer at the same addresses, a few mints and no payments at all.
    chain = await startDeployedLocalChain();
    const provider = chain.chain.provider;
    const usdc = MockERC20__factory.connect(
      chain.first.manifest.contracts["TestUSDC"]?.address ?? "",
      wallet(provider, 0),
    );
    const alice = wallet(provider, ROLES.alice).address;
    for (const amount of [7n, 11n]) await (await usdc.mint(alice, amount)).wait();
    await provider.send("anvil_mine", [ethers.toQuantity(FINALITY)]);
    const head = await provider.getBlockNumber();
    counter = await startRpcCounter(chain.chain.url);

    const schema = freshSchema("cache_newchain");
    counter.reset();
    const lines: string[] = [];
    const indexer = await startIndexer({
      chainId: 31337,
      rpcUrl: counter.url,
      deploymentsDir: chain.deploymentsDir,
      database: { ...database, schema },
      log: (line) => lines.push(line),
    });
    try {
      await indexer.waitForBlock(head, 150_000);
      expect(lines.some((line) => line.includes("dropped Ponder's cached RPC data of chain 31337"))).to.equal(true);
      const payments = await gql<{ payments: { totalCount: number } }>(indexer, "{ payments { totalCount } }");
      expect(payments.payments.totalCount, "payments of the old chain").to.equal(0);
      const balance = await gql<{ tokenBalances: { items: { balance: string }[] } }>(
        indexer,
        `{ tokenBalances(where: { account: "${alice.toLowerCase()}" }) { items { balance } } }`,
      );
      expect(balance.tokenBalances.items.map((row) => row.balance)).to.deep.equal([
        ((await usdc.balanceOf(alice)) as bigint).toString(),
      ]);
      expect(await expectIndexEqualsChain(indexer, provider, chain.deploymentsDir, head)).to.be.greaterThan(0);
    } finally {
      await indexer.stop();
    }
  });
});
