/**
 * The L1 data fee an OP-stack chain (OP Mainnet, Base, …) charges a transaction for posting it to L1, estimated
 * from the signed transaction's bytes by the chain's own formulas:
 *
 * Fjord (in force since mid-2024), from the FastLZ-compressed size of the RLP-encoded signed transaction:
 *
 *     estimatedSizeScaled = max(minTransactionSize × 1e6, intercept + fastlzCoef × fastlzSize)
 *     l1FeeScaled         = baseFeeScalar × l1BaseFee × 16 + blobBaseFeeScalar × blobBaseFee
 *     l1Fee               = estimatedSizeScaled × l1FeeScaled / 1e12                      (wei)
 *
 * with intercept = -42,585,600, fastlzCoef = 836,500 (both scaled by 1e6) and minTransactionSize = 100 bytes,
 * constants of the protocol (op-geth `rollup_cost.go`, the `GasPriceOracle` predeploy).
 *
 * Ecotone (the formula before Fjord, kept for comparison), from the count of zero and non-zero bytes:
 *
 *     l1Fee = (4 × zeroBytes + 16 × nonZeroBytes) × (16 × baseFeeScalar × l1BaseFee + blobBaseFeeScalar × blobBaseFee)
 *             / 16 / 1e6                                                                     (wei)
 *
 * The L1 base fee, blob base fee and the chain's two scalars vary (the first two with L1's market, the scalars
 * by the chain operator's configuration): the figures here are estimates under the assumptions of
 * {@link L1_FEE_SCENARIOS}, stated in the report, not quotes.
 */

/** Fjord's protocol constants (op-geth `rollup_cost.go`), the first two scaled by 1e6. */
export const FJORD = { costIntercept: -42_585_600n, costFastlzCoef: 836_500n, minTransactionSize: 100n } as const;

/** A set of L1 prices and chain scalars under which fees are estimated. */
export interface L1FeeScenario {
  /** Short name, used as a key in the results. */
  name: string;
  /** What the scenario stands for. */
  description: string;
  /** L1 base fee, wei per gas. */
  l1BaseFee: bigint;
  /** L1 blob base fee, wei per blob gas. */
  blobBaseFee: bigint;
  /** The chain's base fee scalar (scaled by 1e6). */
  baseFeeScalar: bigint;
  /** The chain's blob base fee scalar (scaled by 1e6). */
  blobBaseFeeScalar: bigint;
}

/** The chain's scalars assumed: OP Mainnet's, as set when it moved its batches to blobs (Ecotone). */
const OP_MAINNET_SCALARS = { baseFeeScalar: 1_368n, blobBaseFeeScalar: 810_949n } as const;

const GWEI = 1_000_000_000n;

/**
 * The scenarios of the report. Quiet: a 2 gwei L1 base fee and the blob base fee at its EIP-7918 floor
 * (l1BaseFee × 2^13 / 2^17 = l1BaseFee / 16). Busy: a 30 gwei L1 base fee and blobs at 20 gwei, as during
 * congestion.
 */
export const L1_FEE_SCENARIOS: readonly L1FeeScenario[] = [
  {
    name: "quiet",
    description: "L1 base fee 2 gwei, blob base fee 0.125 gwei (the EIP-7918 floor); OP Mainnet's blob-era scalars",
    l1BaseFee: 2n * GWEI,
    blobBaseFee: (2n * GWEI) / 16n,
    ...OP_MAINNET_SCALARS,
  },
  {
    name: "busy",
    description: "L1 base fee 30 gwei, blob base fee 20 gwei (congested blobs); OP Mainnet's blob-era scalars",
    l1BaseFee: 30n * GWEI,
    blobBaseFee: 20n * GWEI,
    ...OP_MAINNET_SCALARS,
  },
];

/** The ETH price assumed to express fees in US dollars. */
export const ETH_USD = 3_000;

/** Bytes of a hex string (with or without 0x). */
export function bytesOf(hex: string): Uint8Array {
  const digits = hex.startsWith("0x") ? hex.slice(2) : hex;
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) throw new Error(`Not hex bytes: ${hex.slice(0, 20)}…`);
  return Uint8Array.from(Buffer.from(digits, "hex"));
}

/** FastLZ's 13-bit hash of three bytes (the top bits of a multiplicative hash, as op-geth computes it). */
function flzHash(value: number): number {
  // Bits 19..31 of value × 2654435769 only depend on the product's low 32 bits, which Math.imul gives exactly.
  return (Math.imul(value, 2654435769 | 0) >>> 19) & 0x1fff;
}

/** Output bytes of `count` literal bytes: a one-byte header for each run of up to 32. */
function literalsSize(count: number): number {
  const full = Math.floor(count / 32);
  const rest = count % 32;
  return full * 33 + (rest === 0 ? 0 : rest + 1);
}

/** Output bytes of a match of `length` bytes: 2 or 3 bytes for each stretch of up to 262. */
function matchSize(length: number): number {
  const l = length - 1;
  return 3 * Math.floor(l / 262) + (l % 262 >= 6 ? 3 : 2);
}

