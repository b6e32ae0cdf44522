/**
 * `npm run bench:sdk`: what the SDK costs an app. Run after `npm run build -w @coffer/sdk`, since it measures the
 * built package (`sdk/dist/`) as apps import it.
 * - Browser bundle size: small programs bundled for the browser by Vite (production build, minified), each twice:
 *   with ethers, zod and Safe's libraries left out (the SDK's own code) and whole. The programs are an invoice
 *   checkout (`createCofferClient`, `escrow.payInvoice`, `escrow.isInvoicePaid` over a `BrowserProvider`), every
 *   export of `@coffer/sdk`, and every export of `@coffer/sdk` and `@coffer/sdk/safe`.
 * - Import time in Node: `require` and `import()` of the SDK, and of ethers alone, each timed inside a new Node
 *   process, the median of `BENCH_SDK_RUNS` (default 10) processes.
 * Writes `bench/results/sdk.json` through `writeSdkResults`, which rewrites the report.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { gitCommit, machineInfo, packageVersion } from "./environment";
import { writeSdkResults } from "./report";
import { RESULTS_DIR, type SdkResults } from "./results";

const ROOT = path.join(__dirname, "..");
const SDK_DIST = path.join(ROOT, "sdk", "dist");

/** Vite, as far as this benchmark uses it. */
interface Vite {
  version: string;
  build(config: Record<string, unknown>): Promise<unknown>;
}
// Vite ships ESM only, with types that resolve under moduleResolution node16 or bundler but not under the
// repository's "node": loaded with require (Node 20.19 and later load ES modules so).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const vite = require("vite") as Vite;

/** A program to bundle: its source, importing the SDK as an app does. */
interface Program {
  readonly name: string;
  readonly description: string;
  readonly source: string;
}

const PROGRAMS: readonly Program[] = [
  {
    name: "invoice checkout",
    description: "`createCofferClient`, `escrow.payInvoice` and `escrow.isInvoicePaid` over an injected wallet",
    source: `import { BrowserProvider } from "ethers";
import { createCofferClient, escrow } from "@coffer/sdk";

globalThis.payInvoice = async (manifest, invoice, signature) => {
  const provider = new BrowserProvider(globalThis.ethereum);
  const client = await createCofferClient({ runner: await provider.getSigner(), manifest });
  const receipt = await escrow.payInvoice(client, invoice, signature);
  return { hash: receipt.transactionHash, paid: await escrow.isInvoicePaid(client, invoice) };
};
`,
  },
  {
    name: "everything",
    description: "every export of `@coffer/sdk`, and a `BrowserProvider`",
    source: `import { BrowserProvider } from "ethers";
import * as coffer from "@coffer/sdk";
globalThis.coffer = coffer;
globalThis.wallet = () => new BrowserProvider(globalThis.ethereum);
`,
  },
  {
    name: "everything and Safe",
    description: "every export of `@coffer/sdk` and `@coffer/sdk/safe`, and a `BrowserProvider`",
    source: `import { BrowserProvider } from "ethers";
import * as coffer from "@coffer/sdk";
import * as cofferSafe from "@coffer/sdk/safe";
globalThis.coffer = coffer;
globalThis.cofferSafe = cofferSafe;
globalThis.wallet = () => new BrowserProvider(globalThis.ethereum);
`,
  },
];

/** What any app that talks to a wallet bundles without the SDK: ethers' `BrowserProvider`. */
const BASELINE: Program = {
  name: "baseline",
  description: "ethers' `BrowserProvider` alone, no SDK",
  source: `import { BrowserProvider } from "ethers";
globalThis.wallet = () => new BrowserProvider(globalThis.ethereum);
`,
};

