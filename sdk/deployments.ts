import { defaultDeploymentsDir, readManifest, type DeploymentManifest } from "../deploy/manifest";

export type { DeploymentManifest, DeploymentRecord, TreasurySafeRecord } from "../deploy/manifest";

/** Thrown when Coffer has no deployment manifest for a chain. */
export class CofferDeploymentNotFoundError extends Error {
  constructor(
    readonly chainId: number,
    readonly directory: string,
  ) {
    super(
      `Coffer is not deployed on chain ${chainId}: no ${chainId}.json in ${directory}. ` +
        `Deploy with \`npm run deploy -- --network <name>\`, or start a local chain with \`npm run chain\`.`,
    );
    this.name = "CofferDeploymentNotFoundError";
  }
}

/** Thrown when a manifest lacks a contract the caller needs. */
export class CofferContractNotDeployedError extends Error {
  constructor(
    readonly chainId: number,
    readonly contract: string,
  ) {
    super(`Coffer's ${contract} is not deployed on chain ${chainId}`);
    this.name = "CofferContractNotDeployedError";
  }
}

/**
 * Coffer's deployment manifest for `chainId`, from `COFFER_DEPLOYMENTS_DIR` or the repository's `deployments/`.
 * @throws CofferDeploymentNotFoundError when the chain has none.
 */
export function getDeployment(chainId: number, directory = defaultDeploymentsDir()): DeploymentManifest {
  const manifest = readManifest(directory, chainId);
  if (manifest === undefined) throw new CofferDeploymentNotFoundError(chainId, directory);
  return manifest;
}

/**
 * The address of a Coffer contract on `chainId`.
 * @throws CofferDeploymentNotFoundError or CofferContractNotDeployedError.
 */
export function getContractAddress(chainId: number, contract: string, directory = defaultDeploymentsDir()): string {
  const record = getDeployment(chainId, directory).contracts[contract];
  if (record === undefined) throw new CofferContractNotDeployedError(chainId, contract);
  return record.address;
}
