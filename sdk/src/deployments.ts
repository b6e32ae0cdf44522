import type { DeploymentManifest } from "./deployment-manifest";
import { CofferError } from "./errors";
import { KNOWN_DEPLOYMENTS } from "./generated/deployments";

export type {
  DeploymentManifest,
  DeploymentRecord,
  SafeContractRecord,
  TreasurySafeRecord,
} from "./deployment-manifest";

/** Thrown when Coffer has no deployment manifest for a chain. */
export class CofferDeploymentNotFoundError extends CofferError {
  constructor(
    readonly chainId: number,
    /** Where the manifest was looked for (a folder, or "the SDK's known deployments"). */
    readonly location = "the SDK's known deployments",
  ) {
    super(
      `Coffer is not deployed on chain ${chainId}: no manifest in ${location}. Pass the chain's manifest ` +
        "(`createCofferClient({ runner, manifest })`), or for a local chain start one with `npm run chain`.",
    );
    this.name = "CofferDeploymentNotFoundError";
  }
}

/** Thrown when a manifest lacks a contract the caller needs. */
export class CofferContractNotDeployedError extends CofferError {
  constructor(
    readonly chainId: number,
    readonly contract: string,
  ) {
    super(`Coffer's ${contract} is not deployed on chain ${chainId}`);
    this.name = "CofferContractNotDeployedError";
  }
}

/** The chain ids this version of the SDK carries a deployment for. */
export function knownChainIds(): number[] {
  return Object.keys(KNOWN_DEPLOYMENTS).map(Number);
}

/**
 * Coffer's deployment manifest for `chainId`, as this version of the SDK carries it.
 * @throws CofferDeploymentNotFoundError when the SDK knows no deployment on that chain.
 */
export function getDeployment(chainId: number): DeploymentManifest {
  const manifest = KNOWN_DEPLOYMENTS[chainId];
  if (manifest === undefined) throw new CofferDeploymentNotFoundError(chainId);
  return manifest;
}

/**
 * The address of a Coffer contract (e.g. `"CofferEscrow"`, or a token the manifest names) in a manifest.
 * @throws CofferContractNotDeployedError when the manifest has no such contract.
 */
export function getContractAddress(manifest: DeploymentManifest, contract: string): string {
  const record = manifest.contracts[contract];
  if (record === undefined) throw new CofferContractNotDeployedError(manifest.chainId, contract);
  return record.address;
}
