import { ethers } from "ethers";
import type { CofferClient } from "../client";
import { openChannel, topUp } from "../channels/actions";
import { signVoucher, type ChannelsDomain } from "../channels/vouchers";
import { CofferValidationError } from "../errors";
import {
  CHANNEL_SCHEME,
  PAYMENT_REQUIRED_HEADER,
  PAYMENT_RESPONSE_HEADER,
  PAYMENT_SIGNATURE_HEADER,
  X402_VERSION,
  channelExtraSchema,
  decodeHeader,
  encodeHeader,
  networkOf,
  paymentRequiredSchema,
  settlementResponseSchema,
  type PaymentPayload,
  type PaymentRequired,
  type PaymentRequirements,
} from "./wire";

/** Options of {@link createPayingFetch}. */
export interface PayingFetchOptions {
  /** The payer: a client whose signer opens and tops up channels. */
  client: CofferClient;
  /** The deposit of a new channel (and of each top-up), given the price of one request (default 1,000 requests). */
  deposit?: (requirements: PaymentRequirements) => bigint;
  /** The challenge period of a new channel, in seconds (default: the server's minimum, at least one hour). */
  challengePeriod?: number;
  /** The key that signs vouchers (default: a new random key; it holds nothing, the channel names it). */
  sessionKey?: ethers.Signer;
  /** Never pay more than this per request, in base units (default: no limit). */
  maxPrice?: bigint;
  /** The `fetch` underneath (default: the global one). */
  fetch?: typeof fetch;
}

/** A channel the paying fetch holds with one payee in one token. */
export interface HeldChannel {
  channelId: string;
  payTo: string;
  asset: string;
  deposit: bigint;
  /** The highest cumulative amount the server accepted. */
  accepted: bigint;
  /** Requests paid through it. */
  paid: number;
}

/** A `fetch` that pays `402` answers through a Coffer channel, and what it holds. */
export interface PayingFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** The channels opened so far. */
  channels(): HeldChannel[];
}

/** Refused to pay: the price is above `maxPrice`, or the server asks for a way of paying this client lacks. */
export class PaymentRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PaymentRefusedError";
  }
}

/**
 * Wraps `fetch` to pay for requests over HTTP 402 with Coffer's `coffer-channel` scheme: the first `402` from a
 * payee opens a channel (one deposit, one transaction); every paid request after that carries the next voucher,
 * signed off chain by a session key, so that a thousand requests cost one deposit and a few redemptions, not a
 * thousand transactions. When the deposit runs out it is topped up. Requests through one channel are paid one at
 * a time (a voucher's amount builds on the last one the server accepted); use several paying fetches for
 * parallel requests. A request body must be replayable (a string, bytes or form data, not a stream), because a
 * paid request is sent twice: once to learn the price, once with the voucher.
 */
