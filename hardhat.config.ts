import "@nomicfoundation/hardhat-toolbox";
import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig, NetworkUserConfig } from "hardhat/types";
import { NETWORKS, rpcUrlOf, deployerAccounts } from "./deploy/networks";
import "./deploy/task";
import fs from "node:fs";

// Settings from a local `.env` (see `.env.example`), never committed.
if (fs.existsSync(".env")) process.loadEnvFile(".env");

/**
 * The compiler is the npm `solc` package (solcjs), pinned exactly in package.json: these machines cannot
 * download native compilers. The configured version is read from that package, so the two cannot drift.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SOLC_VERSION: string = require("solc/package.json").version;

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }) => {
  if (args.solcVersion !== SOLC_VERSION) {
    throw new Error(
      `Coffer compiles with the npm solc package, which is ${SOLC_VERSION}, but ${args.solcVersion} was ` +
        `requested. Set solidity.version to ${SOLC_VERSION} or pin solc@${args.solcVersion} in package.json.`,
    );
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc");
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: solc.version() as string,
  };
});

const networks: Record<string, NetworkUserConfig> = {
  hardhat: { chainId: 31337 },
};
for (const [name, network] of Object.entries(NETWORKS)) {
  networks[name] = {
    url: rpcUrlOf(network) ?? "http://unset.invalid",
    chainId: network.chainId,
    accounts: deployerAccounts(network),
  };
}

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      // Cancun is the newest fork that every target chain (Ethereum, Base, Optimism, Arbitrum, Polygon) runs.
      evmVersion: "cancun",
      viaIR: true,
      optimizer: { enabled: true, runs: 10_000 },
      metadata: { bytecodeHash: "none" },
    },
  },
  networks,
  paths: { sources: "./contracts", tests: "./test", artifacts: "./artifacts", cache: "./cache" },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  // The spec reporter plus each file's time at the end (test/reporters/timed-spec.cjs).
  mocha: { timeout: 120_000, reporter: "./test/reporters/timed-spec.cjs" },
  gasReporter: {
    enabled: process.env.REPORT_GAS === "true",
    offline: true,
    currency: "USD",
    excludeContracts: ["mocks/"],
  },
};

export default config;
