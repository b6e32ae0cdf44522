import { useEffect, useState } from "react";
import { loadConfig, type WebConfig } from "./config";

/** The app's `config.json`, loaded once per page. */
export function useConfig(): { config: WebConfig | undefined; error: unknown } {
  const [config, setConfig] = useState<WebConfig>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    loadConfig().then(setConfig, setError);
  }, []);
  return { config, error };
}
