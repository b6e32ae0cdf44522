/**
 * Symbols and decimals of the tokens the dashboard shows, read once per token from the chain through the SDK's
 * read-only client (a token's decimals never change, so the answer is kept for the page's life).
 */
import { createCofferClient, getTokenInfo, type CofferClient, type TokenInfo } from "@coffer/sdk";
import { ethers } from "ethers";
import { useEffect, useState } from "react";
import { serviceUrl, type WebConfig } from "../shared/config";

let reader: Promise<CofferClient> | undefined;
const known = new Map<string, Promise<TokenInfo>>();

function readClient(config: WebConfig): Promise<CofferClient> {
  reader ??= createCofferClient({
    runner: new ethers.JsonRpcProvider(serviceUrl(config.rpcUrl, ""), config.chainId, { staticNetwork: true }),
    manifest: config.manifest,
  }).catch((error: unknown) => {
    reader = undefined; // try again on the next call
    throw error;
  });
  return reader;
}

/** The token's symbol and decimals, from the cache or the chain. */
export function tokenInfo(config: WebConfig, token: string): Promise<TokenInfo> {
  const key = token.toLowerCase();
  let info = known.get(key);
  if (info === undefined) {
    info = readClient(config).then((client) => getTokenInfo(client, ethers.getAddress(key)));
    info.catch(() => known.delete(key));
    known.set(key, info);
  }
  return info;
}

/** Lower-case token address → its info, for every token in `tokens` once it is read. */
export function useTokens(config: WebConfig, tokens: readonly string[]): ReadonlyMap<string, TokenInfo> {
  const [infos, setInfos] = useState<ReadonlyMap<string, TokenInfo>>(new Map());
  const wanted = [...new Set(tokens.map((token) => token.toLowerCase()))].sort().join(",");
  useEffect(() => {
    let current = true;
    const list = wanted === "" ? [] : wanted.split(",");
    void Promise.allSettled(list.map((token) => tokenInfo(config, token))).then((results) => {
      if (!current) return;
      const next = new Map<string, TokenInfo>();
      results.forEach((result, index) => {
        const token = list[index];
        if (result.status === "fulfilled" && token !== undefined) next.set(token, result.value);
      });
      setInfos(next);
    });
    return () => {
      current = false;
    };
  }, [config, wanted]);
  return infos;
}
