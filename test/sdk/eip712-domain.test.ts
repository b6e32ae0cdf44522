import { expect } from "chai";
import { ethers } from "ethers";
import hre from "hardhat";
import {
  PAYER_APPROVAL_TYPES,
  escrowTypedDataDomain,
  getInvoiceId,
  getPayerApprovalDigest,
  getPaymentId,
  signPaymentApproval,
  type PayerAction,
} from "../../sdk/src/escrow";
import { ASSETS, loadEscrow, makePayment } from "../escrow/fixture";
import { makeInvoice } from "../escrow/security-helpers";

/**
 * The security checklist's EIP-712 row: the SDK's digest equals the contract's digest, and the domain the SDK
 * signs in equals what the contract reports in `eip712Domain()` (EIP-5267), so that a wallet reading the domain
 * from the contract and the SDK compute one digest.
 */

/** The escrow's EIP-5267 domain as an ethers typed-data domain, checking the fields it claims to use. */
async function reportedDomain(f: Awaited<ReturnType<typeof loadEscrow>>): Promise<ethers.TypedDataDomain> {
  const [fields, name, version, chainId, verifyingContract, salt, extensions] = await f.escrow.eip712Domain();
  // 0x0f: name, version, chainId and verifyingContract; no salt, no extensions.
  expect(fields).to.equal("0x0f");
  expect(salt).to.equal(ethers.ZeroHash);
  expect(extensions).to.deep.equal([]);
  return { name, version, chainId, verifyingContract };
}

describe("sdk: the escrow's EIP-712 domain and digests", function () {
  it("the SDK's domain equals the escrow's eip712Domain() (name, version, chain id, address; no salt)", async function () {
    const f = await loadEscrow();
    const reported = await reportedDomain(f);
    const sdk = escrowTypedDataDomain(f.domain);
    expect(reported).to.deep.equal({
      name: sdk.name,
      version: sdk.version,
      chainId: BigInt(sdk.chainId!),
      verifyingContract: sdk.verifyingContract,
    });
    expect(reported.chainId).to.equal((await hre.ethers.provider.getNetwork()).chainId);
  });

  for (const asset of ASSETS) {
    describe(`with ${asset.name}`, function () {
      it("the SDK's payment id equals the contract's getPaymentId and the digest under eip712Domain()", async function () {
        const f = await loadEscrow();
        const payment = await makePayment(f, asset);
        const sdkId = getPaymentId(payment, f.domain);
        expect(await f.escrow.getPaymentId(payment)).to.equal(sdkId);
        // The same id from the chain id and address that eip712Domain() reports (name and version checked above).
        const reported = await reportedDomain(f);
        const fromReported = { chainId: BigInt(reported.chainId!), escrow: String(reported.verifyingContract) };
        expect(getPaymentId(payment, fromReported)).to.equal(sdkId);
      });

      for (const action of ["authorize", "charge"] as const satisfies readonly PayerAction[]) {
        it(`the SDK's ${action} approval digest equals getPayerApprovalDigest and the digest under eip712Domain()`, async function () {
          const f = await loadEscrow();
          const payment = await makePayment(f, asset);
          const sdkDigest = getPayerApprovalDigest(payment, f.domain, action);
          expect(await f.escrow.getPayerApprovalDigest(payment, action === "charge")).to.equal(sdkDigest);
          // A wallet given the domain the contract reports and the SDK's types computes the same digest.
          const reported = await reportedDomain(f);
          expect(ethers.TypedDataEncoder.hash(reported, PAYER_APPROVAL_TYPES[action], { payment })).to.equal(sdkDigest);
          // The primary type names the action, and its typehash is the contract's constant.
          const primary = action === "charge" ? "ChargePayment" : "AuthorizePayment";
          expect(ethers.TypedDataEncoder.from(PAYER_APPROVAL_TYPES[action]).primaryType).to.equal(primary);
          const typehash = ethers.id(ethers.TypedDataEncoder.from(PAYER_APPROVAL_TYPES[action]).encodeType(primary));
          expect(
            await (action === "charge" ? f.escrow.CHARGE_PAYMENT_TYPEHASH() : f.escrow.AUTHORIZE_PAYMENT_TYPEHASH()),
          ).to.equal(typehash);
          // The digest differs from the payment id and from the other action's.
          const other = action === "charge" ? "authorize" : "charge";
          expect(sdkDigest).to.not.equal(getPaymentId(payment, f.domain));
          expect(sdkDigest).to.not.equal(getPayerApprovalDigest(payment, f.domain, other));
          // A signature the SDK makes recovers to the payer over the contract's digest.
          const signature = await signPaymentApproval(f.payer, payment, f.domain, action);
          expect(ethers.recoverAddress(sdkDigest, signature)).to.equal(f.payer.address);
        });
      }

      it("the SDK's invoice id equals the contract's getInvoiceId", async function () {
        const f = await loadEscrow();
        const invoice = await makeInvoice(f, asset);
        expect(await f.escrow.getInvoiceId(invoice)).to.equal(getInvoiceId(invoice, f.domain));
      });
    });
  }
});
