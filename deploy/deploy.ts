import { ethers } from "ethers";
import {
  COFFER_SALT,
  DETERMINISTIC_DEPLOYMENT_PROXY,
  create2Calldata,
  findDeploymentBlock,
  hasCode,
  installFactoriesOnLocalChain,
  predictCreate2Address,
} from "./create2";
import { COFFER_CONTRACTS, type ContractSpec } from "./contracts";
import {
  jsonArgs,
  readManifest,
  writeManifest,
  type DeploymentManifest,
  type DeploymentRecord,
  type TreasurySafeRecord,
} from "./manifest";
import { SAFE_VERSION, ensureTreasurySafe, installSafeContracts, treasurySafeCreation } from "./safe";

/** A compiled contract: what a deployment needs of Hardhat's artifacts. */
export interface Artifact {
  readonly abi: ethers.InterfaceAbi;
  readonly bytecode: string;
}

export interface DeployOptions {
  /** Sends the transactions; its provider is the chain. */
  readonly signer: ethers.Signer;
  /** Network name recorded in the manifest. */
  readonly network: string;
  /** Local chains get the factories, the Safe contracts, test tokens and a treasury Safe. */
  readonly local: boolean;
  readonly readArtifact: (contract: string) => Promise<Artifact>;
  /** Folder of the manifests. */
  readonly deploymentsDir: string;
  /** Print the predicted addresses and send nothing. */
  readonly dryRun?: boolean;
  /**
   * Admin of Coffer's contracts (a Safe): required on public networks (`COFFER_ADMIN`); the treasury Safe on local
   * chains. Give the same admin on every chain to get the same addresses everywhere.
   */
  readonly admin?: string;
  /** Owners of the treasury Safe on a local chain (2-of-3 by default). */
  readonly treasuryOwners?: readonly string[];
  readonly treasuryThreshold?: number;
  readonly log?: (line: string) => void;
  /** Contracts to deploy; all of Coffer's by default. */
  readonly contracts?: readonly ContractSpec[];
}

/** What a deployment run did. */
export interface DeployResult {
  readonly manifest: DeploymentManifest;
  /** Address of every contract of this chain, name → address (predicted on a dry run). */
  readonly addresses: Readonly<Record<string, string>>;
  /** Names of the contracts deployed by this run (empty on a repeated run). */
  readonly deployed: readonly string[];
  /** Transactions this run sent. */
  readonly transactionsSent: number;
  /** Path of the manifest written, undefined on a dry run. */
  readonly manifestFile?: string;
}

