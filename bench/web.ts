/**
 * `npm run bench:web`: what the web app costs its readers. Measures the production build in `web/dist` (run
 * `npm run compile` first):
 * - the JavaScript each page loads: its entry and every chunk it imports, minified and gzipped (level 9), next to
 *   the checkout's budget of 250 kB gzipped (the run fails above it);
 * - the time from navigation to an interactive checkout (an invoice shown and checked against the indexer, its
 *   wallet buttons ready: the page's `coffer:checkout-interactive` performance mark) in headless Chromium, over
 *   the whole stack of the browser tests (local chain, indexer, served app); median of `BENCH_WEB_RUNS` (10);
 * - the time from a payment's block to its row in an open merchant dashboard, when the dashboard has one.
 * Writes `bench/results/web.json` through `writeWebResults`, which rewrites the report.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { buildPayment, createCofferClient, getChainTime } from "../sdk/src";
import * as escrow from "../sdk/src/escrow";
import { checkoutLink } from "../scripts/lib/checkout-links";
import { WEB_DIST } from "../scripts/lib/web-server";
import { msUntilPaymentRow } from "../test/web/dashboard-live";
import { startWebStack, type WebStack } from "../test/web/stack";
import { MockERC20__factory } from "../typechain-types";
import { gitCommit, machineInfo, packageVersion } from "./environment";
import { writeWebResults } from "./report";
import type { WebResults } from "./results";
import { timing } from "./stats";

/** The checkout page's JavaScript budget, gzipped. */
export const CHECKOUT_BUDGET_GZIP_BYTES = 250_000;
const PAGES = ["checkout", "dashboard", "treasury", "index"] as const;

/** The JavaScript files a built page loads: its module script and the chunks it preloads. */
export function pageScripts(distDir: string, page: string): string[] {
  const html = fs.readFileSync(path.join(distDir, `${page}.html`), "utf8");
  const sources = [
    ...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
  ].map((match) => match[1]!.replace(/^\.\//, ""));
  return [...new Set(sources)];
}

/** Minified and gzipped bytes of a page's JavaScript. */
export function pageWeight(distDir: string, page: string) {
  const files = pageScripts(distDir, page);
  let minifiedBytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const code = fs.readFileSync(path.join(distDir, file));
    minifiedBytes += code.length;
    gzipBytes += gzipSync(code, { level: 9 }).length;
  }
  return { page, files, minifiedBytes, gzipBytes };
}

/** Navigation to the checkout's interactive mark, `runs` times, each in a new browser context. */
async function checkoutInteractive(stack: WebStack, runs: number): Promise<number[]> {
  const manifest = stack.local.first.manifest;
  const merchant = await createCofferClient({ runner: stack.signer(7), manifest });
  const invoice = await escrow.createInvoice(merchant, stack.signer(7), {
    token: manifest.contracts["TestUSDC"]!.address,
    amount: 19_990_000n,
    reference: "BENCH-INTERACTIVE",
    now: await getChainTime(stack.provider),
  });
  const link = checkoutLink(stack.web.url, {
    invoice: {
      format: "coffer-invoice/1",
      chainId: 31337,
      escrow: await merchant.escrow.getAddress(),
      invoiceId: invoice.invoiceId,
      invoice: invoice.invoice,
      signature: invoice.signature,
    },
  });
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const { page, context } = await stack.open(link.slice(stack.web.url.length), 5);
    await page.waitForFunction('performance.getEntriesByName("coffer:checkout-interactive").length > 0', null, {
      timeout: 30_000,
    });
    samples.push(
      (await page.evaluate('performance.getEntriesByName("coffer:checkout-interactive")[0].startTime')) as number,
    );
    await context.close();
  }
  return samples;
}

/**
 * A payment's block to its row in an open merchant dashboard: `runs` escrowed payments one after another, each
 * timed from its receipt to its row (the dashboard polls the indexer about every second, without a reload).
 */
