import { expect } from "chai";
import { ethers } from "ethers";
import { startIndexer, startReader, type RunningIndexer } from "../../scripts/lib/indexer-process";
import { createIndexerClient, confirmationsOf } from "../../sdk/src/indexer";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { ROLES, driveCoffer, wallet } from "./drive";
import { freshPostgres } from "./helpers";

/** Blocks behind the head that Ponder treats as final on a 31337 chain (its default `finalityBlockCount`). */
const FINALITY = 30;

/** Representative queries: a list with relations and cursors, a filtered list, one row, an aggregate count. */
const QUERIES = [
  `{ payments(orderBy: "id", limit: 50) { items { id payer payee token status state capturable refundable steps { items { kind amount blockNumber } } } pageInfo { hasNextPage endCursor } totalCount } }`,
  `{ activitys(where: { kind_not: "transfer" }, orderBy: "id", limit: 100) { items { id account kind amount blockNumber } totalCount } }`,
  `{ subscriptions(orderBy: "id") { items { id status anchor nextPeriod totalCharged } } }`,
  `{ tokenBalances(orderBy: "account", limit: 100) { items { account token balance updatedBlock } } }`,
];

/** What a client sees of an answer: its status, body and `X-Coffer-Indexed-Block` header. */
async function answer(url: string, init?: RequestInit) {
  const response = await fetch(url, init);
  return {
    status: response.status,
    body: await response.text(),
    indexed: response.headers.get("x-coffer-indexed-block"),
  };
}

