import { expect } from "chai";
import { ethers } from "ethers";
import { parseApiKeys } from "../../cli/webhooks/api-keys";
import { revertedEventId } from "../../cli/webhooks/ids";
import { startWebhookService, type WebhookService } from "../../cli/webhooks/service";
import { indexerEventSource } from "../../cli/webhooks/source";
import { openWebhookStore, type WebhookStore } from "../../cli/webhooks/store/database";
import { startIndexer, type RunningIndexer } from "../../scripts/lib/indexer-process";
import { CofferEscrow__factory, MockERC20__factory } from "../../typechain-types";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { freshPglite } from "../indexer/helpers";
import { ROLES, wallet } from "../indexer/drive";
import { startReceiver, until, type Receiver } from "./receiver";
import { callApi } from "./serve-process";

/** Blocks behind the head that Ponder treats as final on a 31337 chain. */
const FINALITY = 32;
const KEY = "alice-key-0123456789abcdef";

describe("webhooks end to end: a payment delivered, then reorged out (Anvil, the real indexer)", function () {
  this.timeout(170_000);
  let local: DeployedLocalChain;
  let indexer: RunningIndexer;
  let store: WebhookStore;
  let service: WebhookService;
  let hooks: Receiver;
  let cleanup: () => void = () => undefined;

  before(async function () {
    const fresh = freshPglite();
    cleanup = fresh.cleanup;
    local = await startDeployedLocalChain();
    await local.chain.provider.send("anvil_mine", [ethers.toQuantity(FINALITY)]);
    indexer = await startIndexer({
      chainId: 31337,
      rpcUrl: local.chain.url,
      deploymentsDir: local.deploymentsDir,
      database: fresh.database,
    });
    await indexer.waitForBlock(await local.chain.provider.getBlockNumber(), 150_000);
    store = await openWebhookStore({ kind: "memory" });
    service = await startWebhookService({
      store,
      ingest: {
        source: indexerEventSource(indexer.url),
        chains: [{ chainId: 31337, confirmations: 0, reorgWindow: 64 }],
        pollMs: 100,
      },
      api: { keys: parseApiKeys(`alice:${KEY}`) },
      dispatcherPollMs: 50,
    });
    hooks = await startReceiver([]);
  });

  after(async function () {
    await service?.stop();
    await store?.close();
    await hooks?.close();
    await indexer?.stop();
    await local?.stop();
    cleanup();
  });

  it("delivers payment.authorized, and payment.authorized.reverted with the same data once a longer branch replaces it", async function () {
    const provider = local.chain.provider;
    const usdcAddress = local.first.manifest.contracts["TestUSDC"]?.address ?? "";
    const escrowAddress = local.first.manifest.contracts["CofferEscrow"]?.address ?? "";
    const alice = wallet(provider, ROLES.alice);
    const bob = wallet(provider, ROLES.bob);
    const { endpoint } = await callApi<{ endpoint: { id: string; secret: string } }>(
      service.url!,
      KEY,
      "POST",
      "/v1/endpoints",
      {
        url: hooks.url,
        eventTypes: ["payment.authorized"],
        filters: { payee: [bob.address] },
      },
    );
    hooks.secrets.push(endpoint.secret);
    const usdc = MockERC20__factory.connect(usdcAddress, wallet(provider, 0));
    await (await usdc.mint(alice.address, 1_000_000n)).wait();
    await (await usdc.connect(alice).approve(escrowAddress, ethers.MaxUint256)).wait();

    const snapshot: string = await provider.send("evm_snapshot", []);
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
      referenceId: ethers.id("order-42"),
      salt: 78n,
    };
    const receipt = await (
      await CofferEscrow__factory.connect(escrowAddress, alice).authorize(payment, 50_000n, "0x")
    ).wait();
    await until(() => hooks.acceptedIds().length === 1, "payment.authorized delivered", 60_000);
    const delivered = hooks.received[0]!.event;
    expect(delivered.type).to.equal("payment.authorized");
    expect(delivered.data.transactionHash).to.equal(receipt!.hash.toLowerCase());
    expect(delivered.data.payee).to.equal(bob.address.toLowerCase());
    expect(delivered.data.reference).to.equal(payment.referenceId);

    expect(await provider.send("evm_revert", [snapshot])).to.equal(true);
    await (await usdc.connect(alice).transfer(bob.address, 30_000n)).wait();
    await provider.send("anvil_mine", [ethers.toQuantity(3)]);
    await indexer.waitForBlock(await provider.getBlockNumber());
    await until(() => hooks.acceptedIds().length === 2, "payment.authorized.reverted delivered", 60_000);
    const reverted = hooks.received[1]!.event;
    expect(reverted.type).to.equal("payment.authorized.reverted");
    expect(reverted.id).to.equal(revertedEventId(delivered.id));
    expect(reverted.data).to.deep.equal({ ...delivered.data, revertedEventId: delivered.id });
    expect(hooks.rejected).to.deep.equal([]);
  });
});
