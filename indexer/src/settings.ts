/**
 * What the indexer indexes, from the environment and the deployment manifests (`deployments/<chainId>.json`).
 * Read by `ponder.config.ts` and by the API (reconciliation needs each chain's RPC URL and tokens).
 */
import fs from "node:fs";
import path from "node:path";

type Address = `0x${string}`;

/** One contract instance: where it lives and from which block to read its logs. */
export interface Located {
  readonly address: Address;
  readonly startBlock: number;
}

/**
 * A followed token. `filtered`: only its transfers from or to a tracked account are indexed (a configured
 * `COFFER_TOKENS_<id>` token such as USDC: every transfer would be hundreds of millions of rows); otherwise all
 * (the manifest's test tokens, or `COFFER_TOKENS_ALL_TRANSFERS_<id>=true`).
 */
export interface FollowedToken extends Located {
  readonly filtered: boolean;
}

/** Everything indexed on one chain. */
export interface ChainSettings {
  readonly chainId: number;
  /** Ponder's name of the chain (`chain<chainId>`). */
  readonly name: string;
  readonly rpcUrl: string;
  readonly escrow?: Located;
  readonly subscriptions?: Located;
  readonly treasuryModule?: Located;
  readonly splitFactory?: Located;
  readonly treasurySafe?: Located;
  /** `CofferChannels`; absent from manifests written before it was deployed. */
  readonly channels?: Located;
  /** ERC-20 tokens whose `Transfer` events make the balances: the manifest's test tokens and `COFFER_TOKENS_<id>`. */
  readonly tokens: readonly FollowedToken[];
  /**
   * The accounts whose transfers of a filtered token are indexed: Coffer's contracts (escrow, subscriptions,
   * treasury module, channels), the treasury Safe, and `COFFER_ACCOUNTS_<id>` (merchants, payees, fee receivers, splits).
   */
  readonly trackedAccounts: readonly Address[];
}

interface ManifestRecord {
  readonly contract: string;
  readonly address: string;
  readonly deploymentBlock: number | null;
}

interface Manifest {
  readonly chainId: number;
  readonly contracts: Readonly<Record<string, ManifestRecord>>;
  readonly treasurySafe?: { readonly address: string; readonly deploymentBlock: number | null };
}

/** Contract names of the manifest that are ERC-20 tokens to follow (the local chain's stablecoins). */
const TOKEN_CONTRACTS = new Set(["MockERC20"]);

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

function address(value: string, what: string): Address {
  if (!ADDRESS.test(value)) throw new Error(`${what}: ${JSON.stringify(value)} is not an address`);
  return value.toLowerCase() as Address;
}

/** Chains to index: `COFFER_CHAIN_IDS` (comma-separated), 31337 by default. */
export function configuredChainIds(env: NodeJS.ProcessEnv = process.env): number[] {
  const raw = env.COFFER_CHAIN_IDS ?? "31337";
  const ids = raw
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => {
      const id = Number(part);
      if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`COFFER_CHAIN_IDS: ${part} is not a chain id`);
      return id;
    });
  if (ids.length === 0) throw new Error("COFFER_CHAIN_IDS names no chain");
  return [...new Set(ids)];
}

/** Folder of the manifests: `COFFER_DEPLOYMENTS_DIR`, else the repository's `deployments/`. */
export function deploymentsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.COFFER_DEPLOYMENTS_DIR ?? path.resolve(process.cwd(), "..", "deployments");
}

/**
 * Extra tokens of a chain from `COFFER_TOKENS_<chainId>`: comma-separated `address` or `address@startBlock`.
 * Balances are sums of transfers, so a token's start block must precede its first transfer (0 by default).
 */
function envTokens(chainId: number, env: NodeJS.ProcessEnv): Located[] {
  const raw = env[`COFFER_TOKENS_${chainId}`];
  if (raw === undefined || raw.trim() === "") return [];
  return raw.split(",").map((entry) => {
    const [addr = "", block] = entry.trim().split("@");
    const startBlock = block === undefined ? 0 : Number(block);
    if (!Number.isSafeInteger(startBlock) || startBlock < 0) {
      throw new Error(`COFFER_TOKENS_${chainId}: bad start block in ${entry}`);
    }
    return { address: address(addr, `COFFER_TOKENS_${chainId}`), startBlock };
  });
}

/** `COFFER_ACCOUNTS_<chainId>`: comma-separated addresses whose filtered-token transfers are indexed too. */
function envAccounts(chainId: number, env: NodeJS.ProcessEnv): Address[] {
  const raw = env[`COFFER_ACCOUNTS_${chainId}`];
  if (raw === undefined || raw.trim() === "") return [];
  return raw
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => address(entry, `COFFER_ACCOUNTS_${chainId}`));
}

/** The settings of every configured chain; throws with a clear message on a missing manifest or RPC URL. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): ChainSettings[] {
  const dir = deploymentsDir(env);
  return configuredChainIds(env).map((chainId) => {
    const file = path.join(dir, `${chainId}.json`);
    if (!fs.existsSync(file)) throw new Error(`No deployment manifest for chain ${chainId} (${file})`);
    const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as Manifest;
    if (manifest.chainId !== chainId) throw new Error(`${file} is the manifest of chain ${manifest.chainId}`);
    const rpcUrl = env[`PONDER_RPC_URL_${chainId}`];
    if (rpcUrl === undefined || rpcUrl === "") throw new Error(`Set PONDER_RPC_URL_${chainId} to an RPC URL`);
    const located = (name: string): Located | undefined => {
      const record = manifest.contracts[name];
      if (record === undefined) return undefined;
      return { address: address(record.address, `${file} ${name}`), startBlock: record.deploymentBlock ?? 0 };
    };
    const tokens: FollowedToken[] = Object.entries(manifest.contracts)
      .filter(([, record]) => TOKEN_CONTRACTS.has(record.contract))
      .map(([name]) => located(name))
      .filter((token): token is Located => token !== undefined)
      .map((token) => ({ ...token, filtered: false }));
    const allTransfers = env[`COFFER_TOKENS_ALL_TRANSFERS_${chainId}`] === "true";
    for (const extra of envTokens(chainId, env)) {
      if (!tokens.some((token) => token.address === extra.address)) tokens.push({ ...extra, filtered: !allTransfers });
    }
    const safe = manifest.treasurySafe;
    const safeAddress = safe === undefined ? undefined : address(safe.address, `${file} treasurySafe`);
    const trackedAccounts = [
      ...["CofferEscrow", "CofferSubscriptions", "CofferTreasuryModule", "CofferChannels"].flatMap((name) => {
        const found = located(name);
        return found === undefined ? [] : [found.address];
      }),
      ...(safeAddress === undefined ? [] : [safeAddress]),
      ...envAccounts(chainId, env),
    ];
    return {
      chainId,
      name: `chain${chainId}`,
      rpcUrl,
      escrow: located("CofferEscrow"),
      subscriptions: located("CofferSubscriptions"),
      treasuryModule: located("CofferTreasuryModule"),
      splitFactory: located("CofferSplitFactory"),
      channels: located("CofferChannels"),
      treasurySafe:
        safe === undefined
          ? undefined
          : { address: address(safe.address, `${file} treasurySafe`), startBlock: safe.deploymentBlock ?? 0 },
      tokens,
      trackedAccounts: [...new Set(trackedAccounts)],
    };
  });
}
