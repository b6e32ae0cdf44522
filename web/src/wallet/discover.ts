/**
 * The wallets a page can use: those that announce themselves through EIP-6963 (several extensions side by side),
 * the legacy `window.ethereum` when it is not one of them, and the local test accounts on local chains.
 */
import { createStore, type EIP6963ProviderDetail } from "mipd";
import { useEffect, useState } from "react";
import type { WebConfig } from "../shared/config";
import type { Eip1193Provider } from "./eip1193";
import { createTestWallet } from "./test-wallet";

/** A wallet the reader can pick. */
export interface WalletOption {
  /** Stable id: the EIP-6963 uuid, `injected`, or `test:<index>`. */
  readonly id: string;
  readonly name: string;
  /** A data: URI from the wallet's announcement. */
  readonly icon?: string;
  readonly kind: "eip6963" | "injected" | "test";
  readonly provider: Eip1193Provider;
}

let store: ReturnType<typeof createStore> | undefined;
const announcements = () => (store ??= createStore());

function injectedOptions(details: readonly EIP6963ProviderDetail[]): WalletOption[] {
  const announced: WalletOption[] = details.map((detail) => ({
    id: detail.info.uuid,
    name: detail.info.name,
    icon: detail.info.icon,
    kind: "eip6963",
    provider: detail.provider as unknown as Eip1193Provider,
  }));
  const legacy = (window as unknown as { ethereum?: Eip1193Provider }).ethereum;
  if (legacy !== undefined && !details.some((detail) => (detail.provider as unknown) === legacy)) {
    announced.push({ id: "injected", name: "Browser wallet", kind: "injected", provider: legacy });
  }
  return announced;
}

function testOptions(config: WebConfig): WalletOption[] {
  return (config.testAccounts ?? []).map((account, index) => ({
    id: `test:${index}`,
    name: `Test wallet: ${account.name}`,
    kind: "test",
    provider: createTestWallet(account.privateKey, new URL(config.rpcUrl, document.baseURI).toString(), config.chainId),
  }));
}

/** The wallets on offer, updated as extensions announce themselves. */
export function useWalletOptions(config: WebConfig | undefined): WalletOption[] {
  const [details, setDetails] = useState<readonly EIP6963ProviderDetail[]>(() => announcements().getProviders());
  useEffect(() => announcements().subscribe((providers) => setDetails([...providers])), []);
  const [tests, setTests] = useState<WalletOption[]>([]);
  useEffect(() => setTests(config === undefined ? [] : testOptions(config)), [config]);
  return [...injectedOptions(details), ...tests];
}
