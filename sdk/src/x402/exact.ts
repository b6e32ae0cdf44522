import { ethers } from "ethers";
import { z } from "zod";
import type { PaymentRequirements } from "./wire";

/**
 * x402's `exact` scheme on EVM chains: one EIP-3009 `transferWithAuthorization` per request, signed by the payer
 * under the token's EIP-712 domain and settled on chain by the server. Coffer's paywall accepts it beside its
 * channels, for clients that pay once or rarely; a channel is far cheaper per request (see the benchmark report).
 */

export const EXACT_SCHEME = "exact";

/** The token's EIP-712 domain name and version, announced in `extra` as x402 does. */
export interface ExactTokenDomain {
  name: string;
  version: string;
}

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const decimal = z.string().regex(/^(0|[1-9][0-9]*)$/);

export const exactPayloadSchema = z.object({
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "a 65-byte signature"),
  authorization: z.object({
    from: address,
    to: address,
    value: decimal,
    validAfter: decimal,
    validBefore: decimal,
    nonce: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
  }),
});
export type ExactPayload = z.infer<typeof exactPayloadSchema>;

export const TRANSFER_WITH_AUTHORIZATION_TYPES: Record<string, ethers.TypedDataField[]> = {
  TransferWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
};

/** The token's domain on `chainId`. */
export function exactDomain(requirements: PaymentRequirements, chainId: number): ethers.TypedDataDomain {
  const extra = z.object({ name: z.string(), version: z.string() }).parse(requirements.extra ?? {});
  return { name: extra.name, version: extra.version, chainId, verifyingContract: requirements.asset };
}

/**
 * Signs an `exact` payment of `requirements.amount` to `requirements.payTo`, valid from now for
 * `maxTimeoutSeconds`, with a random nonce.
 */
export async function signExactPayment(
  payer: ethers.Signer,
  requirements: PaymentRequirements,
  chainId: number,
  now: number = Math.floor(Date.now() / 1000),
): Promise<ExactPayload> {
  const authorization = {
    from: await payer.getAddress(),
    to: requirements.payTo,
    value: requirements.amount,
    validAfter: String(now - 60),
    validBefore: String(now + requirements.maxTimeoutSeconds),
    nonce: ethers.hexlify(ethers.randomBytes(32)),
  };
  const signature = await payer.signTypedData(
    exactDomain(requirements, chainId),
    TRANSFER_WITH_AUTHORIZATION_TYPES,
    authorization,
  );
  return { signature, authorization };
}

/** Whether `payload`'s signature is its `from`'s under the token's domain. */
export function verifyExactPayment(payload: ExactPayload, requirements: PaymentRequirements, chainId: number): boolean {
  try {
    const recovered = ethers.verifyTypedData(
      exactDomain(requirements, chainId),
      TRANSFER_WITH_AUTHORIZATION_TYPES,
      payload.authorization,
      payload.signature,
    );
    return recovered === ethers.getAddress(payload.authorization.from);
  } catch {
    return false;
  }
}

/** EIP-3009's functions the server calls. */
export const EIP3009_ABI = [
  "function transferWithAuthorization(address from, address to, uint256 value, uint256 validAfter, uint256 validBefore, bytes32 nonce, bytes signature)",
  "function authorizationState(address authorizer, bytes32 nonce) view returns (bool)",
] as const;
