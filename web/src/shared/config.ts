/**
 * The settings a deployment of the web app serves beside its pages as `config.json`, so that one build works on
 * any chain: which chain, where its indexer and Safe approval service answer, and (for chains the SDK does not
 * know) the deployment manifest. A test wallet for the local chain's well-known accounts is honoured on local
 * chains only.
 */
import type { DeploymentManifest } from "@coffer/sdk";
import { z } from "zod";

/** Chain ids of local development chains (Hardhat, Anvil): the only ones where test accounts are offered. */
export const LOCAL_CHAIN_IDS: readonly number[] = [31337];

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "a 0x-prefixed 20-byte hex address");

const configSchema = z.object({
  chainId: z.number().int().positive(),
  chainName: z.string().min(1),
  /** JSON-RPC URL of the chain, offered to wallets that do not know it and used by the local test wallet. */
  rpcUrl: z.string().min(1),
  /** Base URL of the indexer (`/graphql`, `/status`, `/reports/...`), absolute or relative to the page. */
  indexerUrl: z.string().min(1),
  /** Base URL of the Safe approval service (`coffer safe serve`), when the treasury page is used. */
  safeServiceUrl: z.string().min(1).optional(),
  /** The deployment manifest, for chains the SDK has no deployment of (local chains). */
  manifest: z
    .custom<DeploymentManifest>(
      (value) => typeof value === "object" && value !== null && "contracts" in value && "chainId" in value,
      "a Coffer deployment manifest",
    )
    .optional(),
  /** Named local accounts for the test wallet (local chains only). */
  testAccounts: z
    .array(z.object({ name: z.string().min(1), privateKey: z.string().regex(/^0x[0-9a-fA-F]{64}$/) }))
    .optional(),
  /** The treasury Safe shown by default on the treasury page. */
  treasurySafe: address.optional(),
  /**
   * Names of merchants by address, vouched for by whoever hosts this app. A checkout link cannot name its
   * merchant itself: anyone can write any name into a link, so an unknown payee is shown by address only.
   */
  merchants: z.record(z.string(), z.string().min(1)).optional(),
  /** The merchant shown by default on the dashboard. */
  merchant: address.optional(),
});

export type WebConfig = z.infer<typeof configSchema>;

/** `config.json` could not be read or does not describe a deployment. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses a `config.json` document; test accounts off local chains are dropped, never used. */
export function parseConfig(document: unknown): WebConfig {
  const parsed = configSchema.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new ConfigError(`config.json is not valid: ${problems.join("; ")}`);
  }
  const config = parsed.data;
  if (config.manifest !== undefined && config.manifest.chainId !== config.chainId) {
    throw new ConfigError(`config.json: the manifest is for chain ${config.manifest.chainId}, not ${config.chainId}`);
  }
  if (!LOCAL_CHAIN_IDS.includes(config.chainId)) return { ...config, testAccounts: undefined };
  return config;
}

/** Reads `config.json` from beside the page. */
export async function loadConfig(url = new URL("config.json", document.baseURI).toString()): Promise<WebConfig> {
  let response: Response;
  try {
    response = await fetch(url, { cache: "no-store" });
  } catch (error) {
    throw new ConfigError(`Could not load the app's settings from ${url}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new ConfigError(`Could not load the app's settings from ${url}: HTTP ${response.status}`);
  return parseConfig(await response.json());
}

/** The name the host gives `address`, if any. */
export function merchantName(config: WebConfig, address: string): string | undefined {
  const entry = Object.entries(config.merchants ?? {}).find(([key]) => key.toLowerCase() === address.toLowerCase());
  return entry?.[1];
}

/** A URL of a service given relative to the page (e.g. `/indexer`), made absolute. */
export function serviceUrl(base: string, path: string): string {
  const root = new URL(base, document.baseURI).toString().replace(/\/+$/, "");
  return `${root}${path}`;
}
