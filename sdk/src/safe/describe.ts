/** The description of a Safe transaction is free of protocol-kit and shared with `@coffer/sdk/safe-tx`. */
export * from "../safe-tx/describe";
