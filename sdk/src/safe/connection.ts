import Safe from "@safe-global/protocol-kit";
import { ethers } from "ethers";
import { protocolKitContractNetworks, safeAbi } from "./contracts";
import { toCofferError } from "../errors";
import { fetchChainId } from "../rpc";
import { SafeNotFoundError, SafeSignerMissingError } from "./errors";

/** protocol-kit's `contractNetworks` option. */
export type ContractNetworks = NonNullable<Parameters<typeof Safe.init>[0]["contractNetworks"]>;

/** Read access to one chain: enough to verify transactions and read Safes (the signature service uses this). */
export interface SafeChain {
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly provider: ethers.JsonRpcProvider;
  /** A read-only Safe v1.4.1 contract at `address` (the full SafeL2 ABI). */
  safeContract(address: string): ethers.Contract;
  /** Releases the provider. */
  close(): void;
}

/** A Safe on a chain, through protocol-kit, optionally with a signing key (to propose, sign or execute). */
export interface SafeConnection extends SafeChain {
  readonly safeAddress: string;
  /** protocol-kit bound to the Safe and the key. */
  readonly kit: Safe;
  /** The address of the signing key, when the connection has one. */
  readonly signer: string | undefined;
  /** The Safe's contract (read-only). */
  readonly safe: ethers.Contract;
}

/** Connection settings. */
export interface ConnectSafeOptions {
  /** An HTTP JSON-RPC URL. */
  readonly rpcUrl: string;
  readonly safeAddress: string;
  /** The signer's private key (32 bytes hex). Needed to propose, sign and execute; not to verify. */
  readonly privateKey?: string;
  /**
   * Safe contract addresses for protocol-kit. Default: the canonical Safe v1.4.1 addresses for the chain, which
   * is what local chains need and what every public chain has (Coffer installs the same contracts locally).
   */
  readonly contractNetworks?: ContractNetworks;
}

/**
 * Connects to a chain: asks the node for its chain id (failing fast with a readable error when the node is not
 * there, where ethers would retry forever) and returns a provider pinned to it.
 * @throws CofferRpcError
 */
export async function connectChain(rpcUrl: string): Promise<SafeChain> {
  const chainId = await fetchChainId(rpcUrl);
  const provider = new ethers.JsonRpcProvider(rpcUrl, chainId, {
    staticNetwork: true,
    pollingInterval: 200,
    // Identical calls within 250 ms would otherwise share one answer: a fresh nonce or receipt must be read anew.
    cacheTimeout: -1,
  });
  const abi = safeAbi("SafeL2");
  return {
    rpcUrl,
    chainId,
    provider,
    safeContract: (address) => new ethers.Contract(address, abi, provider),
    close: () => provider.destroy(),
  };
}

/**
 * Connects to a Safe through protocol-kit (with the canonical Safe v1.4.1 contracts for the chain unless told
 * otherwise), with or without a signing key.
 * @throws SafeNotFoundError when the address holds no contract; CofferRpcError when the node fails.
 */
export async function connectSafe(options: ConnectSafeOptions): Promise<SafeConnection> {
  const chain = await connectChain(options.rpcUrl);
  return connectSafeOnChain(chain, options);
}

/** {@link connectSafe} on a chain already connected. */
export async function connectSafeOnChain(
  chain: SafeChain,
  options: Omit<ConnectSafeOptions, "rpcUrl">,
): Promise<SafeConnection> {
  const safeAddress = ethers.getAddress(options.safeAddress);
  let code: string;
  try {
    code = await chain.provider.getCode(safeAddress);
  } catch (error) {
    throw toCofferError(error);
  }
  if (code === "0x") throw new SafeNotFoundError(safeAddress, chain.chainId);
  const signer = options.privateKey === undefined ? undefined : new ethers.Wallet(options.privateKey).address;
  let kit: Safe;
  try {
    kit = await Safe.init({
      provider: chain.rpcUrl,
      signer: options.privateKey,
      safeAddress,
      contractNetworks: options.contractNetworks ?? protocolKitContractNetworks(chain.chainId),
    });
  } catch (error) {
    throw toCofferError(error);
  }
  return { ...chain, safeAddress, kit, signer, safe: chain.safeContract(safeAddress) };
}

/** The connection's signer, or a typed error naming the action that needs one. */
export function requireSigner(connection: SafeConnection, action: string): string {
  if (connection.signer === undefined) throw new SafeSignerMissingError(action);
  return connection.signer;
}
