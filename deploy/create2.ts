import { ethers } from "ethers";

/**
 * The deterministic deployment proxy (Arachnid's), present at this address on Ethereum and every target L2.
 * Calldata is `salt (32 bytes) ++ initcode`; it deploys with CREATE2 and returns the 20-byte address.
 */
export const DETERMINISTIC_DEPLOYMENT_PROXY = "0x4e59b44847b379578588920cA78FbF26c0B4956C";

/**
 * Safe's singleton factory, through which the Safe contracts reach their canonical addresses. It runs the same
 * code as the proxy above, deployed by Safe with a different key.
 */
export const SAFE_SINGLETON_FACTORY = "0x914d7Fec6aaC8cd542e72Bca78B30650d45643d7";

/** Runtime code of both factories. */
export const CREATE2_FACTORY_RUNTIME_CODE =
  "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3";

/** The CREATE2 salt of every Coffer contract: one salt, so that an address depends only on the code. */
export const COFFER_SALT = ethers.id("coffer.v1");

/** The address CREATE2 through `factory` gives `initCode` with `salt`. */
export function predictCreate2Address(factory: string, salt: string, initCode: string): string {
  return ethers.getCreate2Address(factory, salt, ethers.keccak256(initCode));
}

/** Calldata for a deployment through either factory. */
export function create2Calldata(salt: string, initCode: string): string {
  return ethers.concat([salt, initCode]);
}

/** Whether an account has code. */
export async function hasCode(provider: ethers.Provider, address: string): Promise<boolean> {
  return (await provider.getCode(address)) !== "0x";
}

/**
 * Places the factories' code on a local development chain (Hardhat or Anvil: both answer `hardhat_setCode`).
 * Public chains have them already.
 */
export async function installFactoriesOnLocalChain(provider: ethers.JsonRpcApiProvider): Promise<void> {
  for (const factory of [DETERMINISTIC_DEPLOYMENT_PROXY, SAFE_SINGLETON_FACTORY]) {
    if (!(await hasCode(provider, factory))) {
      await provider.send("hardhat_setCode", [factory, CREATE2_FACTORY_RUNTIME_CODE]);
    }
  }
}

/**
 * Finds the first block at which `address` had code, by bisection over historical state. Used when a contract
 * deployed by someone else is adopted into a manifest. Returns null when the node keeps no history.
 */
export async function findDeploymentBlock(provider: ethers.Provider, address: string): Promise<number | null> {
  try {
    let high = await provider.getBlockNumber();
    let low = 0;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if ((await provider.getCode(address, middle)) === "0x") low = middle + 1;
      else high = middle;
    }
    return low;
  } catch {
    return null;
  }
}
