import { ethers } from "ethers";
// Each factory from its own file: the typings' index would load every contract's (mocks included) at start.
import type { CofferEscrow, CofferSplitFactory, CofferSubscriptions, CofferTreasuryModule } from "../typechain-types";
import { CofferEscrow__factory } from "../typechain-types/factories/contracts/escrow/CofferEscrow__factory";
import { CofferSplitFactory__factory } from "../typechain-types/factories/contracts/splits/CofferSplitFactory__factory";
import { CofferSubscriptions__factory } from "../typechain-types/factories/contracts/subscriptions/CofferSubscriptions__factory";
import { CofferTreasuryModule__factory } from "../typechain-types/factories/contracts/treasury/CofferTreasuryModule__factory";
import { CofferContractNotDeployedError, getDeployment, type DeploymentManifest } from "./deployments";
import { toCofferError } from "./errors";

/** Coffer's contracts on one chain, bound to a signer (to send) or a provider (to read). */
export interface CofferClient {
  readonly chainId: number;
  readonly manifest: DeploymentManifest;
  readonly runner: ethers.ContractRunner;
  readonly escrow: CofferEscrow;
  readonly subscriptions: CofferSubscriptions;
  readonly treasury: CofferTreasuryModule;
  readonly splitFactory: CofferSplitFactory;
}

/** Options of {@link createCofferClient}. */
export interface CofferClientOptions {
  /** A signer connected to a provider, or a provider for read-only use. */
  readonly runner: ethers.Signer | ethers.Provider;
  /** Folder of the manifests (`deployments/` by default, or `COFFER_DEPLOYMENTS_DIR`). */
  readonly deploymentsDir?: string;
}

/**
 * Connects to Coffer on the runner's chain, with addresses from `deployments/<chainId>.json`.
 * @throws CofferDeploymentNotFoundError for a chain without a deployment; CofferRpcError when the node fails.
 */
export async function createCofferClient(options: CofferClientOptions): Promise<CofferClient> {
  const provider = "provider" in options.runner && options.runner.provider ? options.runner.provider : options.runner;
  let chainId: number;
  try {
    chainId = Number((await (provider as ethers.Provider).getNetwork()).chainId);
  } catch (error) {
    throw toCofferError(error);
  }
  const manifest = getDeployment(chainId, options.deploymentsDir);
  const address = (name: string): string => {
    const record = manifest.contracts[name];
    if (record === undefined) throw new CofferContractNotDeployedError(chainId, name);
    return record.address;
  };
  return {
    chainId,
    manifest,
    runner: options.runner,
    escrow: CofferEscrow__factory.connect(address("CofferEscrow"), options.runner),
    subscriptions: CofferSubscriptions__factory.connect(address("CofferSubscriptions"), options.runner),
    treasury: CofferTreasuryModule__factory.connect(address("CofferTreasuryModule"), options.runner),
    splitFactory: CofferSplitFactory__factory.connect(address("CofferSplitFactory"), options.runner),
  };
}
