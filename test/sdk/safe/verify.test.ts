import Safe, { buildContractSignature } from "@safe-global/protocol-kit";
import { expect } from "chai";
import { ethers } from "ethers";
import { ensureTreasurySafe, protocolKitContractNetworks } from "../../../deploy/safe";
import { devPrivateKey } from "../../../scripts/lib/local-chain";
import {
  connectChain,
  executeSafeTransaction,
  proposeSafeTransaction,
  SafeAddressMismatchError,
  SafeChainMismatchError,
  SafeDuplicateSignatureError,
  SafeSignatureMismatchError,
  SafeSignerNotOwnerError,
  SafeStaleTransactionError,
  SafeTxHashMismatchError,
  SafeUnsupportedSignatureError,
  signSafeTransaction,
  toSafeTransaction,
  verifySafeTransaction,
  type SafeConnection,
  type SafeSignatureRecord,
  type SafeTransactionFile,
} from "../../../sdk/src/safe";
import { newAddress, rejection, startSafeFixture, type SafeFixture } from "./fixture";

describe("sdk/safe: verifying a transaction (hash, signatures, owners, nonce)", function () {
  let fixture: SafeFixture;
  let owner1: SafeConnection;
  let owner2: SafeConnection;
  let stranger: SafeConnection; // dev account 5, not an owner
  let proposal: SafeTransactionFile; // a payout signed by owner 1
  const address = (index: number) => new ethers.Wallet(devPrivateKey(index)).address;

  /** A signature record of `file` made by `connection`'s key with protocol-kit (EIP-712), owner or not. */
  const signatureOf = async (connection: SafeConnection, file: SafeTransactionFile): Promise<SafeSignatureRecord> => {
    const signature = await connection.kit.signTypedData(toSafeTransaction(file));
    return { signer: connection.signer!, data: signature.data, isContractSignature: false };
  };
  const payout = (amount: bigint, nonce?: number) =>
    proposeSafeTransaction(
      owner1,
      { kind: "transfer", token: fixture.usdcAddress, to: newAddress(), amount },
      nonce === undefined ? {} : { nonce },
    );

  before(async function () {
    fixture = await startSafeFixture();
    [owner1, owner2, stranger] = await Promise.all([fixture.connect(1), fixture.connect(2), fixture.connect(5)]);
    proposal = await payout(1_000_000n);
  });
  after(async function () {
    await fixture.stop();
  });

  describe("given a proposal signed by one owner", function () {
    it("verifies: the Safe's hash, one signature approval, one missing", async function () {
      const verified = await verifySafeTransaction(owner1, proposal);
      expect(verified.signers).to.deep.equal([address(1)]);
      expect(verified.approvals).to.deep.equal([{ owner: address(1), kind: "signature" }]);
      expect(verified.state.threshold).to.equal(2);
      expect(verified.missing).to.equal(1);
      expect(verified.executable).to.equal(false);
      expect(proposal.safeTxHash).to.equal(
        (await owner1.kit.getTransactionHash(toSafeTransaction(proposal))).toLowerCase(),
      );
    });

    it("a second owner's co-signature completes it", async function () {
      const { file, added, verified } = await signSafeTransaction(owner2, proposal);
      expect(added).to.equal(true);
      expect(file.signatures.map((s) => s.signer)).to.deep.equal([address(1), address(2)].sort(byAddress));
      expect(verified.missing).to.equal(0);
      expect(verified.executable).to.equal(true);
    });

    it("signing twice adds nothing", async function () {
      const { file, added } = await signSafeTransaction(owner1, proposal);
      expect(added).to.equal(false);
      expect(file).to.deep.equal(proposal);
    });
  });

  describe("when a signature is forged", function () {
    it("rejects a signer who is not an owner, naming it and the owners", async function () {
      const forged = { ...proposal, signatures: [...proposal.signatures, await signatureOf(stranger, proposal)] };
      const error = await rejection(verifySafeTransaction(owner1, forged), SafeSignerNotOwnerError);
      expect(error.signer).to.equal(address(5));
      expect(error.owners).to.deep.equal([address(1), address(2), address(3)]);
      expect(error.message).to.contain(`${address(5)} is not an owner of Safe ${fixture.safeAddress}`);
    });

    it("rejects a signature claimed by another owner than the one who signed", async function () {
      const real = await signatureOf(owner2, proposal);
      const forged = { ...proposal, signatures: [...proposal.signatures, { ...real, signer: address(3) }] };
      const error = await rejection(verifySafeTransaction(owner1, forged), SafeSignatureMismatchError);
      expect(error.claimedSigner).to.equal(address(3));
      expect(error.recoveredSigner).to.equal(address(2));
      expect(error.message).to.contain(`it recovers to ${address(2)}`);
    });

    it("rejects an owner's signature of another transaction", async function () {
      const other = await payout(2_000_000n);
      const forged = { ...proposal, signatures: [...proposal.signatures, await signatureOf(owner2, other)] };
      const error = await rejection(verifySafeTransaction(owner1, forged), SafeSignatureMismatchError);
      expect(error.claimedSigner).to.equal(address(2));
      expect(error.recoveredSigner).to.not.equal(address(2));
    });

    it("rejects a signature with a flipped byte", async function () {
      const real = await signatureOf(owner2, proposal);
      const flipped = `${real.data.slice(0, 10)}${real.data[10] === "0" ? "1" : "0"}${real.data.slice(11)}`;
      const forged = { ...proposal, signatures: [...proposal.signatures, { ...real, data: flipped }] };
      await rejection(verifySafeTransaction(owner1, forged), SafeSignatureMismatchError);
    });

    it("rejects a pre-validated signature (v = 1) carried in the file", async function () {
      const prevalidated = `0x${"0".repeat(24)}${address(2).slice(2).toLowerCase()}${"0".repeat(64)}01`;
      const forged = {
        ...proposal,
        signatures: [...proposal.signatures, { signer: address(2), data: prevalidated, isContractSignature: false }],
      };
      await rejection(verifySafeTransaction(owner1, forged), SafeUnsupportedSignatureError);
    });
  });

  describe("when the data or the hash was altered", function () {
    it("rejects a changed amount: the Safe computes another hash", async function () {
      const recipient = newAddress();
      const data = new ethers.Interface(["function transfer(address,uint256)"]).encodeFunctionData("transfer", [
        recipient,
        999_000_000n,
      ]);
      const altered = { ...proposal, transaction: { ...proposal.transaction, data } };
      const error = await rejection(verifySafeTransaction(owner1, altered), SafeTxHashMismatchError);
      expect(error.claimedHash).to.equal(proposal.safeTxHash);
      expect(error.computedHash).to.not.equal(proposal.safeTxHash);
    });

    it("rejects a transaction for another chain", async function () {
      const error = await rejection(verifySafeTransaction(owner1, { ...proposal, chainId: 1 }), SafeChainMismatchError);
      expect([error.transactionChainId, error.nodeChainId]).to.deep.equal([1, 31337]);
    });

    it("rejects a transaction for another Safe than the one expected", async function () {
      const other = newAddress();
      const error = await rejection(
        verifySafeTransaction(owner1, proposal, { expectedSafe: other }),
        SafeAddressMismatchError,
      );
      expect(error.expectedSafe).to.equal(other);
    });
  });

  describe("when a signature is duplicated", function () {
    it("rejects the same signature twice, naming the signer and the count", async function () {
      const duplicated = { ...proposal, signatures: [...proposal.signatures, ...proposal.signatures] };
      const error = await rejection(verifySafeTransaction(owner1, duplicated), SafeDuplicateSignatureError);
      expect(error.signer).to.equal(address(1));
      expect(error.count).to.equal(2);
    });

    it("rejects two different signatures claiming the same owner (one with another case)", async function () {
      const other = await signatureOf(owner1, await payout(3_000_000n));
      const duplicated = {
        ...proposal,
        signatures: [...proposal.signatures, { ...other, signer: address(1).toLowerCase() }],
      };
      const error = await rejection(verifySafeTransaction(owner1, duplicated), SafeDuplicateSignatureError);
      expect(error.count).to.equal(2);
    });
  });

  describe("given an eth_sign signature (v 31/32)", function () {
    it("recovers it from the prefixed hash and counts it", async function () {
      const signed = await owner2.kit.signTransaction(toSafeTransaction(proposal), "eth_sign");
      const data = signed.getSignature(address(2))!.data;
      expect(Number.parseInt(data.slice(-2), 16)).to.be.oneOf([31, 32]);
      const file = {
        ...proposal,
        signatures: [...proposal.signatures, { signer: address(2), data, isContractSignature: false }],
      };
      expect((await verifySafeTransaction(owner1, file)).missing).to.equal(0);
      const forged = {
        ...file,
        signatures: [...proposal.signatures, { signer: address(3), data, isContractSignature: false }],
      };
      await rejection(verifySafeTransaction(owner1, forged), SafeSignatureMismatchError);
    });
  });

  describe("given a transaction whose nonce another transaction took", function () {
    it("rejects it as stale, with both nonces", async function () {
      const chain = await connectChain(fixture.url);
      const nonce = Number(await owner1.safe.getFunction("nonce")());
      const stale = await payout(4_000_000n, nonce);
      const competitor = (await signSafeTransaction(owner2, await payout(5_000_000n, nonce))).file;
      await executeSafeTransaction(stranger, competitor);
      const error = await rejection(verifySafeTransaction(chain, stale), SafeStaleTransactionError);
      expect(error.nonce).to.equal(nonce);
      expect(error.safeNonce).to.equal(nonce + 1);
      expect(error.message).to.contain(`its nonce ${nonce} is below the Safe's current nonce ${nonce + 1}`);
      await rejection(signSafeTransaction(owner2, stale), SafeStaleTransactionError);
      chain.close();
    });
  });

  describe("given an owner that is itself a Safe (EIP-1271 contract signature)", function () {
    let nested: string; // a 1-of-1 Safe owned by dev account 4, added as an owner of the treasury Safe
    let nestedKit: Safe;

    before(async function () {
      const deployer = new ethers.NonceManager(fixture.wallet(0));
      const settings = { owners: [address(4)], threshold: 1, saltNonce: 4242n };
      nested = (await ensureTreasurySafe(deployer, settings, () => {})).address;
      nestedKit = await Safe.init({
        provider: fixture.url,
        signer: devPrivateKey(4),
        safeAddress: nested,
        contractNetworks: protocolKitContractNetworks(31337),
      });
      const add = await proposeSafeTransaction(owner1, { kind: "addOwner", owner: nested });
      await executeSafeTransaction(owner2, add);
    });

    /** The nested Safe's contract signature of `file`, made with protocol-kit. */
    const contractSignature = async (file: SafeTransactionFile): Promise<SafeSignatureRecord> => {
      const signed = await nestedKit.signTransaction(toSafeTransaction(file), "safe_sign", fixture.safeAddress);
      const signature = await buildContractSignature([signed.getSignature(address(4))!], nested);
      return { signer: nested, data: signature.data, isContractSignature: true };
    };

    it("verifies it through the Safe's checkNSignatures, and the transaction executes", async function () {
      const file = await payout(6_000_000n);
      const signed = { ...file, signatures: [...file.signatures, await contractSignature(file)] };
      const verified = await verifySafeTransaction(owner1, signed);
      expect(verified.signers).to.include(nested);
      expect(verified.missing).to.equal(0);
      await executeSafeTransaction(stranger, signed);
    });

    it("rejects a contract signature of another transaction", async function () {
      const file = await payout(7_000_000n);
      const other = await payout(8_000_000n, file.transaction.nonce + 1);
      const forged = { ...file, signatures: [...file.signatures, await contractSignature(other)] };
      const error = await rejection(verifySafeTransaction(owner1, forged), SafeSignatureMismatchError);
      expect(error.message).to.contain("the owner contract rejects it (EIP-1271 isValidSignature)");
    });
  });
});

function byAddress(a: string, b: string): number {
  return BigInt(a) < BigInt(b) ? -1 : 1;
}
