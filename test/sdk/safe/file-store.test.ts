import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { encodeMultiSendData, EthSafeSignature, EthSafeTransaction } from "@safe-global/protocol-kit";
import { expect } from "chai";
import { ethers } from "ethers";
import { canonicalSafeContract } from "../../../deploy/safe";
import {
  describeSafeTransaction,
  formatDescription,
  outgoingTransfers,
  parseSafeTransactionFile,
  SAFE_TX_FORMAT,
  SafeFileFormatError,
  SafeNonceTakenError,
  SafeTransactionNotFoundError,
  serializeSafeTransactionFile,
  toSafeTransaction,
  toSafeTransactionFile,
  transferCall,
  type SafeTransactionFile,
} from "../../../sdk/src/safe";
import { DirectorySafeStore, readSafeTransactionFile, writeSafeTransactionFile } from "../../../sdk/src/node";
import { rejection } from "./fixture";

const SAFE = ethers.getAddress("0x1000000000000000000000000000000000000001");
const TOKEN = ethers.getAddress("0x2000000000000000000000000000000000000002");
const RECIPIENT = ethers.getAddress("0x3000000000000000000000000000000000000003");
const [A, B] = [ethers.Wallet.createRandom(), ethers.Wallet.createRandom()].sort((x, y) =>
  BigInt(x.address) < BigInt(y.address) ? -1 : 1,
);

/** A well-formed file (the hash and signatures are not real: the store and the format do not verify). */
function fileWith(nonce: number, overrides: Partial<SafeTransactionFile> = {}): SafeTransactionFile {
  const call = transferCall(TOKEN, RECIPIENT, 250_000_000n);
  return parseSafeTransactionFile({
    format: SAFE_TX_FORMAT,
    chainId: 31337,
    safeAddress: SAFE,
    safeTxHash: ethers.keccak256(ethers.toUtf8Bytes(`tx ${nonce} ${JSON.stringify(overrides)}`)),
    transaction: {
      to: call.to,
      value: "0",
      data: call.data,
      operation: 0,
      safeTxGas: "0",
      baseGas: "0",
      gasPrice: "0",
      gasToken: ethers.ZeroAddress,
      refundReceiver: ethers.ZeroAddress,
      nonce,
    },
    signatures: [{ signer: B.address, data: `0x${"bb".repeat(64)}1b`, isContractSignature: false }],
    ...overrides,
  });
}

