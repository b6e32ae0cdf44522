import { ethers } from "ethers";
import { CofferValidationError } from "./errors";

/** A length of time: seconds (a number or a bigint), or a string such as `"90m"`, `"24h"`, `"7d"`, `"2w"`. */
export type Duration = number | bigint | string;

const UNITS: Readonly<Record<string, bigint>> = { "": 1n, s: 1n, m: 60n, h: 3_600n, d: 86_400n, w: 604_800n };

/**
 * Seconds in a {@link Duration}.
 * @example parseDuration("7d") // 604800n
 * @throws CofferValidationError naming `field` for anything else (a negative or fractional number, `"7 days"`).
 */
export function parseDuration(value: Duration, field = "duration"): bigint {
  if (typeof value === "bigint" || typeof value === "number") {
    if (typeof value === "number" && !Number.isSafeInteger(value)) {
      throw new CofferValidationError(field, `${value} is not a whole number of seconds`);
    }
    const seconds = BigInt(value);
    if (seconds < 0n) throw new CofferValidationError(field, `${value} is negative`);
    return seconds;
  }
  const match = /^([0-9]+)([smhdw]?)$/.exec(value.trim());
  if (match === null)
    throw new CofferValidationError(field, `"${value}" is not a duration (e.g. 3600, 90m, 24h, 7d, 2w)`);
  return BigInt(match[1] ?? "0") * (UNITS[match[2] ?? ""] ?? 1n);
}

/**
 * A `bytes32` reference that Coffer's events carry: 32 bytes of hex as given, or the keccak-256 of any other text
 * (the merchant's order or invoice number, e.g. `"ORDER-1042"`).
 */
export function toReferenceId(reference: string): string {
  return /^0x[0-9a-fA-F]{64}$/.test(reference) ? reference.toLowerCase() : ethers.id(reference);
}

/** A random 128-bit salt, so that two otherwise equal payments or invoices get different ids. */
export function randomSalt(): bigint {
  return BigInt(ethers.hexlify(ethers.randomBytes(16)));
}

/** Unix seconds now by this machine's clock (builders take `now` to use the chain's instead). */
export function unixNow(): bigint {
  return BigInt(Math.floor(Date.now() / 1000));
}

/** The latest block's timestamp: the clock Coffer's contracts judge expiries by. */
export async function getChainTime(provider: ethers.Provider): Promise<bigint> {
  const block = await provider.getBlock("latest");
  if (block === null) throw new CofferValidationError("provider", "the node has no latest block");
  return BigInt(block.timestamp);
}

/** A checksummed address, or a validation error naming `field`. */
export function requireAddress(value: string, field: string): string {
  if (!ethers.isAddress(value)) throw new CofferValidationError(field, `${value} is not an address`);
  return ethers.getAddress(value);
}

/** A basis-point rate within [0, 10,000], or a validation error naming `field`. */
export function requireBps(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 10_000) {
    throw new CofferValidationError(field, `${value} is not a rate in basis points (0 to 10,000)`);
  }
  return value;
}

/** A positive amount that fits in `bits` bits, or a validation error naming `field`. */
export function requireAmount(value: bigint, field: string, bits: number): bigint {
  if (value <= 0n) throw new CofferValidationError(field, `${value} is not a positive amount`);
  if (value >= 1n << BigInt(bits)) throw new CofferValidationError(field, `${value} does not fit in uint${bits}`);
  return value;
}
