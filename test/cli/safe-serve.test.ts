import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "ethers";
import { devPrivateKey, freePort } from "../../scripts/lib/local-chain";
import {
  executeSafeTransaction,
  proposeSafeTransaction,
  SafeNonceTakenError,
  SafeServiceError,
  SafeTransactionNotFoundError,
  signSafeTransaction,
  SignatureServiceClient,
  type SafeConnection,
  type SafeTransactionFile,
} from "../../sdk/src/safe";
import { newAddress, rejection, startSafeFixture, type SafeFixture } from "../sdk/safe/fixture";
import { cliEnv, runCli, runCliInProcess, startServe, type ServeProcess } from "./helpers";

describe("cli: coffer safe serve (signature collection over HTTP, kept on disk)", function () {
  let fixture: SafeFixture;
  let dir: string;
  let server: ServeProcess;
  let client: SignatureServiceClient;
  let owners: SafeConnection[];
  let proposals: SafeTransactionFile[]; // by nonce
  const recipients = [newAddress(), newAddress()];
  const address = (index: number) => new ethers.Wallet(devPrivateKey(index)).address;
  const serve = async () =>
    startServe(["--port", String(await freePort()), "--dir", dir, "--rpc-url", fixture.url], cliEnv({}));
  const as = (index?: number) =>
    cliEnv({ COFFER_RPC_URL: fixture.url, COFFER_PRIVATE_KEY: index === undefined ? undefined : devPrivateKey(index) });

  before(async function () {
    fixture = await startSafeFixture();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-serve-"));
    server = await serve();
    client = new SignatureServiceClient(server.url);
    owners = [];
    for (const index of [0, 1, 2, 3]) owners.push(await fixture.connect(index));
  });
  after(async function () {
    await server.stop();
    await fixture.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("answers /health with the chain it verifies against", async function () {
    expect(await client.chainId()).to.equal(31337);
  });

  it("two owners propose at the same time through the SDK client and get consecutive nonces", async function () {
    const proposed = await Promise.all(
      [1, 2].map((index) =>
        proposeSafeTransaction(
          owners[index]!,
          { kind: "transfer", token: fixture.usdcAddress, to: recipients[index - 1]!, amount: 11n * BigInt(index) },
          { store: client },
        ),
      ),
    );
    proposals = proposed.sort((a, b) => a.transaction.nonce - b.transaction.nonce);
    expect(proposals.map((p) => p.transaction.nonce)).to.deep.equal([0, 1]);
    expect(
      fs
        .readdirSync(dir)
        .filter((name) => name.endsWith(".json"))
        .sort(),
    ).to.deep.equal(proposals.map((p) => `${p.safeTxHash}.json`).sort());
  });

  it("accepts a co-signature that verifies", async function () {
    const proposer = proposals[0]!.signatures[0]!.signer;
    const cosigner = proposer === address(3) ? owners[2]! : owners[3]!;
    const { file } = await signSafeTransaction(cosigner, proposals[0]!, { store: client });
    expect(file.signatures).to.have.length(2);
    expect((await client.get(proposals[0]!.safeTxHash)).signatures).to.deep.equal(file.signatures);
  });

  describe("when what is posted does not verify", function () {
    it("answers 400 with a JSON error for a signature claimed by another owner, and stores nothing", async function () {
      const hash = proposals[1]!.safeTxHash;
      const real = proposals[1]!.signatures[0]!;
      const response = await fetch(`${server.url}/v1/transactions/${hash}/signatures`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...real, signer: address(3) === real.signer ? address(1) : address(3) }),
      });
      expect(response.status).to.equal(400);
      const body = (await response.json()) as { error: { name: string; message: string } };
      expect(body.error.name).to.equal("SafeSignatureMismatchError");
      expect(body.error.message).to.contain(`it recovers to ${real.signer}`);
      expect((await client.get(hash)).signatures).to.have.length(1);
    });

    it("rejects a non-owner's signature through the SDK client with a SafeServiceError (400)", async function () {
      const stranger = new ethers.Wallet(devPrivateKey(6));
      const signature = {
        signer: stranger.address,
        data: stranger.signingKey.sign(proposals[1]!.safeTxHash).serialized,
        isContractSignature: false,
      };
      const error = await rejection(client.addSignature(proposals[1]!.safeTxHash, signature), SafeServiceError);
      expect([error.status, error.errorName]).to.deep.equal([400, "SafeSignerNotOwnerError"]);
      expect(error.message).to.contain(`${stranger.address} is not an owner`);
    });

    it("rejects a proposal without signatures, an altered one, and one whose nonce is taken", async function () {
      const fresh = { ...proposals[1]!, safeTxHash: ethers.keccak256("0x02"), signatures: [] };
      const unsigned = await rejection(client.add(fresh), SafeServiceError);
      expect(unsigned.errorName).to.equal("SafeInvalidProposalError");
      const altered = { ...proposals[1]!, transaction: { ...proposals[1]!.transaction, value: "1" } };
      expect((await rejection(client.add(altered), SafeServiceError)).errorName).to.equal("SafeTxHashMismatchError");
      const taken = await rejection(
        proposeSafeTransaction(
          owners[1]!,
          { kind: "transfer", token: "ETH", to: newAddress(), amount: 1n },
          { store: client, nonce: 1 },
        ),
        SafeNonceTakenError,
      );
      expect([taken.nonce, taken.existingSafeTxHash]).to.deep.equal([1, proposals[1]!.safeTxHash]);
    });

    it("answers 404 for a transaction it does not know", async function () {
      await rejection(client.get(ethers.keccak256("0x01")), SafeTransactionNotFoundError);
    });
  });

  describe("given a restart", function () {
    it("still has the pending transactions and their signatures", async function () {
      expect(await server.stop()).to.equal(0);
      await rejection(client.get(proposals[0]!.safeTxHash), SafeServiceError); // down
      server = await serve();
      client = new SignatureServiceClient(server.url);
      const listed = await client.list(31337, fixture.safeAddress, 0);
      expect(listed.map((p) => p.safeTxHash)).to.deep.equal(proposals.map((p) => p.safeTxHash));
      expect(listed.map((p) => p.signatures.length)).to.deep.equal([2, 1]);
    });

    it("an owner's process co-signs the second one through the service", async function () {
      const proposer = proposals[1]!.signatures[0]!.signer;
      const cosigner = proposer === address(1) ? 3 : 1;
      const run = await runCli(
        ["safe", "sign", "--service", server.url, "--hash", proposals[1]!.safeTxHash, "--json"],
        as(cosigner),
      );
      expect(run.code, run.stderr).to.equal(0);
      expect(run.json()).to.include({ signer: address(cosigner), added: true, missing: 0 });
      const pending = await runCliInProcess(["safe", "pending", "--service", server.url, "--json"], {
        ...as(),
        COFFER_DEPLOYMENTS_DIR: fixture.local.deploymentsDir,
      });
      expect(pending.code, pending.stderr).to.equal(0);
      const out = pending.json<{ transactions: { nonce: number; missing: number; executable: boolean }[] }>();
      expect(out.transactions.map((t) => [t.nonce, t.missing, t.executable])).to.deep.equal([
        [0, 0, true],
        [1, 0, false],
      ]);
    });

    it("then both execute in order, one from a non-owner's process", async function () {
      const run = await runCli(
        [
          ...["safe", "exec", "--service", server.url, "--hash", proposals[0]!.safeTxHash],
          ...["--safe", fixture.safeAddress, "--json"],
        ],
        as(5),
      );
      expect(run.code, run.stderr).to.equal(0);
      await executeSafeTransaction(owners[0]!, await client.get(proposals[1]!.safeTxHash));
      expect(await fixture.usdc.balanceOf(recipients[0]!)).to.equal(11n);
      expect(await fixture.usdc.balanceOf(recipients[1]!)).to.equal(22n);
      expect(await client.list(31337, fixture.safeAddress, 0)).to.have.length(0);
    });
  });
});
