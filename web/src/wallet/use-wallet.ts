/**
 * The connected wallet of a page: which one the reader picked, its account and chain, and a Coffer client over
 * it once it is on the app's chain. Follows the wallet's `accountsChanged` and `chainChanged` events.
 */
import { createCofferClient, type CofferClient } from "@coffer/sdk";
import { ethers } from "ethers";
import { useCallback, useEffect, useState } from "react";
import { LOCAL_CHAIN_IDS, type WebConfig } from "../shared/config";
import { trackActivity, type ActivityListener } from "./activity";
import { ProviderRpcError } from "./eip1193";
import type { WalletOption } from "./discover";

/** The wallet as the page sees it. */
export type WalletState =
  | { readonly status: "disconnected" }
  | { readonly status: "connecting"; readonly option: WalletOption }
  | {
      readonly status: "connected";
      readonly option: WalletOption;
      readonly account: string;
      /** The wallet's chain; the client exists only when it is the app's. */
      readonly chainId: number;
      readonly client: CofferClient | undefined;
      /** Hears each signature and transaction the page asks of this wallet. */
      readonly subscribe: (listener: ActivityListener) => () => void;
    };

/** The wallet is on another chain than the app's. */
export class WrongChainError extends Error {
  constructor(
    readonly walletChainId: number,
    readonly expectedChainId: number,
    readonly expectedName: string,
  ) {
    super(
      `Your wallet is on chain ${walletChainId}; Coffer here runs on ${expectedName} (chain ${expectedChainId}). ` +
        `Switch your wallet to ${expectedName} to continue.`,
    );
    this.name = "WrongChainError";
  }
}

async function clientFor(
  provider1193: ReturnType<typeof trackActivity>["provider"],
  config: WebConfig,
  account: string,
): Promise<CofferClient> {
  const provider = new ethers.BrowserProvider(provider1193, config.chainId, {
    pollingInterval: LOCAL_CHAIN_IDS.includes(config.chainId) ? 250 : 2_000,
    cacheTimeout: -1,
  });
  const signer = await provider.getSigner(account);
  return createCofferClient({ runner: signer, manifest: config.manifest });
}

/** Connects to a picked wallet, asks it to switch chain, and keeps the state in step with its events. */
export function useWallet(config: WebConfig | undefined) {
  const [state, setState] = useState<WalletState>({ status: "disconnected" });
  const [error, setError] = useState<unknown>(undefined);

  const settle = useCallback(
    async (option: WalletOption, accounts: unknown, chainHex: unknown) => {
      if (config === undefined) return;
      const account =
        Array.isArray(accounts) && typeof accounts[0] === "string" ? ethers.getAddress(accounts[0]) : undefined;
      if (account === undefined) {
        setState({ status: "disconnected" });
        return;
      }
      const chainId = Number(chainHex);
      const tracked = trackActivity(option.provider);
      const client = chainId === config.chainId ? await clientFor(tracked.provider, config, account) : undefined;
      setState({ status: "connected", option, account, chainId, client, subscribe: tracked.subscribe });
    },
    [config],
  );

  const connect = useCallback(
    async (option: WalletOption) => {
      setError(undefined);
      setState({ status: "connecting", option });
      try {
        const accounts = await option.provider.request({ method: "eth_requestAccounts" });
        const chainHex = await option.provider.request({ method: "eth_chainId" });
        await settle(option, accounts, chainHex);
      } catch (thrown) {
        setError(thrown);
        setState({ status: "disconnected" });
      }
    },
    [settle],
  );

  const switchChain = useCallback(async () => {
    if (state.status !== "connected" || config === undefined) return;
    setError(undefined);
    const provider = state.option.provider;
    const chainId = ethers.toQuantity(config.chainId);
    try {
      try {
        await provider.request({ method: "wallet_switchEthereumChain", params: [{ chainId }] });
      } catch (thrown) {
        if ((thrown as { code?: number }).code !== 4902) throw thrown;
        await provider.request({
          method: "wallet_addEthereumChain",
          params: [
            {
              chainId,
              chainName: config.chainName,
              rpcUrls: [new URL(config.rpcUrl, document.baseURI).toString()],
              nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
            },
          ],
        });
      }
      await settle(
        state.option,
        await provider.request({ method: "eth_accounts" }),
        await provider.request({ method: "eth_chainId" }),
      );
    } catch (thrown) {
      setError(thrown);
    }
  }, [state, config, settle]);

  useEffect(() => {
    if (state.status !== "connected") return;
    const { option } = state;
    const refresh = () => {
      void Promise.all([
        option.provider.request({ method: "eth_accounts" }),
        option.provider.request({ method: "eth_chainId" }),
      ]).then(([accounts, chainHex]) => settle(option, accounts, chainHex), setError);
    };
    option.provider.on?.("accountsChanged", refresh);
    option.provider.on?.("chainChanged", refresh);
    return () => {
      option.provider.removeListener?.("accountsChanged", refresh);
      option.provider.removeListener?.("chainChanged", refresh);
    };
  }, [state, settle]);

  /** The wrong-chain problem of the connected wallet, if any. */
  const chainProblem =
    state.status === "connected" && config !== undefined && state.chainId !== config.chainId
      ? new WrongChainError(state.chainId, config.chainId, config.chainName)
      : undefined;

  return { state, error, chainProblem, connect, switchChain, clearError: () => setError(undefined) };
}

export { ProviderRpcError };
