import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "ethers";
import { chromium, type Browser, type Page } from "playwright-core";
import { createCofferClient } from "../../sdk/src";
import * as escrow from "../../sdk/src/escrow";
import { MockERC20__factory } from "../../typechain-types";
import { devPrivateKey, freePort } from "../../scripts/lib/local-chain";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { injectWallet, TestWallet } from "../helpers/browser-wallet";
import { ensureSdkBuilt } from "../helpers/sdk-build";

/** Vite's `build`, as far as this test uses it. */
interface ViteBuild {
  build(config: {
    root: string;
    configFile: false;
    logLevel: "silent";
    build: { outDir: string; emptyOutDir: boolean; minify: boolean };
  }): Promise<unknown>;
}
// Vite ships ESM only, with types that resolve under moduleResolution node16 or bundler but not under the
// repository's "node": loaded with require (Node 20.19 and later load ES modules so).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { build } = require("vite") as ViteBuild;

/** Debian's Chromium, which `.ci/run` installs. */
const CHROMIUM = "/usr/bin/chromium";
/** Flags for a headless Chromium that never dials out (this network refuses Google's hosts). */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const PAGE_DIR = path.join(__dirname, "page");

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
};

/** Serves the files of `root` on 127.0.0.1:`port`. */
async function serveStatic(root: string, port: number): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const relative = url.pathname === "/" ? "index.html" : decodeURIComponent(url.pathname).replace(/^\/+/, "");
    const file = path.resolve(root, relative);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      response.writeHead(404).end("not found");
      return;
    }
    response.writeHead(200, { "content-type": CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return server;
}

/**
 * A checkout page bundled by Vite from `@coffer/sdk` (the built package, as apps import it) pays a merchant's
 * invoice in headless Chromium, through an injected EIP-1193 wallet backed by a local chain.
 */
describe("browser: a Vite-bundled checkout pays an invoice in Chromium", function () {
  this.timeout(180_000);

  let local: DeployedLocalChain;
  let outDir: string;
  let server: http.Server;
  let origin: string;
  let browser: Browser;
  let page: Page;
  let customer: TestWallet;
  let usdcAddress: string;
  const CUSTOMER = 5;
  const MERCHANT = 7;

  const wallet = (index: number) => new ethers.Wallet(devPrivateKey(index), local.chain.provider);
  const usdcBalance = (address: string) =>
    MockERC20__factory.connect(usdcAddress, local.chain.provider).balanceOf(address);

  /** An invoice signed by the merchant with the SDK, as JSON for the page. */
  async function merchantInvoice(amount: bigint, reference: string) {
    const merchant = await createCofferClient({ runner: wallet(MERCHANT), manifest: local.first.manifest });
    const now = BigInt((await local.chain.provider.getBlock("latest"))!.timestamp);
    const created = await escrow.createInvoice(merchant, wallet(MERCHANT), {
      token: usdcAddress,
      amount,
      reference,
      now,
    });
    const json = JSON.parse(
      JSON.stringify(created.invoice, (_, value: unknown) => (typeof value === "bigint" ? value.toString() : value)),
    ) as Record<string, string>;
    return { ...created, json, merchant };
  }

  const payFromPage = (invoice: Record<string, string>, signature: string) =>
    page.evaluate(
      ([manifest, json, sig]) =>
        (
          globalThis as unknown as {
            payInvoice(
              m: unknown,
              i: unknown,
              s: string,
            ): Promise<{
              transactionHash: string;
              approvalHash: string | null;
              invoiceId: string;
              events: string[];
              paid: boolean;
            }>;
          }
        ).payInvoice(manifest, json, sig),
      [local.first.manifest, invoice, signature] as const,
    );

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does: apt-get install chromium)`);
    }
    ensureSdkBuilt();
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-checkout-page-"));
    await build({
      root: PAGE_DIR,
      configFile: false,
      logLevel: "silent",
      build: { outDir, emptyOutDir: true, minify: true },
    });

    local = await startDeployedLocalChain();
    usdcAddress = local.first.manifest.contracts["TestUSDC"]!.address;
    const usdc = MockERC20__factory.connect(usdcAddress, wallet(0));
    await (await usdc.mint(wallet(CUSTOMER).address, 1_000_000_000n)).wait();

    const port = await freePort();
    server = await serveStatic(outDir, port);
    origin = `http://127.0.0.1:${port}`;
    customer = new TestWallet(wallet(CUSTOMER), local.chain.url);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
    const context = await browser.newContext();
    await injectWallet(context, customer);
    page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(`${origin}/`);
    try {
      await page.waitForFunction(
        () => typeof (globalThis as { payInvoice?: unknown }).payInvoice === "function",
        null,
        {
          timeout: 30_000,
        },
      );
    } catch (error) {
      throw new Error(
        `The checkout page did not set up window.payInvoice: ${pageErrors.join("; ") || (error as Error).message}`,
      );
    }
    expect(pageErrors, "errors on the page").to.be.empty;
  });

  after(async function () {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await local?.stop();
    if (outDir !== undefined) fs.rmSync(outDir, { recursive: true, force: true });
  });

  it("bundles the SDK for the browser without Node's built-in modules", function () {
    const scripts = fs
      .readdirSync(outDir, { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".js"))
      .map((file) => fs.readFileSync(path.join(outDir, file), "utf8"));
    expect(scripts, "the bundle's scripts").to.not.be.empty;
    for (const code of scripts) {
      expect(code).to.not.match(/["'`]node:[a-z_/]+["'`]/);
      expect(code).to.not.include("__vite-browser-external");
      expect(code).to.include("payInvoice");
    }
  });

  it("pays a merchant-signed invoice from the page", async function () {
    const amount = 42_500_000n;
    const { json, signature, invoiceId, merchant } = await merchantInvoice(amount, "INV-BROWSER-1");
    const merchantBefore = await usdcBalance(wallet(MERCHANT).address);
    const customerBefore = await usdcBalance(wallet(CUSTOMER).address);
    customer.calls.length = 0;

    const paid = await payFromPage(json, signature);

    expect(paid.invoiceId).to.equal(invoiceId);
    expect(paid.paid, "isInvoicePaid read from the page").to.equal(true);
    expect(paid.events).to.include("InvoicePaid");
    expect(paid.approvalHash, "the SDK approved the escrow first").to.match(/^0x[0-9a-f]{64}$/);
    expect(customer.calls.filter((method) => method === "eth_sendTransaction")).to.have.length(2);
    const receipt = await local.chain.provider.getTransactionReceipt(paid.transactionHash);
    expect(receipt?.status).to.equal(1);
    expect(receipt?.from).to.equal(wallet(CUSTOMER).address);
    expect(await escrow.isInvoicePaid(merchant, invoiceId)).to.equal(true);
    expect(await usdcBalance(wallet(MERCHANT).address)).to.equal(merchantBefore + amount);
    expect(await usdcBalance(wallet(CUSTOMER).address)).to.equal(customerBefore - amount);
  });

  it("refuses to pay a paid invoice again, readably, with nothing approved or sent", async function () {
    const { json, signature, invoiceId } = await merchantInvoice(7_000_000n, "INV-BROWSER-2");
    await payFromPage(json, signature);
    const nonceBefore = await local.chain.provider.getTransactionCount(wallet(CUSTOMER).address);
    const merchantBefore = await usdcBalance(wallet(MERCHANT).address);
    customer.calls.length = 0;

    const error = await payFromPage(json, signature).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    expect(error, "the page's payInvoice rejected").to.be.instanceOf(Error);
    const message = (error as Error).message;
    expect(message, "the SDK's typed error, thrown in the page").to.include("CofferContractError: ");
    expect(message).to.include("Escrow: invoice already paid");
    expect(message).to.include(`invoiceId ${invoiceId}`);
    expect(message).to.include("[CofferEscrowInvoiceAlreadyPaid]");
    expect(customer.calls, "no transaction asked of the wallet").to.not.include("eth_sendTransaction");
    expect(await local.chain.provider.getTransactionCount(wallet(CUSTOMER).address)).to.equal(nonceBefore);
    expect(await usdcBalance(wallet(MERCHANT).address)).to.equal(merchantBefore);
  });
});
