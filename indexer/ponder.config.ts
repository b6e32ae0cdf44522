import { createConfig, factory } from "ponder";
import { getAbiItem } from "viem";
import {
  CofferChannelsAbi,
  CofferEscrowAbi,
  CofferSplitAbi,
  CofferSplitFactoryAbi,
  CofferSubscriptionsAbi,
  CofferTreasuryModuleAbi,
  ERC20Abi,
  SafeL2Abi,
} from "./abis";
import { loadSettings, type ChainSettings, type FollowedToken, type Located } from "./src/settings";
import { guardDatabase, type GuardDatabase } from "./src/sync-cache-guard";
import { ponderSchemaOf } from "./src/pglite-restart";

const settings = loadSettings();

const database: GuardDatabase =
  process.env.DATABASE_URL !== undefined && process.env.DATABASE_URL !== ""
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : { kind: "pglite", directory: process.env.COFFER_PGLITE_DIR ?? ".ponder/pglite" };

// The commands that index (not `serve`, whose writer guards the cache) check, once per process and before Ponder
// opens the database, that its RPC cache holds these chains and not others under the same ids.
const command = process.argv.slice(2).find((arg) => arg === "start" || arg === "dev");
const guarded = globalThis as { cofferSyncGuarded?: boolean };
if (command !== undefined && guarded.cofferSyncGuarded !== true) {
  await guardDatabase(
    database,
    settings.map((chain) => ({ chainId: chain.chainId, rpcUrl: chain.rpcUrl })),
    // `ponder start` on PGlite indexes from the start each time (`src/pglite-restart.ts`); `dev` does by itself.
    command === "start" ? ponderSchemaOf(process.argv, process.env) : undefined,
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

/** `{ chain<id>: { address: [tokens], startBlock } }` for the tokens `pick` selects; `tracked`: chains with tracked accounts only. */
function tokensOf(pick: (token: FollowedToken) => boolean, tracked = false) {
  return Object.fromEntries(
    settings.flatMap((chain) => {
      const tokens = chain.tokens.filter(pick);
      if (tokens.length === 0 || (tracked && chain.trackedAccounts.length === 0)) return [];
      const place = {
        address: tokens.map((token) => token.address),
        startBlock: Math.min(...tokens.map((token) => token.startBlock)),
      };
      return [[chain.name, place]];
    }),
  );
}

/**
 * The tracked accounts of a filter. A Ponder filter is per contract, not per chain: with several chains it lists
 * every chain's tracked accounts (a chain's own Coffer addresses are the same CREATE2 addresses elsewhere).
 */
const tracked = [...new Set(settings.flatMap((chain) => chain.trackedAccounts))];

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
        // Ponder's RPC cache is on for real chains (a chain restarted under the same id is caught by the guard above,
        // which drops that chain's cached rows). On local chains it is off unless `COFFER_RPC_CACHE=1`: a run killed
        // mid-backfill and resumed from the cache once double-counted a split's credit (test/indexer/restart.test.ts),
        // and this is not understood yet. `COFFER_DISABLE_RPC_CACHE=1` turns it off everywhere (to compare).
        disableCache:
          process.env.COFFER_DISABLE_RPC_CACHE === "1" || (isLocal(chain) && process.env.COFFER_RPC_CACHE !== "1"),
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
    // Absent from a manifest written before the channels were deployed: then no chain has it.
    CofferChannels: { abi: CofferChannelsAbi, chain: perChain((chain) => chain.channels) },
    TreasurySafe: {
      abi: SafeL2Abi,
      chain: perChain((chain) => chain.treasurySafe),
    },
    // Every transfer of the tokens followed whole (the manifest's test tokens).
    Token: { abi: ERC20Abi, chain: tokensOf((token) => !token.filtered) },
    // A filtered token's transfers from or to a tracked account. Ponder 0.16 keeps one filter per event and
    // contract, with fixed topics (no factory addresses in `args`), so "from or to" takes two sources; a transfer
    // between two tracked accounts reaches both, and the second skips it (`tokens.ts`).
    TrackedTokenFrom: {
      abi: ERC20Abi,
      chain: tokensOf((token) => token.filtered, true),
      filter: { event: "Transfer", args: { from: tracked } },
    },
    TrackedTokenTo: {
      abi: ERC20Abi,
      chain: tokensOf((token) => token.filtered, true),
      filter: { event: "Transfer", args: { to: tracked } },
    },
  },
});
