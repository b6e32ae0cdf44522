import { ethers } from "ethers";
import type { CofferClient } from "../client";
import { CofferValidationError, toCofferError } from "../errors";
import { NATIVE_TOKEN, sendPulling } from "../tokens";
import { sendCall, signerOf, type CofferReceipt } from "../transactions";
import { channelIdOf, type ChannelsDomain } from "./vouchers";

/** The channels contract's EIP-712 domain on the client's chain. */
export async function channelsDomainOf(client: CofferClient): Promise<ChannelsDomain> {
  return { chainId: client.chainId, channels: await client.channels.getAddress() };
}

/** Where a channel stands, as the contract's `ChannelStatus` (lower case, like the indexer's states). */
export type ChannelStatus = "none" | "open" | "closed";
const STATUSES: readonly ChannelStatus[] = ["none", "open", "closed"];

/** A channel as the contract stores it (see `ICofferChannels.Channel`). */
export interface Channel {
  channelId: string;
  payer: string;
  payee: string;
  /** ERC-20 address, or `NATIVE_TOKEN` for ETH. */
  token: string;
  /** The key whose signature makes a voucher. */
  signer: string;
  /** Everything deposited, in token units. */
  deposit: bigint;
  /** The highest voucher amount redeemed so far, in token units. */
  redeemed: bigint;
  /** Seconds an exit waits for the payee. */
  challengePeriod: number;
  /** When the exit ends (unix seconds), or 0 while none has started. */
  exitAt: number;
  status: ChannelStatus;
}

/** Reads a channel; `status` is `"none"` when no channel has this id. */
export async function getChannel(client: CofferClient, channelId: string): Promise<Channel> {
  try {
    const c = await client.channels.getChannel(channelId);
    return {
      channelId,
      payer: c.payer,
      payee: c.payee,
      token: c.token,
      signer: c.signer,
      deposit: c.deposit,
      redeemed: c.redeemed,
      challengePeriod: Number(c.challengePeriod),
      exitAt: Number(c.exitAt),
      status: STATUSES[Number(c.status)] ?? "none",
    };
  } catch (error) {
    throw toCofferError(error);
  }
}

/** What `openChannel` needs. */
export interface OpenChannelInput {
  payee: string;
  /** ERC-20 address, or `NATIVE_TOKEN` for ETH. */
  token: string;
  /** The deposit, in token units. */
  deposit: bigint;
  /** Seconds an exit waits for the payee (default one hour). */
  challengePeriod?: number;
  /** The key that signs vouchers (default: the signer that opens the channel). */
  voucherSigner?: string;
  /** Makes the id new (default: random). */
  salt?: string;
  /** Approve exactly the deposit when the allowance is short, once the call is known to succeed but for it. */
  approve?: boolean;
}

/**
 * Opens a channel from the client's signer to `payee`, depositing `deposit` (approved first if needed, only once
 * the call is known to succeed but for the allowance).
 * @throws CofferContractError, e.g. `CofferChannelsInvalidChallengePeriod`, `CofferChannelsPayeeIsPayer`.
 */
export async function openChannel(
  client: CofferClient,
  input: OpenChannelInput,
): Promise<CofferReceipt & { channelId: string; approval?: CofferReceipt }> {
  const payer = await signerOf(client).getAddress();
  const salt = input.salt ?? ethers.hexlify(ethers.randomBytes(32));
  if (!ethers.isHexString(salt, 32)) throw new CofferValidationError("salt", "it must be 32 bytes of hex");
  const call = {
    contract: client.channels,
    method: "open",
    args: [input.payee, input.token, input.voucherSigner ?? payer, input.deposit, input.challengePeriod ?? 3_600, salt],
    value: input.token === NATIVE_TOKEN ? input.deposit : 0n,
  };
  const pull = { token: input.token, amount: input.deposit, spender: await client.channels.getAddress() };
  const receipt = await sendPulling(client, call, pull, { approve: input.approve });
  return { ...receipt, channelId: channelIdOf(payer, input.payee, input.token, salt) };
}

/** Adds `amount` to the deposit of the signer's channel (approved first if needed). */
export async function topUp(
  client: CofferClient,
  channelId: string,
  amount: bigint,
  options: { approve?: boolean } = {},
): Promise<CofferReceipt & { approval?: CofferReceipt }> {
  const { token } = await getChannel(client, channelId);
  const call = {
    contract: client.channels,
    method: "topUp",
    args: [channelId, amount],
    value: token === NATIVE_TOKEN ? amount : 0n,
  };
  return sendPulling(client, call, { token, amount, spender: await client.channels.getAddress() }, options);
}

/** Redeems a voucher (payee or its redeemer): the payee is paid the increase over the last redemption. */
export const redeem = (client: CofferClient, channelId: string, amount: bigint, signature: string) =>
  sendCall(client, { contract: client.channels, method: "redeem", args: [channelId, amount, signature] });

/** One voucher of a batch. */
export interface Redemption {
  channelId: string;
  amount: bigint;
  signature: string;
}

/**
 * Redeems many vouchers in one transaction; a voucher the contract refuses is skipped (a `RedemptionSkipped`
 * event names why) and the others are redeemed.
 */
export const redeemMany = (client: CofferClient, redemptions: readonly Redemption[]) =>
  sendCall(client, { contract: client.channels, method: "redeemMany", args: [redemptions] });

/** Closes the channel from the payee's side, redeeming `voucher` first when given; the rest goes to the payer. */
export const closeChannel = (
  client: CofferClient,
  channelId: string,
  voucher?: { amount: bigint; signature: string },
) =>
  sendCall(client, {
    contract: client.channels,
    method: "close",
    args: [channelId, voucher?.amount ?? 0n, voucher?.signature ?? "0x"],
  });

/** Starts the payer's exit: after the challenge period the payer takes back what no voucher claims. */
export const startExit = (client: CofferClient, channelId: string) =>
  sendCall(client, { contract: client.channels, method: "startExit", args: [channelId] });

/** Finishes the payer's exit once the challenge period has ended. */
export const finishExit = (client: CofferClient, channelId: string) =>
  sendCall(client, { contract: client.channels, method: "finishExit", args: [channelId] });

/** Lets `redeemer` redeem and close the signer's channels as payee (or stops it). */
export const setRedeemer = (client: CofferClient, redeemer: string, allowed: boolean) =>
  sendCall(client, { contract: client.channels, method: "setRedeemer", args: [redeemer, allowed] });

/** Withdraws the signer's credit in `token` to `to`. */
export const withdrawCredit = (client: CofferClient, token: string, to: string) =>
  sendCall(client, { contract: client.channels, method: "withdraw", args: [token, to] });
