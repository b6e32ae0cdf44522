import { useEffect, useRef, useState } from "react";
import { asIndexerProblem } from "./data";

/** A section's data from the indexer and the error of its last load. */
export interface Indexed<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  /** True until the first load of the current `key` settles. */
  readonly loading: boolean;
}

/**
 * Loads `load()` when `key` changes and again whenever `block` (the indexed block) advances. One load per key runs
 * at a time: blocks that arrive meanwhile cause one more load when it ends, so a slow indexer is never flooded
 * and its answers are never all superseded. The last good data stays on screen while a reload fails, as a
 * dashboard should; answers for a key no longer shown are dropped.
 */
export function useIndexed<T>(load: () => Promise<T>, key: string, block: number | undefined): Indexed<T> {
  const [state, setState] = useState<{ key: string; data: T | undefined; error: unknown; settled: boolean }>({
    key,
    data: undefined,
    error: undefined,
    settled: false,
  });
  // The newest `load` and `key`, for loads started after the render that asked for them.
  const latest = useRef({ key, load });
  latest.current = { key, load };
  const running = useRef<string | undefined>(undefined);
  const pending = useRef(false);
  const mounted = useRef(false);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  useEffect(() => {
    const start = () => {
      const { key: loading, load: run } = latest.current;
      running.current = loading;
      pending.current = false;
      const apply = (update: (previous: typeof state) => typeof state) => {
        if (mounted.current && latest.current.key === loading) setState(update);
      };
      run()
        .then(
          (data) => apply(() => ({ key: loading, data, error: undefined, settled: true })),
          (error: unknown) =>
            apply((previous) => ({
              key: loading,
              data: previous.key === loading ? previous.data : undefined,
              error: asIndexerProblem(error),
              settled: true,
            })),
        )
        .finally(() => {
          if (running.current !== loading) return; // a load for a newer key took over
          running.current = undefined;
          if (mounted.current && pending.current) start();
        });
    };
    if (running.current === key) pending.current = true;
    else start();
  }, [key, block]);

  const fresh = state.key === key;
  return {
    data: fresh ? state.data : undefined,
    error: fresh ? state.error : undefined,
    loading: !fresh || !state.settled,
  };
}
