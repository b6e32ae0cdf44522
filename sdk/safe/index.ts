/**
 * Safe approvals: propose a Safe transaction, export it as a `coffer-safe-tx/1` file, verify and co-sign it,
 * execute it once its approvals meet the threshold; share proposals through a directory, Coffer's signature
 * service (`coffer safe serve`) or a Safe Transaction Service. Built on `@safe-global/protocol-kit`.
 */
export * from "./actions";
export * from "./api-kit-store";
export * from "./connection";
export * from "./describe";
export * from "./errors";
export * from "./file";
export * from "./server";
export * from "./service-client";
export * from "./store";
export * from "./verify";
