import { ethers } from "ethers";
import { readSafeState, type SafeChain } from "@coffer/sdk/safe";
import type { SafeInfoShape } from "./safe-api-shapes";

/** Where a Safe v1.3/v1.4 keeps its fallback handler and guards (`keccak256` of these names). */
const FALLBACK_HANDLER_SLOT = ethers.id("fallback_manager.handler.address");
const GUARD_SLOT = ethers.id("guard_manager.guard.address");
const MODULE_GUARD_SLOT = ethers.id("module_manager.module_guard.address");
const SENTINEL = "0x0000000000000000000000000000000000000001";
const MODULES_PAGE = 100;

/** The address stored in a storage slot (the low 20 bytes). */
async function addressAt(chain: SafeChain, safeAddress: string, slot: string | number): Promise<string> {
  const word = await chain.provider.getStorage(safeAddress, slot);
  return ethers.getAddress(ethers.dataSlice(word, 12));
}

/**
 * Reads what `GET /v1/safes/{address}/` answers, from the chain (the hosted service does the same): owners,
 * threshold and nonce, the singleton (slot 0), the fallback handler, the guards, the modules and the version.
 * @throws CofferError when the node fails or the address is not a Safe
 */
export async function readSafeInfoShape(chain: SafeChain, safeAddress: string): Promise<SafeInfoShape> {
  const state = await readSafeState(chain, safeAddress);
  const contract = chain.safeContract(state.safeAddress);
  const [masterCopy, fallbackHandler, guard, moduleGuard, modulesPage, version] = await Promise.all([
    addressAt(chain, state.safeAddress, 0),
    addressAt(chain, state.safeAddress, FALLBACK_HANDLER_SLOT),
    addressAt(chain, state.safeAddress, GUARD_SLOT),
    addressAt(chain, state.safeAddress, MODULE_GUARD_SLOT),
    contract.getFunction("getModulesPaginated")(SENTINEL, MODULES_PAGE) as Promise<[string[], string]>,
    (contract.getFunction("VERSION")() as Promise<string>).catch(() => null),
  ]);
  return {
    address: state.safeAddress,
    nonce: String(state.nonce),
    threshold: state.threshold,
    owners: state.owners,
    masterCopy,
    modules: modulesPage[0].map((module) => ethers.getAddress(module)),
    fallbackHandler,
    guard,
    moduleGuard,
    version,
  };
}
