/** Symbols and decimals of the tokens the dashboard shows, read once per token (see `shared/read-client`). */
import type { TokenInfo } from "@coffer/sdk";
import { useEffect, useState } from "react";
import type { WebConfig } from "../shared/config";
import { tokenInfo } from "../shared/read-client";

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
