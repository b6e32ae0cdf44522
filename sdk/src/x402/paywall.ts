import { ethers } from "ethers";
import type { CofferClient } from "../client";
import { getChannel } from "../channels/actions";
import { voucherVerifier, type ChannelsDomain } from "../channels/vouchers";
import { toCofferError } from "../errors";
import { EIP3009_ABI, EXACT_SCHEME, exactPayloadSchema, verifyExactPayment, type ExactTokenDomain } from "./exact";
import type { ChainState, ChannelRecord, VoucherStore } from "./voucher-store";
import {
  CHANNEL_SCHEME,
  PAYMENT_REQUIRED_HEADER,
  PAYMENT_RESPONSE_HEADER,
  X402_VERSION,
  channelPayloadSchema,
  decodeHeader,
  encodeHeader,
  networkOf,
  paymentPayloadSchema,
  type PaymentErrorReason,
  type PaymentPayload,
  type PaymentRequired,
  type PaymentRequirements,
  type SettlementResponse,
} from "./wire";

/** Options of {@link Paywall}. */
export interface PaywallOptions {
  /** A client on the chain: its provider reads channels; its signer (the payee or its redeemer) redeems. */
  client: CofferClient;
  /** The payee every voucher must pay. */
  payTo: string;
  /** The token of the price (ERC-20 address, or the zero address for ETH). */
  asset: string;
  store: VoucherStore;
  /** The shortest challenge period of a channel the paywall accepts, in seconds (default 3,600). */
  minChallengePeriod?: number;
  /**
   * Vouchers of a channel whose exit ends within this many seconds are refused, so that the redeemer has the time
   * to redeem before the exit passes (default 600).
   */
  exitMargin?: number;
  /** The token's decimals and symbol, announced to clients. */
  decimals?: number;
  symbol?: string;
  /** The `maxTimeoutSeconds` announced (default 60). */
  maxTimeoutSeconds?: number;
  /** The clock, in unix seconds (tests move it). */
  now?: () => number;
  /**
   * Also accept x402's `exact` scheme (an EIP-3009 authorization per request, settled by this server's signer at
   * once): the token's EIP-712 domain name and version. Without it only channels are accepted.
   */
  exact?: ExactTokenDomain;
}

/** What the paywall says of one request's payment. */
export type PaywallDecision =
  | { ok: true; headers: Record<string, string>; payer: string; channelId: string; amount: bigint }
  | { ok: false; status: 400 | 402; body: PaymentRequired; headers: Record<string, string> };

/** One priced resource. */
export interface PricedResource {
  url: string;
  /** The price of one request, in base units. */
  price: bigint;
  description?: string;
  mimeType?: string;
}

/**
 * The server side of pay-per-request over channels: answers what a request must pay, and checks the
 * `PAYMENT-SIGNATURE` of a paid request against what it holds in memory and in its store, with no transaction per
 * request. A voucher is accepted when it is signed by the channel's signer, pays this paywall's payee in its
 * token, covers the price on top of the last accepted voucher, stays within the deposit, and the channel is open
 * and not about to exit; the store's compare-and-set makes sure it is accepted once. The redeemer
 * (`ChannelRedeemer`) turns accepted vouchers into money; the watcher (`watch`) follows top-ups, exits and closes.
 */
export class Paywall {
  readonly #options: PaywallOptions;
  readonly #locks = new Map<string, Promise<unknown>>();
  /** `exact` authorizations being settled (payer and nonce), so that a copy sent meanwhile is refused. */
  readonly #settling = new Set<string>();
  #domain: ChannelsDomain | undefined;
  #verify: ReturnType<typeof voucherVerifier> | undefined;

  constructor(options: PaywallOptions) {
    this.#options = options;
  }

  get store(): VoucherStore {
    return this.#options.store;
  }

  get client(): CofferClient {
    return this.#options.client;
  }

