import { useEffect, useState } from "react";
import { asIndexerProblem } from "./data";

/** A section's data from the indexer and the error of its last load. */
export interface Indexed<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  /** True until the first load settles. */
  readonly loading: boolean;
}

/**
 * Loads `load()` when `key` changes and again whenever `block` (the indexed block) advances. The last good data
 * stays on screen while a reload fails, as a dashboard should; answers to superseded loads are dropped.
 */
export function useIndexed<T>(load: () => Promise<T>, key: string, block: number | undefined): Indexed<T> {
  const [state, setState] = useState<{ key: string; data: T | undefined; error: unknown; settled: boolean }>({
    key,
    data: undefined,
    error: undefined,
    settled: false,
  });
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setState({ key, data, error: undefined, settled: true }),
      (error: unknown) =>
        current &&
        setState((previous) => ({
          key,
          data: previous.key === key ? previous.data : undefined,
          error: asIndexerProblem(error),
          settled: true,
        })),
    );
    return () => {
      current = false;
    };
    // `load` is a new closure each render: `key` names what it loads.
  }, [key, block]);
  const fresh = state.key === key;
  return {
    data: fresh ? state.data : undefined,
    error: fresh ? state.error : undefined,
    loading: !fresh || !state.settled,
  };
}
