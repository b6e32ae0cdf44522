import { channels, getChainTime, type CofferReceipt } from "@coffer/sdk";
import { ethers } from "ethers";
import { formatAmount, rows, tokenInfo, txLine, type Session, type TokenInfo } from "../../common";
import { UsageError } from "../../io";
import { seconds } from "../subscriptions/shared";

/** A channel id as the contract makes it (`channelIdOf`): 32 bytes of hex. */
export function parseChannelId(value: string): string {
  if (!ethers.isHexString(value, 32)) throw new UsageError(`channel ${value} is not a channel id (32 bytes of hex)`);
  return value.toLowerCase();
}

/** A voucher signature: 65 bytes of hex (r, s, v), as `coffer channels voucher` prints it. */
export function parseSignature(value: string): string {
  if (!ethers.isHexString(value, 65)) {
    throw new UsageError(
      `--signature ${value} is not a voucher signature (65 bytes of hex, from coffer channels voucher)`,
    );
  }
  return value;
}

/** A duration for people (`1h`, `15m`, `7d`); `seconds` of the subscriptions prints the same units. */
export const formatDuration = (value: number): string => seconds(value);

/** A unix time as the CLI prints times: a UTC date. */
export const formatTime = (unixSeconds: number | bigint): string =>
  new Date(Number(unixSeconds) * 1000).toISOString().replace(".000Z", "Z");

/** A channel and its token, read from the chain. */
export interface ChannelView {
  readonly channel: channels.Channel;
  readonly token: TokenInfo;
}

/** Reads a channel and its token; an id no channel has is a failure (exit 1) naming it. */
export async function readChannel(session: Session, channelId: string): Promise<ChannelView> {
  const channel = await channels.getChannel(session.client, channelId);
  if (channel.status === "none") {
    throw new Error(`channel ${channelId} does not exist on chain ${session.chainId}`);
  }
  return { channel, token: await tokenInfo(session, channel.token) };
}

/** A channel's state as people say it: open, exiting (an exit started) or closed. */
export type ChannelState = "open" | "exiting" | "closed";

export const stateOf = (channel: channels.Channel): ChannelState =>
  channel.status === "closed" ? "closed" : channel.exitAt > 0 ? "exiting" : "open";

/**
 * The channel's status line: `open`, `exiting (exit ends <date>)` or `exiting (exit ended <date>: the payer can
 * finish it)`, `closed`; `now` is the chain's time.
 */
export function statusLine(channel: channels.Channel, now: bigint): string {
  const state = stateOf(channel);
  if (state !== "exiting") return state;
  return BigInt(channel.exitAt) > now
    ? `exiting (exit ends ${formatTime(channel.exitAt)})`
    : `exiting (exit ended ${formatTime(channel.exitAt)}: the payer can finish it with coffer channels finish-exit)`;
}

/** The channel's fields for --json (integers as decimal strings, amounts in base units). */
export function channelJson({ channel, token }: ChannelView) {
  return {
    channelId: channel.channelId,
    payer: channel.payer,
    payee: channel.payee,
    token: channel.token,
    symbol: token.symbol,
    decimals: token.decimals,
    signer: channel.signer,
    deposit: channel.deposit,
    redeemed: channel.redeemed,
    remaining: remainingOf(channel),
    challengePeriod: BigInt(channel.challengePeriod),
    exitAt: BigInt(channel.exitAt),
    status: stateOf(channel),
  };
}

/**
 * What the channel still holds for vouchers: deposit − redeemed while it is open; nothing once closed, when the
 * rest went back to the payer (the contract keeps `deposit` and `redeemed` as they were at the close).
 */
export const remainingOf = (channel: channels.Channel): bigint =>
  channel.status === "closed" ? 0n : channel.deposit - channel.redeemed;

/** The channel's amounts as rows for people. */
export function amountLines({ channel, token }: ChannelView): [string, string][] {
  return [
    ["deposit", formatAmount(channel.deposit, token)],
    ["redeemed", formatAmount(channel.redeemed, token)],
    ["remaining", formatAmount(remainingOf(channel), token)],
    ...(channel.status === "closed"
      ? [["returned to payer", formatAmount(channel.deposit - channel.redeemed, token)] as [string, string]]
      : []),
  ];
}

/** The chain's time, for a channel's exit. */
export const chainTime = (session: Session): Promise<bigint> => getChainTime(session.provider);

/** The `argument` of the first event named `name` in a transaction (0 when there is none). */
export function eventValue(result: CofferReceipt, name: string, argument: string): bigint {
  const value = result.events.find((event) => event.name === name)?.args[argument];
  return typeof value === "bigint" ? value : 0n;
}

/** Rows after a transaction: the channel's amounts and status, and the transaction. */
export function afterLines(view: ChannelView, now: bigint, result: CofferReceipt): string[] {
  return rows([
    ["channel", view.channel.channelId],
    ...amountLines(view),
    ["status", statusLine(view.channel, now)],
    txLine(result),
  ]);
}
