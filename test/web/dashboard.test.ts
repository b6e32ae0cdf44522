import fs from "node:fs";
import { expect } from "chai";
import { ethers } from "ethers";
import type { Locator, Page } from "playwright-core";
import { buildPayment, createCofferClient, getChainTime, indexer, type CofferClient } from "../../sdk/src";
import * as escrow from "../../sdk/src/escrow";
import * as subscriptions from "../../sdk/src/subscriptions";
import { MockERC20__factory, type MockERC20 } from "../../typechain-types";
import { freePort } from "../../scripts/lib/local-chain";
import { startWebServer } from "../../scripts/lib/web-server";
import { msUntilPaymentRow } from "./dashboard-live";
import { injectWallet, TestWallet } from "../helpers/browser-wallet";
import { expectAccessible, screenshot, startWebStack, tabTo, type WebStack } from "./stack";

const CUSTOMER = 5;
const MERCHANT = 6;
const OPERATOR = 7;
const FEE_RECEIVER = 8;
const LAPSING_SUBSCRIBER = 9;
const USDC = (whole: number) => BigInt(Math.round(whole * 1_000_000));

describe("web: the merchant dashboard", function () {
  this.timeout(240_000);
  let stack: WebStack;
  let usdc: MockERC20;
  let usdcAddress: string;
  let customer: CofferClient;
  let index: indexer.IndexerClient;
  let page: Page;
  let wallet: Awaited<ReturnType<WebStack["open"]>>["wallet"];
  let paymentId: string;

  const address = (account: number) => stack.signer(account).address;
  const balanceOf = async (account: number | string) =>
    usdc.balanceOf(typeof account === "number" ? address(account) : account);
  const row = () => page.locator(`[data-testid="payment-row"][data-payment="${paymentId}"]`);

  /** An action's steps as `label: state`, in order (the mark, the screen-reader state and the hash left out). */
  async function stepsOf(form: Locator): Promise<string[]> {
    const items = form.getByTestId("steps").locator("li");
    const steps: string[] = [];
    for (let index = 0; index < (await items.count()); index++) {
      const item = items.nth(index);
      const detail =
        (await item.locator(".step-detail").count()) > 0 ? await item.locator(".step-detail").textContent() : "";
      const text = (await item.textContent()) ?? "";
      const label = text
        .slice(0, text.length - (detail ?? "").length)
        .replace(/^\S+\s/, "")
        .replace(/ \(\w+\)$/, "");
      steps.push(`${label}: ${await item.getAttribute("data-state")}`);
    }
    return steps;
  }

  /** Opens an action's form on the payment's row, fills the amount, and submits it. */
  async function act(kind: "capture" | "refund", amount: string) {
    await row().getByTestId(`${kind}-button`).click();
    const form = page.getByTestId(`${kind}-form`);
    await form.getByTestId("action-amount").fill(amount);
    await form.getByTestId("action-submit").click();
    return form;
  }

  before(async function () {
    stack = await startWebStack();
    const manifest = stack.local.first.manifest;
    usdcAddress = manifest.contracts["TestUSDC"]!.address;
    usdc = MockERC20__factory.connect(usdcAddress, stack.signer(0));
    for (const account of [CUSTOMER, OPERATOR]) await (await usdc.mint(address(account), USDC(1_000))).wait();
    customer = await createCofferClient({ runner: stack.signer(CUSTOMER), manifest });
    index = indexer.createIndexerClient({ url: stack.indexer.url });
    await stack.waitForIndexer();
    ({ page, wallet } = await stack.open(`dashboard.html?merchant=${address(MERCHANT)}`, OPERATOR));
    await page.getByRole("button", { name: "Connect Coffer Test Wallet" }).click();
    await page.getByTestId("account").waitFor();
    await page.getByTestId("indexed-block").waitFor();
  });
  after(async function () {
    await stack?.stop();
  });

  it("shows a new payment without a reload, within seconds of its block", async function () {
    await page.getByTestId("no-payments").waitFor();
    const payment = buildPayment({
      operator: address(OPERATOR),
      payer: address(CUSTOMER),
      payee: address(MERCHANT),
      token: usdcAddress,
      maxAmount: USDC(100),
      reference: "ORDER-DASH-1",
      fee: { minBps: 100, maxBps: 500, receiver: address(FEE_RECEIVER) },
      now: await getChainTime(stack.provider),
    });
    const authorized = await escrow.authorize(customer, payment, USDC(80));
    const minedAt = Date.now();
    paymentId = authorized.paymentId.toLowerCase();
    const ms = await msUntilPaymentRow(page, paymentId, minedAt);
    console.log(`      payment row shown ${ms} ms after its block (block ${authorized.blockNumber})`);
    expect(ms).to.be.below(5_000);
    expect(await row().getByTestId("state").getAttribute("data-state")).to.equal("authorized");
    // Amounts in the token's units, once its decimals are read from the chain.
    await row().getByTestId("payment-authorized").filter({ hasText: "80.00 tUSDC" }).waitFor();
    // The balances are the merchant's on-chain tUSDC (none until a capture) and its plain ETH, which leaves no log:
    // the indexer reads it at its indexed block, and the row equals the chain's figure at that block.
    const ethRow = page.getByTestId("balances").locator('[data-token="native"]');
    await ethRow.waitFor();
    expect(await page.getByTestId("balance").count(), "ETH only, no token row").to.equal(1);
    const report = await index.nativeBalances({ accounts: [address(MERCHANT)] });
    const wei = await stack.provider.getBalance(address(MERCHANT), report.block);
    expect(wei > 0n).to.equal(true);
    const [whole = "0", fraction = ""] = ethers.formatEther(wei).split(".");
    const shown = `${BigInt(whole).toLocaleString("en-US")}.${fraction.replace(/0+$/, "").padEnd(2, "0")}`;
    await ethRow.getByTestId("balance-amount").filter({ hasText: shown }).waitFor();
    expect(await ethRow.textContent()).to.equal(`${shown} ETH`);
  });

  it("captures part of the payment from the operator's wallet, by keyboard, with the fee at its minimum", async function () {
    const before = { payee: await balanceOf(MERCHANT), fees: await balanceOf(FEE_RECEIVER), sent: wallet.sent };
    await tabTo(page, /^Capture payment/);
    await page.keyboard.press("Enter");
    const form = page.getByTestId("capture-form");
    expect(await form.getByTestId("action-amount").inputValue()).to.equal("80");
    expect(await form.getByTestId("action-fee").inputValue()).to.equal("100");
    // Out-of-bounds input is refused on the page, before any wallet prompt.
    await form.getByTestId("action-amount").fill("80.01");
    expect(await form.getByTestId("action-submit").isDisabled()).to.equal(true);
    expect(await form.textContent()).to.include("At most 80.00 tUSDC can be captured");
    await form.getByTestId("action-fee").fill("501");
    expect(await form.textContent()).to.include("from 100 to 500");
    await form.getByTestId("action-fee").fill("100");
    await form.getByTestId("action-amount").fill("50");
    const submit = form.getByTestId("action-submit");
    expect(await submit.textContent()).to.equal("Capture 50.00 tUSDC");
    await submit.click();
    // In flight the button is disabled: a second click sends nothing.
    expect(await submit.isDisabled()).to.equal(true);
    await submit.click({ force: true, timeout: 1_000 }).catch(() => undefined);
    await form.getByTestId("action-result").waitFor({ timeout: 30_000 });
    expect(wallet.sent - before.sent).to.equal(1);
    expect(await stepsOf(form)).to.deep.equal([
      "Check with the escrow contract: done",
      "Confirm the capture in your wallet: done",
      "Wait for the network to confirm: done",
      `Confirmed in block ${await stack.provider.getBlockNumber()}: done`,
      "Recorded by Coffer's indexer: done",
    ]);

    const indexed = await index.payment(31337, paymentId);
    expect(indexed!.state).to.equal("partially_captured");
    expect(await form.getByTestId("state").getAttribute("data-state")).to.equal("partially_captured");
    // On chain: 50 captured at 1%: 49.5 to the merchant, 0.5 to the fee receiver, 30 still held.
    expect((await balanceOf(MERCHANT)) - before.payee).to.equal(USDC(49.5));
    expect((await balanceOf(FEE_RECEIVER)) - before.fees).to.equal(USDC(0.5));
    expect(indexed!.capturable).to.equal(USDC(30));
    await page.getByRole("button", { name: "Close" }).click();
    await row().locator('[data-state="partially_captured"]').waitFor();
    expect(await row().getByTestId("payment-captured").textContent()).to.equal("50.00 tUSDC");
    expect(await row().getByTestId("payment-fees").textContent()).to.equal("0.50 tUSDC");
    const balance = page.getByTestId("balance").filter({ hasText: "tUSDC" });
    await balance.getByTestId("balance-amount").filter({ hasText: "49.50" }).waitFor();
  });

  it("refunds part of the capture, funded by the operator (approval, then the refund)", async function () {
    const before = {
      customer: await balanceOf(CUSTOMER),
      operator: await balanceOf(OPERATOR),
      payee: await balanceOf(MERCHANT),
      sent: wallet.sent,
    };
    const form = await act("refund", "20");
    await form.getByTestId("action-result").waitFor({ timeout: 30_000 });
    expect(wallet.sent - before.sent).to.equal(2); // the exact approval, then the refund
    expect((await stepsOf(form)).slice(0, 5)).to.deep.equal([
      "Check with the escrow contract: done",
      "Approve 20.00 tUSDC for the refund in your wallet: done",
      "Wait for the approval to confirm: done",
      "Confirm the refund in your wallet: done",
      "Wait for the network to confirm: done",
    ]);
    expect((await balanceOf(CUSTOMER)) - before.customer).to.equal(USDC(20));
    expect(before.operator - (await balanceOf(OPERATOR))).to.equal(USDC(20));
    expect(await balanceOf(MERCHANT)).to.equal(before.payee);
    const indexed = await index.payment(31337, paymentId);
    expect(indexed!.refunded).to.equal(USDC(20));
    expect(await form.getByTestId("state").getAttribute("data-state")).to.equal(indexed!.state);
    await page.getByRole("button", { name: "Close" }).click();
    await row().getByTestId("payment-refunded").filter({ hasText: "20.00 tUSDC" }).waitFor();
    expect(await row().getByTestId("state").getAttribute("data-state")).to.equal(indexed!.state);
    await expectAccessible(page, "the merchant dashboard");
    await screenshot(page, "dashboard");
  });

  it("says the operator declined in the wallet, and sends nothing", async function () {
    const escrowAddress = customer.manifest.contracts["CofferEscrow"]!.address;
    const before = {
      sent: wallet.sent,
      nonce: await stack.provider.getTransactionCount(address(OPERATOR)),
      payee: await balanceOf(MERCHANT),
      held: await balanceOf(escrowAddress),
    };
    wallet.reject.add("eth_sendTransaction");
    try {
      const form = await act("capture", "10");
      const problem = form.getByTestId("problem");
      await problem.waitFor({ timeout: 20_000 });
      expect(await problem.textContent()).to.include("You declined in your wallet");
      expect(await stepsOf(form)).to.deep.equal([
        "Check with the escrow contract: done",
        "Confirm the capture in your wallet: failed",
      ]);
      expect(await form.getByTestId("action-submit").isEnabled()).to.equal(true);
    } finally {
      wallet.reject.delete("eth_sendTransaction");
    }
    // The wallet was asked once and refused: no transaction reached the chain.
    expect(wallet.sent - before.sent).to.equal(1);
    expect(await stack.provider.getTransactionCount(address(OPERATOR))).to.equal(before.nonce);
    expect(await balanceOf(MERCHANT)).to.equal(before.payee);
    expect(await balanceOf(escrowAddress)).to.equal(before.held);
    expect((await index.payment(31337, paymentId))!.capturable).to.equal(USDC(30));
    // Escape closes the form and gives the focus back to the button that opened it.
    await page.getByTestId("capture-form").getByTestId("action-amount").focus();
    await page.keyboard.press("Escape");
    await page.getByTestId("capture-form").waitFor({ state: "detached" });
    await page.waitForFunction('document.activeElement?.getAttribute("data-testid") === "capture-button"');
  });

  it("charts settlement per day and downloads the same report as CSV", async function () {
    const now = Number(await getChainTime(stack.provider));
    const today = new Date(now * 1000).toISOString().slice(0, 10);
    const report = await index.settlementReport({
      merchant: address(MERCHANT),
      token: usdcAddress,
      from: Date.parse(`${today}T00:00:00Z`) / 1000 - 29 * 86_400,
      to: Date.parse(`${today}T00:00:00Z`) / 1000 + 86_400,
      chainId: 31337,
    });
    expect(report.totals).to.deep.include({ gross: USDC(50), fees: USDC(0.5), refunds: USDC(20), net: USDC(29.5) });
    const settlement = page.getByTestId("settlement");
    await settlement.getByTestId("settlement-net").filter({ hasText: "29.50 tUSDC" }).waitFor();
    const bars = settlement.getByTestId("settlement-bar");
    expect(await bars.count()).to.equal(30);
    const bar = settlement.locator(`[data-testid="settlement-bar"][data-date="${today}"]`);
    expect(await bar.getAttribute("data-value")).to.equal(USDC(29.5).toString());
    expect(Number(await bar.getAttribute("height"))).to.be.greaterThan(0);
    expect(await bar.locator("title").textContent()).to.include("29.50 tUSDC");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      settlement.getByTestId("settlement-csv").click(),
    ]);
    expect(download.suggestedFilename()).to.match(/\.csv$/);
    const csv = fs
      .readFileSync((await download.path())!, "utf8")
      .trim()
      .split("\n");
    expect(csv[0]).to.equal("date,gross,fees,refunds,net,entries");
    const total = csv.find((line) => line.startsWith("total,"))!.split(",");
    expect(total.slice(1, 5).map(BigInt)).to.deep.equal([USDC(50), USDC(0.5), USDC(20), USDC(29.5)]);
    expect(csv.find((line) => line.startsWith(`${today},`))).to.equal(
      [today, USDC(50), USDC(0.5), USDC(20), USDC(29.5), report.days[0]!.entries].join(","),
    );
  });

  it("shows the reconciliation as balanced", async function () {
    const status = page.getByTestId("reconciliation-status");
    await status.waitFor();
    expect(await status.getAttribute("data-ok")).to.equal("true");
    expect(await status.textContent()).to.match(/All \d+ indexed balances match the chain at block \d+/);
  });

  it("asks for a merchant address, refuses one that is not, and shows the merchant entered", async function () {
    const { page: picker, context } = await stack.open("dashboard.html?merchant=0x1234", CUSTOMER);
    try {
      await picker.getByTestId("no-merchant").waitFor();
      expect(await picker.getByRole("alert").first().textContent()).to.include("Enter the merchant's address");
      expect(await picker.getByLabel("Merchant address").inputValue()).to.equal("0x1234");
      await picker.getByLabel("Merchant address").fill(address(MERCHANT).toLowerCase());
      await picker.getByLabel("Merchant address").press("Enter");
      await picker.locator(`[data-testid="payment-row"][data-payment="${paymentId}"]`).waitFor();
      expect(new URL(picker.url()).searchParams.get("merchant")).to.equal(address(MERCHANT));
      // No wallet is connected: the operator's actions are not offered; nor to the customer's wallet once it is.
      expect(await picker.getByTestId("capture-button").count()).to.equal(0);
      await picker.getByRole("button", { name: "Connect Coffer Test Wallet" }).click();
      await picker.getByTestId("not-operator").waitFor();
      expect(await picker.getByTestId("capture-button").count()).to.equal(0);
      expect(await picker.getByTestId("refund-button").count()).to.equal(0);
    } finally {
      await context.close();
    }
  });

  it("writes and reads amounts in the reader's locale", async function () {
    const context = await stack.browser.newContext({ locale: "de-DE" });
    try {
      await injectWallet(context, new TestWallet(stack.signer(OPERATOR), stack.local.chain.url));
      const german = await context.newPage();
      await german.goto(`${stack.web.url}/dashboard.html?merchant=${address(MERCHANT)}`);
      await german.getByRole("button", { name: "Connect Coffer Test Wallet" }).click();
      const germanRow = german.locator(`[data-testid="payment-row"][data-payment="${paymentId}"]`);
      await germanRow.getByTestId("payment-fees").filter({ hasText: "0,50 tUSDC" }).waitFor();
      await german.getByTestId("balance-amount").filter({ hasText: "49,50" }).waitFor();
      await germanRow.getByTestId("capture-button").click();
      const amount = german.getByTestId("capture-form").getByTestId("action-amount");
      expect(await amount.inputValue()).to.equal("30");
      await amount.fill("1.234,5"); // German grouping and decimal marks: 1234.5, more than the 30 held
      expect(await german.getByTestId("capture-form").textContent()).to.include("At most 30,00 tUSDC can be captured");
      await amount.fill("10,5");
      expect(await german.getByTestId("action-submit").textContent()).to.equal("Capture 10,50 tUSDC");
    } finally {
      await context.close();
    }
  });

  it("voids what is still held, back to the customer", async function () {
    const before = { customer: await balanceOf(CUSTOMER), payee: await balanceOf(MERCHANT), sent: wallet.sent };
    await row().getByTestId("void-button").click();
    const form = page.getByTestId("void-form");
    expect(await form.textContent()).to.include("Return everything held, 30.00 tUSDC, to the customer");
    await form.getByTestId("action-submit").click();
    await form.getByTestId("action-result").waitFor({ timeout: 30_000 });
    expect(wallet.sent - before.sent).to.equal(1);
    expect((await balanceOf(CUSTOMER)) - before.customer).to.equal(USDC(30));
    expect(await balanceOf(MERCHANT)).to.equal(before.payee);
    const indexed = await index.payment(31337, paymentId);
    expect(indexed!.capturable).to.equal(0n);
    await page.getByRole("button", { name: "Close" }).click();
    // Nothing is held any more: capture and void are gone; the refund of what was captured remains.
    await row().getByTestId("capture-button").waitFor({ state: "detached" });
    expect(await row().getByTestId("void-button").count()).to.equal(0);
    expect(await row().getByTestId("refund-button").count()).to.equal(1);
    expect(await row().getByTestId("state").getAttribute("data-state")).to.equal(indexed!.state);
  });

  it("explains the contract's refusal when the payment changed behind the page, and sends nothing", async function () {
    const manifest = stack.local.first.manifest;
    const payment = buildPayment({
      operator: address(OPERATOR),
      payer: address(CUSTOMER),
      payee: address(MERCHANT),
      token: usdcAddress,
      maxAmount: USDC(10),
      reference: "ORDER-DASH-2",
      now: await getChainTime(stack.provider),
    });
    const { paymentId: secondId } = await escrow.authorize(customer, payment, USDC(10));
    const second = page.locator(`[data-testid="payment-row"][data-payment="${secondId.toLowerCase()}"]`);
    await second.getByTestId("capture-button").click();
    const form = page.getByTestId("capture-form");
    // The page's view of the payments freezes while the operator's backend voids the payment.
    await page.route("**/indexer/graphql", (route) => route.abort());
    try {
      await escrow.voidPayment(await createCofferClient({ runner: stack.signer(OPERATOR), manifest }), payment);
      const before = { sent: wallet.sent, nonce: await stack.provider.getTransactionCount(address(OPERATOR)) };
      await form.getByTestId("action-submit").click();
      const problem = form.getByTestId("problem");
      await problem.waitFor({ timeout: 20_000 });
      expect(await problem.textContent()).to.include(
        "Nothing is left to be captured" + "The payment changed since this page showed it",
      );
      expect(wallet.sent).to.equal(before.sent); // refused in simulation: the wallet was never asked
      expect(await stack.provider.getTransactionCount(address(OPERATOR))).to.equal(before.nonce);
    } finally {
      await page.unroute("**/indexer/graphql");
    }
    await page.getByRole("button", { name: "Cancel" }).click();
    await second.locator('[data-state="voided"]').waitFor();
  });

  it("lists a past-due subscription first", async function () {
    // Runs after the settlement test: the charges here count in the merchant's settlement too.
    const manifest = stack.local.first.manifest;
    const client = async (account: number) => createCofferClient({ runner: stack.signer(account), manifest });
    const merchant = await client(MERCHANT);
    const { planId } = await subscriptions.createPlan(
      merchant,
      subscriptions.buildPlan({ payee: address(MERCHANT), token: usdcAddress, amount: USDC(5), period: "1h" }),
    );
    await (await usdc.mint(address(LAPSING_SUBSCRIBER), USDC(100))).wait();
    const faithful = await subscriptions.subscribe(customer, planId, { periods: 12 });
    const lapsing = await subscriptions.subscribe(await client(LAPSING_SUBSCRIBER), planId, { periods: 12 });
    // The second subscriber withdraws the allowance; after a period its charge fails and it falls past due.
    const subscriptionsAddress = manifest.contracts["CofferSubscriptions"]!.address;
    await (await usdc.connect(stack.signer(LAPSING_SUBSCRIBER)).approve(subscriptionsAddress, 0n)).wait();
    await stack.provider.send("evm_increaseTime", [3_601]);
    await stack.provider.send("evm_mine", []);
    const outcome = await subscriptions.chargeDue(await client(0), [faithful.subscriptionId, lapsing.subscriptionId]);
    expect(outcome.charged).to.deep.equal([faithful.subscriptionId]);
    expect(outcome.failed.map((failure) => failure.subscriptionId)).to.deep.equal([lapsing.subscriptionId]);

    const rows = page.getByTestId("subscription-row");
    await page.getByTestId("past-due-count").waitFor({ timeout: 15_000 });
    expect(await rows.count()).to.equal(2);
    expect(await rows.first().getAttribute("data-subscription")).to.equal(lapsing.subscriptionId.toString());
    expect(await rows.first().getByTestId("state").getAttribute("data-state")).to.equal("past_due");
    expect(await rows.first().getByTestId("state").textContent()).to.equal("Past due");
    expect(await rows.nth(1).getAttribute("data-subscription")).to.equal(faithful.subscriptionId.toString());
    expect(await rows.nth(1).textContent()).to.include("10.00 tUSDC"); // charged twice: on subscribing and now
  });

  it("says the indexer is unreachable when it is, and keeps retrying", async function () {
    const closedPort = await freePort();
    const web = await startWebServer({
      config: {
        chainId: 31337,
        chainName: "Local chain",
        manifest: stack.local.first.manifest,
        merchants: { [address(MERCHANT)]: "Bean & Leaf" },
      },
      rpcUrl: stack.local.chain.url,
      indexerUrl: `http://127.0.0.1:${closedPort}`,
    });
    const context = await stack.browser.newContext({ locale: "en-US" });
    try {
      const down = await context.newPage();
      let statusCalls = 0;
      down.on("request", (request) => {
        if (request.url().endsWith("/indexer/status")) statusCalls++;
      });
      await down.goto(`${web.url}/dashboard.html?merchant=${address(MERCHANT)}`);
      const banner = down.getByTestId("indexer-problem");
      await banner.waitFor({ timeout: 20_000 });
      expect(await banner.textContent()).to.include("Coffer's indexer is unreachable");
      expect(await down.getByTestId("problem").count()).to.equal(1); // one banner, not one per section
      expect(await down.getByTestId("merchant-name").textContent()).to.equal("Bean & Leaf"); // named by the host
      expect(await down.getByTestId("payments").textContent()).to.include("waiting for the indexer");
      expect(await down.getByTestId("settlement").textContent()).not.to.include("Nothing settled yet");
      // It keeps asking: another `/status` request within a few seconds.
      const seen = statusCalls;
      for (let waited = 0; statusCalls === seen && waited < 5_000; waited += 100) await down.waitForTimeout(100);
      expect(statusCalls).to.be.greaterThan(seen);
      await expectAccessible(down, "the dashboard with the indexer down");
      await screenshot(down, "dashboard-indexer-down");
    } finally {
      await context.close();
      await web.close();
    }
  });

  it("recovers by itself when the indexer answers again", async function () {
    await page.route("**/indexer/**", (route) => route.abort());
    try {
      await page.getByTestId("indexer-problem").waitFor({ timeout: 10_000 });
      expect(await page.getByTestId("indexer-problem").textContent()).to.include("Coffer's indexer is unreachable");
      // What was loaded stays on screen meanwhile.
      expect(await row().count()).to.equal(1);
    } finally {
      await page.unroute("**/indexer/**");
    }
    await page.getByTestId("indexer-problem").waitFor({ state: "detached", timeout: 10_000 });
    expect(await page.getByTestId("live-status").textContent()).to.match(/Indexed to block \d+/);
  });

  it("shows the reconciliation's mismatches when the chain and the index disagree", async function () {
    // Runs last: it writes the merchant's token balance behind the indexer's back (OpenZeppelin's ERC20 keeps
    // balances in slot 0), one tUSDC more than the Transfer events account for.
    const slot = ethers.keccak256(
      ethers.AbiCoder.defaultAbiCoder().encode(["address", "uint256"], [address(MERCHANT), 0]),
    );
    const onChain = (await balanceOf(MERCHANT)) + USDC(1);
    const value = ethers.zeroPadValue(ethers.toBeHex(onChain), 32);
    await stack.provider
      .send("anvil_setStorageAt", [usdcAddress, slot, value])
      .catch(() => stack.provider.send("hardhat_setStorageAt", [usdcAddress, slot, value]));
    await stack.provider.send("evm_mine", []);
    expect(await balanceOf(MERCHANT)).to.equal(onChain);
    await stack.waitForIndexer();
    const { page: fresh, context } = await stack.open(`dashboard.html?merchant=${address(MERCHANT)}`, CUSTOMER);
    try {
      const status = fresh.getByTestId("reconciliation-status");
      await status.waitFor({ timeout: 20_000 });
      expect(await status.getAttribute("data-ok")).to.equal("false");
      expect(await status.textContent()).to.match(/^Mismatch 1 of \d+ balances differ from the chain at block \d+/);
      const difference = fresh.getByTestId("reconciliation-difference");
      expect(await difference.count()).to.equal(1);
      expect(await difference.textContent()).to.include(address(MERCHANT).slice(0, 6).toLowerCase());
      // The token's symbol and decimals are read after the report names the token.
      const differenceAmount = difference.locator("td").last();
      await differenceAmount.filter({ hasText: "tUSDC" }).waitFor({ timeout: 10_000 });
      expect(await differenceAmount.textContent()).to.equal("−1.00 tUSDC");
      await expectAccessible(fresh, "the dashboard with a reconciliation mismatch");
    } finally {
      await context.close();
    }
  });
});
