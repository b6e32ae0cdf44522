import { ethers } from "ethers";
import * as safeDeployments from "@safe-global/safe-deployments";
import { SAFE_SINGLETON_FACTORY, create2Calldata, findDeploymentBlock, hasCode } from "./create2";
import type { SafeContractRecord, TreasurySafeRecord } from "./manifest";

/** The Safe release Coffer builds on. */
export const SAFE_VERSION = "1.4.1";

interface SafeArtifact {
  readonly abi: ethers.InterfaceAbi;
  readonly bytecode: string;
}

const ARTIFACT_FOLDER = "@safe-global/safe-contracts/build/artifacts/contracts";

/** The Safe contracts installed on a local chain: name → artifact path and the canonical deployment's lookup. */
const SAFE_CONTRACTS = {
  Safe: { artifact: "Safe.sol/Safe.json", lookup: safeDeployments.getSafeSingletonDeployment },
  SafeL2: { artifact: "SafeL2.sol/SafeL2.json", lookup: safeDeployments.getSafeL2SingletonDeployment },
  SafeProxyFactory: {
    artifact: "proxies/SafeProxyFactory.sol/SafeProxyFactory.json",
    lookup: safeDeployments.getProxyFactoryDeployment,
  },
  MultiSend: { artifact: "libraries/MultiSend.sol/MultiSend.json", lookup: safeDeployments.getMultiSendDeployment },
  MultiSendCallOnly: {
    artifact: "libraries/MultiSendCallOnly.sol/MultiSendCallOnly.json",
    lookup: safeDeployments.getMultiSendCallOnlyDeployment,
  },
  CompatibilityFallbackHandler: {
    artifact: "handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json",
    lookup: safeDeployments.getCompatibilityFallbackHandlerDeployment,
  },
  SignMessageLib: {
    artifact: "libraries/SignMessageLib.sol/SignMessageLib.json",
    lookup: safeDeployments.getSignMessageLibDeployment,
  },
  CreateCall: { artifact: "libraries/CreateCall.sol/CreateCall.json", lookup: safeDeployments.getCreateCallDeployment },
  SimulateTxAccessor: {
    artifact: "accessors/SimulateTxAccessor.sol/SimulateTxAccessor.json",
    lookup: safeDeployments.getSimulateTxAccessorDeployment,
  },
} as const;

export type SafeContractName = keyof typeof SAFE_CONTRACTS;

/** The build artifact of a Safe v1.4.1 contract (or of the proxy that SafeProxyFactory creates). */
export function safeArtifact(name: SafeContractName | "SafeProxy"): SafeArtifact {
  const file = name === "SafeProxy" ? "proxies/SafeProxy.sol/SafeProxy.json" : SAFE_CONTRACTS[name].artifact;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(`${ARTIFACT_FOLDER}/${file}`) as SafeArtifact;
}

/** Canonical address and runtime code hash of a Safe v1.4.1 contract, from `@safe-global/safe-deployments`. */
export function canonicalSafeContract(name: SafeContractName): SafeContractRecord {
  const deployment = SAFE_CONTRACTS[name].lookup({ version: SAFE_VERSION });
  const canonical = deployment?.deployments.canonical;
  if (canonical === undefined) throw new Error(`safe-deployments has no canonical ${name} ${SAFE_VERSION}`);
  return { address: ethers.getAddress(canonical.address), codeHash: canonical.codeHash };
}

/** Every Safe contract's canonical address and code hash. */
export function canonicalSafeContracts(): Record<SafeContractName, SafeContractRecord> {
  const names = Object.keys(SAFE_CONTRACTS) as SafeContractName[];
  return Object.fromEntries(names.map((name) => [name, canonicalSafeContract(name)])) as Record<
    SafeContractName,
    SafeContractRecord
  >;
}

/**
 * Deploys the Safe v1.4.1 contracts that a local chain lacks through Safe's singleton factory with salt 0, which
 * puts them at their canonical addresses, and checks each one's code hash against the canonical deployment.
 */
export async function installSafeContracts(
  signer: ethers.Signer,
  log: (line: string) => void,
): Promise<Record<SafeContractName, SafeContractRecord>> {
  const provider = signer.provider;
  if (provider === null) throw new Error("installSafeContracts needs a signer with a provider");
  const records = canonicalSafeContracts();
  for (const [name, record] of Object.entries(records) as [SafeContractName, SafeContractRecord][]) {
    if (!(await hasCode(provider, record.address))) {
      const tx = await signer.sendTransaction({
        to: SAFE_SINGLETON_FACTORY,
        data: create2Calldata(ethers.ZeroHash, safeArtifact(name).bytecode),
      });
      await tx.wait();
      log(`  installed Safe ${name} at ${record.address}`);
    }
    const codeHash = ethers.keccak256(await provider.getCode(record.address));
    if (codeHash !== record.codeHash) {
      throw new Error(`Safe ${name} at ${record.address} has code hash ${codeHash}, expected ${record.codeHash}`);
    }
  }
  return records;
}

