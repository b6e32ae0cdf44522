/**
 * Payment channels: open a channel with one deposit, pay with signed vouchers off chain, redeem them in batches.
 * `vouchers` holds the typed data (no node needed); the actions send transactions through a client. The types
 * `ChannelsDomain` and `Voucher` are exported from the package's root (a namespace of the bundled declarations
 * would otherwise read them as values).
 */
export {
  channelIdOf,
  channelsTypedDataDomain,
  signVoucher,
  verifyVoucher,
  voucherDigest,
  voucherVerifier,
  VOUCHER_TYPES,
} from "./vouchers";
export * from "./actions";
