import { useCallback, useEffect, useRef, useState } from "react";

/**
 * Loads `load()` now, again every `intervalMs` and on `refresh()`; keeps the last data while a reload fails, so a
 * blip shows the error beside what was last known rather than blanking the page.
 */
export function usePolling<T>(load: (() => Promise<T>) | undefined, intervalMs: number) {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);

  const refresh = useCallback(async () => {
    if (load === undefined) return;
    const mine = ++generation.current;
    try {
      const value = await load();
      if (mine !== generation.current) return;
      setData(value);
      setError(undefined);
    } catch (thrown) {
      if (mine === generation.current) setError(thrown);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [load]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), intervalMs);
    return () => clearInterval(timer);
  }, [refresh, intervalMs]);

  return { data, error, loading, refresh };
}
