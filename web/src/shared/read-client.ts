/**
 * Read-only access for what the indexer does not hold: a token's symbol and decimals, and whether it takes
 * permits. Everything about payments is read from the indexer.
 */
import {
  createCofferClient,
  getTokenInfo,
  indexer,
  supportsPermit,
  type CofferClient,
  type TokenInfo,
} from "@coffer/sdk";
import { ethers } from "ethers";
import { serviceUrl, type WebConfig } from "./config";

const clients = new Map<string, Promise<CofferClient>>();
const tokens = new Map<string, Promise<TokenInfo>>();
const permits = new Map<string, Promise<boolean>>();

/** A Coffer client without a signer, over the app's RPC endpoint. */
export function readClient(config: WebConfig): Promise<CofferClient> {
  const url = serviceUrl(config.rpcUrl, "");
  let client = clients.get(url);
  if (client === undefined) {
    const provider = new ethers.JsonRpcProvider(url, config.chainId, { staticNetwork: true });
    client = createCofferClient({ runner: provider, manifest: config.manifest });
    clients.set(url, client);
  }
  return client;
}

/** A token's symbol and decimals, read once per page. */
export function tokenInfo(config: WebConfig, token: string): Promise<TokenInfo> {
  const key = token.toLowerCase();
  let info = tokens.get(key);
  if (info === undefined) {
    info = readClient(config).then((client) => getTokenInfo(client, ethers.getAddress(token)));
    info.catch(() => tokens.delete(key));
    tokens.set(key, info);
  }
  return info;
}

/** Whether a token takes EIP-2612 permits, read once per page. */
export function tokenSupportsPermit(config: WebConfig, token: string): Promise<boolean> {
  const key = token.toLowerCase();
  let answer = permits.get(key);
  if (answer === undefined) {
    answer = readClient(config).then((client) => supportsPermit(client, ethers.getAddress(token)));
    permits.set(key, answer);
  }
  return answer;
}

/** The SDK's indexer client for the app's indexer. */
export function indexerClient(config: WebConfig): indexer.IndexerClient {
  return indexer.createIndexerClient({ url: serviceUrl(config.indexerUrl, ""), timeoutMs: 10_000 });
}
