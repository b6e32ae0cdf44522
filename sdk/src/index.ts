/**
 * `@coffer/sdk`: Coffer's contracts from TypeScript, in Node and in browsers, over any ethers v6 signer or
 * provider. Create a client with {@link createCofferClient}, then call the actions of each module:
 * `escrow`, `subscriptions`, `splits`, `treasury`, `channels`; read the indexer with `indexer`. Safe approvals are in
 * `@coffer/sdk/safe`; reading manifests and Safe files from disk in `@coffer/sdk/node`.
 */
export * from "./client";
export * from "./deployments";
export * from "./errors";
export * from "./transactions";
export * from "./tokens";
export * from "./values";
export { NonceTracker } from "./nonces";
export * from "./generated/abis";
export type {
  CofferChannels,
  CofferEscrow,
  CofferSplit,
  CofferSplitFactory,
  CofferSubscriptions,
  CofferTreasuryModule,
} from "./generated/typechain";
export * as escrow from "./escrow";
export * as subscriptions from "./subscriptions";
export * as treasury from "./treasury";
export * as splits from "./splits";
export * as channels from "./channels";
export * as indexer from "./indexer";
export { buildPayment, buildInvoice } from "./escrow/builders";
export { buildPlan } from "./subscriptions";
export type { Payment, Invoice, PayerAction, EscrowDomain } from "./escrow/typed-data";
export type { PaymentState, PaymentStatus } from "./escrow/reads";
export type { Plan, PlanParams, Subscription, SubscriptionStatus } from "./subscriptions";
export type { Channel, ChannelStatus, OpenChannelInput, Redemption } from "./channels";
export type { ChannelsDomain, Voucher } from "./channels/vouchers";
export * from "./rpc";
export { verifyWebhook, WebhookVerificationError } from "./webhooks/verify";
export type { WebhookEvent, WebhookEventName, WebhookEventType } from "./webhooks/events";
