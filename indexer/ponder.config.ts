import { createConfig, factory } from "ponder";
import { getAbiItem } from "viem";
import {
  CofferEscrowAbi,
  CofferSplitAbi,
  CofferSplitFactoryAbi,
  CofferSubscriptionsAbi,
  CofferTreasuryModuleAbi,
  ERC20Abi,
  SafeL2Abi,
} from "./abis";
import { loadSettings, type ChainSettings, type Located } from "./src/settings";
import { guardDatabase, type GuardDatabase } from "./src/sync-cache-guard";

const settings = loadSettings();

const database: GuardDatabase =
  process.env.DATABASE_URL !== undefined && process.env.DATABASE_URL !== ""
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : { kind: "pglite", directory: process.env.COFFER_PGLITE_DIR ?? ".ponder/pglite" };

// The commands that index (not `serve`, whose writer guards the cache) check, once per process and before Ponder
// opens the database, that its RPC cache holds these chains and not others under the same ids.
const indexes = process.argv.slice(2).some((arg) => arg === "start" || arg === "dev");
const guarded = globalThis as { cofferSyncGuarded?: boolean };
if (indexes && guarded.cofferSyncGuarded !== true) {
  await guardDatabase(
    database,
    settings.map((chain) => ({ chainId: chain.chainId, rpcUrl: chain.rpcUrl })),
  );
  guarded.cofferSyncGuarded = true;
}

/** `{ chain<id>: { address, startBlock } }` for the chains where `pick` finds the contract. */
function perChain(pick: (chain: ChainSettings) => Located | undefined) {
  const entries = settings.flatMap((chain) => {
    const located = pick(chain);
    return located === undefined ? [] : [[chain.name, { address: located.address, startBlock: located.startBlock }]];
  });
  return Object.fromEntries(entries) as Record<string, { address: `0x${string}`; startBlock: number }>;
}

/** A development chain: Hardhat's or Anvil's chain id, or a node on this machine. */
function isLocal(chain: ChainSettings): boolean {
  return chain.chainId === 31337 || /^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(chain.rpcUrl);
}

const splitCreated = getAbiItem({ abi: CofferSplitFactoryAbi, name: "SplitCreated" });

export default createConfig({
  // PGlite (embedded) unless DATABASE_URL names a PostgreSQL database; its schema comes from DATABASE_SCHEMA or
  // `--schema`.
  database:
    database.kind === "postgres"
      ? { kind: "postgres", connectionString: database.connectionString }
      : { kind: "pglite", directory: database.directory },
  // Every table is keyed by chain id: chains are independent, each indexed as fast as its node allows.
  ordering: "multichain",
  chains: Object.fromEntries(
    settings.map((chain) => [
      chain.name,
      {
        id: chain.chainId,
        rpc: chain.rpcUrl,
        // Local chains mine a block per transaction: poll often so that tests and demos see them at once.
        pollingInterval: isLocal(chain) ? 250 : 1_000,
        // Ponder's RPC cache stays on everywhere: a local chain restarted under the same id is caught by the guard
        // above, which drops that chain's cached rows. `COFFER_DISABLE_RPC_CACHE=1` turns it off (to compare).
        disableCache: process.env.COFFER_DISABLE_RPC_CACHE === "1",
      },
    ]),
  ),
  contracts: {
    CofferEscrow: { abi: CofferEscrowAbi, chain: perChain((chain) => chain.escrow) },
    CofferSubscriptions: { abi: CofferSubscriptionsAbi, chain: perChain((chain) => chain.subscriptions) },
    CofferTreasuryModule: { abi: CofferTreasuryModuleAbi, chain: perChain((chain) => chain.treasuryModule) },
    CofferSplitFactory: { abi: CofferSplitFactoryAbi, chain: perChain((chain) => chain.splitFactory) },
    CofferSplit: {
      abi: CofferSplitAbi,
      chain: Object.fromEntries(
        settings.flatMap((chain) =>
          chain.splitFactory === undefined
            ? []
            : [
                [
                  chain.name,
                  {
                    address: factory({ address: chain.splitFactory.address, event: splitCreated, parameter: "split" }),
                    startBlock: chain.splitFactory.startBlock,
                  },
                ],
              ],
        ),
      ),
    },
    TreasurySafe: {
      abi: SafeL2Abi,
      chain: perChain((chain) => chain.treasurySafe),
    },
    Token: {
      abi: ERC20Abi,
      chain: Object.fromEntries(
        settings.flatMap((chain) =>
          chain.tokens.length === 0
            ? []
            : [
                [
                  chain.name,
                  {
                    address: chain.tokens.map((token) => token.address),
                    startBlock: Math.min(...chain.tokens.map((token) => token.startBlock)),
                  },
                ],
              ],
        ),
      ),
    },
  },
});
