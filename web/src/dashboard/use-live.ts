/**
 * The dashboard's heartbeat: the indexer's last indexed block, polled about every second. Sections refetch when
 * it advances, so a payment shows up within a second or so of its block being indexed, without a reload. When the
 * indexer does not answer, the error is kept for the banner and polling goes on until it is back.
 */
import { indexer } from "@coffer/sdk";
import { useEffect, useRef, useState } from "react";
import { asIndexerProblem } from "./data";

/** Where the indexer stands on the page's chain. */
export interface LiveState {
  /** The last indexed block, once known. */
  readonly block: number | undefined;
  /** That block's timestamp (unix seconds): the chain's "now" for expiries and the default report range. */
  readonly timestamp: number | undefined;
  /** Why the last poll failed; undefined while the indexer answers. */
  readonly error: unknown;
}

/** Poll interval while the indexer answers, and after a failure. */
export const POLL_MS = 1_000;
export const RETRY_MS = 2_000;

/** Polls `client`'s `/status` for `chainId` until unmounted. */
export function useLiveBlock(client: indexer.IndexerClient, chainId: number): LiveState {
  const [state, setState] = useState<LiveState>({ block: undefined, timestamp: undefined, error: undefined });
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      let delay = POLL_MS;
      try {
        const status = await client.status();
        const chain = Object.values(status).find((entry) => entry.id === chainId);
        if (!stopped) {
          setState((previous) =>
            previous.block === chain?.block?.number && previous.error === undefined
              ? previous
              : { block: chain?.block?.number, timestamp: chain?.block?.timestamp, error: undefined },
          );
        }
      } catch (error) {
        delay = RETRY_MS;
        if (!stopped) setState((previous) => ({ ...previous, error: asIndexerProblem(error) }));
      }
      if (!stopped) timer = setTimeout(() => void poll(), delay);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [client, chainId]);
  return state;
}

/** True for the errors the page-wide banner already shows (the indexer is down), so sections need not repeat it. */
export function isIndexerDown(error: unknown): boolean {
  return asIndexerProblem(error) instanceof indexer.IndexerUnavailableError;
}

/**
 * `block`, but advancing at most once per `intervalMs` (the latest value is taken when the interval is up): for
 * checks too heavy to rerun on every block, such as the reconciliation, which reads every balance on chain.
 */
export function useThrottledBlock(block: number | undefined, intervalMs: number): number | undefined {
  const [shown, setShown] = useState(block);
  const last = useRef(0);
  useEffect(() => {
    if (block === shown) return;
    const wait = last.current + intervalMs - Date.now();
    const timer = setTimeout(
      () => {
        last.current = Date.now();
        setShown(block);
      },
      Math.max(wait, 0),
    );
    return () => clearTimeout(timer);
  }, [block, shown, intervalMs]);
  return shown;
}
