/**
 * `@coffer/sdk/node`: the parts of the SDK that read and write files, for Node programs (the CLI, servers,
 * scripts). Everything else is in `@coffer/sdk`, which runs in browsers too.
 */
export * from "./manifests";
export * from "./safe-files";
export * from "./directory-store";