export function createPayingFetch(options: PayingFetchOptions): PayingFetch {
  const underlying = options.fetch ?? globalThis.fetch.bind(globalThis);
  const sessionKey = options.sessionKey ?? ethers.Wallet.createRandom();
  const held = new Map<string, HeldChannel>();
  const locks = new Map<string, Promise<unknown>>();
  let domain: ChannelsDomain | undefined;

  const serialized = async <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const previous = locks.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    locks.set(
      key,
      current.catch(() => undefined),
    );
    return current;
  };

  const domainOf = async (): Promise<ChannelsDomain> => {
    domain ??= { chainId: options.client.chainId, channels: await options.client.channels.getAddress() };
    return domain;
  };

  const pick = async (required: PaymentRequired): Promise<PaymentRequirements> => {
    const { chainId, channels } = await domainOf();
    const network = networkOf(chainId);
    const match = required.accepts.find((r) => {
      const extra = channelExtraSchema.safeParse(r.extra ?? {});
      return (
        r.scheme === CHANNEL_SCHEME &&
        r.network === network &&
        extra.success &&
        extra.data.channels.toLowerCase() === channels.toLowerCase()
      );
    });
    if (match === undefined) {
      const offered = required.accepts.map((r) => `${r.scheme} on ${r.network}`).join(", ");
      throw new PaymentRefusedError(`the server accepts ${offered}; this client pays ${CHANNEL_SCHEME} on ${network}`);
    }
    if (options.maxPrice !== undefined && BigInt(match.amount) > options.maxPrice) {
      throw new PaymentRefusedError(`the price ${match.amount} is above the limit of ${options.maxPrice}`);
    }
    return match;
  };

  /** The channel to pay `requirements` through, opened or topped up so that it covers one more request. */
  const channelFor = async (requirements: PaymentRequirements): Promise<HeldChannel> => {
    const key = `${requirements.payTo}:${requirements.asset}`.toLowerCase();
    const price = BigInt(requirements.amount);
    const deposit = options.deposit?.(requirements) ?? price * 1_000n;
    if (deposit < price) throw new CofferValidationError("deposit", `it must cover one request (${price})`);
    let channel = held.get(key);
    if (channel === undefined) {
      const extra = channelExtraSchema.parse(requirements.extra ?? {});
      const opened = await openChannel(options.client, {
        payee: requirements.payTo,
        token: requirements.asset,
        deposit,
        challengePeriod: Math.max(options.challengePeriod ?? 3_600, extra.minChallengePeriod),
        voucherSigner: await sessionKey.getAddress(),
      });
      channel = {
        channelId: opened.channelId,
        payTo: requirements.payTo,
        asset: requirements.asset,
        deposit,
        accepted: 0n,
        paid: 0,
      };
      held.set(key, channel);
    } else if (channel.accepted + price > channel.deposit) {
      await topUp(options.client, channel.channelId, deposit);
      channel.deposit += deposit;
    }
    return channel;
  };

  const send = async (input: string | URL | Request, init: RequestInit | undefined, header?: string) => {
    if (header === undefined) return underlying(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set(PAYMENT_SIGNATURE_HEADER, header);
    return underlying(input instanceof Request ? input.clone() : input, { ...init, headers });
  };

  const payingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const first = await send(input instanceof Request ? input.clone() : input, init);
    if (first.status !== 402) return first;
    const header = first.headers.get(PAYMENT_REQUIRED_HEADER);
    if (header === null) return first;
    const required = decodeHeader(header, paymentRequiredSchema, PAYMENT_REQUIRED_HEADER);
    const requirements = await pick(required);
    const key = `${requirements.payTo}:${requirements.asset}`.toLowerCase();
    return serialized(key, async () => {
      // A second try only when the server says another voucher was accepted meanwhile: sign on top of it.
      for (let attempt = 0; ; attempt++) {
        const channel = await channelFor(requirements);
        const amount = channel.accepted + BigInt(requirements.amount);
        const signature = await signVoucher(sessionKey, { channelId: channel.channelId, amount }, await domainOf());
        const payment: PaymentPayload = {
          x402Version: X402_VERSION,
          resource: required.resource,
          accepted: requirements,
          payload: { channelId: channel.channelId, amount: amount.toString(), signature },
        };
        const response = await send(input, init, encodeHeader(payment));
        const settlement = response.headers.get(PAYMENT_RESPONSE_HEADER);
        const parsed =
          settlement === null ? undefined : settlementResponseSchema.safeParse(decodeSafely(settlement)).data;
        if (parsed?.channel !== undefined) channel.accepted = BigInt(parsed.channel.accepted);
        else if (response.ok) channel.accepted = amount;
        if (response.ok) {
          channel.paid += 1;
          return response;
        }
        if (parsed?.errorReason !== "voucher_stale" || attempt === 1) return response;
      }
    });
  };

  return Object.assign(payingFetch, { channels: () => [...held.values()].map((c) => ({ ...c })) });
}

function decodeSafely(header: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(header), (c) => c.charCodeAt(0))));
  } catch {
    return undefined;
  }
}
