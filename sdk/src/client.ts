import { ethers } from "ethers";
import { getContractAddress, getDeployment, type DeploymentManifest } from "./deployments";
import { CofferValidationError, toCofferError } from "./errors";
import {
  cofferChannelsAbi,
  cofferEscrowAbi,
  cofferSplitFactoryAbi,
  cofferSubscriptionsAbi,
  cofferTreasuryModuleAbi,
} from "./generated/abis";
import type {
  CofferChannels,
  CofferEscrow,
  CofferSplitFactory,
  CofferSubscriptions,
  CofferTreasuryModule,
} from "./generated/typechain";
import { NonceTracker } from "./nonces";

/** Coffer's contracts on one chain, bound to a signer (to send) or a provider (to read). */
export interface CofferClient {
  readonly chainId: number;
  readonly manifest: DeploymentManifest;
  /** What the contracts are bound to: the signer, or the provider for read-only use. */
  readonly runner: ethers.Signer | ethers.Provider;
  /** The provider behind the runner. */
  readonly provider: ethers.Provider;
  /** The signer, when the client may send. */
  readonly signer: ethers.Signer | undefined;
  readonly escrow: CofferEscrow;
  readonly subscriptions: CofferSubscriptions;
  readonly treasury: CofferTreasuryModule;
  readonly splitFactory: CofferSplitFactory;
  /**
   * The payment channels contract. A manifest written before channels existed has none: reading this property then
   * throws `CofferContractNotDeployedError`, and every other contract still works.
   */
  readonly channels: CofferChannels;
  /** Hands out nonces to local-key signers, so that back-to-back sends never reuse one. */
  readonly nonces: NonceTracker;
}

/** Options of {@link createCofferClient}. */
export interface CofferClientOptions {
  /**
   * Any ethers v6 signer connected to a provider (an `ethers.Wallet`, a `BrowserProvider`'s signer over an
   * EIP-1193 wallet, a Hardhat signer), or a provider for read-only use.
   */
  readonly runner: ethers.Signer | ethers.Provider;
  /**
   * The chain's deployment manifest (`deployments/<chainId>.json`). Default: the deployment this version of the
   * SDK carries for the runner's chain.
   */
  readonly manifest?: DeploymentManifest;
}

/**
 * Connects to Coffer on the runner's chain.
 *
 * @example
 * const provider = new ethers.BrowserProvider(window.ethereum);
 * const client = await createCofferClient({ runner: await provider.getSigner(), manifest });
 * @throws CofferDeploymentNotFoundError when no manifest is given and the SDK knows no deployment on the chain;
 * CofferValidationError when the manifest is another chain's; CofferRpcError when the node fails.
 */
export async function createCofferClient(options: CofferClientOptions): Promise<CofferClient> {
  const { runner } = options;
  const isSigner = "getAddress" in runner && typeof runner.getAddress === "function";
  const provider = isSigner ? (runner as ethers.Signer).provider : (runner as ethers.Provider);
  if (provider === null) throw new CofferValidationError("runner", "the signer is not connected to a provider");
  let chainId: number;
  try {
    chainId = Number((await provider.getNetwork()).chainId);
  } catch (error) {
    throw toCofferError(error);
  }
  const manifest = options.manifest ?? getDeployment(chainId);
  if (manifest.chainId !== chainId) {
    throw new CofferValidationError("manifest", `it is chain ${manifest.chainId}'s, but the node is chain ${chainId}`);
  }
  const contract = <T>(name: string, abi: ethers.InterfaceAbi): T =>
    new ethers.Contract(getContractAddress(manifest, name), abi, runner) as unknown as T;
  let channels: CofferChannels | undefined;
  return {
    chainId,
    manifest,
    runner,
    provider,
    signer: isSigner ? (runner as ethers.Signer) : undefined,
    escrow: contract<CofferEscrow>("CofferEscrow", cofferEscrowAbi),
    subscriptions: contract<CofferSubscriptions>("CofferSubscriptions", cofferSubscriptionsAbi),
    treasury: contract<CofferTreasuryModule>("CofferTreasuryModule", cofferTreasuryModuleAbi),
    splitFactory: contract<CofferSplitFactory>("CofferSplitFactory", cofferSplitFactoryAbi),
    get channels() {
      channels ??= contract<CofferChannels>("CofferChannels", cofferChannelsAbi);
      return channels;
    },
    nonces: new NonceTracker(provider),
  };
}