/** The dependencies left out of the "SDK alone" bundles. */
const DEPENDENCIES = [/^ethers($|\/)/, /^zod($|\/)/, /^@safe-global\//];

/** The minified and gzipped size of the JavaScript that Vite bundles from `entry` (every chunk, summed). */
async function bundleSize(
  entry: string,
  external: readonly RegExp[],
): Promise<{ minifiedBytes: number; gzipBytes: number }> {
  const outDir = fs.mkdtempSync(path.join(path.dirname(entry), "out-"));
  await vite.build({
    root: path.dirname(entry),
    configFile: false,
    logLevel: "silent",
    mode: "production",
    build: {
      outDir,
      emptyOutDir: true,
      minify: true,
      target: "es2022",
      modulePreload: false,
      reportCompressedSize: false,
      rollupOptions: { input: entry, external: [...external] },
    },
  });
  let minifiedBytes = 0;
  let gzipBytes = 0;
  for (const file of fs.readdirSync(outDir, { recursive: true, encoding: "utf8" })) {
    if (!file.endsWith(".js")) continue;
    const code = fs.readFileSync(path.join(outDir, file));
    minifiedBytes += code.length;
    gzipBytes += gzipSync(code, { level: 9 }).length;
  }
  if (minifiedBytes === 0) throw new Error(`Vite produced no JavaScript for ${entry}`);
  return { minifiedBytes, gzipBytes };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Milliseconds that loading `module` takes in a new Node process (from the repository, as a workspace sees it). */
function importTimeOnce(module: string, system: "commonjs" | "esm"): number {
  const load = system === "esm" ? `await import(${JSON.stringify(module)})` : `require(${JSON.stringify(module)})`;
  const script =
    `const started = process.hrtime.bigint(); ${load}; ` +
    "console.log(Number(process.hrtime.bigint() - started) / 1e6);";
  const args = system === "esm" ? ["--input-type=module", "-e", script] : ["-e", script];
  const output = execFileSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  const ms = Number(output.trim().split("\n").pop());
  if (!Number.isFinite(ms)) throw new Error(`No time from loading ${module}: ${output}`);
  return ms;
}

function importTime(module: string, system: "commonjs" | "esm", runs: number) {
  importTimeOnce(module, system); // a first load warms the file cache
  const times = Array.from({ length: runs }, () => importTimeOnce(module, system));
  return {
    module,
    system,
    medianMs: Math.round(median(times) * 10) / 10,
    minMs: Math.round(Math.min(...times) * 10) / 10,
    maxMs: Math.round(Math.max(...times) * 10) / 10,
  };
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(SDK_DIST, "index.mjs"))) {
    throw new Error("sdk/dist/ is missing: run `npm run build -w @coffer/sdk` first");
  }
  const runs = Number(process.env.BENCH_SDK_RUNS ?? 10);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`BENCH_SDK_RUNS must be a positive integer, not ${runs}`);
  const date = new Date().toISOString();
  const loadAtStart = os.loadavg()[0]!;

  // The programs live under node_modules/ so that they resolve `@coffer/sdk` and ethers as a workspace app does.
  const cache = path.join(ROOT, "node_modules", ".cache");
  fs.mkdirSync(cache, { recursive: true });
  const work = fs.mkdtempSync(path.join(cache, "coffer-bench-sdk-"));
  const bundles: SdkResults["bundles"] = [];
  let baseline: SdkResults["baseline"];
  try {
    const entryOf = (program: Program, index: number): string => {
      const dir = path.join(work, String(index));
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, "main.js"), program.source);
      return path.join(dir, "main.js");
    };
    for (const [index, program] of PROGRAMS.entries()) {
      console.log(`Bundling "${program.name}"…`);
      const entry = entryOf(program, index);
      const sdk = await bundleSize(entry, DEPENDENCIES);
      const total = await bundleSize(entry, []);
      bundles.push({ name: program.name, description: program.description, sdk, total });
    }
    console.log(`Bundling the ${BASELINE.name}…`);
    const total = await bundleSize(entryOf(BASELINE, PROGRAMS.length), []);
    baseline = { description: BASELINE.description, total };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }

  console.log(`Timing imports in Node (${runs} processes each)…`);
  const modules = (["commonjs", "esm"] as const).flatMap((system) => [
    importTime("ethers", system, runs),
    importTime("@coffer/sdk", system, runs),
  ]);

  const results: SdkResults = {
    schema: 1,
    date,
    ...gitCommit(),
    machine: machineInfo(),
    versions: {
      node: process.version,
      "@coffer/sdk": packageVersion("@coffer/sdk"),
      ethers: packageVersion("ethers"),
      vite: vite.version,
    },
    bundler: `Vite ${vite.version} (production build, minified, target es2022)`,
    bundles,
    baseline,
    importTime: { runs, modules },
    notes: [
      `The import times are wall-clock times on a machine shared with other work: its 1-minute load average was ` +
        `${loadAtStart.toFixed(1)} at the start and ${os.loadavg()[0]!.toFixed(1)} at the end ` +
        `(${os.cpus().length} cores).`,
    ],
  };
  const dir = process.env.BENCH_SDK_RESULTS_DIR ?? RESULTS_DIR;
  const written = writeSdkResults(results, dir);
  console.log(table(results));
  console.log(`Wrote ${written.map((file) => path.relative(process.cwd(), path.join(dir, file))).join(", ")}`);
}

/** The figures in a few lines, for the terminal. */
function table(results: SdkResults): string {
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  return [
    `baseline (${results.baseline.description}): ${kib(results.baseline.total.minifiedBytes)} ` +
      `(${kib(results.baseline.total.gzipBytes)} gzipped)`,
    ...results.bundles.map(
      (b) =>
        `${b.name}: SDK ${kib(b.sdk.minifiedBytes)} (${kib(b.sdk.gzipBytes)} gzipped), ` +
        `with dependencies ${kib(b.total.minifiedBytes)} (${kib(b.total.gzipBytes)} gzipped)`,
    ),
    ...results.importTime.modules.map((m) => `import ${m.module} (${m.system}): median ${m.medianMs} ms`),
  ].join("\n");
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  });
}