/** Thrown when code at a recorded address is not what the manifest says was deployed there. */
export class CodeHashMismatchError extends Error {
  constructor(
    readonly name: string,
    readonly address: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${name} at ${address} has code hash ${actual}, but the manifest records ${expected}`);
    this.name = "CodeHashMismatchError";
  }
}

/** The initcode of a contract with its constructor arguments. */
export function initCodeOf(artifact: Artifact, args: readonly unknown[]): string {
  const encodedArgs = new ethers.Interface(artifact.abi).encodeDeploy(args as unknown[]);
  return ethers.concat([artifact.bytecode, encodedArgs]);
}

/**
 * Deploys every Coffer contract with CREATE2 through the deterministic deployment proxy, so that each has the
 * same address on every chain, and writes `deployments/<chainId>.json`. Idempotent: a contract whose address
 * already holds code is not deployed again, and its code hash is checked against the manifest.
 */
export async function deployCoffer(options: DeployOptions): Promise<DeployResult> {
  const { signer, local, dryRun = false } = options;
  const log = options.log ?? (() => undefined);
  const provider = signer.provider;
  if (provider === null) throw new Error("deployCoffer needs a signer connected to a provider");
  const chainId = Number((await provider.getNetwork()).chainId);
  const previous = readManifest(options.deploymentsDir, chainId);
  let transactionsSent = 0;

  if (local && !dryRun) await installFactoriesOnLocalChain(provider as ethers.JsonRpcApiProvider);
  if (!dryRun && !(await hasCode(provider, DETERMINISTIC_DEPLOYMENT_PROXY))) {
    throw new Error(
      `Chain ${chainId} has no deterministic deployment proxy at ${DETERMINISTIC_DEPLOYMENT_PROXY}: ` +
        `send its presigned deployment transaction first.`,
    );
  }

  let safe: DeploymentManifest["safe"];
  if (local && !dryRun) {
    const before = await provider.getTransactionCount(await signer.getAddress());
    safe = { version: SAFE_VERSION, contracts: await installSafeContracts(signer, log) };
    transactionsSent += (await provider.getTransactionCount(await signer.getAddress())) - before;
  }

  let treasurySafe: TreasurySafeRecord | undefined;
  let treasuryAddress: string | undefined;
  if (local) {
    const owners = options.treasuryOwners;
    if (owners === undefined || owners.length === 0) throw new Error("A local deployment needs treasuryOwners");
    const settings = { owners, threshold: options.treasuryThreshold ?? 2, saltNonce: 0n };
    treasuryAddress = treasurySafeCreation(settings).address;
    if (!dryRun) {
      const before = await provider.getTransactionCount(await signer.getAddress());
      const created = await ensureTreasurySafe(signer, settings, log);
      transactionsSent += (await provider.getTransactionCount(await signer.getAddress())) - before;
      // A Safe that existed already keeps the creating transaction recorded by the run that created it.
      const recorded = previous?.treasurySafe;
      const existed = created.transactionHash === null && recorded?.address === created.address;
      treasurySafe = existed ? recorded : created;
    }
  }

  const admin = options.admin ?? treasuryAddress;
  if (admin === undefined) throw new Error("A deployment to a public network needs an admin address (COFFER_ADMIN)");
  const contracts: Record<string, DeploymentRecord> = {};
  // Constructor arguments refer to the admin and to contracts listed earlier by name.
  const addresses: Record<string, string> = { Admin: ethers.getAddress(admin) };
  const deployed: string[] = [];
  for (const spec of options.contracts ?? COFFER_CONTRACTS) {
    if (spec.localOnly === true && !local) continue;
    const args = spec.args(addresses);
    const artifact = await options.readArtifact(spec.contract);
    const initCode = initCodeOf(artifact, args);
    const address = predictCreate2Address(DETERMINISTIC_DEPLOYMENT_PROXY, COFFER_SALT, initCode);
    addresses[spec.name] = address;
    const onChain = await hasCode(provider, address);

    if (dryRun) {
      log(`  ${spec.name.padEnd(28)} ${address}  ${onChain ? "deployed" : "not deployed"}`);
      continue;
    }

    const known = previous?.contracts[spec.name];
    if (onChain) {
      const codeHash = ethers.keccak256(await provider.getCode(address));
      if (known !== undefined && known.address === address) {
        if (known.codeHash !== codeHash) throw new CodeHashMismatchError(spec.name, address, known.codeHash, codeHash);
        contracts[spec.name] = known;
      } else {
        // Deployed by someone else: CREATE2 binds the address to this exact initcode, so it is ours to adopt.
        contracts[spec.name] = {
          contract: spec.contract,
          address,
          salt: COFFER_SALT,
          constructorArgs: jsonArgs(args),
          codeHash,
          deploymentBlock: await findDeploymentBlock(provider, address),
          transactionHash: null,
        };
      }
      log(`  ${spec.name.padEnd(28)} ${address}  already deployed, code hash checked`);
      continue;
    }

    const tx = await signer.sendTransaction({
      to: DETERMINISTIC_DEPLOYMENT_PROXY,
      data: create2Calldata(COFFER_SALT, initCode),
    });
    transactionsSent += 1;
    const receipt = await tx.wait();
    if (receipt === null || receipt.status !== 1 || !(await hasCode(provider, address))) {
      throw new Error(`Deploying ${spec.name} failed: no code at ${address} after transaction ${tx.hash}`);
    }
    contracts[spec.name] = {
      contract: spec.contract,
      address,
      salt: COFFER_SALT,
      constructorArgs: jsonArgs(args),
      codeHash: ethers.keccak256(await provider.getCode(address)),
      deploymentBlock: receipt.blockNumber,
      transactionHash: receipt.hash,
    };
    deployed.push(spec.name);
    log(`  ${spec.name.padEnd(28)} ${address}  deployed in block ${receipt.blockNumber}`);
  }

  const manifest: DeploymentManifest = {
    chainId,
    network: options.network,
    deterministicDeploymentProxy: DETERMINISTIC_DEPLOYMENT_PROXY,
    contracts,
    ...(safe !== undefined ? { safe } : {}),
    ...(treasurySafe !== undefined ? { treasurySafe } : {}),
  };
  if (dryRun) return { manifest, addresses, deployed, transactionsSent };
  const manifestFile = writeManifest(options.deploymentsDir, manifest);
  return { manifest, addresses, deployed, transactionsSent, manifestFile };
}
