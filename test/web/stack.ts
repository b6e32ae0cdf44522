/**
 * Everything a browser test of the web app runs against, all real: a local chain with Coffer and its 2-of-3
 * treasury Safe deployed, the indexer (Ponder on PGlite) following it, the Safe approval service, the built app
 * served with its `config.json`, and headless Chromium with a test wallet injected per page.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect } from "chai";
import { ethers } from "ethers";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startSignatureService, type SignatureService } from "../../cli/safe-approval-server";
import { startIndexer, type RunningIndexer } from "../../scripts/lib/indexer-process";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { startWebServer, WEB_DIST, type WebServer } from "../../scripts/lib/web-server";
import { injectWallet, TestWallet } from "../helpers/browser-wallet";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { ensureSdkBuilt, ROOT } from "../helpers/sdk-build";

/** Debian's Chromium, which `.ci/run` installs. */
export const CHROMIUM = "/usr/bin/chromium";
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
/** Screenshots of each page, kept as test artifacts (git-ignored). */
export const SCREENSHOT_DIR = path.join(ROOT, "test-artifacts", "screenshots");

let webBuilt = false;
/** Builds the SDK and then the web app unless this process built it already (`npm test` builds both first). */
export function ensureWebBuilt(): void {
  ensureSdkBuilt();
  if (webBuilt && fs.existsSync(path.join(WEB_DIST, "checkout.html"))) return;
  execFileSync("npm", ["run", "build", "-w", "@coffer/web"], { cwd: ROOT, stdio: "pipe", timeout: 240_000 });
  webBuilt = true;
}

export interface WebStack {
  readonly local: DeployedLocalChain;
  readonly provider: ethers.JsonRpcProvider;
  readonly indexer: RunningIndexer;
  readonly safeService: SignatureService;
  readonly web: WebServer;
  readonly browser: Browser;
  /** A wallet of the local chain's development account `index`. */
  signer(index: number): ethers.Wallet;
  /** Opens `pathAndQuery` of the app in a new browser context with a test wallet of account `index`. */
  open(pathAndQuery: string, index: number): Promise<{ page: Page; wallet: TestWallet; context: BrowserContext }>;
  /** Waits until the indexer has the chain's current head. */
  waitForIndexer(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the stack; `after` must call `stop`. */
export async function startWebStack(): Promise<WebStack> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does: apt-get install chromium)`);
  }
  ensureWebBuilt();
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
  };
  try {
    const local = await startDeployedLocalChain();
    stops.push(() => local.stop());
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-web-"));
    stops.push(async () => fs.rmSync(runDir, { recursive: true, force: true }));
    const indexer = await startIndexer({
      chainId: 31337,
      rpcUrl: local.chain.url,
      deploymentsDir: local.deploymentsDir,
      database: { kind: "pglite", directory: path.join(runDir, "pglite") },
    });
    stops.push(() => indexer.stop());
    const safeService = await startSignatureService({ directory: path.join(runDir, "safe"), rpcUrl: local.chain.url });
    stops.push(() => safeService.close());
    const manifest = local.first.manifest;
    const web = await startWebServer({
      config: {
        chainId: 31337,
        chainName: "Local chain",
        manifest,
        treasurySafe: manifest.treasurySafe?.address,
      },
      rpcUrl: local.chain.url,
      indexerUrl: indexer.url,
      safeServiceUrl: safeService.url,
    });
    stops.push(() => web.close());
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
    stops.push(() => browser.close());
    const provider = local.chain.provider;
    const waitForIndexer = async () => indexer.waitForBlock(await provider.getBlockNumber(), 60_000);
    await waitForIndexer();
    return {
      local,
      provider,
      indexer,
      safeService,
      web,
      browser,
      signer: (index) => new ethers.Wallet(devPrivateKey(index), provider),
      async open(pathAndQuery, index) {
        const context = await browser.newContext({ locale: "en-US", viewport: { width: 1200, height: 900 } });
        const wallet = new TestWallet(new ethers.Wallet(devPrivateKey(index), provider), local.chain.url);
        await injectWallet(context, wallet);
        const page = await context.newPage();
        const errors: string[] = [];
        page.on("pageerror", (error) => errors.push(error.message));
        await page.goto(`${web.url}/${pathAndQuery.replace(/^\/+/, "")}`);
        await page.locator("h1").first().waitFor({ timeout: 30_000 });
        expect(errors, "errors on the page while loading").to.be.empty;
        return { page, wallet, context };
      },
      waitForIndexer,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Writes a full-page screenshot to `test-artifacts/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Fails on any accessibility violation axe-core finds (WCAG 2 A and AA rules): labels, contrast, roles, names. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const problems = results.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
        .slice(0, 3)
        .map((node) => node.target.join(" "))
        .join(", ")}`,
  );
  expect(problems, `accessibility problems on ${what}`).to.deep.equal([]);
}

/** Tabs through the page until an element whose accessible name matches has focus; fails after `limit` presses. */
export async function tabTo(page: Page, accessibleName: RegExp, limit = 40): Promise<void> {
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press("Tab");
    const name = (await page.evaluate(
      '(document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent ?? "").trim()',
    )) as string;
    if (accessibleName.test(name)) return;
  }
  throw new Error(`No element named ${accessibleName} reached with ${limit} Tab presses`);
}
