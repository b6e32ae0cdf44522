import { z } from "zod";

/**
 * The x402 wire format (x402 version 2, HTTP transport), and Coffer's `coffer-channel` scheme beside x402's own
 * `exact`: the server answers `402 Payment Required` with a base64 JSON `PaymentRequired` in the
 * `PAYMENT-REQUIRED` header (and, for convenience, as the body); the client retries with a base64 JSON
 * `PaymentPayload` in `PAYMENT-SIGNATURE`; the server answers with a base64 JSON `SettlementResponse` in
 * `PAYMENT-RESPONSE`. Networks are CAIP-2 ids (`eip155:<chainId>`); amounts are decimal strings of base units.
 *
 * Where Coffer's scheme differs from `exact`: the payload is a channel voucher (a cumulative amount signed under
 * the CofferChannels EIP-712 domain), not an EIP-3009 authorization; the server accepts it from memory and its
 * store, without a transaction per request, and redeems the latest voucher of each channel in batches later; so the
 * `PAYMENT-RESPONSE` of an accepted voucher names the channel and the cumulative amount accepted, not a transaction.
 */

export const X402_VERSION = 2;
export const PAYMENT_REQUIRED_HEADER = "PAYMENT-REQUIRED";
export const PAYMENT_SIGNATURE_HEADER = "PAYMENT-SIGNATURE";
export const PAYMENT_RESPONSE_HEADER = "PAYMENT-RESPONSE";
/** Coffer's channel scheme. */
export const CHANNEL_SCHEME = "coffer-channel";

const decimal = z.string().regex(/^(0|[1-9][0-9]*)$/, "a decimal string of base units");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an address");
const hex = z.string().regex(/^0x([0-9a-fA-F]{2})*$/, "hex bytes");

/** The CAIP-2 id of an EVM chain. */
export const networkOf = (chainId: number | bigint): string => `eip155:${chainId.toString()}`;

/** The chain id of a CAIP-2 `eip155:` network, or undefined for another namespace. */
export function chainIdOfNetwork(network: string): number | undefined {
  const match = /^eip155:([0-9]+)$/.exec(network);
  return match === null ? undefined : Number(match[1]);
}

/** What `coffer-channel` puts in `extra`: where the channel lives and what a new one needs. */
export const channelExtraSchema = z.object({
  /** The CofferChannels contract (the vouchers' EIP-712 verifying contract). */
  channels: address,
  /** The smallest challenge period, in seconds, that the server accepts for a channel. */
  minChallengePeriod: z.number().int().nonnegative(),
  /** The token's decimals and symbol, so that a client can show the price. */
  decimals: z.number().int().nonnegative().optional(),
  symbol: z.string().optional(),
});
export type ChannelExtra = z.infer<typeof channelExtraSchema>;

/** One way to pay for the resource. */
export const paymentRequirementsSchema = z.object({
  scheme: z.string(),
  network: z.string(),
  /** The price of one request, in base units. */
  amount: decimal,
  asset: address,
  payTo: address,
  maxTimeoutSeconds: z.number().int().positive(),
  extra: z.record(z.unknown()).nullable().optional(),
});
export type PaymentRequirements = z.infer<typeof paymentRequirementsSchema>;

export const resourceSchema = z.object({
  url: z.string(),
  description: z.string().optional(),
  mimeType: z.string().optional(),
});

/** The body of `PAYMENT-REQUIRED`. */
export const paymentRequiredSchema = z.object({
  x402Version: z.literal(X402_VERSION),
  error: z.string().optional(),
  resource: resourceSchema,
  accepts: z.array(paymentRequirementsSchema).min(1),
});
export type PaymentRequired = z.infer<typeof paymentRequiredSchema>;

/** A `coffer-channel` payload: the latest voucher of a channel. */
export const channelPayloadSchema = z.object({
  channelId: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a 32-byte channel id"),
  /** The voucher's cumulative amount, in base units. */
  amount: decimal,
  signature: hex,
});
export type ChannelPayload = z.infer<typeof channelPayloadSchema>;

/** The body of `PAYMENT-SIGNATURE`. */
export const paymentPayloadSchema = z.object({
  x402Version: z.literal(X402_VERSION),
  resource: resourceSchema.optional(),
  accepted: paymentRequirementsSchema,
  payload: z.record(z.unknown()),
});
export type PaymentPayload = z.infer<typeof paymentPayloadSchema>;

/** Why a payment was refused (`errorReason`), in x402's snake case. */
export type PaymentErrorReason =
  | "invalid_payload"
  | "unsupported_scheme"
  | "requirements_mismatch"
  | "channel_not_found"
  | "channel_closed"
  | "channel_exiting"
  | "channel_mismatch"
  | "invalid_signature"
  | "voucher_exceeds_deposit"
  | "voucher_stale"
  | "amount_too_low"
  | "authorization_used"
  | "authorization_expired"
  | "settlement_failed"
  | "unexpected_error";

/** The body of `PAYMENT-RESPONSE`. */
export const settlementResponseSchema = z.object({
  success: z.boolean(),
  network: z.string(),
  /** x402's settlement transaction; empty for an accepted voucher (redeemed later, in a batch). */
  transaction: z.string(),
  payer: z.string().optional(),
  errorReason: z.string().optional(),
  /** Coffer: what the server holds for the channel (after this request). */
  channel: z
    .object({
      channelId: z.string(),
      /** The highest cumulative amount accepted, in base units. */
      accepted: decimal,
      /** What the channel still covers beyond it, in base units. */
      remaining: decimal,
    })
    .optional(),
});
export type SettlementResponse = z.infer<typeof settlementResponseSchema>;

/** Base64 of the UTF-8 JSON of `value` (works in browsers and Node). */
export function encodeHeader(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Decodes a base64 JSON header with `schema`; throws a `TypeError` naming what is wrong. */
export function decodeHeader<T>(header: string, schema: z.ZodType<T>, name: string): T {
  let json: unknown;
  try {
    const binary = atob(header.trim());
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new TypeError(`${name} is not base64-encoded JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`${name}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}
