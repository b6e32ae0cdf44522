import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { ethers } from "ethers";
import { MockERC20__factory } from "../../typechain-types";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { ROOT, ensureSdkBuilt } from "../helpers/sdk-build";

const execFileAsync = promisify(execFile);

/** Runs a command; one still running after `timeout` ms is killed outright (npm lingers after a SIGTERM). */
const run = (file: string, args: readonly string[], options: { cwd?: string; timeout: number }) =>
  execFileAsync(file, args, { ...options, killSignal: "SIGKILL", maxBuffer: 16 * 1024 * 1024 });

/**
 * Installs the app's dependencies from the npm cache: offline first (the repository's own install put every
 * package there), and only when something is not cached with the registry's help, each request bounded.
 */
async function npmInstall(cwd: string): Promise<void> {
  const common = ["install", "--no-audit", "--no-fund", "--loglevel=error"];
  try {
    await run("npm", [...common, "--offline"], { cwd, timeout: 120_000 });
  } catch {
    await run("npm", [...common, "--prefer-offline", "--fetch-timeout=30000", "--fetch-retries=2"], {
      cwd,
      timeout: 180_000,
    });
  }
}

/** The exact version of a package the repository installs (ethers). */
function rootVersion(name: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const version = manifest.dependencies[name] ?? manifest.devDependencies[name];
  if (version === undefined || !/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`${name} is not pinned exactly`);
  return version;
}

/**
 * Runs `node <file>` in `cwd` with the JSON `input` as its argument and returns its standard output; a failing
 * program fails the test with its output.
 */
async function runNode(cwd: string, file: string, input: unknown): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, [file, JSON.stringify(input)], { cwd, timeout: 60_000 });
    return stdout;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`node ${file} failed: ${failed.message}\n${failed.stdout ?? ""}\n${failed.stderr ?? ""}`);
  }
}

