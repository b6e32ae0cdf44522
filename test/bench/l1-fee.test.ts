import { expect } from "chai";
import {
  L1_FEE_SCENARIOS,
  bytesOf,
  countBytes,
  ecotoneL1Fee,
  estimateL1,
  fjordEstimatedSizeScaled,
  fjordL1Fee,
  flzCompressLen,
  type L1FeeScenario,
} from "../../bench/l1-fee";

/** A signed EIP-1559 contract call (an OP-stack chain's), whose FastLZ size the OP clients' test suites pin at 202. */
const SAMPLE_CALL =
  "02f901550a758302df1483be21b88304743f94f80e51afb613d764fa61751affd3313c190a86bb870151bd62fd12adb8e41ef24f3f" +
  "000000000000000000000000000000000000000000000000000000000000006e000000000000000000000000af88d065e77c8cc2239327" +
  "c5edb3a432268e5831000000000000000000000000000000000000000000000000000000000003c1e5000000000000000000000000000000" +
  "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000a000" +
  "000000000000000000000000000000000000000000000000000000000000148c89ed219d02f1a5be012c689b4f5b731827bebe0000000000" +
  "00000000000000c001a033fd89cb37c31b2cba46b6466e040c61fc9b2a3675a7f5f493ebd5ad77c497f8a07cdf65680e238392693019b409" +
  "2f610222e71b7cec06449cb922b93b6a12744e";

describe("L1 data fee estimate (OP stack)", function () {
  it("computes FastLZ sizes as the OP clients do", function () {
    expect(flzCompressLen(new Uint8Array())).to.equal(0);
    expect(flzCompressLen(bytesOf("0xFACADE"))).to.equal(4);
    expect(flzCompressLen(new Uint8Array(1000))).to.equal(21);
    expect(flzCompressLen(new Uint8Array(1000).fill(42))).to.equal(21);
    expect(flzCompressLen(bytesOf(SAMPLE_CALL))).to.equal(202);
  });

  it("grows with every new byte of incompressible input", function () {
    const input: number[] = [];
    let previous = 0;
    for (let i = 0; i < 256; i++) {
      input.push(i);
      const size = flzCompressLen(Uint8Array.from(input));
      expect(size, `after ${i + 1} bytes`).to.be.greaterThan(previous);
      previous = size;
    }
  });

  const scenario: L1FeeScenario = {
    name: "test",
    description: "",
    l1BaseFee: 10_000_000_000n,
    blobBaseFee: 1_000_000_000n,
    baseFeeScalar: 1_368n,
    blobBaseFeeScalar: 810_949n,
  };

  it("applies Fjord's formula with its 100-byte floor", function () {
    // intercept + coef × size below 100 bytes: the floor applies.
    expect(fjordEstimatedSizeScaled(120)).to.equal(100_000_000n);
    // 836,500 × 300 − 42,585,600 = 208,364,400 (208.3644 bytes).
    expect(fjordEstimatedSizeScaled(300)).to.equal(208_364_400n);
    // l1FeeScaled = 1,368 × 10 gwei × 16 + 810,949 × 1 gwei = 1,029,829,000,000,000.
    expect(fjordL1Fee(300, scenario)).to.equal((208_364_400n * 1_029_829_000_000_000n) / 10n ** 12n);
  });

  it("applies Ecotone's formula to zero and non-zero bytes", function () {
    const counts = countBytes(Uint8Array.from([0, 0, 1, 2, 0, 3]));
    expect(counts).to.deep.equal({ zero: 3, nonZero: 3 });
    // (3 × 4 + 3 × 16) × (16 × 1,368 × 10 gwei + 810,949 × 1 gwei) / 16 / 1e6
    expect(ecotoneL1Fee(counts, scenario)).to.equal((60n * 1_029_829_000_000_000n) / 16n / 1_000_000n);
  });

  it("estimates a signed transaction under every scenario of the report", function () {
    const estimate = estimateL1("0x" + SAMPLE_CALL);
    expect(estimate.signedTxBytes).to.equal(SAMPLE_CALL.length / 2);
    expect(estimate.fastLzBytes).to.equal(202);
    expect(estimate.fjordEstimatedBytes).to.equal((836_500 * 202 - 42_585_600) / 1e6);
    expect(Object.keys(estimate.fees)).to.deep.equal(L1_FEE_SCENARIOS.map((s) => s.name));
    const busy = estimate.fees["busy"]!;
    expect(BigInt(busy.fjordWei)).to.equal(fjordL1Fee(202, L1_FEE_SCENARIOS[1]!));
    expect(busy.fjordUsd).to.be.closeTo((Number(busy.fjordWei) / 1e18) * 3_000, 1e-12);
  });
});