  #now(): number {
    return this.#options.now?.() ?? Math.floor(Date.now() / 1000);
  }

  /** The channels contract's domain (read once). */
  async domain(): Promise<ChannelsDomain> {
    this.#domain ??= { chainId: this.client.chainId, channels: await this.client.channels.getAddress() };
    return this.#domain;
  }

  /** The requirements a client must meet to pay for `resource`. */
  async requirementsFor(resource: PricedResource): Promise<PaymentRequirements> {
    const domain = await this.domain();
    return {
      scheme: CHANNEL_SCHEME,
      network: networkOf(domain.chainId),
      amount: resource.price.toString(),
      asset: ethers.getAddress(this.#options.asset),
      payTo: ethers.getAddress(this.#options.payTo),
      maxTimeoutSeconds: this.#options.maxTimeoutSeconds ?? 60,
      extra: {
        channels: domain.channels,
        minChallengePeriod: this.#options.minChallengePeriod ?? 3_600,
        ...(this.#options.decimals === undefined ? {} : { decimals: this.#options.decimals }),
        ...(this.#options.symbol === undefined ? {} : { symbol: this.#options.symbol }),
      },
    };
  }

  /** The `exact` requirements for `resource`, when the paywall accepts `exact`. */
  async exactRequirementsFor(resource: PricedResource): Promise<PaymentRequirements | undefined> {
    const exact = this.#options.exact;
    if (exact === undefined) return undefined;
    const channel = await this.requirementsFor(resource);
    return { ...channel, scheme: EXACT_SCHEME, extra: { name: exact.name, version: exact.version } };
  }

  /** The 402 answer for `resource`, with `error` saying what was wrong with the payment, if one was sent. */
  async paymentRequired(resource: PricedResource, error: string): Promise<PaymentRequired> {
    const exact = await this.exactRequirementsFor(resource);
    return {
      x402Version: X402_VERSION,
      error,
      resource: { url: resource.url, description: resource.description, mimeType: resource.mimeType },
      accepts: [await this.requirementsFor(resource), ...(exact === undefined ? [] : [exact])],
    };
  }

  /** Decides on one request: `header` is its `PAYMENT-SIGNATURE` (undefined when absent). */
  async decide(resource: PricedResource, header: string | undefined): Promise<PaywallDecision> {
    const refuse = async (
      status: 400 | 402,
      reason: PaymentErrorReason,
      message: string,
      channel?: ChannelRecord,
    ): Promise<PaywallDecision> => {
      const body = await this.paymentRequired(resource, message);
      const headers: Record<string, string> = { [PAYMENT_REQUIRED_HEADER]: encodeHeader(body) };
      if (header !== undefined) {
        const response: SettlementResponse = {
          success: false,
          network: networkOf(this.client.chainId),
          transaction: "",
          errorReason: reason,
          ...(channel === undefined ? {} : { payer: channel.payer, channel: channelSummary(channel) }),
        };
        headers[PAYMENT_RESPONSE_HEADER] = encodeHeader(response);
      }
      return { ok: false, status, body, headers };
    };
    if (header === undefined) return refuse(402, "invalid_payload", `${"PAYMENT-SIGNATURE"} header is required`);
    let payment: PaymentPayload;
    try {
      payment = decodeHeader(header, paymentPayloadSchema, "PAYMENT-SIGNATURE");
    } catch (error) {
      return refuse(400, "invalid_payload", error instanceof Error ? error.message : String(error));
    }
    const exact = await this.exactRequirementsFor(resource);
    const required =
      payment.accepted.scheme === EXACT_SCHEME && exact !== undefined ? exact : await this.requirementsFor(resource);
    if (payment.accepted.scheme !== required.scheme) {
      return refuse(402, "unsupported_scheme", `scheme "${payment.accepted.scheme}" is not accepted here`);
    }
    const mismatch = (["network", "asset", "payTo", "amount"] as const).find(
      (field) => String(payment.accepted[field]).toLowerCase() !== String(required[field]).toLowerCase(),
    );
    if (mismatch !== undefined) {
      return refuse(402, "requirements_mismatch", `accepted.${mismatch} is not what this resource requires`);
    }
    if (required.scheme === EXACT_SCHEME) return this.#decideExact(payment, required, resource.price, refuse);
    const parsed = channelPayloadSchema.safeParse(payment.payload);
    if (!parsed.success) {
      return refuse(400, "invalid_payload", `payload: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    }
    const voucher = {
      channelId: parsed.data.channelId.toLowerCase(),
      amount: BigInt(parsed.data.amount),
      signature: parsed.data.signature,
    };
    return this.#serialized(voucher.channelId, async () => {
      const channel = await this.#channel(voucher.channelId, voucher.amount);
      if (channel === undefined) return refuse(402, "channel_not_found", `no channel ${voucher.channelId}`);
      const problem = this.#problem(channel, voucher.amount, resource.price);
      if (problem !== undefined) return refuse(402, problem[0], problem[1], channel);
      this.#verify ??= voucherVerifier(await this.domain());
      if (!this.#verify(voucher, voucher.signature, channel.signer)) {
        return refuse(402, "invalid_signature", "the voucher is not signed by the channel's signer", channel);
      }
      if (!(await this.store.accept(channel.channelId, channel.accepted, voucher.amount, voucher.signature))) {
        // Another process accepted a voucher of this channel meanwhile: the client should sign on top of it.
        const latest = (await this.store.get(channel.channelId)) ?? channel;
        return refuse(402, "voucher_stale", "a later voucher of this channel was accepted meanwhile", latest);
      }
      const accepted = { ...channel, accepted: voucher.amount, signature: voucher.signature };
      const response: SettlementResponse = {
        success: true,
        network: networkOf(this.client.chainId),
        transaction: "",
        payer: channel.payer,
        channel: channelSummary(accepted),
      };
      return {
        ok: true,
        headers: { [PAYMENT_RESPONSE_HEADER]: encodeHeader(response) },
        payer: channel.payer,
        channelId: channel.channelId,
        amount: voucher.amount - channel.accepted,
      };
    });
  }

  /**
   * An `exact` payment: checked (payee, amount, validity window, signature, nonce unused), then settled at once with
   * the token's `transferWithAuthorization`, sent by this paywall's signer; the answer names the transaction.
   */
  async #decideExact(
    payment: PaymentPayload,
    required: PaymentRequirements,
    price: bigint,
    refuse: (status: 400 | 402, reason: PaymentErrorReason, message: string) => Promise<PaywallDecision>,
  ): Promise<PaywallDecision> {
    const parsed = exactPayloadSchema.safeParse(payment.payload);
    if (!parsed.success)
      return refuse(400, "invalid_payload", `payload: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    const { authorization, signature } = parsed.data;
    if (authorization.to.toLowerCase() !== required.payTo.toLowerCase()) {
      return refuse(402, "requirements_mismatch", "the authorization pays another address");
    }
    if (BigInt(authorization.value) < price) {
      return refuse(402, "amount_too_low", `the authorization pays ${authorization.value}, the price is ${price}`);
    }
    const now = this.#now();
    if (now <= Number(authorization.validAfter) || now >= Number(authorization.validBefore)) {
      return refuse(402, "authorization_expired", "the authorization is not valid now");
    }
    if (!verifyExactPayment(parsed.data, required, this.client.chainId)) {
      return refuse(402, "invalid_signature", "the authorization is not signed by its payer");
    }
    const key = `${authorization.from}:${authorization.nonce}`.toLowerCase();
    const token = new ethers.Contract(required.asset, EIP3009_ABI, this.client.runner);
    if (
      this.#settling.has(key) ||
      (await token.getFunction("authorizationState")(authorization.from, authorization.nonce))
    ) {
      return refuse(402, "authorization_used", "the authorization was already used");
    }
    this.#settling.add(key);
    try {
      const sent = await token.getFunction("transferWithAuthorization")(
        authorization.from,
        authorization.to,
        authorization.value,
        authorization.validAfter,
        authorization.validBefore,
        authorization.nonce,
        signature,
      );
      const receipt = (await sent.wait()) as ethers.TransactionReceipt;
      const response: SettlementResponse = {
        success: true,
        network: networkOf(this.client.chainId),
        transaction: receipt.hash,
        payer: authorization.from,
      };
      return {
        ok: true,
        headers: { [PAYMENT_RESPONSE_HEADER]: encodeHeader(response) },
        payer: authorization.from,
        channelId: "",
        amount: BigInt(authorization.value),
      };
    } catch (error) {
      return refuse(402, "settlement_failed", toCofferError(error).message);
    } finally {
      this.#settling.delete(key);
    }
  }

  /** Why the voucher cannot be accepted, or undefined. */
  #problem(channel: ChannelRecord, amount: bigint, price: bigint): [PaymentErrorReason, string] | undefined {
    if (channel.closed) return ["channel_closed", "the channel is closed"];
    if (channel.payee.toLowerCase() !== this.#options.payTo.toLowerCase()) {
      return ["channel_mismatch", "the channel pays another payee"];
    }
    if (channel.token.toLowerCase() !== this.#options.asset.toLowerCase()) {
      return ["channel_mismatch", "the channel holds another token"];
    }
    if (channel.exitAt !== 0 && channel.exitAt - this.#now() <= (this.#options.exitMargin ?? 600)) {
      return ["channel_exiting", `the payer's exit ends at ${new Date(channel.exitAt * 1000).toISOString()}`];
    }
    if (amount > channel.deposit) {
      return ["voucher_exceeds_deposit", `the voucher claims ${amount} but the channel holds ${channel.deposit}`];
    }
    if (amount <= channel.accepted) {
      return ["voucher_stale", `a voucher of ${channel.accepted} was already accepted`];
    }
    if (amount - channel.accepted < price) {
      return ["amount_too_low", `the voucher adds ${amount - channel.accepted}, the price is ${price}`];
    }
    return undefined;
  }

  /**
   * The channel as stored; read from the chain the first time it is seen, and again when a voucher claims more
   * than the stored deposit (the payer may have topped up).
   */
  async #channel(channelId: string, amount: bigint): Promise<ChannelRecord | undefined> {
    const stored = await this.store.get(channelId);
    if (stored !== undefined && (amount <= stored.deposit || stored.closed)) return stored;
    const onChain = await getChannel(this.client, channelId);
    if (onChain.status === "none") return undefined;
    const state: ChainState = {
      deposit: onChain.deposit,
      redeemed: onChain.redeemed,
      exitAt: onChain.exitAt,
      closed: onChain.status === "closed",
    };
    if (stored !== undefined) {
      await this.store.updateChain(channelId, state);
      return { ...stored, ...state };
    }
    return this.store.track({
      channelId,
      chainId: this.client.chainId,
      payer: onChain.payer,
      payee: onChain.payee,
      token: onChain.token,
      signer: onChain.signer,
      ...state,
    });
  }

  /** Runs `work` after every earlier call for the same channel in this process (fewer compare-and-set misses). */
  async #serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    const tail = current.catch(() => undefined);
    this.#locks.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.#locks.get(key) === tail) this.#locks.delete(key);
    }
  }
}

function channelSummary(channel: ChannelRecord): NonNullable<SettlementResponse["channel"]> {
  const remaining = channel.deposit > channel.accepted ? channel.deposit - channel.accepted : 0n;
  return { channelId: channel.channelId, accepted: channel.accepted.toString(), remaining: remaining.toString() };
}
