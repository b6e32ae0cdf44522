import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "ethers";
import { devPrivateKey } from "../../../scripts/lib/local-chain";
import { createCofferClient } from "../../../sdk/src";
import {
  ETH,
  executeSafeTransaction,
  listPendingSafeTransactions,
  proposeSafeTransaction,
  readSafeState,
  SafeExecutionError,
  SafeInvalidProposalError,
  SafeNonceNotNextError,
  SafeSignerNotOwnerError,
  SafeThresholdNotMetError,
  signSafeTransaction,
  transferCall,
  type SafeConnection,
  type SafeProposal,
  type SafeTransactionFile,
} from "../../../sdk/src/safe";
import { DirectorySafeStore } from "../../../sdk/src/node";
import * as treasury from "../../../sdk/src/treasury";
import { newAddress, rejection, startSafeFixture, type SafeFixture } from "./fixture";
import { readDeploymentManifest } from "../../../sdk/src/node";

describe("sdk/safe: executing a transaction", function () {
  let fixture: SafeFixture;
  let owners: SafeConnection[]; // owners[1..3] are the Safe's owners (dev accounts 1–3)
  let stranger: SafeConnection; // dev account 5
  const address = (index: number) => new ethers.Wallet(devPrivateKey(index)).address;
  const usdcBalance = (who: string) => fixture.usdc.balanceOf(who);

  const payout = (to: string, amount: bigint, by = owners[1]!) =>
    proposeSafeTransaction(by, { kind: "transfer", token: fixture.usdcAddress, to, amount });
  /** Proposed by owner `first`, co-signed by the owners `others`. */
  const signedBy = async (proposal: SafeProposal, first: number, ...others: number[]) => {
    let file = await proposeSafeTransaction(owners[first]!, proposal);
    for (const index of others) file = (await signSafeTransaction(owners[index]!, file)).file;
    return file;
  };

  before(async function () {
    fixture = await startSafeFixture();
    owners = [await fixture.connect(0)];
    for (const index of [1, 2, 3]) owners.push(await fixture.connect(index));
    stranger = await fixture.connect(5);
  });
  after(async function () {
    await fixture.stop();
  });

  describe("when the approvals are short of the threshold", function () {
    it("fails saying how many signatures are missing, and sends nothing", async function () {
      const recipient = newAddress();
      const file = await payout(recipient, 1_000_000n);
      const error = await rejection(executeSafeTransaction(stranger, file), SafeThresholdNotMetError);
      expect(error.missing).to.equal(1);
      expect(error.threshold).to.equal(2);
      expect(error.message).to.contain("has 1 of the 2 approvals it needs: 1 signature missing");
      expect(error.message).to.contain(`the executor ${address(5)} is not an owner`);
      expect(await usdcBalance(recipient)).to.equal(0n);
    });

    it("counts two missing when nobody has signed and the executor is not an owner", async function () {
      const file = { ...(await payout(newAddress(), 1_000_000n)), signatures: [] };
      const error = await rejection(executeSafeTransaction(stranger, file), SafeThresholdNotMetError);
      expect(error.missing).to.equal(2);
      expect(error.message).to.contain("2 signatures missing");
    });
  });

  describe("when the executor is an owner who has not signed", function () {
    it("counts its approval explicitly and executes with one signature", async function () {
      const recipient = newAddress();
      const file = await payout(recipient, 2_000_000n);
      const result = await executeSafeTransaction(owners[3]!, file);
      expect(result.approvals).to.deep.equal([
        { owner: address(1), kind: "signature" },
        { owner: address(3), kind: "executor" },
      ]);
      expect(await usdcBalance(recipient)).to.equal(2_000_000n);
    });

    it("counts it as one approval only: with no signature one is still missing", async function () {
      const file = { ...(await payout(newAddress(), 1_000_000n)), signatures: [] };
      const error = await rejection(executeSafeTransaction(owners[3]!, file), SafeThresholdNotMetError);
      expect(error.missing).to.equal(1);
      expect(error.approvals).to.deep.equal([{ owner: address(3), kind: "executor" }]);
      expect(error.message).to.contain(`the executor ${address(3)} is an owner and its approval is counted`);
    });

    it("does not count it with executorApproves: false", async function () {
      const recipient = newAddress();
      const file = await payout(recipient, 1_000_000n);
      const error = await rejection(
        executeSafeTransaction(owners[3]!, file, { executorApproves: false }),
        SafeThresholdNotMetError,
      );
      expect(error.missing).to.equal(1);
      expect(error.message).to.contain("its approval is not counted (executorApproves: false)");
      expect(await usdcBalance(recipient)).to.equal(0n);
    });

    it("does not count the proposer twice when it executes its own proposal", async function () {
      const file = await payout(newAddress(), 1_000_000n);
      const error = await rejection(executeSafeTransaction(owners[1]!, file), SafeThresholdNotMetError);
      expect(error.missing).to.equal(1);
      expect(error.message).to.contain(`the executor ${address(1)} has approved already`);
    });
  });

  describe("when an owner approved the hash on chain", function () {
    it("counts the on-chain approval", async function () {
      const recipient = newAddress();
      const file = await payout(recipient, 3_000_000n);
      const approval = await owners[2]!.kit.approveTransactionHash(file.safeTxHash);
      await fixture.local.chain.provider.waitForTransaction(approval.hash);
      const result = await executeSafeTransaction(stranger, file);
      expect(result.approvals).to.deep.equal([
        { owner: address(1), kind: "signature" },
        { owner: address(2), kind: "onchain" },
      ]);
      expect(await usdcBalance(recipient)).to.equal(3_000_000n);
    });
  });

  describe("when the Safe's call fails", function () {
    it("fails with the Safe's reason and sends nothing", async function () {
      const file = await signedBy(
        { kind: "transfer", token: fixture.usdcAddress, to: newAddress(), amount: 10n ** 15n },
        1,
        2,
      );
      const error = await rejection(executeSafeTransaction(stranger, file), SafeExecutionError);
      expect(error.message).to.contain("GS013");
      expect(Number(await owners[1]!.safe.getFunction("nonce")())).to.equal(file.transaction.nonce);
    });
  });

  describe("given proposals made at the same time", function () {
    it("gives them consecutive nonces through a store, and they execute in order", async function () {
      const store = new DirectorySafeStore(fs.mkdtempSync(path.join(os.tmpdir(), "coffer-safe-store-")));
      const { nonce } = await readSafeState(owners[1]!, fixture.safeAddress);
      const recipients = [newAddress(), newAddress(), newAddress()];
      const proposed = await Promise.all(
        recipients.map((to, index) =>
          proposeSafeTransaction(
            owners[index + 1]!,
            { kind: "transfer", token: fixture.usdcAddress, to, amount: 1n },
            { store },
          ),
        ),
      );
      expect(proposed.map((file) => file.transaction.nonce).sort()).to.deep.equal([nonce, nonce + 1, nonce + 2]);
      const byNonce = [...proposed].sort((a, b) => a.transaction.nonce - b.transaction.nonce);
      const pending = await listPendingSafeTransactions(owners[1]!, fixture.safeAddress, store);
      expect(pending.transactions.map((p) => p.file.safeTxHash)).to.deep.equal(byNonce.map((f) => f.safeTxHash));

      const cosigned: SafeTransactionFile[] = [];
      for (const file of byNonce) {
        const cosigner = file.signatures[0]!.signer === address(2) ? owners[3]! : owners[2]!;
        cosigned.push((await signSafeTransaction(cosigner, file, { store })).file);
      }
      const error = await rejection(executeSafeTransaction(stranger, cosigned[1]!), SafeNonceNotNextError);
      expect(error.message).to.contain(
        `has nonce ${nonce + 1} but the Safe is at nonce ${nonce}: execute nonce ${nonce} first`,
      );
      for (const file of cosigned) await executeSafeTransaction(stranger, await store.get(file.safeTxHash));
      for (const file of byNonce) {
        const to = ethers.getAddress(`0x${file.transaction.data.slice(34, 74)}`);
        expect(await usdcBalance(to)).to.equal(1n);
      }
      expect((await listPendingSafeTransactions(owners[1]!, fixture.safeAddress, store)).transactions).to.have.length(
        0,
      );
    });

    it("without a store, both take the Safe's nonce (the reason to share proposals)", async function () {
      const [a, b] = await Promise.all([payout(newAddress(), 1n), payout(newAddress(), 1n, owners[2]!)]);
      expect(a!.transaction.nonce).to.equal(b!.transaction.nonce);
    });
  });

  describe("kinds of proposals", function () {
    it("a batch pays ETH and USDC atomically through MultiSendCallOnly", async function () {
      const recipient = newAddress();
      const file = await signedBy(
        {
          kind: "batch",
          calls: [transferCall(ETH, recipient, 1234n), transferCall(fixture.usdcAddress, recipient, 5_000_000n)],
        },
        1,
        2,
      );
      expect(file.transaction.operation).to.equal(1);
      await executeSafeTransaction(stranger, file);
      expect(await fixture.local.chain.provider.getBalance(recipient)).to.equal(1234n);
      expect(await usdcBalance(recipient)).to.equal(5_000_000n);
    });

    it("a treasury policy change (setOperator) executes", async function () {
      const client = await createCofferClient({
        runner: fixture.local.chain.provider,
        manifest: readDeploymentManifest(fixture.local.deploymentsDir, 31337),
      });
      const operator = newAddress();
      const call = await treasury.policy.setOperator(client, operator, true, false);
      const file = await signedBy({ kind: "call", to: call.to, data: call.data, value: call.value }, 2, 3);
      await executeSafeTransaction(stranger, file);
      expect((await client.treasury.getOperator(fixture.safeAddress, operator)).enabled).to.equal(true);
    });

    it("refuses a proposal whose token has no code", async function () {
      const error = await rejection(
        proposeSafeTransaction(owners[1]!, { kind: "transfer", token: newAddress(), to: newAddress(), amount: 1n }),
        SafeInvalidProposalError,
      );
      expect(error.message).to.contain("has no contract code");
    });

    it("refuses a proposal from a key that is not an owner", async function () {
      await rejection(
        proposeSafeTransaction(stranger, { kind: "transfer", token: ETH, to: newAddress(), amount: 1n }),
        SafeSignerNotOwnerError,
      );
    });

    it("owner and threshold changes execute: add an owner with threshold 3, lower it to 2, remove the owner", async function () {
      const newOwner = address(4);
      await executeSafeTransaction(stranger, await signedBy({ kind: "addOwner", owner: newOwner, threshold: 3 }, 1, 2));
      let state = await readSafeState(owners[1]!, fixture.safeAddress);
      expect(state.owners).to.include(newOwner);
      expect(state.threshold).to.equal(3);

      // Three approvals now: two signatures and the executing owner.
      const lower = await signedBy({ kind: "changeThreshold", threshold: 2 }, 1, 2);
      const short = await rejection(executeSafeTransaction(stranger, lower), SafeThresholdNotMetError);
      expect(short.missing).to.equal(1);
      await executeSafeTransaction(owners[3]!, lower);
      expect((await readSafeState(owners[1]!, fixture.safeAddress)).threshold).to.equal(2);

      await executeSafeTransaction(stranger, await signedBy({ kind: "removeOwner", owner: newOwner }, 2, 3));
      state = await readSafeState(owners[1]!, fixture.safeAddress);
      expect(state.owners).to.deep.equal([address(1), address(2), address(3)]);
      expect(state.threshold).to.equal(2);
    });

    it("protocol-kit's checks of owner changes surface as invalid proposals", async function () {
      const error = await rejection(
        proposeSafeTransaction(owners[1]!, { kind: "changeThreshold", threshold: 10 }),
        SafeInvalidProposalError,
      );
      expect(error.message).to.contain("Threshold cannot exceed owner count");
    });
  });
});
