import { expect } from "chai";
import { ethers } from "ethers";
import {
  createCofferClient,
  CofferContractError,
  CofferDeploymentNotFoundError,
  CofferInsufficientBalanceError,
  CofferRpcError,
  CofferValidationError,
  describeError,
  type CofferClient,
} from "../../sdk/src";
import * as escrow from "../../sdk/src/escrow";
import { MockERC20__factory } from "../../typechain-types";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { readDeploymentManifest } from "../../sdk/src/node";

describe("sdk: escrow actions against a local chain", function () {
  let local: DeployedLocalChain;
  let payer: CofferClient;
  let operator: CofferClient;
  let merchant: ethers.Wallet;
  let usdc: string;

  const wallet = (index: number) => new ethers.Wallet(devPrivateKey(index), local.chain.provider);
  const clientFor = (index: number) =>
    createCofferClient({ runner: wallet(index), manifest: readDeploymentManifest(local.deploymentsDir, 31337) });

  async function newPayment(overrides: Partial<escrow.Payment> = {}): Promise<escrow.Payment> {
    const now = BigInt((await local.chain.provider.getBlock("latest"))!.timestamp);
    return {
      operator: wallet(6).address,
      payer: wallet(5).address,
      payee: merchant.address,
      token: usdc,
      maxAmount: 100_000_000n,
      preApprovalExpiry: now + 3_600n,
      authorizationExpiry: now + 86_400n,
      refundExpiry: now + 30n * 86_400n,
      minFeeBps: 0,
      maxFeeBps: 100,
      feeReceiver: wallet(8).address,
      arbiter: ethers.ZeroAddress,
      referenceId: ethers.id(`sdk-order-${Math.random()}`),
      salt: BigInt(ethers.hexlify(ethers.randomBytes(8))),
      ...overrides,
    };
  }

  before(async function () {
    local = await startDeployedLocalChain();
    payer = await clientFor(5);
    operator = await clientFor(6);
    merchant = wallet(7);
    usdc = local.first.manifest.contracts["TestUSDC"]!.address;
    const token = MockERC20__factory.connect(usdc, wallet(5));
    await (await token.mint(wallet(5).address, 1_000_000_000n)).wait();
    await (await token.approve(await payer.escrow.getAddress(), ethers.MaxUint256)).wait();
  });
  after(async function () {
    await local.stop();
  });

  it("authorizes and captures, returning the payment id and the decoded events", async function () {
    const payment = await newPayment();
    const authorized = await escrow.authorize(payer, payment, 40_000_000n);
    expect(authorized.paymentId).to.equal(await payer.escrow.getPaymentId(payment));
    expect(authorized.events.map((event) => event.name)).to.deep.equal(["PaymentAuthorized"]);
    expect(authorized.events[0]!.args["amount"]).to.equal(40_000_000n);
    const captured = await escrow.capture(operator, payment, 40_000_000n, 100);
    expect(captured.events[0]).to.deep.include({ name: "PaymentCaptured" });
    expect(captured.events[0]!.args).to.deep.equal({
      paymentId: authorized.paymentId,
      amount: 40_000_000n,
      fee: 400_000n,
    });
  });

  it("charges with the payer's signature sent by the operator", async function () {
    const payment = await newPayment();
    const payerSignature = await escrow.signPaymentApproval(
      wallet(5),
      payment,
      await escrow.domainOf(operator),
      "charge",
    );
    const result = await escrow.charge(operator, payment, 10_000_000n, 0, { payerSignature });
    expect(result.events.map((event) => event.name)).to.include("PaymentCharged");
  });

  it("creates, verifies and pays an invoice whose SDK digest equals the contract's", async function () {
    const now = BigInt((await local.chain.provider.getBlock("latest"))!.timestamp);
    const { invoice, invoiceId, signature } = await escrow.createInvoice(payer, merchant, {
      token: usdc,
      amount: 12_500_000n,
      expiry: now + 86_400n,
      reference: ethers.id("INV-2026-0042"),
    });
    expect(await payer.escrow.getInvoiceId(invoice)).to.equal(invoiceId);
    expect(escrow.verifyInvoice(invoice, signature, await escrow.domainOf(payer))).to.equal(true);
    const paid = await escrow.payInvoice(payer, invoice, signature);
    expect(paid.invoiceId).to.equal(invoiceId);
    expect(paid.events[0]!.args["referenceId"]).to.equal(ethers.id("INV-2026-0042"));
  });

  describe("error paths", function () {
    it("turns a revert into a CofferContractError naming the check and the values", async function () {
      const payment = await newPayment();
      const error = await escrow.authorize(payer, payment, 100_000_001n).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).to.be.instanceOf(CofferContractError);
      const contractError = error as CofferContractError;
      expect(contractError.errorName).to.equal("CofferEscrowInvalidAmount");
      expect(contractError.args).to.deep.equal({ amount: 100_000_001n, maximum: 100_000_000n });
      expect(contractError.message).to.equal(
        "Escrow: invalid amount (amount 100000001, maximum 100000000) [CofferEscrowInvalidAmount]",
      );
    });

    it("says times as UTC dates and fees as percentages in the message, keeping the raw values in args", function () {
      expect(describeError("CofferEscrowFeeOutOfBounds", { feeBps: 250n, minFeeBps: 100n, maxFeeBps: 125n })).to.equal(
        "Escrow: fee out of bounds (feeBps 2.5%, minFeeBps 1%, maxFeeBps 1.25%) [CofferEscrowFeeOutOfBounds]",
      );
      expect(describeError("CofferEscrowExpired", { deadline: 1_899_000_000n, timestamp: 1_899_000_060n })).to.equal(
        "Escrow: expired (deadline 2030-03-06T04:00:00Z (1899000000), timestamp 2030-03-06T04:01:00Z (1899000060)) [CofferEscrowExpired]",
      );
      // A count that merely has a time-like name stays a number.
      expect(describeError("CofferEscrowExpired", { deadline: 0n, timestamp: 12n })).to.equal(
        "Escrow: expired (deadline 0, timestamp 12) [CofferEscrowExpired]",
      );
    });

    it("decodes an OpenZeppelin error raised inside a token call", async function () {
      const payment = await newPayment({ payer: wallet(9).address });
      const stranger = await clientFor(9); // no tokens, no allowance
      await expect(escrow.authorize(stranger, payment, 1n, { approve: false })).to.be.rejectedWith(
        CofferContractError,
        /ERC20InsufficientAllowance/,
      );
    });

    it("refuses a payer without the balance before approving anything", async function () {
      const payment = await newPayment({ payer: wallet(9).address });
      const stranger = await clientFor(9); // no tokens, no allowance
      const nonce = await local.chain.provider.getTransactionCount(wallet(9).address);
      await expect(escrow.authorize(stranger, payment, 1n))
        .to.be.rejectedWith(CofferInsufficientBalanceError, /holds 0 of token .* but 1 is needed/)
        .and.eventually.include({ balance: 0n, needed: 1n });
      expect(await local.chain.provider.getTransactionCount(wallet(9).address)).to.equal(nonce);
    });

    it("reports an unreachable node as a CofferRpcError", async function () {
      const dead = new ethers.JsonRpcProvider("http://127.0.0.1:9", 31337, { staticNetwork: true });
      const offline = escrow.authorize(
        { ...payer, escrow: payer.escrow.connect(new ethers.Wallet(devPrivateKey(5), dead)) },
        await newPayment(),
        1n,
      );
      await expect(offline).to.be.rejectedWith(CofferRpcError);
      dead.destroy();
    });

    it("refuses a chain the SDK carries no deployment for, when no manifest is given", async function () {
      const elsewhere = new ethers.JsonRpcProvider(local.chain.url, 31337, { staticNetwork: true });
      await expect(createCofferClient({ runner: elsewhere }))
        .to.be.rejectedWith(CofferDeploymentNotFoundError, /not deployed on chain 31337/)
        .and.eventually.have.property("chainId", 31337);
      elsewhere.destroy();
    });

    it("refuses a manifest of another chain", async function () {
      const elsewhere = new ethers.JsonRpcProvider(local.chain.url, 31337, { staticNetwork: true });
      const manifest = { ...readDeploymentManifest(local.deploymentsDir, 31337), chainId: 8453 };
      await expect(createCofferClient({ runner: elsewhere, manifest })).to.be.rejectedWith(
        CofferValidationError,
        "manifest: it is chain 8453's, but the node is chain 31337",
      );
      elsewhere.destroy();
    });
  });
});
