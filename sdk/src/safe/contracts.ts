import { ethers } from "ethers";
import * as safeDeployments from "@safe-global/safe-deployments";
import type { SafeContractRecord } from "../deployment-manifest";

/** The Safe release Coffer builds on. */
export const SAFE_VERSION = "1.4.1";

/** The Safe v1.4.1 contracts Coffer uses, each with its lookup in `@safe-global/safe-deployments`. */
const SAFE_DEPLOYMENTS = {
  Safe: safeDeployments.getSafeSingletonDeployment,
  SafeL2: safeDeployments.getSafeL2SingletonDeployment,
  SafeProxyFactory: safeDeployments.getProxyFactoryDeployment,
  MultiSend: safeDeployments.getMultiSendDeployment,
  MultiSendCallOnly: safeDeployments.getMultiSendCallOnlyDeployment,
  CompatibilityFallbackHandler: safeDeployments.getCompatibilityFallbackHandlerDeployment,
  SignMessageLib: safeDeployments.getSignMessageLibDeployment,
  CreateCall: safeDeployments.getCreateCallDeployment,
  SimulateTxAccessor: safeDeployments.getSimulateTxAccessorDeployment,
} as const;

/** A Safe v1.4.1 contract that Coffer uses. */
export type SafeContractName = keyof typeof SAFE_DEPLOYMENTS;

function deploymentOf(name: SafeContractName) {
  const deployment = SAFE_DEPLOYMENTS[name]({ version: SAFE_VERSION });
  if (deployment === undefined) throw new Error(`safe-deployments has no ${name} ${SAFE_VERSION}`);
  return deployment;
}

/** Canonical address and runtime code hash of a Safe v1.4.1 contract, from `@safe-global/safe-deployments`. */
export function canonicalSafeContract(name: SafeContractName): SafeContractRecord {
  const canonical = deploymentOf(name).deployments.canonical;
  if (canonical === undefined) throw new Error(`safe-deployments has no canonical ${name} ${SAFE_VERSION}`);
  return { address: ethers.getAddress(canonical.address), codeHash: canonical.codeHash };
}

/** Every Safe contract's canonical address and code hash. */
export function canonicalSafeContracts(): Record<SafeContractName, SafeContractRecord> {
  const names = Object.keys(SAFE_DEPLOYMENTS) as SafeContractName[];
  return Object.fromEntries(names.map((name) => [name, canonicalSafeContract(name)])) as Record<
    SafeContractName,
    SafeContractRecord
  >;
}

/** The ABI of a Safe v1.4.1 contract. */
export function safeAbi(name: SafeContractName): ethers.InterfaceAbi {
  return deploymentOf(name).abi as ethers.InterfaceAbi;
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
