import { expect } from "chai";
import { ethers } from "ethers";
import type { Page } from "playwright-core";
import { buildPayment, createCofferClient, escrow, subscriptions, buildPlan, type CofferClient } from "../../sdk/src";
import { MockERC20__factory } from "../../typechain-types";
import { checkoutLink, ORDER_FORMAT } from "../../scripts/lib/checkout-links";
import { devPrivateKey, freePort } from "../../scripts/lib/local-chain";
import { startWebServer } from "../../scripts/lib/web-server";
import { expectAccessible, screenshot, startWebStack, tabTo, type WebStack } from "./stack";

const CUSTOMER = 5;
const MERCHANT = 7;
const OPERATOR = 8;
const BROKE_CUSTOMER = 9;

/**
 * The checkout page in headless Chromium, paid with an injected EIP-6963 wallet against a real chain, indexer and
 * served app: an invoice, an escrowed order and a subscription, and every problem a customer can meet.
 */
describe("web: checkout (a customer pays from their own wallet)", function () {
  this.timeout(300_000);
  let stack: WebStack;
  let merchant: CofferClient;
  let usdc: string;

  const balance = (address: string) => MockERC20__factory.connect(usdc, stack.provider).balanceOf(address);
  const chainNow = async () => BigInt((await stack.provider.getBlock("latest"))!.timestamp);

  /** A merchant-signed invoice document (`coffer-invoice/1`) and its checkout link. */
  async function invoiceLink(amount: bigint, reference: string, expiresIn = 3_600n) {
    const created = await escrow.createInvoice(merchant, stack.signer(MERCHANT), {
      token: usdc,
      amount,
      reference,
      payWithin: Number(expiresIn),
      now: await chainNow(),
    });
    const document = {
      format: "coffer-invoice/1",
      chainId: 31337,
      escrow: await merchant.escrow.getAddress(),
      invoiceId: created.invoiceId,
      invoice: created.invoice,
      signature: created.signature,
    };
    return { ...created, link: checkoutLink(stack.web.url, { invoice: document }) };
  }

  async function connect(page: Page) {
    await page.getByRole("button", { name: "Connect Coffer Test Wallet" }).click();
    await page.getByTestId("account").waitFor();
  }

  async function problem(page: Page) {
    const banner = page.getByTestId("problem").first();
    await banner.waitFor({ timeout: 30_000 });
    return (await banner.textContent()) ?? "";
  }

  before(async function () {
    stack = await startWebStack();
    const manifest = stack.local.first.manifest;
    usdc = manifest.contracts["TestUSDC"]!.address;
    merchant = await createCofferClient({ runner: stack.signer(MERCHANT), manifest });
    const token = MockERC20__factory.connect(usdc, stack.signer(0));
    await (await token.mint(stack.signer(CUSTOMER).address, 1_000_000_000n)).wait();
  });

  after(async function () {
    await stack?.stop();
  });

  it("the landing page loads the served config and links each role to its page, the treasury Safe filled in", async function () {
    const { page, context } = await stack.open("/", CUSTOMER);
    await page.getByRole("link", { name: "Open the treasury" }).waitFor();
    expect(await page.locator(".chain-badge").textContent()).to.equal("Local chain");
    const treasury = await page.getByRole("link", { name: "Open the treasury" }).getAttribute("href");
    expect(treasury).to.equal(`./treasury.html?safe=${stack.local.first.manifest.treasurySafe!.address}`);
    await expectAccessible(page, "the landing page");
    await screenshot(page, "home");
    await context.close();
  });

  it("pays an invoice with the keyboard alone: a permit and one transaction, then the receipt once indexed", async function () {
    const { link, invoiceId } = await invoiceLink(42_500_000n, "INV-WEB-1");
    const customerBefore = await balance(stack.signer(CUSTOMER).address);
    const merchantBefore = await balance(stack.signer(MERCHANT).address);
    const { page, wallet, context } = await stack.open(link.slice(stack.web.url.length), CUSTOMER);

    expect(await page.getByTestId("amount").textContent()).to.equal("42.50 tUSDC");
    expect(await page.getByTestId("merchant").textContent()).to.include(stack.signer(MERCHANT).address);
    expect(await page.getByTestId("fee").textContent()).to.equal("No fee");
    await page.getByRole("button", { name: "Connect Coffer Test Wallet" }).waitFor();
    await expectAccessible(page, "the invoice checkout");
    await screenshot(page, "checkout-invoice");

    await tabTo(page, /^Connect Coffer Test Wallet$/);
    await page.keyboard.press("Enter");
    await page.getByTestId("account").waitFor();
    await page.getByRole("button", { name: "Pay 42.50 tUSDC" }).waitFor();
    await page.waitForFunction('!document.querySelector("[data-testid=pay]").disabled');
    await tabTo(page, /^Pay 42\.50 tUSDC$/);
    await page.keyboard.press("Enter");
    await page.getByTestId("receipt-recorded").filter({ hasText: "Recorded" }).waitFor({ timeout: 30_000 });

    expect(await page.getByTestId("receipt-id").textContent()).to.equal(invoiceId);
    const hash = (await page.getByTestId("receipt-tx").textContent()) ?? "";
    const receipt = await stack.provider.getTransactionReceipt(hash);
    expect(receipt?.status).to.equal(1);
    expect(receipt?.from).to.equal(stack.signer(CUSTOMER).address);
    expect(
      wallet.calls.filter((method) => method === "eth_signTypedData_v4"),
      "one permit",
    ).to.have.length(1);
    expect(wallet.sent, "one transaction: the payment").to.equal(1);
    expect(await escrow.isInvoicePaid(merchant, invoiceId)).to.equal(true);
    expect(await balance(stack.signer(CUSTOMER).address)).to.equal(customerBefore - 42_500_000n);
    expect(await balance(stack.signer(MERCHANT).address)).to.equal(merchantBefore + 42_500_000n);
    const steps = await page
      .getByTestId("steps")
      .locator("li")
      .evaluateAll((items) =>
        items.map((item) => `${item.getAttribute("data-state")} ${item.firstChild?.parentElement?.textContent ?? ""}`),
      );
    expect(steps.every((step) => step.startsWith("done"))).to.equal(true, steps.join("\n"));
    await screenshot(page, "checkout-receipt");

    // The same link again: already paid, nothing to press.
    await page.reload();
    expect(await problem(page)).to.include("This invoice is already paid");
    expect(await page.getByTestId("pay").count()).to.equal(0);
    await context.close();
  });

  it("says an invoice has expired, and offers nothing to pay", async function () {
    const { link } = await invoiceLink(5_000_000n, "INV-WEB-EXPIRED", 3_600n);
    await stack.provider.send("evm_increaseTime", [7_200]);
    await stack.provider.send("evm_mine", []);
    await stack.waitForIndexer();
    const { page, wallet, context } = await stack.open(link.slice(stack.web.url.length), CUSTOMER);
    expect(await problem(page)).to.include("This invoice has expired");
    expect(await page.getByTestId("pay").count()).to.equal(0);
    expect(wallet.sent).to.equal(0);
    await context.close();
  });

  it("asks a wallet on another chain to switch, then pays", async function () {
    const { link, invoiceId } = await invoiceLink(3_000_000n, "INV-WEB-CHAIN");
    const { page, wallet, context } = await stack.open(link.slice(stack.web.url.length), CUSTOMER);
    wallet.chainId = 10;
    await connect(page);
    const wrong = page.getByTestId("wrong-chain");
    await wrong.waitFor();
    expect(await wrong.textContent()).to.include("Your wallet is on chain 10");
    expect(await page.getByTestId("pay").count(), "no pay button on the wrong chain").to.equal(0);
    await screenshot(page, "checkout-wrong-chain");
    await page.getByRole("button", { name: "Switch to Local chain" }).click();
    await page.getByRole("button", { name: "Pay 3.00 tUSDC" }).click();
    await page.getByTestId("receipt").waitFor({ timeout: 30_000 });
    expect(wallet.calls).to.include("wallet_switchEthereumChain");
    expect(await escrow.isInvoicePaid(merchant, invoiceId)).to.equal(true);
    await context.close();
  });

  it("says the balance is too low, in token units, and asks the wallet for nothing", async function () {
    const { link, invoiceId } = await invoiceLink(8_250_000n, "INV-WEB-BROKE");
    const { page, wallet, context } = await stack.open(link.slice(stack.web.url.length), BROKE_CUSTOMER);
    await connect(page);
    await page.getByRole("button", { name: "Pay 8.25 tUSDC" }).click();
    const text = await problem(page);
    expect(text).to.include("Your balance is too low");
    expect(text).to.include("needs 8.25 tUSDC and your account holds 0.00 tUSDC");
    expect(wallet.sent).to.equal(0);
    expect(wallet.calls).to.not.include("eth_signTypedData_v4");
    expect(await escrow.isInvoicePaid(merchant, invoiceId)).to.equal(false);
    await context.close();
  });

  it("says the customer declined the signature, sends nothing, and pays exactly once when tried again", async function () {
    const { link, invoiceId } = await invoiceLink(1_250_000n, "INV-WEB-DECLINE");
    const merchantBefore = await balance(stack.signer(MERCHANT).address);
    const { page, wallet, context } = await stack.open(link.slice(stack.web.url.length), CUSTOMER);
    wallet.reject.add("eth_signTypedData_v4");
    await connect(page);
    await page.getByRole("button", { name: "Pay 1.25 tUSDC" }).click();
    expect(await problem(page)).to.include("You declined in your wallet");
    expect(wallet.sent).to.equal(0);
    expect(await escrow.isInvoicePaid(merchant, invoiceId)).to.equal(false);

    wallet.reject.clear();
    const pay = page.getByRole("button", { name: "Pay 1.25 tUSDC" });
    await pay.click();
    await pay.click({ force: true, timeout: 2_000 }).catch(() => undefined); // a second click while paying
    await page.getByTestId("receipt").waitFor({ timeout: 30_000 });
    expect(wallet.sent, "exactly one payment").to.equal(1);
    expect(await balance(stack.signer(MERCHANT).address)).to.equal(merchantBefore + 1_250_000n);
    await context.close();
  });

  it("says the indexer is unreachable, and offers nothing to pay", async function () {
    const { link } = await invoiceLink(2_000_000n, "INV-WEB-NOINDEXER");
    const closed = await freePort();
    const web = await startWebServer({
      config: { chainId: 31337, chainName: "Local chain", manifest: stack.local.first.manifest },
      rpcUrl: stack.local.chain.url,
      indexerUrl: `http://127.0.0.1:${closed}`,
    });
    try {
      const page = await stack.browser.newPage();
      await page.goto(`${web.url}${link.slice(stack.web.url.length)}`);
      const text = await problem(page);
      expect(text).to.include("Coffer's indexer is unreachable");
      expect(text).to.include("nothing was sent");
      expect(await page.getByTestId("pay").count()).to.equal(0);
      await screenshot(page, "checkout-indexer-unreachable");
      await page.close();
    } finally {
      await web.close();
    }
  });

  it("pays with the app's own test wallet for a local account, offered on the local chain, with no wallet installed", async function () {
    const { link, invoiceId } = await invoiceLink(4_200_000n, "INV-WEB-TESTWALLET");
    const web = await startWebServer({
      config: {
        chainId: 31337,
        chainName: "Local chain",
        manifest: stack.local.first.manifest,
        testAccounts: [{ name: "Dana (customer)", privateKey: devPrivateKey(CUSTOMER) }],
      },
      rpcUrl: stack.local.chain.url,
      indexerUrl: stack.indexer.url,
    });
    try {
      const context = await stack.browser.newContext({ locale: "en-US" });
      const page = await context.newPage();
      await page.goto(`${web.url}${link.slice(stack.web.url.length)}`);
      const connect = page.getByRole("button", { name: "Connect Test wallet: Dana (customer)" });
      await connect.waitFor();
      expect(await page.locator("[data-wallet]").count(), "only the test wallet: nothing is injected").to.equal(1);
      await connect.click();
      await page.getByTestId("account").waitFor();
      await page.getByRole("button", { name: "Pay 4.20 tUSDC" }).click();
      await page.getByTestId("receipt").waitFor({ timeout: 30_000 });
      const receipt = await stack.provider.getTransactionReceipt(
        (await page.getByTestId("receipt-tx").textContent()) ?? "",
      );
      expect(receipt?.from).to.equal(stack.signer(CUSTOMER).address);
      expect(await escrow.isInvoicePaid(merchant, invoiceId)).to.equal(true);
      await context.close();
    } finally {
      await web.close();
    }
  });

  it("subscribes to a plan with a permit covering twelve periods; the first period is charged", async function () {
    const { planId } = await subscriptions.createPlan(
      merchant,
      buildPlan({ payee: stack.signer(MERCHANT).address, token: usdc, amount: 9_990_000n, period: "30d" }),
    );
    await stack.waitForIndexer();
    const customer = stack.signer(CUSTOMER).address;
    const customerBefore = await balance(customer);
    const { page, wallet, context } = await stack.open(`checkout.html?plan=${planId}`, CUSTOMER);
    expect(await page.getByTestId("amount").textContent()).to.equal("9.99 tUSDC every 30 days");
    await connect(page);
    await page.getByRole("button", { name: "Subscribe: 9.99 tUSDC" }).click();
    await page.getByTestId("receipt-recorded").filter({ hasText: "Recorded" }).waitFor({ timeout: 30_000 });
    const subscriptionId = BigInt((await page.getByTestId("receipt-id").textContent()) ?? "0");
    const onChain = await subscriptions.getSubscription(merchant, subscriptionId);
    expect(onChain.subscriber).to.equal(customer);
    expect(onChain.status).to.equal("active");
    expect(await balance(customer)).to.equal(customerBefore - 9_990_000n);
    const allowance = await MockERC20__factory.connect(usdc, stack.provider).allowance(
      customer,
      await merchant.subscriptions.getAddress(),
    );
    expect(allowance, "the permit covered 12 periods, one charged").to.equal(9_990_000n * 11n);
    expect(wallet.sent).to.equal(1);
    await screenshot(page, "checkout-subscription");
    await page.reload();
    await connect(page);
    expect(await problem(page)).to.include("You are already subscribed");
    expect(await page.getByTestId("pay").isDisabled(), "no second subscription").to.equal(true);
    await context.close();
  });

  it("places an escrowed order; the merchant's operator then captures and refunds it from the dashboard", async function () {
    const customer = stack.signer(CUSTOMER).address;
    const payment = buildPayment({
      operator: stack.signer(OPERATOR).address,
      payer: ethers.ZeroAddress,
      payee: stack.signer(MERCHANT).address,
      token: usdc,
      maxAmount: 25_000_000n,
      reference: "ORDER-WEB-1",
      fee: { minBps: 100, maxBps: 250, receiver: stack.signer(OPERATOR).address },
      now: await chainNow(),
    });
    const { payer: _payer, ...terms } = payment;
    const order = {
      format: ORDER_FORMAT,
      chainId: 31337,
      escrow: await merchant.escrow.getAddress(),
      payment: terms,
      amount: 25_000_000n,
    };
    const link = checkoutLink(stack.web.url, { order });
    const escrowAddress = await merchant.escrow.getAddress();
    const heldBefore = await balance(escrowAddress);
    const { page, context } = await stack.open(link.slice(stack.web.url.length), CUSTOMER);
    expect(await page.getByTestId("fee").textContent()).to.equal("1% to 2.5%, paid by the merchant from the amount");
    await connect(page);
    await page.getByRole("button", { name: "Place order: 25.00 tUSDC" }).click();
    await page.getByTestId("receipt-recorded").filter({ hasText: "Recorded" }).waitFor({ timeout: 30_000 });
    const paymentId = (await page.getByTestId("receipt-id").textContent()) ?? "";
    const state = await escrow.getPaymentState(merchant, paymentId);
    expect(state.capturable).to.equal(25_000_000n);
    expect(escrow.getPaymentId({ ...payment, payer: customer }, await escrow.domainOf(merchant))).to.equal(paymentId);
    expect(await balance(escrowAddress)).to.equal(heldBefore + 25_000_000n);
    await screenshot(page, "checkout-order");
    await context.close();

    // The merchant's operator captures and refunds it from the dashboard, in the browser too.
    const operatorAddress = stack.signer(OPERATOR).address;
    await (await MockERC20__factory.connect(usdc, stack.signer(0)).mint(operatorAddress, 5_000_000n)).wait();
    const merchantBefore = await balance(stack.signer(MERCHANT).address);
    const customerBefore = await balance(customer);
    const dashboard = await stack.open(`dashboard.html?merchant=${stack.signer(MERCHANT).address}`, OPERATOR);
    await dashboard.page.getByRole("button", { name: "Connect Coffer Test Wallet" }).click();
    const row = dashboard.page.locator(`[data-testid="payment-row"][data-payment="${paymentId}"]`);
    await row.getByTestId("capture-button").waitFor({ timeout: 30_000 });
    const act = async (kind: "capture" | "refund", amount: string) => {
      await row.getByTestId(`${kind}-button`).click();
      const form = dashboard.page.getByTestId(`${kind}-form`);
      await form.getByTestId("action-amount").fill(amount);
      await form.getByTestId("action-submit").click();
      await form.getByTestId("action-result").waitFor({ timeout: 30_000 });
      await dashboard.page.getByRole("button", { name: "Close" }).click();
    };
    await act("capture", "25");
    await row.locator('[data-state="captured"]').waitFor({ timeout: 30_000 });
    // 25 captured at the minimum fee (1%): 24.75 to the merchant, 0.25 to the fee receiver (the operator here).
    expect((await balance(stack.signer(MERCHANT).address)) - merchantBefore).to.equal(24_750_000n);
    await act("refund", "5");
    await row.getByTestId("payment-refunded").filter({ hasText: "5.00 tUSDC" }).waitFor({ timeout: 30_000 });
    expect((await balance(customer)) - customerBefore, "the customer got 5 back").to.equal(5_000_000n);
    const settled = await escrow.getPaymentState(merchant, paymentId);
    expect(settled.capturable).to.equal(0n);
    expect(settled.refundable).to.equal(20_000_000n);
    await dashboard.context.close();
  });
});
