import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "ethers";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import { MockERC20__factory, type MockERC20 } from "../../typechain-types";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { cliEnv, runCli, type CliRun } from "./helpers";

/** A local chain with Coffer deployed, a work folder, and `coffer` run as a child process by dev accounts. */
export interface ModulesFixture {
  readonly local: DeployedLocalChain;
  readonly usdc: MockERC20;
  readonly usdcAddress: string;
  /** Dev account `index`'s address. */
  address(index: number): string;
  /** Dev account `index` as a wallet on the chain. */
  wallet(index: number): ethers.Wallet;
  /** A path in the work folder. */
  file(name: string): string;
  /** Runs `coffer ...args` as dev account `index` (no key when undefined). */
  run(args: readonly string[], index?: number): Promise<CliRun>;
  stop(): Promise<void>;
}

export async function startModulesFixture(tag: string): Promise<ModulesFixture> {
  const local = await startDeployedLocalChain();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `coffer-cli-${tag}-`));
  const usdcAddress = local.first.manifest.contracts["TestUSDC"]!.address;
  const wallet = (index: number) => new ethers.Wallet(devPrivateKey(index), local.chain.provider);
  return {
    local,
    usdc: MockERC20__factory.connect(usdcAddress, wallet(0)),
    usdcAddress,
    address: (index) => new ethers.Wallet(devPrivateKey(index)).address,
    wallet,
    file: (name) => path.join(work, name),
    run: (args, index) =>
      runCli(
        args,
        cliEnv({
          COFFER_RPC_URL: local.chain.url,
          COFFER_DEPLOYMENTS_DIR: local.deploymentsDir,
          COFFER_PRIVATE_KEY: index === undefined ? undefined : devPrivateKey(index),
        }),
      ),
    stop: async () => {
      await local.stop();
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
}

/** The `--json` result of a run that must succeed (exit 0, `ok: true`). */
export function ok<T = Record<string, unknown>>(run: CliRun): T {
  expect(run.code, `${run.stdout}\n${run.stderr}`).to.equal(0);
  const out = run.json<T & { ok: boolean }>();
  expect(out.ok).to.equal(true);
  return out;
}

/** A run the chain refused: exit 1, one readable line naming the decoded error, and `ok: false` in the JSON. */
export function refused(run: CliRun, errorName: string): { message: string; args: Record<string, string> } {
  expect(run.code, `${run.stdout}\n${run.stderr}`).to.equal(1);
  expect(run.stderr.trimEnd().split("\n")).to.have.length(1);
  expect(run.stderr).to.match(new RegExp(`^coffer: .*\\[${errorName}\\]\\n$`));
  expect(run.stderr).to.not.match(/^\s+at /m);
  const out = run.json<{ ok: boolean; error: { errorName: string; message: string; args: Record<string, string> } }>();
  expect(out.ok).to.equal(false);
  expect(out.error.errorName).to.equal(errorName);
  return out.error;
}
