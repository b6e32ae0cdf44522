export {
  channelIdOf,
  channelsTypedDataDomain,
  signVoucher,
  verifyVoucher,
  voucherDigest,
  VOUCHER_TYPES,
  type ChannelsDomain,
  type Voucher,
} from "./vouchers";
