/** Read-only access to the chain, the indexer and the approval service, for what the page shows before signing. */
import { createCofferClient, getTokenInfo, indexer, type CofferClient, type TokenInfo } from "@coffer/sdk";
import { SignatureServiceClient } from "@coffer/sdk/safe-tx";
import { ethers } from "ethers";
import { serviceUrl, type WebConfig } from "../shared/config";

/** What the treasury page reads through. */
export interface TreasuryReaders {
  readonly client: CofferClient;
  readonly provider: ethers.JsonRpcProvider;
  readonly indexer: indexer.IndexerClient;
  /** Undefined when the app has no approval service configured. */
  readonly service: SignatureServiceClient | undefined;
  /** Symbol and decimals of a token, asked once per token. */
  token(address: string): Promise<TokenInfo>;
}

/** Connects the read-only clients of the page (nothing is sent until something is read). */
export async function createReaders(config: WebConfig): Promise<TreasuryReaders> {
  const provider = new ethers.JsonRpcProvider(serviceUrl(config.rpcUrl, ""), config.chainId, {
    staticNetwork: true,
    pollingInterval: 1_000,
  });
  const client = await createCofferClient({ runner: provider, manifest: config.manifest });
  const tokens = new Map<string, Promise<TokenInfo>>();
  return {
    client,
    provider,
    indexer: indexer.createIndexerClient({ url: serviceUrl(config.indexerUrl, "") }),
    service:
      config.safeServiceUrl === undefined
        ? undefined
        : new SignatureServiceClient(serviceUrl(config.safeServiceUrl, ""), 15_000),
    token(address) {
      const key = address.toLowerCase();
      let info = tokens.get(key);
      if (info === undefined) {
        info = getTokenInfo(client, ethers.getAddress(address));
        // A failed lookup is asked again next time rather than remembered.
        info.catch(() => tokens.delete(key));
        tokens.set(key, info);
      }
      return info;
    },
  };
}
