import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SafeApiKit from "@safe-global/api-kit";
import Safe from "@safe-global/protocol-kit";
import { expect } from "chai";
import { ethers } from "ethers";
import { devPrivateKey, freePort } from "../../scripts/lib/local-chain";
import {
  protocolKitContractNetworks,
  SafeApiKitStore,
  SafeServiceError,
  SafeTransactionNotFoundError,
  SignatureServiceClient,
} from "../../sdk/src/safe";
import { newAddress, rejection, startSafeFixture, type SafeFixture } from "../sdk/safe/fixture";
import { cliEnv, runCli, startServe, type ServeProcess } from "./helpers";

/** What api-kit throws for an HTTP answer that is not 2xx. */
interface ApiKitHttpError {
  readonly statusCode: number;
  readonly message: string;
  readonly data: Record<string, unknown>;
}

async function httpFailure(promise: Promise<unknown>): Promise<ApiKitHttpError> {
  try {
    await promise;
  } catch (error) {
    const failure = error as ApiKitHttpError;
    if (typeof failure.statusCode === "number") return failure;
    throw new Error(`expected an HTTP error from api-kit, got ${(error as Error).message}`);
  }
  throw new Error("expected an HTTP error from api-kit, but it resolved");
}

describe("cli: coffer safe serve speaks the Safe Transaction Service API (api-kit and protocol-kit as clients)", function () {
  let fixture: SafeFixture;
  let dir: string;
  let server: ServeProcess;
  let apiKit: SafeApiKit;
  let owner1: Safe;
  let owner2: Safe;
  let proposed: string; // safeTxHash of the transfer owner 1 proposes
  const recipient = newAddress();
  const amount = 250_000_000n; // 250 tUSDC
  const address = (index: number) => new ethers.Wallet(devPrivateKey(index)).address;
  const erc20 = new ethers.Interface(["function transfer(address to, uint256 amount)"]);
  const kitOf = (index: number) =>
    Safe.init({
      provider: fixture.url,
      signer: devPrivateKey(index),
      safeAddress: fixture.safeAddress,
      contractNetworks: protocolKitContractNetworks(31337),
    });
  /** A transaction of the Safe made and signed by owner `index` with protocol-kit. */
  const signedTransfer = async (kit: Safe, to: string, value: bigint, nonce?: number) => {
    const transaction = await kit.createTransaction({
      transactions: [{ to: fixture.usdcAddress, value: "0", data: erc20.encodeFunctionData("transfer", [to, value]) }],
      options: nonce === undefined ? {} : { nonce },
    });
    const safeTxHash = await kit.getTransactionHash(transaction);
    const signature = await kit.signHash(safeTxHash);
    return { transaction, safeTxHash, signature: signature.data };
  };

  before(async function () {
    fixture = await startSafeFixture();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-tx-service-"));
    server = await startServe(["--port", String(await freePort()), "--dir", dir, "--rpc-url", fixture.url], cliEnv({}));
    apiKit = new SafeApiKit({ chainId: 31337n, txServiceUrl: `${server.url}/api` });
    owner1 = await kitOf(1);
    owner2 = await kitOf(2);
  });
  after(async function () {
    await server?.stop();
    await fixture?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("getServiceInfo answers the service's name and API version", async function () {
    const info = await apiKit.getServiceInfo();
    expect(info).to.include({ name: "Coffer Safe approval service", api_version: "v1" });
  });

  it("getSafeInfo reads the Safe from the chain: owners, threshold, nonce, singleton, version", async function () {
    const info = await apiKit.getSafeInfo(fixture.safeAddress);
    expect(info).to.include({ address: fixture.safeAddress, nonce: "0", threshold: 2, version: "1.4.1" });
    expect([...info.owners].sort()).to.deep.equal([address(1), address(2), address(3)].sort());
    expect(await fixture.local.chain.provider.getCode(info.singleton)).to.not.equal("0x");
    expect(info.modules).to.be.an("array");
    const missing = await httpFailure(apiKit.getSafeInfo(newAddress()));
    expect(missing.statusCode).to.equal(404);
  });

  it("owner 1 proposes a transfer through api-kit; the pending list and getTransaction show it", async function () {
    const { transaction, safeTxHash, signature } = await signedTransfer(owner1, recipient, amount);
    await apiKit.proposeTransaction({
      safeAddress: fixture.safeAddress,
      safeTransactionData: transaction.data,
      safeTxHash,
      senderAddress: address(1),
      senderSignature: signature,
      origin: "api-kit test",
    });
    proposed = safeTxHash;

    const pending = await apiKit.getPendingTransactions(fixture.safeAddress);
    expect(pending.count).to.equal(1);
    expect(pending.results.map((t) => [t.safeTxHash, t.nonce, t.confirmationsRequired, t.isExecuted])).to.deep.equal([
      [safeTxHash, "0", 2, false],
    ]);
    expect(pending.results[0]!.confirmations!.map((c) => [c.owner, c.signature, c.signatureType])).to.deep.equal([
      [address(1), signature, "ETH_SIGN"], // protocol-kit's signHash signs with eth_sign (v 31/32)
    ]);
    expect(await apiKit.getNextNonce(fixture.safeAddress)).to.equal("1");

    const fetched = await apiKit.getTransaction(safeTxHash);
    expect(fetched).to.include({ safe: fixture.safeAddress, to: fixture.usdcAddress, proposer: address(1) });
    expect(fetched.dataDecoded).to.deep.equal({
      method: "transfer",
      parameters: [
        { name: "to", type: "address", value: recipient },
        { name: "value", type: "uint256", value: amount.toString() }, // the names of the ERC-20 standard
      ],
    });
    // The same store serves Coffer's own protocol: its client sees the proposal too.
    expect((await new SignatureServiceClient(server.url).get(safeTxHash)).signatures).to.have.length(1);
  });

  it("proposing the same transaction again keeps one transaction with one confirmation", async function () {
    const again = await signedTransfer(owner1, recipient, amount, 0);
    expect(again.safeTxHash).to.equal(proposed);
    await apiKit.proposeTransaction({
      safeAddress: fixture.safeAddress,
      safeTransactionData: again.transaction.data,
      safeTxHash: again.safeTxHash,
      senderAddress: address(1),
      senderSignature: again.signature,
    });
    const pending = await apiKit.getPendingTransactions(fixture.safeAddress);
    expect(pending.results.map((t) => [t.safeTxHash, t.confirmations!.length])).to.deep.equal([[proposed, 1]]);
  });

  it("a different proposal at a nonce another pending transaction holds gets 422 with nonFieldErrors", async function () {
    const other = await signedTransfer(owner2, newAddress(), 1n, 0);
    const failure = await httpFailure(
      apiKit.proposeTransaction({
        safeAddress: fixture.safeAddress,
        safeTransactionData: other.transaction.data,
        safeTxHash: other.safeTxHash,
        senderAddress: address(2),
        senderSignature: other.signature,
      }),
    );
    expect(failure.statusCode).to.equal(422);
    expect(failure.data.nonFieldErrors).to.deep.equal([`Nonce 0 is taken by pending transaction ${proposed}`]);
  });

  it("a proposal signed by a non-owner gets 422 naming the signer, and is not stored", async function () {
    const stranger = new ethers.Wallet(devPrivateKey(6));
    const { transaction, safeTxHash } = await signedTransfer(owner1, newAddress(), 1n, 1);
    const failure = await httpFailure(
      apiKit.proposeTransaction({
        safeAddress: fixture.safeAddress,
        safeTransactionData: transaction.data,
        safeTxHash,
        senderAddress: stranger.address,
        senderSignature: stranger.signingKey.sign(safeTxHash).serialized,
      }),
    );
    expect(failure.statusCode).to.equal(422);
    expect(String(failure.data.nonFieldErrors)).to.contain(`${stranger.address} is not an owner`);
    expect((await httpFailure(apiKit.getTransaction(safeTxHash))).statusCode).to.equal(404);
  });

  it("a confirmation from a non-owner gets 400 with the service's signature error, and is not stored", async function () {
    const stranger = new ethers.Wallet(devPrivateKey(6));
    const failure = await httpFailure(
      apiKit.confirmTransaction(proposed, stranger.signingKey.sign(proposed).serialized),
    );
    expect(failure.statusCode).to.equal(400);
    expect(String((failure.data.signature as string[])[0])).to.contain(`${stranger.address} is not an owner`);
    expect((await apiKit.getTransactionConfirmations(proposed)).count).to.equal(1);
  });

  it("an unknown safeTxHash answers 404 Not found. to getTransaction and confirmTransaction", async function () {
    const unknown = ethers.keccak256("0x01");
    const fetched = await httpFailure(apiKit.getTransaction(unknown));
    expect([fetched.statusCode, fetched.message]).to.deep.equal([404, "Not found."]);
    const confirmed = await httpFailure(
      apiKit.confirmTransaction(unknown, await owner2.signHash(unknown).then((s) => s.data)),
    );
    expect(confirmed.statusCode).to.equal(404);
    expect(confirmed.message).to.contain(unknown);
  });

  it("answers malformed requests in the service's shapes: field errors, bad address, oversized body, no route", async function () {
    const api = `${server.url}/api`;
    const post = (url: string, body: string) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
    const fields = await post(`${api}/v2/safes/${fixture.safeAddress}/multisig-transactions/`, '{"to":"0x12"}');
    expect(fields.status).to.equal(422);
    const errors = (await fields.json()) as Record<string, string[]>;
    expect(errors.to).to.deep.equal(["Enter a valid checksummed Ethereum Address."]);
    expect(errors).to.have.property("contractTransactionHash");
    // One letter's case flipped: still hex, but the checksum fails.
    const badChecksum = fixture.safeAddress.replace(/[a-fA-F]/, (c) =>
      c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase(),
    );
    const safe = await fetch(`${api}/v1/safes/${badChecksum}/`);
    expect(safe.status).to.equal(422);
    expect(await safe.json()).to.include({ code: 1, message: "Checksum address validation failed" });
    const big = await post(
      `${api}/v1/multisig-transactions/${proposed}/confirmations/`,
      JSON.stringify({ signature: "0x" + "ab".repeat(600_000) }),
    );
    expect(big.status).to.equal(413);
    expect(await big.json()).to.deep.equal({ detail: "bodies are limited to 1048576 bytes" });
    const none = await fetch(`${api}/v1/delegates/`);
    expect([none.status, await none.json()]).to.deep.equal([404, { detail: "Not found." }]);
  });

  it("owner 2 confirms through api-kit, and protocol-kit executes what the service returns", async function () {
    const signature = (await owner2.signHash(proposed)).data;
    expect(await apiKit.confirmTransaction(proposed, signature)).to.deep.equal({ signature });
    const confirmations = await apiKit.getTransactionConfirmations(proposed);
    expect(confirmations.results.map((c) => c.owner).sort()).to.deep.equal([address(1), address(2)].sort());

    const transaction = await apiKit.getTransaction(proposed);
    expect(await owner2.isValidTransaction(transaction)).to.equal(true);
    const result = await owner2.executeTransaction(transaction);
    const receipt = await fixture.local.chain.provider.waitForTransaction(result.hash);
    expect(receipt?.status).to.equal(1);
    expect(await fixture.usdc.balanceOf(recipient)).to.equal(amount);
    expect((await apiKit.getPendingTransactions(fixture.safeAddress)).count).to.equal(0);
    expect((await apiKit.getSafeInfo(fixture.safeAddress)).nonce).to.equal("1");
  });

  describe("Coffer's --tx-service (api-kit) pointed at the same server", function () {
    const as = (index?: number) =>
      cliEnv({
        COFFER_RPC_URL: fixture.url,
        COFFER_PRIVATE_KEY: index === undefined ? undefined : devPrivateKey(index),
        COFFER_DEPLOYMENTS_DIR: fixture.local.deploymentsDir,
      });

    it("proposes with the CLI and co-signs with api-kit's own client, then lists it verified", async function () {
      const propose = await runCli(
        [
          ...["safe", "propose", "transfer", "--tx-service", server.url],
          ...["--token", "tUSDC", "--to", recipient, "--amount", "1.5", "--json"],
        ],
        as(3),
      );
      expect(propose.code, propose.stderr).to.equal(0);
      const { safeTxHash } = propose.json<{ safeTxHash: string }>();
      await apiKit.confirmTransaction(safeTxHash, (await owner1.signHash(safeTxHash)).data);
      const pending = await runCli(["safe", "pending", "--tx-service", server.url, "--json"], as());
      expect(pending.code, pending.stderr).to.equal(0);
      const out = pending.json<{ transactions: { safeTxHash: string; missing: number; executable: boolean }[] }>();
      expect(out.transactions.map((t) => [t.safeTxHash, t.missing, t.executable])).to.deep.equal([
        [safeTxHash, 0, true],
      ]);
    });

    it("an unknown hash is a readable not-found error, not an RPC error", async function () {
      const store = new SafeApiKitStore({ chainId: 31337, txServiceUrl: server.url });
      const error = await rejection(store.get(ethers.keccak256("0x02")), SafeTransactionNotFoundError);
      expect(error.message).to.contain(`${server.url}/api`);
      const run = await runCli(
        ["safe", "sign", "--tx-service", server.url, "--hash", ethers.keccak256("0x02"), "--json"],
        as(2),
      );
      expect(run.code).to.not.equal(0);
      expect(run.stderr).to.contain("No Safe transaction").and.not.contain("RPC error");
    });

    it("a rejected confirmation reports the service's status and words", async function () {
      const store = new SafeApiKitStore({ chainId: 31337, txServiceUrl: server.url });
      const [pending] = await store.list(31337, fixture.safeAddress, 0);
      const stranger = new ethers.Wallet(devPrivateKey(6));
      const error = await rejection(
        store.addSignature(pending!.safeTxHash, {
          signer: stranger.address,
          data: stranger.signingKey.sign(pending!.safeTxHash).serialized,
          isContractSignature: false,
        }),
        SafeServiceError,
      );
      expect(error.status).to.equal(400);
      expect(error.message).to.contain("answered 400").and.contain(`${stranger.address} is not an owner`);
    });

    it("then a non-owner's process executes it by hash from the service", async function () {
      const [pending] = await new SafeApiKitStore({ chainId: 31337, txServiceUrl: server.url }).list(
        31337,
        fixture.safeAddress,
        0,
      );
      const run = await runCli(
        ["safe", "exec", "--tx-service", server.url, "--hash", pending!.safeTxHash, "--json"],
        as(5),
      );
      expect(run.code, run.stderr).to.equal(0);
      expect(await fixture.usdc.balanceOf(recipient)).to.equal(amount + 1_500_000n);
      expect((await apiKit.getPendingTransactions(fixture.safeAddress)).count).to.equal(0);
    });
  });
});
