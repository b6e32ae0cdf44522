/**
 * Safe approvals: propose a Safe transaction, export it as a `coffer-safe-tx/1` document, verify and co-sign it,
 * execute it once its approvals meet the threshold; share proposals through Coffer's signature service (`coffer
 * safe serve`), a Safe Transaction Service, or a directory (`DirectorySafeStore`, from `@coffer/sdk/node`).
 * Built on `@safe-global/protocol-kit`.
 */
export * from "./actions";
export * from "./api-kit-store";
export * from "./connection";
export * from "./contracts";
export * from "./describe";
export * from "./errors";
export * from "./file";
export * from "./service-client";
export * from "./store";
export * from "./verify";
