import { expect } from "chai";
import { ethers } from "ethers";
import { CofferEscrow__factory, MockERC20__factory } from "../../typechain-types";
import { startIndexer, type IndexerDatabase, type RunningIndexer } from "../../scripts/lib/indexer-process";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { ROLES, wallet } from "./drive";
import { allRows, expectIndexEqualsChain, freshPglite, freshPostgres, gql } from "./helpers";

/** Blocks behind the head that Ponder treats as final on a 31337 chain. */
const FINALITY = 32;

/**
 * The reorg suite, run once per database: a local chain with Coffer deployed and `FINALITY` blocks so that what
 * follows is past Ponder's finality; the indexer on a fresh database, waited for until `/status` reaches the head;
 * then a branch the indexer sees, an `evm_revert` to before it and a longer branch in its place.
 */
function describeReorg(name: string, make: () => { database: IndexerDatabase; cleanup(): void }): void {
  describe(`indexer across a reorg on ${name} (Anvil snapshot, blocks, revert, other blocks)`, function () {
    this.timeout(170_000);
    let local: DeployedLocalChain;
    let indexer: RunningIndexer;
    let cleanup: () => void = () => undefined;

    before(async function () {
      let database: IndexerDatabase;
      ({ database, cleanup } = make());
      local = await startDeployedLocalChain();
      await local.chain.provider.send("anvil_mine", [ethers.toQuantity(FINALITY)]);
      const started = Date.now();
      indexer = await startIndexer({
        chainId: 31337,
        rpcUrl: local.chain.url,
        deploymentsDir: local.deploymentsDir,
        database,
      });
      await indexer.waitForBlock(await local.chain.provider.getBlockNumber(), 150_000);
      console.log(`      (${name}: indexer started and reached the head in ${Date.now() - started} ms)`);
    });

    after(async function () {
      await indexer?.stop();
      await local?.stop();
      cleanup();
    });

    it("forgets the orphaned blocks' transfers and payment, and indexes the new canonical chain", async function () {
      const provider = local.chain.provider;
      const usdcAddress = local.first.manifest.contracts["TestUSDC"]?.address ?? "";
      const escrowAddress = local.first.manifest.contracts["CofferEscrow"]?.address ?? "";
      const deployer = wallet(provider, 0);
      const alice = wallet(provider, ROLES.alice);
      const bob = wallet(provider, ROLES.bob);
      const carol = wallet(provider, ROLES.arbiter);
      const usdc = MockERC20__factory.connect(usdcAddress, deployer);
      await (await usdc.mint(alice.address, 1_000_000n)).wait();
      await (await usdc.connect(alice).approve(escrowAddress, ethers.MaxUint256)).wait();
      const bobBefore = await usdc.balanceOf(bob.address);

      const snapshot: string = await provider.send("evm_snapshot", []);

      // Branch A: Alice pays Bob and authorizes a payment; the indexer sees both.
      const orphanTransfer = await (await usdc.connect(alice).transfer(bob.address, 100_000n)).wait();
      const now = BigInt((await provider.getBlock("latest"))?.timestamp ?? 0);
      const payment = {
        operator: bob.address,
        payer: alice.address,
        payee: bob.address,
        token: usdcAddress,
        maxAmount: 50_000n,
        preApprovalExpiry: now + 3_600n,
        authorizationExpiry: now + 7_200n,
        refundExpiry: now + 10_800n,
        minFeeBps: 0,
        maxFeeBps: 0,
        feeReceiver: ethers.ZeroAddress,
        arbiter: ethers.ZeroAddress,
        referenceId: ethers.ZeroHash,
        salt: 77n,
      };
      const escrow = CofferEscrow__factory.connect(escrowAddress, alice);
      const orphanPayment = await (await escrow.authorize(payment, 50_000n, "0x")).wait();
      const headA = await provider.getBlockNumber();
      await indexer.waitForBlock(headA);
      const seenA = await gql<{ tokenBalance: { balance: string } | null; payments: { totalCount: number } }>(
        indexer,
        `query ($bob: String!, $usdc: String!) {
           tokenBalance(chainId: 31337, account: $bob, token: $usdc) { balance }
           payments { totalCount } }`,
        { bob: bob.address, usdc: usdcAddress },
      );
      expect(seenA.tokenBalance?.balance).to.equal((bobBefore + 100_000n).toString());
      expect(seenA.payments.totalCount).to.equal(1);

      // Branch B: back to the snapshot; Alice pays Carol instead, on a longer chain.
      expect(await provider.send("evm_revert", [snapshot])).to.equal(true);
      await (await usdc.connect(alice).transfer(carol.address, 30_000n)).wait();
      await provider.send("anvil_mine", [ethers.toQuantity(3)]);
      const headB = await provider.getBlockNumber();
      expect(headB).to.be.greaterThan(headA);
      await indexer.waitForBlock(headB);

      const orphanHashes = [orphanTransfer?.hash, orphanPayment?.hash].map((hash) => (hash ?? "").toLowerCase());
      const orphanRows = await allRows<{ id: string }>(indexer, "activitys", "id", {
        where: `{ transactionHash_in: ${JSON.stringify(orphanHashes)} }`,
      });
      expect(orphanRows).to.deep.equal([]);
      const seenB = await gql<{ payments: { totalCount: number }; tokenBalance: { balance: string } | null }>(
        indexer,
        `query ($carol: String!, $usdc: String!) {
           payments { totalCount }
           tokenBalance(chainId: 31337, account: $carol, token: $usdc) { balance } }`,
        { carol: carol.address, usdc: usdcAddress },
      );
      expect(seenB.payments.totalCount).to.equal(0);
      expect(seenB.tokenBalance?.balance).to.equal((await usdc.balanceOf(carol.address)).toString());
      await expectIndexEqualsChain(indexer, provider, local.deploymentsDir, headB);
      const reconciliation = (await (await fetch(`${indexer.url}/reports/reconciliation`)).json()) as { ok: boolean };
      expect(reconciliation.ok).to.equal(true);
    });
  });
}

describeReorg("PGlite", freshPglite);
describeReorg("PostgreSQL", () => freshPostgres("reorg"));