describe("sdk/safe: the coffer-safe-tx/1 file format", function () {
  it("round-trips through text with a fixed key order and signatures sorted by signer", function () {
    const file = {
      ...fileWith(7),
      signatures: [
        { signer: B.address, data: `0x${"bb".repeat(65)}`, isContractSignature: false },
        { signer: A.address, data: `0x${"aa".repeat(65)}`, isContractSignature: false },
      ],
      note: "March payroll",
    };
    const text = serializeSafeTransactionFile(file);
    expect(Object.keys(JSON.parse(text))).to.deep.equal([
      "format",
      "chainId",
      "safeAddress",
      "safeTxHash",
      "transaction",
      "signatures",
      "note",
    ]);
    const parsed = parseSafeTransactionFile(JSON.parse(text));
    expect(parsed.signatures.map((s) => s.signer)).to.deep.equal([A.address, B.address]);
    expect(parsed).to.deep.equal({ ...file, signatures: [file.signatures[1], file.signatures[0]] });
  });

  it("serialises protocol-kit's signatures Map as records, and back", function () {
    const file = fileWith(3);
    const transaction = toSafeTransaction(file);
    expect(transaction).to.be.instanceOf(EthSafeTransaction);
    transaction.addSignature(new EthSafeSignature(A.address, `0x${"aa".repeat(65)}`, false));
    expect(transaction.signatures.size).to.equal(2);
    const back = toSafeTransactionFile(transaction, { chainId: 31337, safeAddress: SAFE, safeTxHash: file.safeTxHash });
    expect(back.signatures).to.deep.equal([
      { signer: A.address, data: `0x${"aa".repeat(65)}`, isContractSignature: false },
      ...file.signatures,
    ]);
    expect(back.transaction).to.deep.equal(file.transaction);
  });

  describe("when the document is malformed", function () {
    const broken: [string, (document: Record<string, unknown>) => void, string][] = [
      ["another format", (d) => (d.format = "safe-tx"), "format"],
      // An EIP-55 test vector with one letter's case flipped.
      ["a bad address checksum", (d) => (d.safeAddress = "0x52908400098527886E0F7030069857D2E4169Ee7"), "checksum"],
      ["a nonce as a string", (d) => ((d.transaction as Record<string, unknown>).nonce = "7"), "transaction.nonce"],
      ["an unknown field", (d) => (d.extra = true), "extra"],
      ["a value with decimals", (d) => ((d.transaction as Record<string, unknown>).value = "1.5"), "transaction.value"],
      ["odd-length hex data", (d) => ((d.transaction as Record<string, unknown>).data = "0xabc"), "transaction.data"],
    ];
    for (const [what, breakIt, field] of broken) {
      it(`rejects ${what}, naming the field`, function () {
        const document = JSON.parse(serializeSafeTransactionFile(fileWith(1))) as Record<string, unknown>;
        breakIt(document);
        expect(() => parseSafeTransactionFile(document, "x.json"))
          .to.throw(SafeFileFormatError)
          .with.property("message")
          .that.contains(field === "extra" ? "Unrecognized key" : field);
      });
    }

    it("rejects a missing file and invalid JSON with the path", function () {
      const directory = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-file-"));
      expect(() => readSafeTransactionFile(path.join(directory, "none.json"))).to.throw(SafeFileFormatError, "ENOENT");
      fs.writeFileSync(path.join(directory, "bad.json"), "{");
      expect(() => readSafeTransactionFile(path.join(directory, "bad.json"))).to.throw(SafeFileFormatError, "bad.json");
    });
  });

  describe("describing what a transaction does (from the signed data)", function () {
    it("decodes an ERC-20 transfer", function () {
      expect(describeSafeTransaction(fileWith(1))).to.deep.equal({
        kind: "erc20Transfer",
        token: TOKEN,
        to: RECIPIENT,
        amount: "250000000",
      });
    });

    const batchData = (calls: { to: string; value: bigint; data: string }[]) =>
      new ethers.Interface(["function multiSend(bytes)"]).encodeFunctionData("multiSend", [
        encodeMultiSendData(calls.map((call) => ({ ...call, value: call.value.toString(), operation: 0 }))),
      ]);
    const calls = [
      { to: RECIPIENT, value: 5n, data: "0x" },
      { ...transferCall(TOKEN, RECIPIENT, 1n), value: 0n, data: transferCall(TOKEN, RECIPIENT, 1n).data! },
    ];

    it("decodes a batch through the canonical MultiSendCallOnly", function () {
      const multiSend = canonicalSafeContract("MultiSendCallOnly").address;
      const file = fileWith(1);
      const batch = {
        ...file,
        transaction: { ...file.transaction, to: multiSend, operation: 1 as const, data: batchData(calls) },
      };
      const description = describeSafeTransaction(batch);
      expect(description.kind).to.equal("batch");
      expect(formatDescription(description)).to.deep.equal([
        "batch of 2 calls (MultiSend):",
        `  1. transfer 0.000000000000000005 ETH to ${RECIPIENT}`,
        `  2. transfer 1 base units of token ${TOKEN} to ${RECIPIENT}`,
      ]);
      // With the token's symbol and decimals, amounts read in token units.
      const labels = (token: string) => (token === TOKEN ? { symbol: "tUSDC", decimals: 6 } : undefined);
      expect(formatDescription(description, "", labels)[2]).to.equal(`  2. transfer 0.000001 tUSDC to ${RECIPIENT}`);
      expect([...outgoingTransfers(description)]).to.deep.equal([
        ["ETH", 5n],
        [TOKEN, 1n],
      ]);
    });

    it("decodes the treasury module's policy calls with their arguments, alone and in a batch", function () {
      const module = new ethers.Interface([
        "function setQueueDelay(uint32 delay)",
        "function setQueueLimit(address operator, address token, uint96 amount, uint32 period)",
        "function cancelQueued((address safe, address token, address to, uint96 amount, address operator, uint48 queuedAt, uint48 eta, uint256 nonce) queued)",
      ]);
      const file = fileWith(1);
      const withCall = (to: string, data: string, operation: 0 | 1 = 0) => ({
        ...file,
        transaction: { ...file.transaction, to, operation, data },
      });
      const delay = describeSafeTransaction(withCall(TOKEN, module.encodeFunctionData("setQueueDelay", [86_400])));
      expect(delay).to.deep.equal({
        kind: "treasuryPolicy",
        module: TOKEN,
        call: "setQueueDelay",
        args: { delay: "86400" },
      });
      const queued = [file.safeAddress, TOKEN, RECIPIENT, 5n, RECIPIENT, 100n, 3_700n, 7n];
      expect(
        formatDescription(
          describeSafeTransaction(withCall(TOKEN, module.encodeFunctionData("cancelQueued", [queued]))),
        ),
      ).to.deep.equal([
        `treasury policy cancelQueued(queued=(safe=${file.safeAddress}, token=${TOKEN}, to=${RECIPIENT}, amount=5, ` +
          `operator=${RECIPIENT}, queuedAt=100, eta=3700, nonce=7)) on module ${TOKEN}`,
      ]);
      const limit = module.encodeFunctionData("setQueueLimit", [RECIPIENT, TOKEN, 1_000n, 86_400]);
      const batch = withCall(
        canonicalSafeContract("MultiSendCallOnly").address,
        batchData([{ to: TOKEN, value: 0n, data: limit }]),
        1,
      );
      expect(formatDescription(describeSafeTransaction(batch))).to.deep.equal([
        "batch of 1 calls (MultiSend):",
        `  1. treasury policy setQueueLimit(operator=${RECIPIENT}, token=${TOKEN}, amount=1000, period=86400) on module ${TOKEN}`,
      ]);
    });

    it("does not decode a delegatecall to another contract as a batch, even with MultiSend's selector", function () {
      const file = fileWith(1);
      const impostor = {
        ...file,
        transaction: { ...file.transaction, to: RECIPIENT, operation: 1 as const, data: batchData(calls) },
      };
      expect(describeSafeTransaction(impostor)).to.include({ kind: "call", operation: 1, to: RECIPIENT });
      expect(formatDescription(describeSafeTransaction(impostor))[0]).to.match(/^delegatecall 0x8d80ff0a on /);
    });
  });
});

