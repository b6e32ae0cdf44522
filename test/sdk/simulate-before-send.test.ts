import { expect } from "chai";
import { ethers } from "ethers";
import {
  approve,
  buildPayment,
  buildPlan,
  CofferContractError,
  CofferInsufficientBalanceError,
  createCofferClient,
  CofferValidationError,
  ensureAllowance,
  getAllowance,
  getBalance,
  getTokenInfo,
  isPullFailure,
  NATIVE_TOKEN,
  getChainTime,
  signPermit,
  type DeploymentManifest,
} from "../../sdk/src";
import * as escrow from "../../sdk/src/escrow";
import { readDeploymentManifest } from "../../sdk/src/node";
import * as subscriptions from "../../sdk/src/subscriptions";
import { MockERC20__factory, type MockERC20 } from "../../typechain-types";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";

/**
 * The SDK's sending rules against a real node: every write is simulated first, so a call that would revert sends
 * nothing (no approval either) and throws its decoded error; approvals are sent only when the simulation shows
 * that the allowance is all that is missing; back-to-back sends from one plain `ethers.Wallet` get distinct
 * nonces; every action returns one receipt shape; reads come back decoded.
 */
describe("sdk: simulate before send, approvals, nonces, receipts and decoded reads", function () {
  let local: DeployedLocalChain;
  let manifest: DeploymentManifest;
  let usdc: MockERC20;
  let usdcAddress: string;
  let escrowAddress: string;
  let provider: ethers.JsonRpcProvider;
  const OPERATOR = 6;
  const PAYEE = 7;

  const wallet = (index: number) => new ethers.Wallet(devPrivateKey(index), provider);
  const clientFor = (index: number) => createCofferClient({ runner: wallet(index), manifest });
  const nonceOf = (index: number) => provider.getTransactionCount(wallet(index).address, "latest");

  /** The decoded Coffer error `promise` rejects with; fails when it resolves or throws anything else. */
  async function contractError(promise: Promise<unknown>, name: string): Promise<CofferContractError> {
    const thrown = await promise.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(thrown, `expected ${name}`).to.be.instanceOf(CofferContractError);
    expect((thrown as CofferContractError).errorName).to.equal(name);
    return thrown as CofferContractError;
  }

  async function paymentFrom(payer: number) {
    return buildPayment({
      operator: wallet(OPERATOR).address,
      payer: wallet(payer).address,
      payee: wallet(PAYEE).address,
      token: usdcAddress,
      maxAmount: 50_000_000n,
      reference: `ORDER-${Math.random()}`,
      now: await getChainTime(provider),
    });
  }

  before(async function () {
    local = await startDeployedLocalChain();
    // The test's own reads must not be served from ethers' 250 ms answer cache.
    provider = new ethers.JsonRpcProvider(local.chain.url, 31337, { staticNetwork: true, cacheTimeout: -1 });
    manifest = readDeploymentManifest(local.deploymentsDir, 31337);
    usdcAddress = manifest.contracts["TestUSDC"]!.address;
    escrowAddress = manifest.contracts["CofferEscrow"]!.address;
    usdc = MockERC20__factory.connect(usdcAddress, new ethers.Wallet(devPrivateKey(0), local.chain.provider));
    for (const index of [1, 2, 3, 4, 5]) {
      await (await usdc.mint(wallet(index).address, 1_000_000_000n)).wait();
    }
  });

  after(async function () {
    provider.destroy();
    await local.stop();
  });

  describe("approvals", function () {
    it("authorize approves exactly the amount, once the call is known to succeed, and reports the approval", async function () {
      const payer = await clientFor(1);
      const payment = await paymentFrom(1);
      expect(await getAllowance(payer, usdcAddress, wallet(1).address, escrowAddress)).to.equal(0n);
      const result = await escrow.authorize(payer, payment, 20_000_000n);
      expect(result.approval?.events).to.deep.equal([]); // a token's Approval is not a Coffer event
      expect(result.approval?.receipt.to).to.equal(usdcAddress);
      expect(result.events.map((event) => event.name)).to.deep.equal(["PaymentAuthorized"]);
      expect(await usdc.allowance(wallet(1).address, escrowAddress)).to.equal(0n); // used up, nothing left over
      // With the allowance already there, nothing but the call is sent.
      await (await usdc.connect(wallet(1)).approve(escrowAddress, 5_000_000n)).wait();
      const before = await nonceOf(1);
      const second = await escrow.authorize(payer, await paymentFrom(1), 5_000_000n);
      expect(second.approval).to.equal(undefined);
      expect(await nonceOf(1)).to.equal(before + 1);
    });

    it("a refund the caller may not make sends nothing, no approval included", async function () {
      const payer = await clientFor(2);
      const payment = await paymentFrom(2);
      await escrow.authorize(payer, payment, 10_000_000n);
      await escrow.capture(await clientFor(OPERATOR), payment, 10_000_000n, 0);
      const before = await nonceOf(2);
      const refused = await contractError(escrow.refund(payer, payment, 1_000_000n), "CofferEscrowUnauthorizedCaller");
      expect(refused.args).to.deep.equal({ caller: wallet(2).address, expected: wallet(OPERATOR).address });
      expect(await nonceOf(2)).to.equal(before);
      expect(await usdc.allowance(wallet(2).address, escrowAddress)).to.equal(0n);
    });

    it("paying a paid invoice sends nothing, no approval included", async function () {
      const customer = await clientFor(3);
      const { invoice, signature } = await escrow.createInvoice(customer, wallet(PAYEE), {
        token: usdcAddress,
        amount: 3_000_000n,
        reference: "INV-paid-twice",
        now: await getChainTime(provider),
      });
      const paid = await escrow.payInvoice(customer, invoice, signature);
      expect(paid.approval).to.not.equal(undefined);
      expect(await escrow.isInvoicePaid(customer, invoice)).to.equal(true);
      expect(await escrow.isInvoicePaid(customer, paid.invoiceId)).to.equal(true);
      const before = await nonceOf(3);
      await contractError(escrow.payInvoice(customer, invoice, signature), "CofferEscrowInvoiceAlreadyPaid");
      expect(await nonceOf(3)).to.equal(before);
      expect(await usdc.allowance(wallet(3).address, escrowAddress)).to.equal(0n);
    });

    it("a relayed authorize whose payer has not approved is refused without a send from the operator", async function () {
      const payment = await paymentFrom(4);
      const domain = await escrow.domainOf(await clientFor(4));
      const payerSignature = await escrow.signPaymentApproval(wallet(4), payment, domain, "authorize");
      const operator = await clientFor(OPERATOR);
      const before = await nonceOf(OPERATOR);
      await contractError(
        escrow.authorize(operator, payment, 1_000_000n, { payerSignature }),
        "ERC20InsufficientAllowance",
      );
      expect(await nonceOf(OPERATOR)).to.equal(before);
    });

    it("simulateRelay tells a payer, before anything is sent, whether the operator's relay would succeed", async function () {
      const payerClient = await clientFor(4);
      const payment = await paymentFrom(4);
      const domain = await escrow.domainOf(payerClient);
      const signature = await escrow.signPaymentApproval(wallet(4), payment, domain, "authorize");
      const missing = await escrow
        .simulateRelay(payerClient, payment, 2_000_000n, "authorize", signature)
        .catch((e: unknown) => e);
      expect(missing).to.be.instanceOf(CofferContractError).and.include({ errorName: "ERC20InsufficientAllowance" });
      expect(isPullFailure(missing)).to.equal(true);
      const tooMuch = await escrow
        .simulateRelay(payerClient, payment, payment.maxAmount + 1n, "authorize", signature)
        .catch((e: unknown) => e);
      expect(tooMuch).to.be.instanceOf(CofferContractError).and.include({ errorName: "CofferEscrowInvalidAmount" });
      expect(isPullFailure(tooMuch)).to.equal(false);
      const asCharge = await escrow
        .simulateRelay(payerClient, payment, 2_000_000n, "charge", signature)
        .catch((e: unknown) => e);
      expect(asCharge)
        .to.be.instanceOf(CofferContractError)
        .and.include({ errorName: "CofferEscrowInvalidPayerSignature" });
      await approve(payerClient, usdcAddress, escrowAddress, 2_000_000n);
      await escrow.simulateRelay(payerClient, payment, 2_000_000n, "authorize", signature);
      await approve(payerClient, usdcAddress, escrowAddress, 0n);
    });

    it("subscribing to a retired plan sends nothing; a live plan is approved for the periods asked", async function () {
      const merchant = await clientFor(PAYEE);
      const params = buildPlan({ payee: wallet(PAYEE).address, token: usdcAddress, amount: 2_000_000n, period: "1d" });
      const { planId: retired } = await subscriptions.createPlan(merchant, params);
      await subscriptions.retirePlan(merchant, retired);
      const subscriber = await clientFor(5);
      const before = await nonceOf(5);
      await contractError(subscriptions.subscribe(subscriber, retired), "CofferSubscriptionsPlanRetired");
      expect(await nonceOf(5)).to.equal(before);
      expect(await usdc.allowance(wallet(5).address, manifest.contracts["CofferSubscriptions"]!.address)).to.equal(0n);

      const { planId } = await subscriptions.createPlan(merchant, params);
      const subscribed = await subscriptions.subscribe(subscriber, planId, { periods: 6 });
      expect(subscribed.approval).to.not.equal(undefined);
      // Six periods approved, the first charged at once.
      expect(await usdc.allowance(wallet(5).address, manifest.contracts["CofferSubscriptions"]!.address)).to.equal(
        10_000_000n,
      );
      const subscription = await subscriptions.getSubscription(subscriber, subscribed.subscriptionId);
      expect(subscription).to.deep.include({ status: "active", planId, subscriber: wallet(5).address, due: false });
      const plan = await subscriptions.getPlan(subscriber, planId);
      expect(plan).to.deep.include({
        merchant: wallet(PAYEE).address,
        amount: 2_000_000n,
        period: 86_400,
        retired: false,
      });
    });

    it("a payer without the balance is refused before any approval", async function () {
      const broke = await clientFor(9);
      const before = await nonceOf(9);
      const thrown = await escrow.authorize(broke, await paymentFrom(9), 1_000_000n).catch((error: unknown) => error);
      expect(thrown).to.be.instanceOf(CofferInsufficientBalanceError);
      expect(thrown).to.include({ balance: 0n, needed: 1_000_000n, account: wallet(9).address });
      expect(await nonceOf(9)).to.equal(before);
    });

    it("ensureAllowance approves only when the allowance is lower; a permit replaces the approval", async function () {
      const holder = await clientFor(1);
      expect(await ensureAllowance(holder, usdcAddress, escrowAddress, 0n)).to.equal(undefined);
      const first = await ensureAllowance(holder, usdcAddress, escrowAddress, 7n);
      expect(first?.transactionHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(await ensureAllowance(holder, usdcAddress, escrowAddress, 7n)).to.equal(undefined);
      await approve(holder, usdcAddress, escrowAddress, 0n);
      expect(await getAllowance(holder, usdcAddress, wallet(1).address, escrowAddress)).to.equal(0n);

      const { invoice, signature } = await escrow.createInvoice(holder, wallet(PAYEE), {
        token: usdcAddress,
        amount: 4_000_000n,
        reference: "INV-permit",
        now: await getChainTime(provider),
      });
      const deadline = (await getChainTime(provider)) + 3_600n;
      const permit = await signPermit(wallet(1), usdcAddress, escrowAddress, invoice.amount, deadline);
      const before = await nonceOf(1);
      const paid = await escrow.payInvoice(holder, invoice, signature, { permit });
      expect(paid.approval).to.equal(undefined);
      expect(await nonceOf(1)).to.equal(before + 1);
    });
  });

  describe("token reads", function () {
    it("getTokenInfo reads symbol and decimals, ETH for the native token, and refuses an address without code", async function () {
      const client = await clientFor(1);
      expect(await getTokenInfo(client, usdcAddress)).to.deep.equal({
        address: usdcAddress,
        symbol: await usdc.symbol(),
        decimals: Number(await usdc.decimals()),
      });
      expect(await getTokenInfo(client, NATIVE_TOKEN)).to.deep.equal({
        address: NATIVE_TOKEN,
        symbol: "ETH",
        decimals: 18,
      });
      const refused = await getTokenInfo(client, OTHER).catch((error: unknown) => error);
      expect(refused).to.be.instanceOf(CofferValidationError).and.include({ field: "token" });
    });

    it("getBalance reads a token balance and an ETH balance", async function () {
      const client = await clientFor(1);
      expect(await getBalance(client, usdcAddress, wallet(1).address)).to.equal(
        await usdc.balanceOf(wallet(1).address),
      );
      expect(await getBalance(client, NATIVE_TOKEN, wallet(1).address)).to.equal(
        await provider.getBalance(wallet(1).address),
      );
    });
  });

  describe("nonces and receipts", function () {
    it("back-to-back and concurrent sends from one plain ethers.Wallet all land, each with its own nonce", async function () {
      // A provider with ethers' defaults caches identical answers for 250 ms, as an app's would: the pending
      // nonce it reports after a send is stale, which is what made two sends in a row fail with NONCE_EXPIRED.
      const cached = new ethers.JsonRpcProvider(local.chain.url, 31337, { staticNetwork: true });
      const client = await createCofferClient({ runner: new ethers.Wallet(devPrivateKey(3), cached), manifest });
      const start = await nonceOf(3);
      const sequential = [];
      for (let round = 0; round < 3; round += 1) {
        sequential.push(await approve(client, usdcAddress, escrowAddress, BigInt(round + 1)));
      }
      const concurrent = await Promise.all([1n, 2n, 3n].map((amount) => approve(client, usdcAddress, OTHER, amount)));
      const nonces = await Promise.all(
        [...sequential, ...concurrent].map(
          async (result) => (await provider.getTransaction(result.transactionHash))!.nonce,
        ),
      );
      expect([...nonces].sort((a, b) => a - b)).to.deep.equal([0, 1, 2, 3, 4, 5].map((offset) => start + offset));
      expect(await nonceOf(3)).to.equal(start + 6);
      cached.destroy();
    });

    it("every action returns the same receipt shape, with Coffer's events decoded", async function () {
      const payer = await clientFor(4);
      const payment = await paymentFrom(4);
      const authorized = await escrow.authorize(payer, payment, 8_000_000n);
      const captured = await escrow.capture(await clientFor(OPERATOR), payment, 3_000_000n, 0);
      for (const result of [authorized, captured]) {
        const mined = (await provider.getTransactionReceipt(result.transactionHash))!;
        expect(result).to.include({
          transactionHash: mined.hash,
          blockNumber: mined.blockNumber,
          from: mined.from,
          gasUsed: mined.gasUsed,
        });
        expect(result.receipt.hash).to.equal(mined.hash);
      }
      expect(captured.events.map((event) => event.name)).to.deep.equal(["PaymentCaptured"]);
      expect(captured.events[0]!.args["amount"]).to.equal(3_000_000n);
      const state = await escrow.getPaymentState(payer, payment);
      expect(state).to.deep.equal({
        paymentId: authorized.paymentId,
        status: "authorized",
        capturable: 5_000_000n,
        refundable: 3_000_000n,
      });
      expect((await escrow.getPaymentState(payer, ethers.ZeroHash)).status).to.equal("none");
    });
  });

  const OTHER = "0x00000000000000000000000000000000000000f1";
});
