/**
 * The networks Coffer deploys to. RPC URLs and the deployer key come from the environment (see
 * `.env.example`); nothing secret is ever written in the repository.
 */
export interface CofferNetwork {
  /** Name used with `--network`. */
  readonly name: string;
  readonly chainId: number;
  /** Environment variable holding the RPC URL. */
  readonly rpcEnv: string;
  /** Default RPC URL, only for local chains (read when used, so that `.env` can set the port). */
  readonly defaultRpcUrl?: () => string;
  /** Local chains get the deterministic deployment proxy, the Safe contracts and test tokens installed. */
  readonly local: boolean;
}

/** Environment variable holding the deployer's private key on public networks. */
export const DEPLOYER_KEY_ENV = "DEPLOYER_PRIVATE_KEY";

/** Environment variable holding the admin (a Safe) of Coffer's contracts on public networks. */
export const ADMIN_ENV = "COFFER_ADMIN";

/** Port of the local chain (`npm run chain`), 8545 unless `CHAIN_PORT` says otherwise. */
export const localChainPort = (): number => Number(process.env.CHAIN_PORT ?? 8545);

export const NETWORKS: Readonly<Record<string, CofferNetwork>> = {
  local: {
    name: "local",
    chainId: 31337,
    rpcEnv: "LOCAL_RPC_URL",
    defaultRpcUrl: () => `http://127.0.0.1:${localChainPort()}`,
    local: true,
  },
  mainnet: { name: "mainnet", chainId: 1, rpcEnv: "ETHEREUM_RPC_URL", local: false },
  sepolia: { name: "sepolia", chainId: 11155111, rpcEnv: "SEPOLIA_RPC_URL", local: false },
  base: { name: "base", chainId: 8453, rpcEnv: "BASE_RPC_URL", local: false },
  baseSepolia: { name: "baseSepolia", chainId: 84532, rpcEnv: "BASE_SEPOLIA_RPC_URL", local: false },
  optimism: { name: "optimism", chainId: 10, rpcEnv: "OPTIMISM_RPC_URL", local: false },
  arbitrum: { name: "arbitrum", chainId: 42161, rpcEnv: "ARBITRUM_RPC_URL", local: false },
  polygon: { name: "polygon", chainId: 137, rpcEnv: "POLYGON_RPC_URL", local: false },
};

/** The RPC URL of a network from the environment, or its local default; undefined when unset. */
export function rpcUrlOf(network: CofferNetwork): string | undefined {
  const fromEnv = process.env[network.rpcEnv];
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : network.defaultRpcUrl?.();
}

/** Accounts for Hardhat's network config: the deployer key on public networks, the node's own locally. */
export function deployerAccounts(network: CofferNetwork): string[] | "remote" {
  if (network.local) return "remote";
  const key = process.env[DEPLOYER_KEY_ENV];
  return key !== undefined && key !== "" ? [key] : [];
}

/** Thrown before anything is sent when a network's configuration is incomplete. */
export class MissingEnvironmentError extends Error {
  constructor(
    readonly network: string,
    readonly variables: string[],
  ) {
    super(
      `Network "${network}" needs ${variables.join(", ")} in the environment (see .env.example). ` +
        `Nothing was sent.`,
    );
    this.name = "MissingEnvironmentError";
  }
}

/** Checks that everything a deployment to `name` needs is set, and returns the network. */
export function requireNetwork(name: string): CofferNetwork {
  const network = NETWORKS[name];
  if (network === undefined) {
    throw new Error(`Unknown network "${name}". Known: hardhat, ${Object.keys(NETWORKS).join(", ")}.`);
  }
  const missing: string[] = [];
  if (rpcUrlOf(network) === undefined) missing.push(network.rpcEnv);
  if (!network.local && !process.env[DEPLOYER_KEY_ENV]) missing.push(DEPLOYER_KEY_ENV);
  if (!network.local && !process.env[ADMIN_ENV]) missing.push(ADMIN_ENV);
  if (missing.length > 0) throw new MissingEnvironmentError(name, missing);
  return network;
}
