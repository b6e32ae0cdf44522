import { ethers } from "ethers";
import {
  canonicalSafeContract,
  canonicalSafeContracts,
  protocolKitContractNetworks,
  SAFE_VERSION,
  type SafeContractName,
} from "../sdk/src/safe/contracts";
import { SAFE_SINGLETON_FACTORY, create2Calldata, findDeploymentBlock, hasCode } from "./create2";
import type { SafeContractRecord, TreasurySafeRecord } from "./manifest";

export {
  canonicalSafeContract,
  canonicalSafeContracts,
  protocolKitContractNetworks,
  SAFE_VERSION,
  type SafeContractName,
};

const ARTIFACT_FOLDER = "@safe-global/safe-contracts/build/artifacts/contracts";

interface SafeArtifact {
  readonly abi: ethers.InterfaceAbi;
  readonly bytecode: string;
}

/** Each Safe contract's build artifact (their runtime code equals the canonical deployments'). */
const SAFE_ARTIFACTS: Readonly<Record<SafeContractName, string>> = {
  Safe: "Safe.sol/Safe.json",
  SafeL2: "SafeL2.sol/SafeL2.json",
  SafeProxyFactory: "proxies/SafeProxyFactory.sol/SafeProxyFactory.json",
  MultiSend: "libraries/MultiSend.sol/MultiSend.json",
  MultiSendCallOnly: "libraries/MultiSendCallOnly.sol/MultiSendCallOnly.json",
  CompatibilityFallbackHandler: "handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json",
  SignMessageLib: "libraries/SignMessageLib.sol/SignMessageLib.json",
  CreateCall: "libraries/CreateCall.sol/CreateCall.json",
  SimulateTxAccessor: "accessors/SimulateTxAccessor.sol/SimulateTxAccessor.json",
};

/** The build artifact of a Safe v1.4.1 contract (or of the proxy that SafeProxyFactory creates). */
export function safeArtifact(name: SafeContractName | "SafeProxy"): SafeArtifact {
  const file = name === "SafeProxy" ? "proxies/SafeProxy.sol/SafeProxy.json" : SAFE_ARTIFACTS[name];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(`${ARTIFACT_FOLDER}/${file}`) as SafeArtifact;
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