describe("readers (ponder serve) beside one writer, and the freshness they report", function () {
  this.timeout(240_000);
  let local: DeployedLocalChain;
  let chainRunning = false;
  let writer: RunningIndexer | undefined;
  const readers: RunningIndexer[] = [];
  let cleanup: () => void = () => undefined;
  let head: number;

  before(async function () {
    local = await startDeployedLocalChain();
    chainRunning = true;
    await driveCoffer({ rpcUrl: local.chain.url, deploymentsDir: local.deploymentsDir });
    head = await local.chain.provider.getBlockNumber();
    const made = freshPostgres("readers");
    cleanup = made.cleanup;
    if (made.database.kind !== "postgres") throw new Error("unreachable");
    const options = { chainId: 31337, rpcUrl: local.chain.url, deploymentsDir: local.deploymentsDir };
    writer = await startIndexer({ ...options, database: made.database });
    await writer.waitForBlock(head);
    for (let i = 0; i < 2; i += 1) readers.push(await startReader({ ...options, database: made.database }));
    for (const reader of readers) await reader.waitForBlock(head);
  });

  after(async function () {
    for (const reader of readers) await reader.stop();
    await writer?.stop();
    if (chainRunning) await local.stop();
    cleanup();
  });

  it("two readers answer GraphQL queries and reports exactly as the writer does", async function () {
    const merchant = wallet(local.chain.provider, ROLES.merchant).address;
    const usdc = local.first.manifest.contracts["TestUSDC"]?.address ?? "";
    const reports = [`/reports/settlement?merchant=${merchant}&token=${usdc}&from=0&to=4000000000`, "/status"];
    let compared = 0;
    for (const query of QUERIES) {
      const init = { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) };
      const expected = await answer(`${writer!.url}/graphql`, init);
      expect(expected.status, expected.body).to.equal(200);
      expect(expected.body).to.not.include('"errors"');
      for (const reader of readers) {
        expect(await answer(`${reader.url}/graphql`, init), query).to.deep.equal(expected);
        compared += 1;
      }
    }
    for (const report of reports) {
      const expected = await answer(`${writer!.url}${report}`);
      expect(expected.status, expected.body).to.equal(200);
      for (const reader of readers) expect(await answer(`${reader.url}${report}`), report).to.deep.equal(expected);
      compared += 1;
    }
    expect(compared).to.equal(QUERIES.length * 2 + reports.length);
  });

  it("every answer names the indexed block, the head, the lag and the finalized block of each chain", async function () {
    for (const target of [writer!, readers[0]!]) {
      const { status, headers } = await (async () => {
        const response = await fetch(target.graphqlUrl, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: "{ payments(limit: 1) { items { id } } }" }),
        });
        return { status: response.status, headers: response.headers };
      })();
      expect(status).to.equal(200);
      expect(headers.get("x-coffer-indexed-block")).to.equal(`31337=${head}`);
      expect(headers.get("x-coffer-head-block")).to.equal(`31337=${head}`);
      expect(headers.get("x-coffer-lag-blocks")).to.equal("31337=0");
      expect(headers.get("x-coffer-lag-seconds")).to.equal("31337=0");
      expect(headers.get("x-coffer-finalized-block")).to.equal(`31337=${Math.max(0, head - FINALITY)}`);
    }
    const report = await fetch(`${readers[1]!.url}/reports/reconciliation`);
    expect(report.status).to.equal(200);
    expect(report.headers.get("x-coffer-indexed-block")).to.equal(`31337=${head}`);
    // A 400 carries them too: the client still learns how fresh the index is.
    const refused = await fetch(writer!.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ payments(limit: 5000) { items { id } } }" }),
    });
    expect(refused.status).to.equal(400);
    expect(refused.headers.get("x-coffer-indexed-block")).to.equal(`31337=${head}`);
  });

  it("the SDK tells a row's confirmations and finality from /freshness", async function () {
    const client = createIndexerClient({ url: readers[0]!.url });
    const freshness = await client.freshness();
    const chain = freshness.chains.find((entry) => entry.chainId === 31337);
    expect(chain).to.include({ indexedBlock: head, headBlock: head, lagBlocks: 0, finalityBlocks: FINALITY });
    const merchant = wallet(local.chain.provider, ROLES.merchant).address;
    const [newest] = (await client.activity(31337, merchant, { limit: 1 })).items;
    if (newest === undefined) throw new Error("The scenario gave the merchant no activity");
    const seen = await client.confirmationsOf(31337, newest);
    expect(seen).to.deep.equal({
      confirmations: head - Number(newest.blockNumber) + 1,
      final: Number(newest.blockNumber) <= head - FINALITY,
      headBlock: head,
      finalizedBlock: head - FINALITY,
    });
    expect(confirmationsOf({ blockNumber: BigInt(head) }, chain!)).to.include({ confirmations: 1, final: false });
    expect(confirmationsOf({ blockNumber: BigInt(head - FINALITY) }, chain!)).to.include({ final: true });
  });

  it("a reader whose writer stopped goes from healthy (200) to 503 with its lag once the chain moves on", async function () {
    const reader = readers[0]!;
    const fresh = await fetch(`${reader.url}/healthy?maxLagSeconds=60`);
    expect(fresh.status, await fresh.clone().text()).to.equal(200);
    await writer!.stop();
    writer = undefined;
    // Ten blocks a minute apart: ten minutes of chain time the reader's answers miss.
    await local.chain.provider.send("anvil_mine", [ethers.toQuantity(10), ethers.toQuantity(60)]);
    const newHead = await local.chain.provider.getBlockNumber();
    const latest = await local.chain.provider.getBlock(newHead);
    const indexedAt = await local.chain.provider.getBlock(head);
    const lagSeconds = (latest?.timestamp ?? 0) - (indexedAt?.timestamp ?? 0);
    expect(lagSeconds).to.be.at.least(600);
    // The head is read at most once a second: wait for the reader to see the new one.
    const until = Date.now() + 10_000;
    let response = await fetch(`${reader.url}/healthy?maxLagSeconds=60`);
    while (response.status === 200 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      response = await fetch(`${reader.url}/healthy?maxLagSeconds=60`);
    }
    const body = (await response.json()) as {
      healthy: boolean;
      reasons: string[];
      chains: { lagSeconds: number; lagBlocks: number }[];
    };
    expect(response.status).to.equal(503);
    expect(body.healthy).to.equal(false);
    expect(body.chains[0]).to.include({ lagSeconds, lagBlocks: newHead - head });
    expect(body.reasons[0]).to.include(
      `indexed block ${head} is ${lagSeconds} s (${newHead - head} blocks) behind head ${newHead}`,
    );
    expect(response.headers.get("x-coffer-lag-seconds")).to.equal(`31337=${lagSeconds}`);
    // A looser bound still accepts it; a malformed one is refused.
    expect((await fetch(`${reader.url}/healthy?maxLagSeconds=${lagSeconds}`)).status).to.equal(200);
    expect((await fetch(`${reader.url}/healthy?maxLagSeconds=soon`)).status).to.equal(400);
  });

  it("a reader that cannot reach the chain is not healthy either: its lag is unknown", async function () {
    const reader = readers[1]!;
    await local.stop();
    chainRunning = false;
    // The last head read is kept while the RPC is silent, for 10 s; then the reader says it does not know the head.
    const until = Date.now() + 30_000;
    let response = await fetch(`${reader.url}/healthy`);
    while (response.status === 200 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      response = await fetch(`${reader.url}/healthy`);
    }
    const body = (await response.json()) as { reasons: string[]; chains: { headBlock: number | null }[] };
    expect(response.status).to.equal(503);
    expect(body.chains[0]?.headBlock).to.equal(null);
    expect(body.reasons[0]).to.match(/^chain 31337: head unknown \(.+\)$/);
    expect(response.headers.get("x-coffer-indexed-block")).to.match(/^31337=\d+$/);
    expect(response.headers.get("x-coffer-lag-seconds")).to.equal(null);
  });
});
