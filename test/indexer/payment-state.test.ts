import { expect } from "chai";
import { startIndexer, type RunningIndexer } from "../../scripts/lib/indexer-process";
import { createCofferClient, buildPayment, getChainTime, type CofferClient } from "../../sdk/src";
import * as escrow from "../../sdk/src/escrow";
import { MockERC20__factory } from "../../typechain-types";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { ROLES, wallet } from "./drive";
import { freshPglite, gql } from "./helpers";

const USDC = (amount: number) => BigInt(Math.round(amount * 1e6));

describe("indexer: a payment's state says what it holds now", function () {
  this.timeout(170_000);
  let local: DeployedLocalChain;
  let indexer: RunningIndexer;
  let cleanup: () => void = () => undefined;
  let payer: CofferClient;
  let operator: CofferClient;

  before(async function () {
    local = await startDeployedLocalChain();
    const provider = local.chain.provider;
    const usdcAddress = local.first.manifest.contracts["TestUSDC"]!.address;
    const usdc = MockERC20__factory.connect(usdcAddress, wallet(provider, 0));
    for (const role of [ROLES.alice, ROLES.operator]) {
      await (await usdc.mint(wallet(provider, role).address, USDC(10_000))).wait();
    }
    const manifest = local.first.manifest;
    payer = await createCofferClient({ runner: wallet(provider, ROLES.alice), manifest });
    operator = await createCofferClient({ runner: wallet(provider, ROLES.operator), manifest });
    const made = freshPglite();
    cleanup = made.cleanup;
    indexer = await startIndexer({
      chainId: 31337,
      rpcUrl: local.chain.url,
      deploymentsDir: local.deploymentsDir,
      database: made.database,
    });
    await indexer.waitForBlock(await provider.getBlockNumber(), 150_000);
  });

  after(async function () {
    await indexer?.stop();
    await local?.stop();
    cleanup();
  });

  async function newPayment(amount: bigint) {
    const payment = buildPayment({
      operator: wallet(local.chain.provider, ROLES.operator).address,
      payer: wallet(local.chain.provider, ROLES.alice).address,
      payee: wallet(local.chain.provider, ROLES.merchant).address,
      token: local.first.manifest.contracts["TestUSDC"]!.address,
      maxAmount: amount,
      reference: `STATE-${amount}`,
      now: await getChainTime(local.chain.provider),
    });
    const { paymentId } = await escrow.authorize(payer, payment, amount);
    return { payment, paymentId };
  }

  async function indexed(paymentId: string) {
    await indexer.waitForBlock(await local.chain.provider.getBlockNumber(), 30_000);
    const { payment } = await gql<{ payment: { state: string; capturable: string; refunded: string } }>(
      indexer,
      `query ($id: String!) { payment(chainId: 31337, id: $id) { state capturable refunded } }`,
      { id: paymentId },
    );
    return payment;
  }

  it("captured in part and refunded in part while still holding funds: partially captured, then partially refunded once released", async function () {
    const { payment, paymentId } = await newPayment(USDC(100));
    expect((await indexed(paymentId)).state).to.equal("authorized");
    await escrow.capture(operator, payment, USDC(40), 0);
    expect((await indexed(paymentId)).state).to.equal("partially_captured");
    await escrow.refund(operator, payment, USDC(10));
    expect(await indexed(paymentId)).to.deep.equal({
      state: "partially_captured",
      capturable: USDC(60).toString(),
      refunded: USDC(10).toString(),
    });
    await escrow.voidPayment(operator, payment);
    expect((await indexed(paymentId)).state).to.equal("partially_refunded");
    await escrow.refund(operator, payment, USDC(30));
    expect((await indexed(paymentId)).state).to.equal("refunded");
  });

  it("a partial refund, then a capture of the rest: partially refunded, not captured", async function () {
    const { payment, paymentId } = await newPayment(USDC(50));
    await escrow.capture(operator, payment, USDC(20), 0);
    await escrow.refund(operator, payment, USDC(5));
    await escrow.capture(operator, payment, USDC(30), 0);
    expect((await indexed(paymentId)).state).to.equal("partially_refunded");
  });
});