async function dashboardLatency(stack: WebStack, runs: number): Promise<number[]> {
  const manifest = stack.local.first.manifest;
  const token = manifest.contracts["TestUSDC"]!.address;
  const [customer, merchant, operator] = [5, 6, 7].map((index) => stack.signer(index));
  const usdc = MockERC20__factory.connect(token, stack.signer(0));
  await (await usdc.mint(customer!.address, 1_000_000n * BigInt(runs))).wait();
  const client = await createCofferClient({ runner: customer!, manifest });
  const { page, context } = await stack.open(`dashboard.html?merchant=${merchant!.address}`, 7);
  await page.getByTestId("indexed-block").waitFor({ timeout: 30_000 });
  const samples: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const payment = buildPayment({
        operator: operator!.address,
        payer: customer!.address,
        payee: merchant!.address,
        token,
        maxAmount: 1_000_000n,
        reference: `BENCH-DASHBOARD-${run}`,
        now: await getChainTime(stack.provider),
      });
      const { paymentId } = await escrow.authorize(client, payment, 1_000_000n);
      samples.push(await msUntilPaymentRow(page, paymentId, Date.now()));
    }
  } finally {
    await context.close();
  }
  return samples;
}

async function main(): Promise<void> {
  const runs = Number(process.env.BENCH_WEB_RUNS ?? 10);
  const date = new Date().toISOString();
  const loadAtStart = os.loadavg()[0]!;
  const pages = PAGES.filter((page) => fs.existsSync(path.join(WEB_DIST, `${page}.html`))).map((page) =>
    pageWeight(WEB_DIST, page),
  );
  for (const page of pages) console.log(`${page.page}: ${page.gzipBytes} B gzipped in ${page.files.length} files`);
  const checkout = pages.find((page) => page.page === "checkout");
  if (checkout === undefined) throw new Error("web/dist has no checkout page: run `npm run compile`");

  console.log("Starting the stack (chain, indexer, served app, Chromium)…");
  const stack = await startWebStack();
  let interactive: number[];
  let dashboard: number[] | undefined;
  try {
    interactive = await checkoutInteractive(stack, runs);
    if (pages.some((page) => page.page === "dashboard")) dashboard = await dashboardLatency(stack, runs);
  } finally {
    await stack.stop();
  }
  const results: WebResults = {
    schema: 1,
    date,
    ...gitCommit(),
    machine: machineInfo(),
    versions: {
      node: process.version,
      vite: packageVersion("vite"),
      react: packageVersion("react"),
      chromium: (await import("node:child_process"))
        .execFileSync("/usr/bin/chromium", ["--version"], { encoding: "utf8" })
        .trim(),
    },
    bundler: `Vite ${packageVersion("vite")} (production build, minified, target es2022)`,
    pages,
    checkoutBudgetGzipBytes: CHECKOUT_BUDGET_GZIP_BYTES,
    checkoutInteractive: timing(interactive),
    ...(dashboard === undefined ? {} : { dashboardLatency: timing(dashboard) }),
    notes: [
      `Timings are wall-clock on a machine shared with other work: its 1-minute load average was ` +
        `${loadAtStart.toFixed(1)} at the start and ${os.loadavg()[0]!.toFixed(1)} at the end (${os.cpus().length} cores). ` +
        `The page, its indexer and its chain run on the same machine (loopback), so network latency is not included.`,
    ],
  };
  const written = writeWebResults(results);
  console.log(`Checkout interactive: median ${results.checkoutInteractive.medianMs.toFixed(0)} ms`);
  if (results.dashboardLatency !== undefined) {
    console.log(`Payment block to dashboard row: median ${results.dashboardLatency.medianMs.toFixed(0)} ms`);
  }
  console.log(`Wrote ${written.join(", ")} in bench/results/`);
  if (checkout.gzipBytes > CHECKOUT_BUDGET_GZIP_BYTES) {
    throw new Error(
      `The checkout ships ${checkout.gzipBytes} B gzipped, over its ${CHECKOUT_BUDGET_GZIP_BYTES} B budget`,
    );
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
