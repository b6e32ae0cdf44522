/**
 * `@coffer/sdk/x402`: pay-per-request over HTTP 402 with Coffer's payment channels, in x402's wire format.
 * Clients wrap `fetch` with {@link createPayingFetch}; servers put a {@link Paywall} in front of a route with
 * {@link paywallMiddleware} (Hono) or {@link withPaywall} (Node `http`), keep what they accept in a
 * {@link SqlVoucherStore} (PostgreSQL or PGlite), and run a {@link ChannelRedeemer} to get paid.
 */
export * from "./wire";
export * from "./voucher-store";
export * from "./exact";
export { Paywall, type PaywallDecision, type PaywallOptions, type PricedResource } from "./paywall";
export { ChannelRedeemer, type ChannelRedeemerOptions, type RedeemRound } from "./redeemer";
export { paywallMiddleware, withPaywall, type HonoLikeContext, type PaidRequest, type Price } from "./adapters";
export {
  createPayingFetch,
  PaymentRefusedError,
  type HeldChannel,
  type PayingFetch,
  type PayingFetchOptions,
} from "./paying-fetch";
