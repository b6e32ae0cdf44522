/** One contract deployed by Coffer, as recorded in `deployments/<chainId>.json`. */
export interface DeploymentRecord {
  /** Name of the compiled contract (its artifact). */
  readonly contract: string;
  readonly address: string;
  /** CREATE2 salt used through the deterministic deployment proxy. */
  readonly salt: string;
  /** Constructor arguments, JSON-encoded (integers as decimal strings). */
  readonly constructorArgs: readonly unknown[];
  /** keccak256 of the runtime code on chain; a later deployment run checks it. */
  readonly codeHash: string;
  /** Block of the deployment; null when adopted from a node without history. */
  readonly deploymentBlock: number | null;
  /** Transaction of the deployment; null when someone else deployed it. */
  readonly transactionHash: string | null;
}

/** A Safe v1.4.1 contract at its canonical address. */
export interface SafeContractRecord {
  readonly address: string;
  readonly codeHash: string;
}

/** The treasury Safe created on local chains. */
export interface TreasurySafeRecord {
  readonly address: string;
  readonly owners: readonly string[];
  readonly threshold: number;
  readonly singleton: string;
  readonly saltNonce: string;
  readonly deploymentBlock: number | null;
  readonly transactionHash: string | null;
}

/** Everything deployed on one chain: read by the SDK, the CLI, the indexer and the tests. */
export interface DeploymentManifest {
  readonly chainId: number;
  readonly network: string;
  readonly deterministicDeploymentProxy: string;
  readonly contracts: Readonly<Record<string, DeploymentRecord>>;
  readonly safe?: { readonly version: string; readonly contracts: Readonly<Record<string, SafeContractRecord>> };
  readonly treasurySafe?: TreasurySafeRecord;
}
