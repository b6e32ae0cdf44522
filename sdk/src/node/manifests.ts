import fs from "node:fs";
import path from "node:path";
import type { DeploymentManifest } from "../deployment-manifest";
import { CofferDeploymentNotFoundError } from "../deployments";
import { CofferValidationError } from "../errors";

/** The file of a chain's manifest in a folder: `<directory>/<chainId>.json`. */
export function manifestPath(directory: string, chainId: number): string {
  return path.join(directory, `${chainId}.json`);
}

/**
 * The deployment manifest of `chainId` in `directory` (as `npm run deploy` and `npm run chain` write them), to
 * pass to `createCofferClient({ runner, manifest })`.
 * @throws CofferDeploymentNotFoundError when the folder has no manifest for the chain; CofferValidationError when
 * the file is not a manifest of that chain.
 */
export function readDeploymentManifest(directory: string, chainId: number): DeploymentManifest {
  const file = manifestPath(directory, chainId);
  if (!fs.existsSync(file)) throw new CofferDeploymentNotFoundError(chainId, directory);
  let manifest: DeploymentManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, "utf8")) as DeploymentManifest;
  } catch (error) {
    throw new CofferValidationError(file, `not JSON (${(error as Error).message})`);
  }
  if (manifest.chainId !== chainId || typeof manifest.contracts !== "object" || manifest.contracts === null) {
    throw new CofferValidationError(file, `not a deployment manifest of chain ${chainId}`);
  }
  return manifest;
}
