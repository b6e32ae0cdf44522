import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { ethers } from "ethers";
import { MockERC20__factory } from "../../typechain-types";
import { indexedBlock, startIndexer, type RunningIndexer } from "../../scripts/lib/indexer-process";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { ROLES, driveCoffer, wallet } from "./drive";
import { expectIndexEqualsChain, freshPostgres, gql, postgresUser } from "./helpers";

/** Blocks behind the head that Ponder treats as final on a local chain. */
const FINALITY = 32;

describe("one indexer serving two chains (Coffer at the same addresses on both, manifests without the channels)", function () {
  this.timeout(170_000);
  let chainA: DeployedLocalChain;
  let chainB: DeployedLocalChain;
  let indexer: RunningIndexer;
  let cleanup: () => void = () => undefined;

  after(async function () {
    await indexer?.stop();
    await chainA?.stop();
    await chainB?.stop();
    cleanup();
  });

  it("keeps each chain's balances, payments and subscriptions apart, each equal to its own chain", async function () {
    if (postgresUser() === null) throw new Error("This test needs PostgreSQL at 127.0.0.1:5432");
    [chainA, chainB] = await Promise.all([startDeployedLocalChain(), startDeployedLocalChain({ chainId: 31338 })]);
    // Same CREATE2 addresses on both chains; different activity: the scenario on A, a few mints on B.
    expect(chainB.first.manifest.contracts["CofferEscrow"]?.address).to.equal(
      chainA.first.manifest.contracts["CofferEscrow"]?.address,
    );
    await driveCoffer({ rpcUrl: chainA.chain.url, deploymentsDir: chainA.deploymentsDir });
    const usdcB = MockERC20__factory.connect(
      chainB.first.manifest.contracts["TestUSDC"]?.address ?? "",
      wallet(chainB.chain.provider, 0),
    );
    const alice = wallet(chainB.chain.provider, ROLES.alice).address;
    for (const amount of [111n, 222n, 333n]) await (await usdcB.mint(alice, amount)).wait();
    for (const chain of [chainA, chainB]) await chain.chain.provider.send("anvil_mine", [ethers.toQuantity(FINALITY)]);
    // Both manifests as written before CofferChannels was deployed: the indexer runs without it (no chain has it).
    for (const [chain, id] of [
      [chainA, 31337],
      [chainB, 31338],
    ] as const) {
      const manifest = JSON.parse(fs.readFileSync(path.join(chain.deploymentsDir, `${id}.json`), "utf8")) as {
        contracts: Record<string, unknown>;
      };
      delete manifest.contracts["CofferChannels"];
      fs.writeFileSync(path.join(chainA.deploymentsDir, `${id}.json`), JSON.stringify(manifest, null, 2));
    }
    const headA = await chainA.chain.provider.getBlockNumber();
    const headB = await chainB.chain.provider.getBlockNumber();

    const made = freshPostgres("multichain");
    cleanup = made.cleanup;
    indexer = await startIndexer({
      chainId: 31337,
      rpcUrl: chainA.chain.url,
      deploymentsDir: chainA.deploymentsDir,
      database: made.database,
      extraChains: [{ chainId: 31338, rpcUrl: chainB.chain.url }],
    });
    await indexer.waitForBlock(headA, 150_000);
    const deadline = Date.now() + 60_000;
    while (((await indexedBlock(indexer.url, 31338)) ?? 0) < headB) {
      if (Date.now() > deadline) throw new Error("Chain 31338 was not indexed to its head");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    await expectIndexEqualsChain(indexer, chainA.chain.provider, chainA.deploymentsDir, headA, 31337);
    await expectIndexEqualsChain(indexer, chainB.chain.provider, chainA.deploymentsDir, headB, 31338);
    const { b, paymentsB } = await gql<{ b: { balance: string } | null; paymentsB: { totalCount: number } }>(
      indexer,
      `query ($alice: String!, $usdc: String!) {
         b: tokenBalance(chainId: 31338, account: $alice, token: $usdc) { balance }
         paymentsB: payments(where: { chainId: 31338 }) { totalCount } }`,
      { alice, usdc: await usdcB.getAddress() },
    );
    expect(b?.balance).to.equal("666");
    expect(paymentsB.totalCount).to.equal(0);
    const { channels } = await gql<{ channels: { totalCount: number } }>(indexer, "{ channels { totalCount } }");
    expect(channels.totalCount).to.equal(0);
    const reconciliation = (await (await fetch(`${indexer.url}/reports/reconciliation`)).json()) as {
      ok: boolean;
      chains: { chainId: number; differences: unknown[] }[];
    };
    expect(reconciliation.chains.map((chain) => chain.chainId)).to.deep.equal([31337, 31338]);
    expect(reconciliation.ok).to.equal(true);

    // A settlement report must name its chain: the same token address exists on both.
    const query = `merchant=${alice}&token=${await usdcB.getAddress()}`;
    expect((await fetch(`${indexer.url}/reports/settlement?${query}`)).status).to.equal(400);
    expect((await fetch(`${indexer.url}/reports/settlement?${query}&chainId=31338`)).status).to.equal(200);
    expect((await fetch(`${indexer.url}/reports/settlement?${query}&chainId=1`)).status).to.equal(400);
  });
});
