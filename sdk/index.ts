/**
 * Coffer's TypeScript SDK. Contract typings are TypeChain's (ethers v6), generated on compile into
 * `typechain-types/`; addresses come from `deployments/<chainId>.json`.
 */
export * from "./deployments";
export * from "./client";
export * from "./errors";
export * as escrow from "./escrow";
export * as subscriptions from "./subscriptions";
export * as treasury from "./treasury";
export * as splits from "./splits";
export * as safe from "./safe";
export * as indexer from "./indexer";
export { signPermit, PERMIT_TYPES } from "./permit";
