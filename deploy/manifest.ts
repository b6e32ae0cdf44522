import fs from "node:fs";
import path from "node:path";

import type { DeploymentManifest } from "../sdk/src/deployment-manifest";

export type {
  DeploymentManifest,
  DeploymentRecord,
  SafeContractRecord,
  TreasurySafeRecord,
} from "../sdk/src/deployment-manifest";

/** Folder of the manifests: `deployments/` at the repository root, or `COFFER_DEPLOYMENTS_DIR`. */
export function defaultDeploymentsDir(): string {
  return process.env.COFFER_DEPLOYMENTS_DIR ?? path.join(__dirname, "..", "deployments");
}

export function manifestPath(dir: string, chainId: number): string {
  return path.join(dir, `${chainId}.json`);
}

/** The manifest of a chain, or undefined when the chain has none. */
export function readManifest(dir: string, chainId: number): DeploymentManifest | undefined {
  const file = manifestPath(dir, chainId);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as DeploymentManifest;
}

/** Writes a manifest with stable formatting, so that a run that changes nothing leaves the file unchanged. */
export function writeManifest(dir: string, manifest: DeploymentManifest): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = manifestPath(dir, manifest.chainId);
  fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + "\n");
  return file;
}

/** JSON-safe form of constructor arguments (bigint as decimal strings). */
export function jsonArgs(args: readonly unknown[]): unknown[] {
  return JSON.parse(
    JSON.stringify(args, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value)),
  );
}
