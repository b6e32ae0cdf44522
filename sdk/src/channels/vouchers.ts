import { ethers } from "ethers";

/**
 * Vouchers of Coffer's payment channels (`CofferChannels`): EIP-712 typed data, signing and checking, and the
 * channel id. A voucher says "the payee may take `amount` in total from channel `channelId`"; amounts are
 * cumulative, so only the latest voucher matters and an older one is worth nothing more.
 */

/** The channels contract's EIP-712 domain on a chain. */
export interface ChannelsDomain {
  chainId: bigint | number;
  /** Address of the CofferChannels contract. */
  channels: string;
}

/** A voucher: the cumulative amount, in token units, the payee may take from the channel. */
export interface Voucher {
  channelId: string;
  amount: bigint;
}

/** The voucher's EIP-712 type: `Voucher(bytes32 channelId,uint256 amount)`. */
export const VOUCHER_TYPES: Record<string, ethers.TypedDataField[]> = {
  Voucher: [
    { name: "channelId", type: "bytes32" },
    { name: "amount", type: "uint256" },
  ],
};

/** The EIP-712 domain as `CofferChannels` builds it: name "Coffer Channels", version "1". */
export function channelsTypedDataDomain(domain: ChannelsDomain): ethers.TypedDataDomain {
  return { name: "Coffer Channels", version: "1", chainId: domain.chainId, verifyingContract: domain.channels };
}

/** The digest the channel's signer signs (equal to the contract's `voucherDigest`). */
export function voucherDigest(voucher: Voucher, domain: ChannelsDomain): string {
  return ethers.TypedDataEncoder.hash(channelsTypedDataDomain(domain), VOUCHER_TYPES, voucher);
}

/** Signs a voucher with the channel's signer (the payer, or its session key). */
export function signVoucher(signer: ethers.Signer, voucher: Voucher, domain: ChannelsDomain): Promise<string> {
  return signer.signTypedData(channelsTypedDataDomain(domain), VOUCHER_TYPES, voucher);
}

/** Whether `signature` is `signer`'s signature of the voucher (what the contract checks, without a node). */
export function verifyVoucher(voucher: Voucher, signature: string, signer: string, domain: ChannelsDomain): boolean {
  try {
    const recovered = ethers.verifyTypedData(channelsTypedDataDomain(domain), VOUCHER_TYPES, voucher, signature);
    return recovered === ethers.getAddress(signer);
  } catch {
    return false;
  }
}

const VOUCHER_TYPEHASH = ethers.id("Voucher(bytes32 channelId,uint256 amount)");

/**
 * A voucher checker bound to one domain, for servers that check many: the domain separator is hashed once and each
 * voucher's digest is built directly (as the contract does), several times faster than `verifyVoucher`.
 */
export function voucherVerifier(
  domain: ChannelsDomain,
): (voucher: Voucher, signature: string, signer: string) => boolean {
  const separator = ethers.TypedDataEncoder.hashDomain(channelsTypedDataDomain(domain));
  const coder = ethers.AbiCoder.defaultAbiCoder();
  return (voucher, signature, signer) => {
    try {
      const struct = ethers.keccak256(
        coder.encode(["bytes32", "bytes32", "uint256"], [VOUCHER_TYPEHASH, voucher.channelId, voucher.amount]),
      );
      const digest = ethers.keccak256(ethers.concat(["0x1901", separator, struct]));
      return ethers.recoverAddress(digest, signature) === ethers.getAddress(signer);
    } catch {
      return false;
    }
  };
}

/** The id of the channel `payer` opens to `payee` in `token` with `salt` (equal to the contract's `channelIdOf`). */
export function channelIdOf(payer: string, payee: string, token: string, salt: string): string {
  return ethers.keccak256(
    ethers.AbiCoder.defaultAbiCoder().encode(["address", "address", "address", "bytes32"], [payer, payee, token, salt]),
  );
}
