/**
 * Payment channels: open a channel with one deposit, pay with signed vouchers off chain, redeem them in batches.
 * `vouchers` holds the typed data (no node needed); the actions send transactions through a client.
 */
export {
  channelIdOf,
  channelsTypedDataDomain,
  signVoucher,
  verifyVoucher,
  voucherDigest,
  voucherVerifier,
  VOUCHER_TYPES,
  type ChannelsDomain,
  type Voucher,
} from "./vouchers";
export {
  channelsDomainOf,
  closeChannel,
  finishExit,
  getChannel,
  openChannel,
  redeem,
  redeemMany,
  setRedeemer,
  startExit,
  topUp,
  withdrawCredit,
  type Channel,
  type ChannelStatus,
  type OpenChannelInput,
  type Redemption,
} from "./actions";
