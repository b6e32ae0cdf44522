import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "ethers";
import { startSignatureService, type SignatureService } from "../../../cli/safe-approval-server";
import { CofferContractError } from "../../../sdk/src";
import { encodeMultiSendData } from "@safe-global/protocol-kit";
import { canonicalSafeContract } from "../../../sdk/src/safe";
import {
  buildSafeTransactionFile,
  computeSafeTxHash,
  decodeMultiSend,
  describeSafeTransaction,
  encodeMultiSend,
  executeSafeTransactionFile,
  mergeSignatures,
  MULTI_SEND_ADDRESSES,
  proposeSafeCall,
  SafeExecutionError,
  SafeSignatureMismatchError,
  SafeSignerNotOwnerError,
  SafeThresholdNotMetError,
  SafeTxHashMismatchError,
  signSafeTransactionFile,
  SignatureServiceClient,
  type SafeTransactionFile,
} from "../../../sdk/src/safe-tx";
import { newAddress, rejection, startSafeFixture, type SafeFixture } from "./fixture";

describe("sdk/safe-tx: Safe transactions without protocol-kit", function () {
  let fixture: SafeFixture;
  let service: SignatureService;
  let serviceDir: string;
  const transfer = new ethers.Interface(["function transfer(address to, uint256 amount)"]);
  const payoutCall = (to: string, amount: bigint) => ({
    to: fixture.usdcAddress,
    data: transfer.encodeFunctionData("transfer", [to, amount]),
  });
  const safeNonce = async () =>
    Number(
      await new ethers.Contract(
        fixture.safeAddress,
        ["function nonce() view returns (uint256)"],
        fixture.local.chain.provider,
      ).getFunction("nonce")(),
    );
  /** A payout file signed by the owners `signers` (dev accounts). */
  const signed = async (to: string, amount: bigint, ...signers: number[]): Promise<SafeTransactionFile> => {
    let file = await buildSafeTransactionFile({
      runner: fixture.local.chain.provider,
      safeAddress: fixture.safeAddress,
      call: payoutCall(to, amount),
    });
    for (const index of signers)
      file = mergeSignatures(file, [await signSafeTransactionFile(fixture.wallet(index), file)]);
    return file;
  };

  before(async function () {
    fixture = await startSafeFixture();
    serviceDir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-safe-tx-"));
    service = await startSignatureService({ directory: serviceDir, rpcUrl: fixture.url });
  });
  after(async function () {
    await service?.close();
    if (serviceDir !== undefined) fs.rmSync(serviceDir, { recursive: true, force: true });
    await fixture?.stop();
  });

  it("computes the safeTxHash the Safe computes, at the Safe's nonce", async function () {
    const file = await signed(newAddress(), 1_234_567n);
    const t = file.transaction;
    const safe = new ethers.Contract(
      fixture.safeAddress,
      [
        "function getTransactionHash(address,uint256,bytes,uint8,uint256,uint256,uint256,address,address,uint256) view returns (bytes32)",
      ],
      fixture.local.chain.provider,
    );
    const onChain = (await safe.getFunction("getTransactionHash")(
      t.to,
      t.value,
      t.data,
      t.operation,
      t.safeTxGas,
      t.baseGas,
      t.gasPrice,
      t.gasToken,
      t.refundReceiver,
      t.nonce,
    )) as string;
    expect(file.safeTxHash).to.equal(onChain.toLowerCase());
    expect(computeSafeTxHash(file.chainId, file.safeAddress, { ...t, nonce: t.nonce + 1 })).to.not.equal(
      onChain.toLowerCase(),
    );
    expect(t.nonce).to.equal(await safeNonce());
  });

  it("knows the canonical MultiSend contracts and decodes batches as protocol-kit encodes them", function () {
    expect(MULTI_SEND_ADDRESSES).to.deep.equal([
      canonicalSafeContract("MultiSend").address,
      canonicalSafeContract("MultiSendCallOnly").address,
    ]);
    const to = newAddress();
    const calls = [
      { operation: 0 as const, to: fixture.usdcAddress, value: "0", data: payoutCall(to, 5n).data },
      { operation: 0 as const, to, value: "7", data: "0x" },
    ];
    const packed = encodeMultiSendData(calls.map((call) => ({ ...call })));
    const data = new ethers.Interface(["function multiSend(bytes)"]).encodeFunctionData("multiSend", [packed]);
    expect(decodeMultiSend(data)).to.deep.equal(calls);
    expect(encodeMultiSend(calls)).to.equal(data);
    const description = describeSafeTransaction({
      ...({} as SafeTransactionFile),
      safeAddress: fixture.safeAddress,
      transaction: {
        ...({} as SafeTransactionFile["transaction"]),
        to: MULTI_SEND_ADDRESSES[1]!,
        value: "0",
        data,
        operation: 1,
      },
    });
    expect(description).to.deep.equal({
      kind: "batch",
      calls: [
        { kind: "erc20Transfer", token: fixture.usdcAddress, to, amount: "5" },
        { kind: "ethTransfer", to, value: "7" },
      ],
    });
  });

  it("executes with two owners' signatures, sorted by owner, and the recipient is paid", async function () {
    const recipient = newAddress();
    const nonce = await safeNonce();
    const file = await signed(recipient, 2_500_000n, 3, 1);
    expect(file.signatures.map((signature) => signature.data.slice(-2))).to.satisfy((vs: string[]) =>
      vs.every((v) => v === "1b" || v === "1c"),
    );
    const result = await executeSafeTransactionFile(fixture.wallet(5), file);
    expect(result.approvals.map((approval) => approval.owner)).to.deep.equal(
      [fixture.wallet(1).address, fixture.wallet(3).address].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)),
    );
    expect(await fixture.usdc.balanceOf(recipient)).to.equal(2_500_000n);
    expect(await safeNonce()).to.equal(nonce + 1);
  });

  it("refuses a missing signature before sending anything", async function () {
    const recipient = newAddress();
    const file = await signed(recipient, 1_000_000n, 2);
    const executor = fixture.wallet(5);
    const sent = await fixture.local.chain.provider.getTransactionCount(executor.address);
    const error = await rejection(executeSafeTransactionFile(executor, file), SafeThresholdNotMetError);
    expect(error.missing).to.equal(1);
    expect(await fixture.local.chain.provider.getTransactionCount(executor.address)).to.equal(sent);
    expect(await fixture.usdc.balanceOf(recipient)).to.equal(0n);
  });

  it("refuses a signature that does not sign the transaction, before sending anything", async function () {
    const recipient = newAddress();
    const file = await signed(recipient, 1_000_000n, 1, 2);
    const other = await signed(newAddress(), 1n, 1);
    // Owner 1's signature of another transaction, claimed for this one.
    const forged = {
      ...file,
      signatures: file.signatures.map((signature) =>
        signature.signer === fixture.wallet(1).address ? other.signatures[0]! : signature,
      ),
    };
    const executor = fixture.wallet(5);
    const sent = await fixture.local.chain.provider.getTransactionCount(executor.address);
    const error = await rejection(executeSafeTransactionFile(executor, forged), SafeSignatureMismatchError);
    expect(error.claimedSigner).to.equal(fixture.wallet(1).address);
    expect(await fixture.local.chain.provider.getTransactionCount(executor.address)).to.equal(sent);
    expect(await fixture.usdc.balanceOf(recipient)).to.equal(0n);
    // A file whose data was changed after signing is refused by its hash.
    const altered = { ...file, transaction: { ...file.transaction, data: payoutCall(newAddress(), 1_000_000n).data } };
    await rejection(executeSafeTransactionFile(executor, altered), SafeTxHashMismatchError);
  });

  it("simulates first: a call the token refuses throws the token's decoded error and sends nothing", async function () {
    const file = await signed(newAddress(), 10n ** 18n, 1, 2);
    const executor = fixture.wallet(5);
    const sent = await fixture.local.chain.provider.getTransactionCount(executor.address);
    const error = await rejection(executeSafeTransactionFile(executor, file), SafeExecutionError);
    expect(error.cause).to.be.instanceOf(CofferContractError);
    expect((error.cause as CofferContractError).errorName).to.equal("ERC20InsufficientBalance");
    expect(error.message).to.contain("the Safe's call would fail");
    expect(await fixture.local.chain.provider.getTransactionCount(executor.address)).to.equal(sent);
  });

  it("does not ask a wallet that is not an owner to sign", async function () {
    const file = await signed(newAddress(), 1n);
    const stranger = fixture.wallet(6);
    let asked = false;
    stranger.signTypedData = async () => {
      asked = true;
      return "0x";
    };
    const error = await rejection(signSafeTransactionFile(stranger, file), SafeSignerNotOwnerError);
    expect(error.signer).to.equal(stranger.address);
    expect(asked).to.equal(false);
  });

  it("proposes through the signature service at the next free nonce, then co-signs and executes from it", async function () {
    const client = new SignatureServiceClient(service.url);
    const first = await proposeSafeCall(fixture.wallet(3), client, {
      safeAddress: fixture.safeAddress,
      call: payoutCall(newAddress(), 1n),
    });
    const recipient = newAddress();
    const second = await proposeSafeCall(fixture.wallet(3), client, {
      safeAddress: fixture.safeAddress,
      call: payoutCall(recipient, 3n),
    });
    const nonce = await safeNonce();
    expect([first.transaction.nonce, second.transaction.nonce]).to.deep.equal([nonce, nonce + 1]);
    expect(first.signatures.map((signature) => signature.signer)).to.deep.equal([fixture.wallet(3).address]);
    let stored = await client.get(first.safeTxHash);
    stored = await client.addSignature(stored.safeTxHash, await signSafeTransactionFile(fixture.wallet(2), stored));
    await executeSafeTransactionFile(fixture.wallet(2), stored);
    expect(await safeNonce()).to.equal(nonce + 1);
    const pending = await client.list(fixture.local.first.manifest.chainId, fixture.safeAddress, nonce + 1);
    expect(pending.map((file) => file.safeTxHash)).to.deep.equal([second.safeTxHash]);
  });
});
