import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { deployCoffer, type DeployOptions, type DeployResult } from "../../deploy/deploy";
import { startLocalChain, type LocalChain } from "../../scripts/lib/local-chain";

/** A local chain on a free port with Coffer deployed, its manifest in a temporary folder. */
export interface DeployedLocalChain {
  readonly chain: LocalChain;
  readonly deploymentsDir: string;
  readonly first: DeployResult;
  /** Runs the deployment again with the same settings (optionally overridden). */
  deployAgain(overrides?: Partial<DeployOptions>): Promise<DeployResult>;
  stop(): Promise<void>;
}

export async function startDeployedLocalChain(settings: { chainId?: number } = {}): Promise<DeployedLocalChain> {
  const chain = await startLocalChain(settings);
  const deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-deployments-"));
  const accounts = await chain.provider.listAccounts();
  const options: DeployOptions = {
    signer: accounts[0]!,
    network: "local",
    local: true,
    readArtifact: (name) => hre.artifacts.readArtifact(name),
    deploymentsDir,
    treasuryOwners: accounts.slice(1, 4).map((account) => account.address),
  };
  const first = await deployCoffer(options);
  return {
    chain,
    deploymentsDir,
    first,
    deployAgain: (overrides = {}) => deployCoffer({ ...options, ...overrides }),
    stop: async () => {
      await chain.stop();
      fs.rmSync(deploymentsDir, { recursive: true, force: true });
    },
  };
}
