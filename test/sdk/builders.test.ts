import { expect } from "chai";
import { ethers } from "ethers";
import {
  buildInvoice,
  buildPayment,
  buildPlan,
  CofferValidationError,
  parseDuration,
  randomSalt,
  toReferenceId,
} from "../../sdk/src";

/** The builders and value helpers, without a chain: defaults, and every bound they check before anyone signs. */
describe("sdk: builders", function () {
  const operator = "0x00000000000000000000000000000000000000a1";
  const payer = "0x00000000000000000000000000000000000000b2";
  const payee = "0x00000000000000000000000000000000000000c3";
  const token = "0x00000000000000000000000000000000000000d4";
  const feeReceiver = "0x00000000000000000000000000000000000000e5";
  const now = 1_900_000_000n;

  /** The CofferValidationError `build` throws; fails when it returns or throws anything else. */
  function refusal(build: () => unknown): CofferValidationError {
    let thrown: unknown;
    try {
      build();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(CofferValidationError);
    return thrown as CofferValidationError;
  }

  describe("parseDuration", function () {
    it("reads seconds and the units s, m, h, d and w", function () {
      expect(parseDuration(90)).to.equal(90n);
      expect(parseDuration(90n)).to.equal(90n);
      expect(parseDuration("45s")).to.equal(45n);
      expect(parseDuration("90m")).to.equal(5_400n);
      expect(parseDuration("24h")).to.equal(86_400n);
      expect(parseDuration("7d")).to.equal(604_800n);
      expect(parseDuration("2w")).to.equal(1_209_600n);
      expect(parseDuration("3600")).to.equal(3_600n);
    });

    it("refuses a negative or fractional number and text that is not a duration, naming the field", function () {
      expect(refusal(() => parseDuration(-1, "trial")).field).to.equal("trial");
      expect(refusal(() => parseDuration(1.5)).message).to.match(/not a whole number of seconds/);
      expect(refusal(() => parseDuration("7 days", "period")).message).to.equal(
        'period: "7 days" is not a duration (e.g. 3600, 90m, 24h, 7d, 2w)',
      );
    });
  });

  describe("toReferenceId and randomSalt", function () {
    it("hashes an order number, keeps 32 bytes of hex as given (lower-cased)", function () {
      expect(toReferenceId("ORDER-1042")).to.equal(ethers.id("ORDER-1042"));
      const hex = ethers.hexlify(ethers.randomBytes(32));
      expect(toReferenceId(hex.toUpperCase().replace("0X", "0x"))).to.equal(hex);
    });

    it("draws a different 128-bit salt each time", function () {
      const salts = new Set(Array.from({ length: 20 }, () => randomSalt()));
      expect(salts.size).to.equal(20);
      for (const salt of salts) expect(salt < 1n << 128n).to.equal(true);
    });
  });

  describe("buildPayment", function () {
    const base = { operator, payer, payee, token, maxAmount: 25_000_000n, reference: "ORDER-1042", now };

    it("fills in an hour to authorize, a week to capture, thirty days more to refund, no fee, no arbiter", function () {
      const payment = buildPayment(base);
      expect(payment).to.deep.include({
        operator: ethers.getAddress(operator),
        payer: ethers.getAddress(payer),
        payee: ethers.getAddress(payee),
        token: ethers.getAddress(token),
        maxAmount: 25_000_000n,
        preApprovalExpiry: now + 3_600n,
        authorizationExpiry: now + 7n * 86_400n,
        refundExpiry: now + 37n * 86_400n,
        minFeeBps: 0,
        maxFeeBps: 0,
        feeReceiver: ethers.ZeroAddress,
        arbiter: ethers.ZeroAddress,
        referenceId: ethers.id("ORDER-1042"),
      });
      expect(buildPayment(base).salt).to.not.equal(payment.salt);
    });

    it("takes durations, fee bounds, an arbiter and a salt", function () {
      const payment = buildPayment({
        ...base,
        authorizeWithin: "10m",
        captureWithin: "2d",
        refundWithin: 86_400,
        fee: { minBps: 50, maxBps: 250, receiver: feeReceiver },
        arbiter: feeReceiver,
        salt: 7n,
      });
      expect(payment.preApprovalExpiry).to.equal(now + 600n);
      expect(payment.authorizationExpiry).to.equal(now + 172_800n);
      expect(payment.refundExpiry).to.equal(now + 259_200n);
      expect([payment.minFeeBps, payment.maxFeeBps, payment.salt]).to.deep.equal([50, 250, 7n]);
      expect(payment.arbiter).to.equal(ethers.getAddress(feeReceiver));
    });

    it("refuses what the escrow would refuse, naming the field", function () {
      const cases: [Parameters<typeof buildPayment>[0], string][] = [
        [{ ...base, maxAmount: 0n }, "maxAmount"],
        [{ ...base, maxAmount: 1n << 120n }, "maxAmount"],
        [{ ...base, authorizeWithin: "8d" }, "authorizeWithin"],
        [{ ...base, fee: { minBps: 300, maxBps: 200, receiver: feeReceiver } }, "fee.minBps"],
        [{ ...base, fee: { minBps: 0, maxBps: 10_001, receiver: feeReceiver } }, "fee.maxBps"],
        [{ ...base, fee: { minBps: 0, maxBps: 100, receiver: ethers.ZeroAddress } }, "fee.receiver"],
        [{ ...base, operator: ethers.ZeroAddress }, "operator"],
        [{ ...base, payee: ethers.ZeroAddress }, "payee"],
        [{ ...base, payer: "0x1234" }, "payer"],
        [{ ...base, refundWithin: 1n << 48n }, "refundWithin"],
      ];
      for (const [input, field] of cases) expect(refusal(() => buildPayment(input)).field, field).to.equal(field);
    });
  });

  describe("buildInvoice", function () {
    const base = { payee, token, amount: 12_500_000n, reference: "INV-2026-0042", now };

    it("fills in a week to pay, anyone may pay, a random salt", function () {
      const invoice = buildInvoice(base);
      expect(invoice).to.deep.include({
        payee: ethers.getAddress(payee),
        payer: ethers.ZeroAddress,
        token: ethers.getAddress(token),
        amount: 12_500_000n,
        expiry: now + 604_800n,
        referenceId: ethers.id("INV-2026-0042"),
      });
      expect(buildInvoice(base).salt).to.not.equal(invoice.salt);
    });

    it("takes a payer, a duration or an expiry, and a salt", function () {
      expect(buildInvoice({ ...base, payer, payWithin: "1d", salt: 1n })).to.deep.include({
        payer: ethers.getAddress(payer),
        expiry: now + 86_400n,
        salt: 1n,
      });
      expect(buildInvoice({ ...base, expiry: now + 5n }).expiry).to.equal(now + 5n);
    });

    it("refuses a zero amount, a zero payee, and both an expiry and a duration", function () {
      expect(refusal(() => buildInvoice({ ...base, amount: 0n })).field).to.equal("amount");
      expect(refusal(() => buildInvoice({ ...base, payee: ethers.ZeroAddress })).field).to.equal("payee");
      expect(refusal(() => buildInvoice({ ...base, expiry: now, payWithin: "1d" })).field).to.equal("expiry");
    });
  });

  describe("buildPlan", function () {
    const base = { payee, token, amount: 9_990_000n, period: "30d" };

    it("fills in no trial, a grace of a tenth of the period, no fee", function () {
      expect(buildPlan(base)).to.deep.equal({
        payee: ethers.getAddress(payee),
        token: ethers.getAddress(token),
        amount: 9_990_000n,
        period: 2_592_000,
        trial: 0,
        grace: 259_200,
        feeBps: 0,
        feeReceiver: ethers.ZeroAddress,
      });
    });

    it("takes a trial, a grace and a fee", function () {
      expect(
        buildPlan({ ...base, trial: "7d", grace: "2d", fee: { bps: 150, receiver: feeReceiver } }),
      ).to.deep.include({ trial: 604_800, grace: 172_800, feeBps: 150, feeReceiver: ethers.getAddress(feeReceiver) });
    });

    it("refuses what the subscriptions contract would refuse, naming the field", function () {
      const cases: [Parameters<typeof buildPlan>[0], string][] = [
        [{ ...base, period: "59m" }, "period"],
        [{ ...base, grace: "30d" }, "grace"],
        [{ ...base, amount: 0n }, "amount"],
        [{ ...base, amount: 1n << 96n }, "amount"],
        [{ ...base, fee: { bps: 100, receiver: ethers.ZeroAddress } }, "fee.receiver"],
        [{ ...base, fee: { bps: 10_001, receiver: feeReceiver } }, "fee.bps"],
        [{ ...base, payee: ethers.ZeroAddress }, "payee"],
        [{ ...base, trial: 1n << 32n }, "trial"],
      ];
      for (const [input, field] of cases) expect(refusal(() => buildPlan(input)).field, field).to.equal(field);
    });
  });
});
