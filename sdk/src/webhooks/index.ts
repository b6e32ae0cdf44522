/**
 * `@coffer/sdk/webhooks`: the events Coffer's webhook service delivers, and {@link verifyWebhook} for the
 * servers that receive them.
 */
export * from "./events";
export * from "./verify";
