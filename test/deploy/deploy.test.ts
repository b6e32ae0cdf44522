import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { ethers } from "ethers";
import hre from "hardhat";
import { COFFER_SALT, DETERMINISTIC_DEPLOYMENT_PROXY, predictCreate2Address } from "../../deploy/create2";
import { COFFER_CONTRACTS } from "../../deploy/contracts";
import { CodeHashMismatchError, deployCoffer, initCodeOf } from "../../deploy/deploy";
import { manifestPath } from "../../deploy/manifest";
import { MissingEnvironmentError, requireNetwork } from "../../deploy/networks";
import { canonicalSafeContracts } from "../../deploy/safe";
import { startLocalChain } from "../../scripts/lib/local-chain";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";

const run = promisify(execFile);
const ROOT = path.join(__dirname, "..", "..");

describe("deterministic deployment", function () {
  let local: DeployedLocalChain;

  before(async function () {
    local = await startDeployedLocalChain();
  });
  after(async function () {
    await local.stop();
  });

  describe("given a fresh local chain", function () {
    it("deploys every Coffer contract at the CREATE2 address of its initcode", async function () {
      const { manifest } = local.first;
      expect(Object.keys(manifest.contracts)).to.deep.equal(COFFER_CONTRACTS.map((spec) => spec.name));
      for (const spec of COFFER_CONTRACTS) {
        const record = manifest.contracts[spec.name]!;
        const wiring = { Admin: local.first.manifest.treasurySafe!.address, ...local.first.addresses };
        const initCode = initCodeOf(await hre.artifacts.readArtifact(spec.contract), spec.args(wiring));
        expect(record.address).to.equal(predictCreate2Address(DETERMINISTIC_DEPLOYMENT_PROXY, COFFER_SALT, initCode));
        const code = await local.chain.provider.getCode(record.address);
        expect(record.codeHash).to.equal(ethers.keccak256(code));
        const receipt = await local.chain.provider.getTransactionReceipt(record.transactionHash!);
        expect(receipt?.blockNumber).to.equal(record.deploymentBlock);
        expect(receipt?.to).to.equal(DETERMINISTIC_DEPLOYMENT_PROXY);
      }
    });

    it("installs Safe v1.4.1 at its canonical addresses with the canonical code", async function () {
      for (const [name, canonical] of Object.entries(canonicalSafeContracts())) {
        expect(local.first.manifest.safe?.contracts[name]?.address).to.equal(canonical.address);
        expect(ethers.keccak256(await local.chain.provider.getCode(canonical.address))).to.equal(canonical.codeHash);
      }
    });

    it("creates a 2-of-3 treasury Safe of local accounts and records it", async function () {
      const treasury = local.first.manifest.treasurySafe!;
      const accounts = await local.chain.provider.listAccounts();
      const safe = new ethers.Contract(
        treasury.address,
        ["function getOwners() view returns (address[])", "function getThreshold() view returns (uint256)"],
        local.chain.provider,
      );
      expect(await safe.getOwners()).to.deep.equal(accounts.slice(1, 4).map((account) => account.address));
      expect(await safe.getThreshold()).to.equal(2n);
      expect(treasury.threshold).to.equal(2);
      expect(treasury.transactionHash).to.be.a("string");
    });

    it("writes the manifest to deployments/<chainId>.json", async function () {
      const file = manifestPath(local.deploymentsDir, 31337);
      expect(local.first.manifestFile).to.equal(file);
      expect(JSON.parse(fs.readFileSync(file, "utf8"))).to.deep.equal(local.first.manifest);
    });
  });

  describe("given a chain where Coffer is deployed", function () {
    it("a second run deploys nothing, sends no transaction and leaves the manifest unchanged", async function () {
      const file = manifestPath(local.deploymentsDir, 31337);
      const before = fs.readFileSync(file, "utf8");
      const deployer = (await local.chain.provider.listAccounts())[0]!.address;
      const nonce = await local.chain.provider.getTransactionCount(deployer);
      const second = await local.deployAgain();
      expect(second.deployed).to.deep.equal([]);
      expect(second.transactionsSent).to.equal(0);
      expect(await local.chain.provider.getTransactionCount(deployer)).to.equal(nonce);
      expect(fs.readFileSync(file, "utf8")).to.equal(before);
    });

    it("adopts contracts found at their addresses when the manifest is missing", async function () {
      const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-adopt-"));
      try {
        const adopted = await local.deployAgain({ deploymentsDir: otherDir });
        expect(adopted.transactionsSent).to.equal(0);
        for (const [name, record] of Object.entries(local.first.manifest.contracts)) {
          expect(adopted.manifest.contracts[name]?.address).to.equal(record.address);
          expect(adopted.manifest.contracts[name]?.deploymentBlock).to.equal(record.deploymentBlock);
          expect(adopted.manifest.contracts[name]?.transactionHash).to.equal(null);
        }
      } finally {
        fs.rmSync(otherDir, { recursive: true, force: true });
      }
    });

    it("reports code at a recorded address that differs from the manifest", async function () {
      const tampered = local.first.manifest.contracts["TestUSDC"]!;
      const original = await local.chain.provider.getCode(tampered.address);
      await local.chain.provider.send("hardhat_setCode", [tampered.address, "0x6000"]);
      try {
        await expect(local.deployAgain()).to.be.rejectedWith(CodeHashMismatchError, /TestUSDC/);
      } finally {
        await local.chain.provider.send("hardhat_setCode", [tampered.address, original]);
      }
    });
  });

  describe("on a chain with another chain id", function () {
    it("predicts in a dry run, then deploys at the same addresses", async function () {
      const other = await startLocalChain({ chainId: 8453 });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-other-"));
      try {
        const [signer, ...owners] = await other.provider.listAccounts();
        const options = {
          signer: signer!,
          network: "other",
          local: true,
          readArtifact: (name: string) => hre.artifacts.readArtifact(name),
          deploymentsDir: dir,
          treasuryOwners: owners.slice(0, 3).map((owner) => owner.address),
        };
        const predicted = await deployCoffer({ ...options, dryRun: true });
        expect(predicted.transactionsSent).to.equal(0);
        expect(await other.provider.getTransactionCount(signer!.address)).to.equal(0);
        expect(fs.existsSync(manifestPath(dir, 8453))).to.equal(false);

        const deployed = await deployCoffer(options);
        for (const [name, record] of Object.entries(local.first.manifest.contracts)) {
          expect(predicted.addresses[name]).to.equal(record.address);
          expect(deployed.manifest.contracts[name]?.address).to.equal(record.address);
        }
        expect(deployed.manifest.chainId).to.equal(8453);
      } finally {
        await other.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("given a chain without the deterministic deployment proxy", function () {
    it("refuses to deploy a public network's contracts with a clear error", async function () {
      const [signer] = await hre.ethers.getSigners();
      await expect(
        deployCoffer({
          signer: signer!,
          network: "hardhat",
          local: false,
          readArtifact: (name) => hre.artifacts.readArtifact(name),
          deploymentsDir: os.tmpdir(),
          admin: signer!.address,
        }),
      ).to.be.rejectedWith(/no deterministic deployment proxy/);
    });
  });

  describe("`npm run deploy` (the Hardhat task)", function () {
    const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
      ...process.env,
      HARDHAT_DISABLE_TELEMETRY_PROMPT: "true",
      ...extra,
    });

    it("fails before sending anything when a network's variables are missing", async function () {
      expect(() => requireNetwork("sepolia")).to.throw(MissingEnvironmentError, /SEPOLIA_RPC_URL/);
      const result = await run("npx", ["hardhat", "deploy", "--network", "base"], {
        cwd: ROOT,
        env: env({ BASE_RPC_URL: "", DEPLOYER_PRIVATE_KEY: "", COFFER_ADMIN: "" }),
      }).then(
        () => ({ code: 0, stderr: "" }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(result.code).to.not.equal(0);
      expect(result.stderr).to.match(/BASE_RPC_URL, DEPLOYER_PRIVATE_KEY, COFFER_ADMIN/);
    });

    it("dry-runs and re-runs against a running local chain without sending a transaction", async function () {
      const extra = { LOCAL_RPC_URL: local.chain.url, COFFER_DEPLOYMENTS_DIR: local.deploymentsDir };
      const dry = await run("npx", ["hardhat", "deploy", "--network", "local", "--dry-run"], {
        cwd: ROOT,
        env: env(extra),
      });
      for (const record of Object.values(local.first.manifest.contracts)) {
        expect(dry.stdout).to.contain(`${record.address}  deployed`);
      }
      const again = await run("npx", ["hardhat", "deploy", "--network", "local"], { cwd: ROOT, env: env(extra) });
      expect(again.stdout).to.contain("0 contract(s) deployed, 0 transaction(s) sent");
    });
  });
});
