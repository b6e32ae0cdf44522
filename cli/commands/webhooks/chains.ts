import { confirmationsFor, defaultReorgWindow } from "../../webhooks/config";
import type { ChainFollowing } from "../../webhooks/ingest";
import type { EventSource } from "../../webhooks/source";
import { parseCount, UsageError } from "../../io";

/** `--chain` and `--confirmations` as given (repeatable). */
export interface ChainCommandOptions {
  chain?: string[];
  confirmations?: string[];
  reorgWindow?: string;
}

/** Collects a repeatable option. */
export const repeatable = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Parses `--confirmations <chainId>=<n>` (repeatable). */
export function parseConfirmations(values: readonly string[] = []): Map<number, number> {
  const map = new Map<number, number>();
  for (const value of values) {
    const match = /^(\d+)=(\d+)$/.exec(value);
    if (match === null) throw new UsageError(`--confirmations ${value} is not <chainId>=<blocks>`);
    map.set(Number(match[1]), Number(match[2]));
  }
  return map;
}

/** The chains to follow: `--chain` (repeatable), else every chain the indexer indexes; each with its confirmations. */
export async function chainsToFollow(
  options: ChainCommandOptions,
  source: EventSource,
  env: NodeJS.ProcessEnv,
): Promise<ChainFollowing[]> {
  const overrides = parseConfirmations(options.confirmations);
  const ids =
    options.chain !== undefined && options.chain.length > 0
      ? options.chain.map((value) => parseCount(value, "--chain"))
      : await source.chainIds();
  if (ids.length === 0) throw new UsageError("the indexer names no chain: pass --chain <id>");
  return ids.map((chainId) => {
    let confirmations: number;
    try {
      confirmations = confirmationsFor(chainId, env, overrides);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const reorgWindow =
      options.reorgWindow === undefined
        ? defaultReorgWindow(confirmations)
        : parseCount(options.reorgWindow, "--reorg-window");
    return { chainId, confirmations, reorgWindow };
  });
}
