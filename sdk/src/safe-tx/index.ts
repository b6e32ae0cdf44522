/**
 * Safe transactions without Safe's libraries, for browsers and small apps: the `SafeTx` typed data and hash,
 * proposals at the next free nonce, signing with any ethers signer (`eth_signTypedData_v4`), execution with
 * enough signatures (simulated first), what a transaction does in words, the `coffer-safe-tx/1` file format and
 * a client of Coffer's signature service (`coffer safe serve`). Needs only ethers and zod; `@coffer/sdk/safe`
 * does the same and more (owner changes, contract owners, the hosted service) with `@safe-global/protocol-kit`.
 */
export * from "../safe/errors";
export * from "../safe/file-format";
export * from "../safe/service-client";
export type * from "../safe/store";
export * from "./describe";
export * from "./execute";
export * from "./funds";
export * from "./multisend";
export * from "./propose";
export * from "./reverts";
export * from "./safe-contract";
export * from "./sign";
export * from "./typed-data";