/**
 * The length of `input` compressed by FastLZ (level 1), computed the way op-geth's `FlzCompressLen` does for the
 * Fjord fee (the compressor's choices without writing its output): the size that the chain's fee formula uses.
 */
export function flzCompressLen(input: Uint8Array): number {
  const length = input.length;
  const limit = length < 13 ? 0 : length - 13;
  const table = new Uint32Array(8192);
  const u24 = (i: number): number => input[i]! | (input[i + 1]! << 8) | (input[i + 2]! << 16);
  let size = 0;
  let anchor = 0;
  let ip = 2;
  while (ip < limit) {
    // Find the next position whose three bytes were seen within the last 8,192 bytes.
    let ref = 0;
    for (;;) {
      const seq = u24(ip);
      const hash = flzHash(seq);
      ref = table[hash]!;
      table[hash] = ip;
      const distance = ip - ref;
      if (ip >= limit) break;
      ip++;
      if (distance < 8192 && seq === u24(ref)) break;
    }
    if (ip >= limit) break;
    ip--;
    if (ip > anchor) size += literalsSize(ip - anchor);
    // The match's length: the bytes after the three that matched, up to the first difference (counted).
    const bound = limit + 9 - (ip + 3);
    let matched = 0;
    let end = bound;
    while (matched < end) {
      if (input[ref + 3 + matched] !== input[ip + 3 + matched]) end = 0;
      matched++;
    }
    size += matchSize(matched);
    ip += matched;
    table[flzHash(u24(ip))] = ip;
    ip++;
    table[flzHash(u24(ip))] = ip;
    ip++;
    anchor = ip;
  }
  return size + literalsSize(length - anchor);
}

/** Zero and non-zero bytes. */
export function countBytes(input: Uint8Array): { zero: number; nonZero: number } {
  let zero = 0;
  for (const byte of input) if (byte === 0) zero++;
  return { zero, nonZero: input.length - zero };
}

/** Fjord's estimated compressed size, scaled by 1e6, from a FastLZ size. */
export function fjordEstimatedSizeScaled(fastLzSize: number): bigint {
  const estimate = FJORD.costIntercept + FJORD.costFastlzCoef * BigInt(fastLzSize);
  const floor = FJORD.minTransactionSize * 1_000_000n;
  return estimate > floor ? estimate : floor;
}

/** Fjord's L1 fee in wei for a FastLZ size under a scenario. */
export function fjordL1Fee(fastLzSize: number, scenario: L1FeeScenario): bigint {
  const feeScaled =
    scenario.baseFeeScalar * scenario.l1BaseFee * 16n + scenario.blobBaseFeeScalar * scenario.blobBaseFee;
  return (fjordEstimatedSizeScaled(fastLzSize) * feeScaled) / 1_000_000_000_000n;
}

/** Ecotone's L1 fee in wei for a transaction's zero and non-zero byte counts under a scenario. */
export function ecotoneL1Fee(bytes: { zero: number; nonZero: number }, scenario: L1FeeScenario): bigint {
  const dataGas = BigInt(bytes.zero) * 4n + BigInt(bytes.nonZero) * 16n;
  const weighted =
    16n * scenario.baseFeeScalar * scenario.l1BaseFee + scenario.blobBaseFeeScalar * scenario.blobBaseFee;
  return (dataGas * weighted) / 16n / 1_000_000n;
}

/** Wei expressed in US dollars at {@link ETH_USD}. */
export function weiToUsd(wei: bigint, ethUsd = ETH_USD): number {
  return (Number(wei) / 1e18) * ethUsd;
}

/** The L1 data of one transaction and its estimated fee in each scenario. */
export interface L1Estimate {
  /** Bytes of the signed transaction (EIP-2718 envelope). */
  signedTxBytes: number;
  /** FastLZ-compressed size of the signed transaction. */
  fastLzBytes: number;
  /** Fjord's estimated compressed size in bytes (the max with the 100-byte floor). */
  fjordEstimatedBytes: number;
  /** Scenario → Fjord L1 fee (wei, as a decimal string) and in US dollars; also Ecotone's, for comparison. */
  fees: Record<string, { fjordWei: string; fjordUsd: number; ecotoneWei: string; ecotoneUsd: number }>;
}

/** The L1 estimate of a signed transaction under every scenario. */
export function estimateL1(signedTx: string, scenarios: readonly L1FeeScenario[] = L1_FEE_SCENARIOS): L1Estimate {
  const bytes = bytesOf(signedTx);
  const fastLzBytes = flzCompressLen(bytes);
  const counts = countBytes(bytes);
  const fees: L1Estimate["fees"] = {};
  for (const scenario of scenarios) {
    const fjord = fjordL1Fee(fastLzBytes, scenario);
    const ecotone = ecotoneL1Fee(counts, scenario);
    fees[scenario.name] = {
      fjordWei: fjord.toString(),
      fjordUsd: weiToUsd(fjord),
      ecotoneWei: ecotone.toString(),
      ecotoneUsd: weiToUsd(ecotone),
    };
  }
  return {
    signedTxBytes: bytes.length,
    fastLzBytes,
    fjordEstimatedBytes: Number(fjordEstimatedSizeScaled(fastLzBytes)) / 1e6,
    fees,
  };
}
