/** The description of a Safe transaction and its shortfalls are free of protocol-kit and shared with `@coffer/sdk/safe-tx`. */
export * from "../safe-tx/describe";
export * from "../safe-tx/funds";
