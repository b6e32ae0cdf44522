import { expect } from "chai";
import { ethers } from "ethers";
import { createCofferClient, CofferContractError, type CofferClient } from "../../sdk/src";
import * as escrow from "../../sdk/src/escrow";
import { NATIVE_TOKEN, signPermit, supportsPermit } from "../../sdk/src/tokens";
import {
  BlocklistToken__factory,
  MockERC20__factory,
  NoReturnToken__factory,
  PhantomPermitToken__factory,
  type MockERC20,
} from "../../typechain-types";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { readDeploymentManifest } from "../../sdk/src/node";

/**
 * Every escrow action of the SDK not covered by `escrow.test.ts` (void, reclaim, refund, dispute, resolve,
 * withdrawCredit, the permit variants), each with its success and its error path, against a local chain.
 */
describe("sdk: escrow actions, success and error paths", function () {
  let local: DeployedLocalChain;
  let usdc: MockERC20;
  let usdcAddress: string;
  let payer: CofferClient;
  let operator: CofferClient;
  let arbiter: CofferClient;
  const PAYER = 5;
  const OPERATOR = 6;
  const PAYEE = 7;
  const ARBITER = 8;

  const wallet = (index: number) => new ethers.Wallet(devPrivateKey(index), local.chain.provider);
  const clientFor = (index: number) =>
    createCofferClient({ runner: wallet(index), manifest: readDeploymentManifest(local.deploymentsDir, 31337) });
  const balance = (index: number) => usdc.balanceOf(wallet(index).address);
  const time = async () => BigInt((await local.chain.provider.getBlock("latest"))!.timestamp);
  /** The typed error `promise` rejects with; fails when it resolves or throws something else. */
  const contractError = async (promise: Promise<unknown>, name: string): Promise<CofferContractError> => {
    const error = await promise.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error, `expected ${name}`).to.be.instanceOf(CofferContractError);
    expect((error as CofferContractError).errorName).to.equal(name);
    expect((error as CofferContractError).message).to.match(new RegExp(`^Escrow: .+ \\[${name}\\]$`));
    return error as CofferContractError;
  };

  async function newPayment(overrides: Partial<escrow.Payment> = {}): Promise<escrow.Payment> {
    const now = await time();
    return {
      operator: wallet(OPERATOR).address,
      payer: wallet(PAYER).address,
      payee: wallet(PAYEE).address,
      token: usdcAddress,
      maxAmount: 100_000_000n,
      preApprovalExpiry: now + 3_600n,
      authorizationExpiry: now + 86_400n,
      refundExpiry: now + 30n * 86_400n,
      minFeeBps: 0,
      maxFeeBps: 100,
      feeReceiver: wallet(9).address,
      arbiter: ethers.ZeroAddress,
      referenceId: ethers.id(`actions-${Math.random()}`),
      salt: BigInt(ethers.hexlify(ethers.randomBytes(8))),
      ...overrides,
    };
  }

  before(async function () {
    local = await startDeployedLocalChain();
    usdcAddress = local.first.manifest.contracts["TestUSDC"]!.address;
    usdc = MockERC20__factory.connect(usdcAddress, wallet(0));
    payer = await clientFor(PAYER);
    operator = await clientFor(OPERATOR);
    arbiter = await clientFor(ARBITER);
    const escrowAddress = await payer.escrow.getAddress();
    for (const index of [PAYER, OPERATOR]) {
      await (await usdc.mint(wallet(index).address, 1_000_000_000n)).wait();
      await (await usdc.connect(wallet(index)).approve(escrowAddress, ethers.MaxUint256)).wait();
    }
  });
  after(async function () {
    await local.stop();
  });

  it("voidPayment returns what is held to the payer; only the operator may", async function () {
    const payment = await newPayment();
    await escrow.authorize(payer, payment, 30_000_000n);
    const error = await contractError(escrow.voidPayment(payer, payment), "CofferEscrowUnauthorizedCaller");
    expect(error.args).to.deep.equal({ caller: wallet(PAYER).address, expected: wallet(OPERATOR).address });
    const before = await balance(PAYER);
    const result = await escrow.voidPayment(operator, payment);
    expect(result.events.map((event) => event.name)).to.deep.equal(["PaymentVoided"]);
    expect((await balance(PAYER)) - before).to.equal(30_000_000n);
  });

  it("reclaim is refused before the authorization expiry and returns the funds after it", async function () {
    const payment = await newPayment();
    await escrow.authorize(payer, payment, 20_000_000n);
    const early = await contractError(escrow.reclaim(payer, payment), "CofferEscrowNotYetExpired");
    expect(early.args["expiry"]).to.equal(payment.authorizationExpiry);
    await local.chain.provider.send("evm_increaseTime", [86_400]);
    await local.chain.provider.send("evm_mine", []);
    const before = await balance(PAYER);
    const result = await escrow.reclaim(payer, payment);
    expect(result.events[0]!.args).to.deep.include({ amount: 20_000_000n });
    expect((await balance(PAYER)) - before).to.equal(20_000_000n);
  });

  it("refund pays captured funds back from the operator, never more than was captured", async function () {
    const payment = await newPayment();
    await escrow.authorize(payer, payment, 50_000_000n);
    await escrow.capture(operator, payment, 40_000_000n, 0);
    const tooMuch = await contractError(escrow.refund(operator, payment, 40_000_001n), "CofferEscrowInvalidAmount");
    expect(tooMuch.args).to.deep.equal({ amount: 40_000_001n, maximum: 40_000_000n });
    const [payerBefore, operatorBefore] = [await balance(PAYER), await balance(OPERATOR)];
    const result = await escrow.refund(operator, payment, 15_000_000n);
    expect(result.events[0]!.name).to.equal("PaymentRefunded");
    expect((await balance(PAYER)) - payerBefore).to.equal(15_000_000n);
    expect(operatorBefore - (await balance(OPERATOR))).to.equal(15_000_000n);
  });

  it("dispute freezes, resolve divides (arbiter); a payment without arbiter cannot be disputed", async function () {
    const undisputable = await newPayment();
    await escrow.authorize(payer, undisputable, 1_000_000n);
    await contractError(escrow.dispute(payer, undisputable), "CofferEscrowNoArbiter");

    const payment = await newPayment({ arbiter: wallet(ARBITER).address });
    await escrow.authorize(payer, payment, 10_000_000n);
    const disputed = await escrow.dispute(payer, payment);
    expect(disputed.events.map((event) => event.name)).to.deep.equal(["PaymentDisputed"]);
    await contractError(escrow.resolve(operator, payment, 0n), "CofferEscrowUnauthorizedCaller");
    await contractError(escrow.resolve(arbiter, payment, 10_000_001n), "CofferEscrowInvalidAmount");
    const [payerBefore, payeeBefore] = [await balance(PAYER), await balance(PAYEE)];
    const resolved = await escrow.resolve(arbiter, payment, 4_000_000n);
    expect(resolved.events.find((event) => event.name === "PaymentResolved")!.args).to.deep.include({
      payerAmount: 4_000_000n,
      payeeAmount: 6_000_000n,
    });
    expect((await balance(PAYER)) - payerBefore).to.equal(4_000_000n);
    expect((await balance(PAYEE)) - payeeBefore).to.equal(6_000_000n);
  });

  it("withdrawCredit pays out a payout the token refused to push; with nothing credited it is refused", async function () {
    const token = await new BlocklistToken__factory(wallet(0)).deploy();
    await token.waitForDeployment();
    const tokenAddress = await token.getAddress();
    await (await token.mint(wallet(PAYER).address, 5_000_000n)).wait();
    await (await token.connect(wallet(PAYER)).approve(await payer.escrow.getAddress(), 5_000_000n)).wait();
    await (await token.blocklist(wallet(PAYEE).address)).wait();
    const payment = await newPayment({ token: tokenAddress });
    await escrow.authorize(payer, payment, 5_000_000n);
    const captured = await escrow.capture(operator, payment, 5_000_000n, 0);
    expect(captured.events.map((event) => event.name)).to.include("PayoutCredited");
    expect(await payer.escrow.creditOf(wallet(PAYEE).address, tokenAddress)).to.equal(5_000_000n);
    // The blocklisted payee withdraws its credit to another address it controls.
    const to = ethers.Wallet.createRandom().address;
    const payee = await clientFor(PAYEE);
    const withdrawn = await escrow.withdrawCredit(payee, tokenAddress, to);
    expect(withdrawn.events.map((event) => event.name)).to.deep.equal(["CreditWithdrawn"]);
    expect(await token.balanceOf(to)).to.equal(5_000_000n);
    expect(await payer.escrow.creditOf(wallet(PAYEE).address, tokenAddress)).to.equal(0n);
    const nothing = await contractError(
      escrow.withdrawCredit(payee, tokenAddress, to),
      "CofferEscrowNothingToWithdraw",
    );
    expect(nothing.args).to.deep.equal({ account: wallet(PAYEE).address, token: tokenAddress });
  });

  it("supportsPermit: true for an EIP-2612 token; false for ETH, a token without permit and one whose fallback swallows it", async function () {
    expect(await supportsPermit(payer, usdcAddress)).to.equal(true);
    expect(await supportsPermit(payer, NATIVE_TOKEN)).to.equal(false);
    const deployer = wallet(0);
    const plain = await new NoReturnToken__factory(deployer).deploy();
    expect(await supportsPermit(payer, await plain.getAddress())).to.equal(false);
    const phantom = await new PhantomPermitToken__factory(deployer).deploy();
    expect(await supportsPermit(payer, await phantom.getAddress()), "WETH-like fallback").to.equal(false);
    expect(await supportsPermit(payer, wallet(9).address), "not a contract").to.equal(false);
  });

  it("authorize and charge with an EIP-2612 permit instead of an allowance; a fee out of bounds is refused", async function () {
    const holder = wallet(4);
    await (await usdc.mint(holder.address, 10_000_000n)).wait();
    const client = await clientFor(4);
    const escrowAddress = await client.escrow.getAddress();
    const permitFor = async (value: bigint): Promise<escrow.PermitSignature> => {
      const deadline = (await time()) + 3_600n;
      const signature = await signPermit(holder, usdcAddress, escrowAddress, value, deadline);
      return { deadline, v: signature.v, r: signature.r, s: signature.s };
    };
    const payment = await newPayment({ payer: holder.address });
    const authorized = await escrow.authorize(client, payment, 3_000_000n, { permit: await permitFor(3_000_000n) });
    expect(authorized.paymentId).to.equal(await client.escrow.getPaymentId(payment));
    expect(await usdc.allowance(holder.address, escrowAddress)).to.equal(0n);
    const charged = await newPayment({ payer: holder.address });
    const before = await usdc.balanceOf(wallet(PAYEE).address);
    await escrow.charge(client, charged, 2_000_000n, 0, { permit: await permitFor(2_000_000n) });
    expect((await usdc.balanceOf(wallet(PAYEE).address)) - before).to.equal(2_000_000n);
    const outOfBounds = await contractError(
      escrow.charge(payer, await newPayment(), 1_000_000n, 101),
      "CofferEscrowFeeOutOfBounds",
    );
    expect(outOfBounds.args).to.deep.equal({ feeBps: 101n, minFeeBps: 0n, maxFeeBps: 100n });
  });

  it("payInvoice refuses an invoice paid already, and one whose signature is not the payee's", async function () {
    const merchant = wallet(PAYEE);
    const { invoice, signature } = await escrow.createInvoice(payer, merchant, {
      token: usdcAddress,
      amount: 1_000_000n,
      expiry: (await time()) + 3_600n,
      reference: ethers.id("INV-twice"),
    });
    await escrow.payInvoice(payer, invoice, signature);
    await contractError(escrow.payInvoice(payer, invoice, signature), "CofferEscrowInvoiceAlreadyPaid");
    const forged = { ...invoice, salt: invoice.salt + 1n };
    await contractError(escrow.payInvoice(payer, forged, signature), "CofferEscrowInvalidInvoiceSignature");
  });
});