/** Settings of a treasury Safe. */
export interface TreasurySafeSettings {
  readonly owners: readonly string[];
  readonly threshold: number;
  /** Salt nonce of the proxy: the same settings and nonce give the same address. */
  readonly saltNonce: bigint;
}

/** How the treasury Safe is created: its singleton, setup call and CREATE2 salt, and so its address. */
export function treasurySafeCreation(settings: TreasurySafeSettings): {
  address: string;
  singleton: string;
  initializer: string;
} {
  const singleton = canonicalSafeContract("SafeL2").address;
  const initializer = new ethers.Interface(safeArtifact("SafeL2").abi).encodeFunctionData("setup", [
    settings.owners,
    settings.threshold,
    ethers.ZeroAddress,
    "0x",
    canonicalSafeContract("CompatibilityFallbackHandler").address,
    ethers.ZeroAddress,
    0,
    ethers.ZeroAddress,
  ]);
  // SafeProxyFactory 1.4.1: salt = keccak256(keccak256(initializer) ++ saltNonce), initcode = proxy code ++ singleton.
  const salt = ethers.solidityPackedKeccak256(
    ["bytes32", "uint256"],
    [ethers.keccak256(initializer), settings.saltNonce],
  );
  const proxyInitCode = ethers.concat([
    safeArtifact("SafeProxy").bytecode,
    ethers.AbiCoder.defaultAbiCoder().encode(["address"], [singleton]),
  ]);
  const address = ethers.getCreate2Address(
    canonicalSafeContract("SafeProxyFactory").address,
    salt,
    ethers.keccak256(proxyInitCode),
  );
  return { address, singleton, initializer };
}

/**
 * Creates (once) a SafeL2 proxy with the given owners and threshold, with the compatibility fallback handler.
 * SafeL2 emits an event per execution, which the indexer reads.
 */
export async function ensureTreasurySafe(
  signer: ethers.Signer,
  settings: TreasurySafeSettings,
  log: (line: string) => void,
): Promise<TreasurySafeRecord> {
  const provider = signer.provider;
  if (provider === null) throw new Error("ensureTreasurySafe needs a signer with a provider");
  const { address, singleton, initializer } = treasurySafeCreation(settings);
  let deploymentBlock: number | null;
  let transactionHash: string | null = null;
  if (await hasCode(provider, address)) {
    deploymentBlock = await findDeploymentBlock(provider, address);
  } else {
    const factory = new ethers.Contract(
      canonicalSafeContract("SafeProxyFactory").address,
      safeArtifact("SafeProxyFactory").abi,
      signer,
    );
    const receipt = await (
      await factory.getFunction("createProxyWithNonce")(singleton, initializer, settings.saltNonce)
    ).wait();
    if (!(await hasCode(provider, address))) throw new Error(`The treasury Safe was not created at ${address}`);
    deploymentBlock = receipt.blockNumber;
    transactionHash = receipt.hash;
    log(`  created treasury Safe ${address} (${settings.threshold}-of-${settings.owners.length})`);
  }
  return {
    address,
    owners: settings.owners.map((owner) => ethers.getAddress(owner)),
    threshold: settings.threshold,
    singleton,
    saltNonce: settings.saltNonce.toString(),
    deploymentBlock,
    transactionHash,
  };
}

/** The `contractNetworks` entry that `@safe-global/protocol-kit` needs for a chain it does not know (local chains). */
export function protocolKitContractNetworks(chainId: number): Record<string, Record<string, string>> {
  const safe = canonicalSafeContracts();
  return {
    [String(chainId)]: {
      safeSingletonAddress: safe.SafeL2.address,
      safeProxyFactoryAddress: safe.SafeProxyFactory.address,
      multiSendAddress: safe.MultiSend.address,
      multiSendCallOnlyAddress: safe.MultiSendCallOnly.address,
      fallbackHandlerAddress: safe.CompatibilityFallbackHandler.address,
      signMessageLibAddress: safe.SignMessageLib.address,
      createCallAddress: safe.CreateCall.address,
      simulateTxAccessorAddress: safe.SimulateTxAccessor.address,
    },
  };
}