describe("sdk/safe: DirectorySafeStore (one file per safeTxHash)", function () {
  let directory: string;
  let store: DirectorySafeStore;
  beforeEach(function () {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-store-"));
    store = new DirectorySafeStore(directory);
  });
  afterEach(function () {
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it("keeps a transaction as <safeTxHash>.json in the file format, readable after a restart", async function () {
    const file = fileWith(4);
    await store.add(file);
    expect(readSafeTransactionFile(path.join(directory, `${file.safeTxHash}.json`))).to.deep.equal(file);
    expect(await new DirectorySafeStore(directory).get(file.safeTxHash)).to.deep.equal(file);
  });

  it("refuses a second transaction with the same Safe and nonce, naming the holder", async function () {
    const first = await store.add(fileWith(4));
    const error = await rejection(store.add(fileWith(4, { note: "other" })), SafeNonceTakenError);
    expect([error.nonce, error.existingSafeTxHash]).to.deep.equal([4, first.safeTxHash]);
    expect(error.message).to.equal(`Nonce 4 is taken by pending transaction ${first.safeTxHash}`);
  });

  it("refuses it from a second store instance on the same directory (another process)", async function () {
    await store.add(fileWith(4));
    await rejection(new DirectorySafeStore(directory).add(fileWith(4, { note: "other" })), SafeNonceTakenError);
  });

  it("lets only one of two concurrent proposals for a nonce in", async function () {
    const results = await Promise.allSettled([store.add(fileWith(5)), store.add(fileWith(5, { note: "x" }))]);
    expect(results.map((r) => r.status).sort()).to.deep.equal(["fulfilled", "rejected"]);
  });

  describe("a claim whose transaction file is not there", function () {
    const claimOf = (nonce: number) => path.join(directory, ".nonces", `31337-${SAFE.toLowerCase()}-${nonce}`);
    const age = (file: string, seconds: number) => {
      const then = new Date(Date.now() - seconds * 1000);
      fs.utimesSync(file, then, then);
    };

    it("is left to its writer while it is fresh (the writer may be between the claim and the file)", async function () {
      const ghost = fileWith(6, { note: "ghost" });
      fs.writeFileSync(claimOf(6), ghost.safeTxHash);
      const error = await rejection(store.add(fileWith(6)), SafeNonceTakenError);
      expect(error.existingSafeTxHash).to.equal(ghost.safeTxHash);
    });

    it("is taken over once it is a minute old (its writer crashed)", async function () {
      const ghost = fileWith(6, { note: "ghost" });
      fs.writeFileSync(claimOf(6), ghost.safeTxHash);
      age(claimOf(6), 61);
      const file = await store.add(fileWith(6));
      expect(await store.get(file.safeTxHash)).to.deep.equal(file);
      expect(fs.readFileSync(claimOf(6), "utf8")).to.equal(file.safeTxHash);
    });

    it("counts an empty claim as taken, not as a transaction to look up", async function () {
      fs.writeFileSync(claimOf(6), "");
      const error = await rejection(store.add(fileWith(6)), SafeNonceTakenError);
      expect(error.message).to.equal("Nonce 6 is taken by pending transaction (being written)");
    });
  });

  it("lets exactly one of many stores on one directory claim a nonce, and leaves no temporary file", async function () {
    const stores = Array.from({ length: 8 }, () => new DirectorySafeStore(directory));
    const results = await Promise.allSettled(stores.map((other, i) => other.add(fileWith(7, { note: `p${i}` }))));
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(results.length - rejected.length).to.equal(1);
    rejected.forEach((r) => expect(r.reason).to.be.instanceOf(SafeNonceTakenError));
    expect(fs.readdirSync(path.join(directory, ".nonces")).filter((n) => n.endsWith(".tmp"))).to.deep.equal([]);
  });

  it("merges the signatures of the same transaction added twice, and adds signatures once per signer", async function () {
    const file = fileWith(4);
    await store.add(file);
    const signatureA = { signer: A.address, data: `0x${"aa".repeat(65)}`, isContractSignature: false };
    const merged = await store.add({ ...file, signatures: [signatureA] });
    expect(merged.signatures.map((s) => s.signer)).to.deep.equal([A.address, B.address]);
    const again = await store.addSignature(file.safeTxHash, { ...signatureA, data: `0x${"cc".repeat(65)}` });
    expect(again.signatures).to.deep.equal(merged.signatures);
  });

  it("lists a Safe's transactions at or above a nonce, by nonce, on one chain", async function () {
    for (const nonce of [9, 2, 5]) await store.add(fileWith(nonce));
    await store.add(fileWith(7, { chainId: 1 }));
    await store.add(fileWith(8, { safeAddress: RECIPIENT }));
    const listed = await store.list(31337, SAFE, 3);
    expect(listed.map((file) => file.transaction.nonce)).to.deep.equal([5, 9]);
  });

  it("says which transaction it does not know", async function () {
    const hash = ethers.ZeroHash.replace(/0$/, "1");
    const error = await rejection(store.get(hash), SafeTransactionNotFoundError);
    expect(error.message).to.equal(`No Safe transaction ${hash} in ${directory}`);
  });

  it("writes files atomically (no temporary file left)", function () {
    writeSafeTransactionFile(path.join(directory, "out.json"), fileWith(1));
    expect(fs.readdirSync(directory).filter((name) => name.endsWith(".tmp"))).to.deep.equal([]);
  });
});
