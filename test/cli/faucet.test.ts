import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { expect } from "chai";
import { ethers } from "ethers";
import { devPrivateKey, freePort } from "../../scripts/lib/local-chain";
import { MockERC20__factory } from "../../typechain-types";
import { startDeployedLocalChain } from "../helpers/local-chain";
import { cliEnv, runCli } from "./helpers";
import { ok } from "./modules-fixture";

const ROOT = path.join(__dirname, "..", "..");

/** `npm run chain` (hardhat run scripts/chain.ts) on a free port, manifests in `dir`; resolves once it is ready. */
async function startChainScript(dir: string): Promise<{ url: string; output: () => string; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [require.resolve("hardhat/internal/cli/cli"), "run", "scripts/chain.ts"],
    {
      cwd: ROOT,
      env: {
        ...cliEnv({}),
        CHAIN_PORT: String(port),
        COFFER_DEPLOYMENTS_DIR: dir,
        HARDHAT_DISABLE_TELEMETRY_PROMPT: "true",
      },
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group: `hardhat run` forks the script, which starts Anvil; stop() ends all three.
      detached: true,
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      process.kill(-child.pid!, "SIGTERM");
    });
  const deadline = Date.now() + 120_000;
  while (!output.includes("Ready. RPC")) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`npm run chain did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url: `http://127.0.0.1:${port}`, output: () => output, stop };
}

describe("cli: a new user's local chain (npm run chain) and coffer faucet", function () {
  this.timeout(300_000);

  it("npm run chain gives its customers test tokens: a new user's first invoice pay succeeds", async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-chain-"));
    const chain = await startChainScript(dir);
    try {
      expect(chain.output()).to.match(/4 +0x[0-9a-fA-F]{40} +0x[0-9a-f]{64} +customer, 10000 tUSDC and 10000 tDAI/);
      expect(chain.output()).to.contain("coffer faucet --to <address>");
      const env = (index: number | undefined) =>
        cliEnv({
          COFFER_RPC_URL: chain.url,
          COFFER_DEPLOYMENTS_DIR: dir,
          COFFER_PRIVATE_KEY: index === undefined ? undefined : devPrivateKey(index),
        });
      const invoice = path.join(dir, "invoice.json");
      ok(
        await runCli(
          [
            "invoice",
            "create",
            "--token",
            "TestUSDC",
            "--amount",
            "25",
            "--reference",
            "FIRST-1",
            "--out",
            invoice,
            "--json",
          ],
          env(1),
        ),
      );
      const paid = ok(await runCli(["invoice", "pay", invoice, "--json"], env(4)));
      expect(paid).to.include({ amount: "25000000" });

      // The faucet without a key: the node's first account sends, to the account named.
      const stranger = ethers.Wallet.createRandom().address;
      const minted = ok<{ minted: { symbol: string; amount: string }[]; eth: string }>(
        await runCli(
          ["faucet", "--to", stranger, "--token", "tusdc", "--amount", "12.5", "--eth", "3", "--json"],
          env(undefined),
        ),
      );
      expect(minted.minted.map(({ symbol, amount }) => ({ symbol, amount }))).to.deep.equal([
        { symbol: "tUSDC", amount: "12500000" },
      ]);
      const provider = new ethers.JsonRpcProvider(chain.url, 31337, { staticNetwork: true });
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, "31337.json"), "utf8")) as {
        contracts: Record<string, { address: string }>;
      };
      const usdc = MockERC20__factory.connect(manifest.contracts["TestUSDC"]!.address, provider);
      const dai = MockERC20__factory.connect(manifest.contracts["TestDAI"]!.address, provider);
      expect(await usdc.balanceOf(stranger)).to.equal(12_500_000n);
      expect(await dai.balanceOf(stranger)).to.equal(0n);
      expect(await provider.getBalance(stranger)).to.equal(ethers.parseEther("3"));

      // With a key and no --to: every test token to the key's own account, 1000 of each by default.
      const own = new ethers.Wallet(devPrivateKey(6)).address;
      const daiBefore = await dai.balanceOf(own);
      const all = ok<{ to: string; minted: unknown[] }>(await runCli(["faucet", "--json"], env(6)));
      expect(all.to).to.equal(own);
      expect(all.minted).to.have.length(2);
      expect((await dai.balanceOf(own)) - daiBefore).to.equal(ethers.parseUnits("1000", 18));

      const unknown = await runCli(["faucet", "--to", stranger, "--token", "WETH"], env(undefined));
      expect(unknown.code).to.equal(2);
      expect(unknown.stderr).to.match(
        /--token WETH is not a test token here: use tUSDC \(TestUSDC\), tDAI \(TestDAI\) or all/,
      );
      const noTarget = await runCli(["faucet"], env(undefined));
      expect(noTarget.code).to.equal(2);
      expect(noTarget.stderr).to.match(/--to is required without a signing key/);
      provider.destroy();
    } finally {
      await chain.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses to mint on a chain that is not a local development chain, sending nothing", async function () {
    const local = await startDeployedLocalChain({ chainId: 8453 });
    try {
      const before = await local.chain.provider.getBlockNumber();
      const run = await runCli(
        ["faucet", "--to", ethers.Wallet.createRandom().address],
        cliEnv({ COFFER_RPC_URL: local.chain.url, COFFER_DEPLOYMENTS_DIR: local.deploymentsDir }),
      );
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(
        /coffer faucet mints test tokens on local chains only \(chain ids 31337, 1337\); this node is chain 8453/,
      );
      expect(await local.chain.provider.getBlockNumber()).to.equal(before);
    } finally {
      await local.stop();
    }
  });
});