/** The program's last line, which is its JSON result. */
function lastJsonLine(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

// What each program does, with the ESM (`import`) and the CommonJS (`require`) build: clients for the payer and
// the operator over JSON-RPC, a payment built at the chain's time, authorized by the payer (the SDK approves the
// escrow), captured in full by the operator, a second capture refused, and the payment's state read back.
const PROGRAM_BODY = `
  const input = JSON.parse(process.argv[2]);
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname_, "manifest.json"), "utf8"));
  const provider = new ethers.JsonRpcProvider(input.rpcUrl, manifest.chainId, { staticNetwork: true, cacheTimeout: -1 });
  const payer = await createCofferClient({ runner: new ethers.Wallet(input.payerKey, provider), manifest });
  const operator = await createCofferClient({ runner: new ethers.Wallet(input.operatorKey, provider), manifest });
  const amount = BigInt(input.amount);
  const payment = buildPayment({
    operator: await operator.signer.getAddress(),
    payer: await payer.signer.getAddress(),
    payee: input.payee,
    token: manifest.contracts.TestUSDC.address,
    maxAmount: amount,
    reference: input.reference,
    now: await getChainTime(provider),
  });
  const authorized = await escrow.authorize(payer, payment, amount);
  const captured = await escrow.capture(operator, payment, amount, 0);
  let refused;
  try {
    await escrow.capture(operator, payment, amount, 0);
  } catch (error) {
    refused = error;
  }
  const state = await escrow.getPaymentState(payer, payment);
  provider.destroy();
  console.log(
    JSON.stringify({
      resolved: resolvedSdk,
      paymentId: authorized.paymentId,
      approved: authorized.approval !== undefined,
      captureEvents: captured.events.map((event) => event.name),
      state: { ...state, capturable: state.capturable.toString(), refundable: state.refundable.toString() },
      refused: {
        isCofferError: refused instanceof CofferError,
        isContractError: refused instanceof CofferContractError,
        name: refused && refused.name,
        errorName: refused && refused.errorName,
        message: refused && refused.message,
      },
    }),
  );
`;

const ESM_PROGRAM = `import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ethers } from "ethers";
import { CofferContractError, CofferError, buildPayment, createCofferClient, escrow, getChainTime } from "@coffer/sdk";

const __dirname_ = path.dirname(fileURLToPath(import.meta.url));
const resolvedSdk = fileURLToPath(import.meta.resolve("@coffer/sdk"));
// Top-level await: this whole program runs at the module's top level.
${PROGRAM_BODY}`;

const CJS_PROGRAM = `"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { ethers } = require("ethers");
const { CofferContractError, CofferError, buildPayment, createCofferClient, escrow, getChainTime } = require("@coffer/sdk");

const __dirname_ = __dirname;
const resolvedSdk = require.resolve("@coffer/sdk");
async function main() {
${PROGRAM_BODY}
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

// Type-checks an app's use of the package: its types must resolve under each module resolution an app may use, with
// the library checks on (`@coffer/sdk/safe` and `/node` need Safe's optional libraries, which this app does not have;
// `@coffer/sdk/safe-tx` does not).
const TYPES_CHECK = `import { ethers } from "ethers";
import {
  CofferContractError,
  buildInvoice,
  createCofferClient,
  escrow,
  type CofferClient,
  type DeploymentManifest,
  type Invoice,
  type PaymentState,
} from "@coffer/sdk";
import { computeSafeTxHash, type SafeTransactionFile } from "@coffer/sdk/safe-tx";

export const hashOf = (file: SafeTransactionFile): string =>
  computeSafeTxHash(file.chainId, file.safeAddress, file.transaction);

export async function pay(manifest: DeploymentManifest, signer: ethers.Signer, invoice: Invoice, signature: string) {
  const client: CofferClient = await createCofferClient({ runner: signer, manifest });
  try {
    const receipt = await escrow.payInvoice(client, invoice, signature);
    const hash: string = receipt.transactionHash;
    const id: string = receipt.invoiceId;
    return { hash, id, paid: await escrow.isInvoicePaid(client, invoice) };
  } catch (error) {
    if (error instanceof CofferContractError) return { errorName: error.errorName };
    throw error;
  }
}

export const invoice: Invoice = buildInvoice({ payee: ethers.ZeroAddress.replace(/0$/, "1"), token: ethers.ZeroAddress, amount: 1n, reference: "A-1" });
export type State = PaymentState["status"];
// The declarations carry the real signatures: a missing argument is an error.
// @ts-expect-error payInvoice needs the payee's signature
export const unsigned = (client: CofferClient, unpaid: Invoice) => escrow.payInvoice(client, unpaid);
`;

/**
 * The SDK as its users get it: `npm pack`'s tarball installed into a new folder outside the repository, with
 * ethers and TypeScript from the npm cache, then an ESM and a CommonJS program that authorize and capture a
 * payment against a local chain, and a type check under the module resolutions an app may use.
 */
describe("package: @coffer/sdk installed from its tarball", function () {
  this.timeout(300_000);

  let work: string;
  let app: string;
  let tarballFiles: string[];
  let local: DeployedLocalChain;
  let usdcAddress: string;
  const PAYER = 5;
  const OPERATOR = 6;
  const AMOUNT = 25_000_000n;

  const wallet = (index: number) => new ethers.Wallet(devPrivateKey(index), local.chain.provider);
  const usdcBalance = (address: string) =>
    MockERC20__factory.connect(usdcAddress, local.chain.provider).balanceOf(address);

  before(async function () {
    ensureSdkBuilt();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-sdk-pack-"));
    const { stdout } = await run(
      "npm",
      ["pack", "--workspace", "@coffer/sdk", "--pack-destination", work, "--json", "--silent"],
      { cwd: ROOT, timeout: 120_000 },
    );
    const packed = JSON.parse(stdout.slice(stdout.indexOf("["))) as { filename: string }[];
    const tarball = path.join(work, path.basename(packed[0]!.filename));
    const listing = await run("tar", ["-tzf", tarball], { timeout: 30_000 });
    tarballFiles = listing.stdout.trim().split("\n");

    app = path.join(work, "app");
    fs.mkdirSync(app);
    fs.writeFileSync(
      path.join(app, "package.json"),
      JSON.stringify(
        {
          name: "coffer-sdk-install-check",
          private: true,
          dependencies: { "@coffer/sdk": `file:${tarball}`, ethers: rootVersion("ethers") },
        },
        null,
        2,
      ),
    );
    await npmInstall(app);

    local = await startDeployedLocalChain();
    usdcAddress = local.first.manifest.contracts["TestUSDC"]!.address;
    fs.writeFileSync(path.join(app, "manifest.json"), JSON.stringify(local.first.manifest, null, 2));
    const usdc = MockERC20__factory.connect(usdcAddress, wallet(0));
    await (await usdc.mint(wallet(PAYER).address, 10n * AMOUNT)).wait();
    fs.writeFileSync(path.join(app, "pay.mjs"), ESM_PROGRAM);
    fs.writeFileSync(path.join(app, "pay.cjs"), CJS_PROGRAM);
  });

  after(async function () {
    await local?.stop();
    if (work !== undefined) fs.rmSync(work, { recursive: true, force: true });
  });

  it("packs the builds, the declarations, package.json and the licence", function () {
    for (const file of [
      "package/package.json",
      "package/LICENSE",
      "package/dist/index.mjs",
      "package/dist/index.js",
      "package/dist/index.d.ts",
      "package/dist/index.d.mts",
      "package/dist/safe/index.mjs",
      "package/dist/safe/index.js",
      "package/dist/safe-tx/index.mjs",
      "package/dist/safe-tx/index.js",
      "package/dist/node/index.mjs",
      "package/dist/node/index.js",
      "package/dist/webhooks/index.mjs",
      "package/dist/webhooks/index.js",
      "package/dist/x402/index.mjs",
      "package/dist/x402/index.js",
    ]) {
      expect(tarballFiles, file).to.include(file);
    }
    expect(
      tarballFiles.filter((file) => file.startsWith("package/src/")),
      "sources are not shipped",
    ).to.be.empty;
    const installed = fs.readFileSync(path.join(app, "node_modules", "@coffer", "sdk", "LICENSE"), "utf8");
    expect(installed).to.equal(fs.readFileSync(path.join(ROOT, "LICENSE"), "utf8"));
  });

  for (const [kind, file, payeeIndex, build] of [
    ["ESM (import, top-level await)", "pay.mjs", 7, "index.mjs"],
    ["CommonJS (require)", "pay.cjs", 8, "index.js"],
  ] as const) {
    it(`authorizes and captures a payment from a ${kind} program`, async function () {
      const payee = wallet(payeeIndex).address;
      const before = await usdcBalance(payee);
      const result = lastJsonLine(
        await runNode(app, file, {
          rpcUrl: local.chain.url,
          payerKey: devPrivateKey(PAYER),
          operatorKey: devPrivateKey(OPERATOR),
          payee,
          amount: AMOUNT.toString(),
          reference: `install-${file}`,
        }),
      );
      expect(result["resolved"], "the build the program loaded").to.equal(
        path.join(fs.realpathSync(app), "node_modules", "@coffer", "sdk", "dist", build),
      );
      expect(result["approved"], "the SDK approved the escrow itself").to.equal(true);
      expect(result["captureEvents"]).to.include("PaymentCaptured");
      expect(result["state"]).to.deep.equal({
        paymentId: result["paymentId"],
        status: "authorized",
        capturable: "0",
        refundable: AMOUNT.toString(),
      });
      const refused = result["refused"] as Record<string, unknown>;
      expect(refused["isCofferError"], "instanceof CofferError").to.equal(true);
      expect(refused["isContractError"], "instanceof CofferContractError").to.equal(true);
      expect(refused["name"]).to.equal("CofferContractError");
      expect(refused["errorName"]).to.equal("CofferEscrowInvalidAmount");
      expect(refused["message"]).to.equal(
        `Escrow: invalid amount (amount ${AMOUNT}, maximum 0) [CofferEscrowInvalidAmount]`,
      );
      expect(await usdcBalance(payee)).to.equal(before + AMOUNT);
      // The state on chain, read without the SDK: (capturable, refundable, status authorized).
      const state = await local.chain.provider.call({
        to: local.first.manifest.contracts["CofferEscrow"]!.address,
        data: new ethers.Interface([
          "function getPaymentState(bytes32) view returns (uint120, uint120, uint8)",
        ]).encodeFunctionData("getPaymentState", [result["paymentId"]]),
      });
      const decoded = ethers.AbiCoder.defaultAbiCoder().decode(["uint120", "uint120", "uint8"], state);
      expect(decoded.toArray()).to.deep.equal([0n, AMOUNT, 1n]);
    });
  }

  it("reads a manifest through @coffer/sdk/node without Safe's optional libraries installed", async function () {
    // Safe's libraries are optional peers: the app did not install them, and the node entry must not need them.
    expect(fs.existsSync(path.join(app, "node_modules", "@safe-global", "protocol-kit"))).to.equal(false);
    for (const [file, load] of [
      ["manifest.cjs", 'const { readDeploymentManifest } = require("@coffer/sdk/node");'],
      ["manifest.mjs", 'import { readDeploymentManifest } from "@coffer/sdk/node";'],
    ] as const) {
      fs.writeFileSync(
        path.join(app, file),
        `${load}\nconst manifest = readDeploymentManifest(process.cwd(), 31337);\n` +
          "console.log(JSON.stringify({ escrow: manifest.contracts.CofferEscrow.address }));\n",
      );
      fs.copyFileSync(path.join(app, "manifest.json"), path.join(app, "31337.json"));
      const result = lastJsonLine(await runNode(app, file, {}));
      expect(result, file).to.deep.equal({ escrow: local.first.manifest.contracts["CofferEscrow"]!.address });
    }
  });

  it("hashes and describes a Safe transaction through @coffer/sdk/safe-tx without Safe's libraries installed", async function () {
    expect(fs.existsSync(path.join(app, "node_modules", "@safe-global"))).to.equal(false);
    const safe = local.first.manifest.treasurySafe!.address;
    const transaction = {
      to: usdcAddress,
      value: "0",
      data: new ethers.Interface(["function transfer(address,uint256)"]).encodeFunctionData("transfer", [
        wallet(7).address,
        AMOUNT,
      ]),
      operation: 0,
      safeTxGas: "0",
      baseGas: "0",
      gasPrice: "0",
      gasToken: ethers.ZeroAddress,
      refundReceiver: ethers.ZeroAddress,
      nonce: 7,
    };
    const onChain = (await new ethers.Contract(
      safe,
      [
        "function getTransactionHash(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,uint256) view returns (bytes32)",
      ],
      local.chain.provider,
    ).getFunction("getTransactionHash")(...Object.values(transaction))) as string;
    const program =
      "const input = JSON.parse(process.argv[2]);\n" +
      "const hash = computeSafeTxHash(31337, input.safe, input.transaction);\n" +
      "const description = describeSafeTransaction({ safeAddress: input.safe, transaction: input.transaction });\n" +
      "console.log(JSON.stringify({ hash, description }));\n";
    for (const [file, load] of [
      ["safe-tx.cjs", 'const { computeSafeTxHash, describeSafeTransaction } = require("@coffer/sdk/safe-tx");'],
      ["safe-tx.mjs", 'import { computeSafeTxHash, describeSafeTransaction } from "@coffer/sdk/safe-tx";'],
    ] as const) {
      fs.writeFileSync(path.join(app, file), `${load}\n${program}`);
      const result = lastJsonLine(await runNode(app, file, { safe, transaction }));
      expect(result, file).to.deep.equal({
        hash: onChain.toLowerCase(),
        description: { kind: "erc20Transfer", token: usdcAddress, to: wallet(7).address, amount: AMOUNT.toString() },
      });
    }
  });

  it("verifies a webhook through @coffer/sdk/webhooks, signed by the standardwebhooks library", async function () {
    const secret = `whsec_${Buffer.from("package-test-secret-32-bytes-ok!").toString("base64")}`;
    const body = JSON.stringify({
      id: "evt_00112233445566778899aabbccddeeff",
      type: "invoice.paid",
      timestamp: "2026-12-05T10:00:00.000Z",
      data: {
        chainId: 31337,
        blockNumber: 7,
        blockHash: `0x${"ab".repeat(32)}`,
        transactionHash: `0x${"cd".repeat(32)}`,
        logIndex: 1,
        contract: `0x${"11".repeat(20)}`,
        amount: "42.5",
      },
    });
    const at = new Date();
    const { Webhook } = await import("standardwebhooks");
    const headers = {
      "webhook-id": "evt_00112233445566778899aabbccddeeff",
      "webhook-timestamp": Math.floor(at.getTime() / 1000).toString(),
      "webhook-signature": new Webhook(secret).sign("evt_00112233445566778899aabbccddeeff", at, body),
    };
    const program =
      "const input = JSON.parse(process.argv[2]);\n" +
      "const event = verifyWebhook(input.body, input.headers, input.secret);\n" +
      "let refused = '';\n" +
      "try { verifyWebhook(input.body + ' ', input.headers, input.secret); } catch (error) { refused = error.name; }\n" +
      "console.log(JSON.stringify({ type: event.type, amount: event.data.amount, refused }));\n";
    for (const [file, load] of [
      ["webhooks.cjs", 'const { verifyWebhook } = require("@coffer/sdk/webhooks");'],
      ["webhooks.mjs", 'import { verifyWebhook } from "@coffer/sdk/webhooks";'],
    ] as const) {
      fs.writeFileSync(path.join(app, file), `${load}\n${program}`);
      const result = lastJsonLine(await runNode(app, file, { body, headers, secret }));
      expect(result, file).to.deep.equal({ type: "invoice.paid", amount: "42.5", refused: "WebhookVerificationError" });
    }
  });

  for (const [resolution, module, files] of [
    ["bundler", "esnext", ["check.ts"]],
    ["node16", "node16", ["check.ts", "check.mts"]],
  ] as const) {
    it(`type-checks an app's imports with moduleResolution "${resolution}"`, async function () {
      const dir = path.join(app, `types-${resolution}`);
      fs.mkdirSync(dir, { recursive: true });
      for (const file of files) fs.writeFileSync(path.join(dir, file), TYPES_CHECK);
      fs.writeFileSync(
        path.join(dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            target: "es2022",
            module,
            moduleResolution: resolution,
            lib: ["es2022", "dom"],
            strict: true,
            noEmit: true,
            types: [],
          },
          files,
        }),
      );
      // The repository's own TypeScript compiles the app's files; what they import resolves from the app's
      // node_modules (the installed tarball and ethers), never from the repository's.
      const tsc = require.resolve("typescript/bin/tsc");
      try {
        await run(process.execPath, [tsc, "-p", dir], { cwd: dir, timeout: 300_000 });
      } catch (error) {
        // Everything tsc and node said: diagnostics on stdout, a crash or a kill on stderr and in the message.
        const failed = error as { stdout?: string; stderr?: string; message: string; signal?: string };
        throw new Error(
          `tsc failed under moduleResolution ${resolution} (signal ${failed.signal ?? "none"}):\n` +
            `${failed.stdout ?? ""}\n${failed.stderr ?? ""}\n${failed.message}`,
        );
      }
    });
  }
});
