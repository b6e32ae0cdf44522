import { expect } from "chai";
import { ethers } from "ethers";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { finishExit, getChannel, redeemMany, startExit } from "../../sdk/src/channels";
import {
  CHANNEL_SCHEME,
  PAYMENT_REQUIRED_HEADER,
  PAYMENT_RESPONSE_HEADER,
  PAYMENT_SIGNATURE_HEADER,
  MemoryVoucherStore,
  Paywall,
  createPayingFetch,
  decodeHeader,
  encodeHeader,
  paymentPayloadSchema,
  paymentRequiredSchema,
  settlementResponseSchema,
  withPaywall,
  type PayingFetch,
} from "../../sdk/src/x402";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { PRICE, clientOf, startPaidApi, usdcOf, walletOf, type PaidApi } from "./stack";

/**
 * Pay-per-request over HTTP 402 end to end: a real local chain with Coffer deployed, a real HTTP server (Hono on
 * Node) with the paywall and a PGlite store, and the SDK's paying fetch as the client.
 */
describe("x402: pay-per-request over channels, end to end", function () {
  this.timeout(180_000);
  let local: DeployedLocalChain;
  let api: PaidApi;
  const PAYER = 5;
  const PAYEE = 6;

  /** A paying fetch for `payerIndex` that records the PAYMENT-SIGNATURE headers it sends. */
  async function payingFetchOf(payerIndex: number, sent: string[] = []): Promise<PayingFetch> {
    return createPayingFetch({
      client: await clientOf(local, walletOf(local, payerIndex)),
      deposit: () => 100n * PRICE,
      fetch: async (input, init) => {
        const header = new Headers(init?.headers).get(PAYMENT_SIGNATURE_HEADER);
        if (header !== null) sent.push(header);
        return fetch(input, init);
      },
    });
  }

  before(async function () {
    local = await startDeployedLocalChain();
    for (const index of [PAYER, 7, 8])
      await (await usdcOf(local).mint(walletOf(local, index).address, 10n ** 12n)).wait();
  });
  after(async function () {
    await local?.stop();
  });
  beforeEach(async function () {
    api = await startPaidApi(local, PAYEE);
  });
  afterEach(async function () {
    await api.stop();
  });

  it("answers an unpaid request 402 with the requirements, in PAYMENT-REQUIRED and in the body", async function () {
    const response = await fetch(`${api.url}/quote`);
    expect(response.status).to.equal(402);
    const required = decodeHeader(response.headers.get(PAYMENT_REQUIRED_HEADER)!, paymentRequiredSchema, "header");
    expect(paymentRequiredSchema.parse(await response.json())).to.deep.equal(required);
    expect(required.resource.url).to.equal(`${api.url}/quote`);
    expect(required.accepts).to.deep.equal([
      {
        scheme: CHANNEL_SCHEME,
        network: "eip155:31337",
        amount: "1000",
        asset: local.first.manifest.contracts["TestUSDC"]!.address,
        payTo: walletOf(local, PAYEE).address,
        maxTimeoutSeconds: 60,
        extra: {
          channels: local.first.manifest.contracts["CofferChannels"]!.address,
          minChallengePeriod: 3600,
          decimals: 6,
          symbol: "tUSDC",
        },
      },
    ]);
    expect(api.served).to.equal(0);
  });

  it("pays 150 requests with one deposit, then one redemption pays the payee exactly", async function () {
    const payingFetch = await payingFetchOf(PAYER);
    const payee = walletOf(local, PAYEE).address;
    const before = await usdcOf(local).balanceOf(payee);
    for (let i = 1; i <= 150; i++) {
      const response = await payingFetch(`${api.url}/quote`);
      expect(response.status, `request ${i}`).to.equal(200);
      expect(await response.json()).to.deep.equal({ quote: i });
      const settlement = decodeHeader(response.headers.get(PAYMENT_RESPONSE_HEADER)!, settlementResponseSchema, "r");
      expect(settlement.channel!.accepted).to.equal((BigInt(i) * PRICE).toString());
    }
    const [channel] = payingFetch.channels();
    expect(payingFetch.channels()).to.have.length(1);
    // 150 requests at 100 per deposit: one opening and one top-up.
    expect([channel!.deposit, channel!.paid, channel!.accepted]).to.deep.equal([200n * PRICE, 150, 150n * PRICE]);
    const round = await api.redeemer.round();
    expect(round.redeemed).to.equal(1);
    expect((await usdcOf(local).balanceOf(payee)) - before).to.equal(150n * PRICE);
    expect((await getChannel(api.paywall.client, channel!.channelId)).redeemed).to.equal(150n * PRICE);
    // Nothing is due any more: a second round sends nothing.
    expect((await api.redeemer.round()).redeemed).to.equal(0);
  });

  it("refuses a replayed voucher (voucher_stale): each is accepted once", async function () {
    const sent: string[] = [];
    const payingFetch = await payingFetchOf(PAYER, sent);
    expect((await payingFetch(`${api.url}/quote`)).status).to.equal(200);
    expect((await payingFetch(`${api.url}/quote`)).status).to.equal(200);
    for (const replayed of sent) {
      const response = await fetch(`${api.url}/quote`, { headers: { [PAYMENT_SIGNATURE_HEADER]: replayed } });
      expect(response.status).to.equal(402);
      const settlement = decodeHeader(response.headers.get(PAYMENT_RESPONSE_HEADER)!, settlementResponseSchema, "r");
      expect([settlement.success, settlement.errorReason]).to.deep.equal([false, "voucher_stale"]);
      expect(settlement.channel!.accepted).to.equal((2n * PRICE).toString());
    }
    expect(api.served).to.equal(2);
  });

  it("refuses a voucher made for another server: another payee's requirements, or its channel", async function () {
    const sent: string[] = [];
    const payingFetch = await payingFetchOf(PAYER, sent);
    await payingFetch(`${api.url}/quote`);
    const other = await startPaidApi(local, 7);
    try {
      // The same voucher, sent as it was: its `accepted` names the first server's payee.
      const asSent = await fetch(`${other.url}/quote`, { headers: { [PAYMENT_SIGNATURE_HEADER]: sent[0]! } });
      const first = decodeHeader(asSent.headers.get(PAYMENT_RESPONSE_HEADER)!, settlementResponseSchema, "r");
      expect([asSent.status, first.errorReason]).to.deep.equal([402, "requirements_mismatch"]);
      // Rewritten to claim the second server's requirements: the channel still pays the first payee.
      const payment = decodeHeader(sent[0]!, paymentPayloadSchema, "p");
      const required = await other.paywall.requirementsFor({ url: `${other.url}/quote`, price: PRICE });
      const forged = encodeHeader({ ...payment, accepted: required });
      const rewritten = await fetch(`${other.url}/quote`, { headers: { [PAYMENT_SIGNATURE_HEADER]: forged } });
      const second = decodeHeader(rewritten.headers.get(PAYMENT_RESPONSE_HEADER)!, settlementResponseSchema, "r");
      expect([rewritten.status, second.errorReason]).to.deep.equal([402, "channel_mismatch"]);
      expect(other.served).to.equal(0);
    } finally {
      await other.stop();
    }
  });

  it("answers a malformed PAYMENT-SIGNATURE 400, a foreign signature 402 invalid_signature", async function () {
    const garbage = await fetch(`${api.url}/quote`, { headers: { [PAYMENT_SIGNATURE_HEADER]: "not base64 json" } });
    expect(garbage.status).to.equal(400);
    expect(((await garbage.json()) as { error: string }).error).to.equal(
      "PAYMENT-SIGNATURE is not base64-encoded JSON",
    );
    const sent: string[] = [];
    await (
      await payingFetchOf(PAYER, sent)
    )(`${api.url}/quote`);
    const payment = decodeHeader(sent[0]!, paymentPayloadSchema, "p");
    const payload = payment.payload as { channelId: string; amount: string };
    const stranger = ethers.Wallet.createRandom();
    const domain = await api.paywall.domain();
    const { signVoucher } = await import("../../sdk/src/channels");
    const signature = await signVoucher(stranger, { channelId: payload.channelId, amount: 2n * PRICE }, domain);
    const forged = encodeHeader({ ...payment, payload: { ...payload, amount: (2n * PRICE).toString(), signature } });
    const response = await fetch(`${api.url}/quote`, { headers: { [PAYMENT_SIGNATURE_HEADER]: forged } });
    const settlement = decodeHeader(response.headers.get(PAYMENT_RESPONSE_HEADER)!, settlementResponseSchema, "r");
    expect([response.status, settlement.errorReason]).to.deep.equal([402, "invalid_signature"]);
  });

  it("a payer who exits while requests are in flight: every accepted voucher is redeemed before the exit ends", async function () {
    // The paywall's clock follows the chain's, which the test moves forward.
    let skipped = 0;
    await api.stop();
    api = await startPaidApi(local, PAYEE, { paywall: { now: () => Math.floor(Date.now() / 1000) + skipped } });
    const payerClient = await clientOf(local, walletOf(local, 8));
    const payingFetch = await payingFetchOf(8);
    await payingFetch(`${api.url}/quote`);
    const channelId = payingFetch.channels()[0]!.channelId;
    // Twenty requests in flight while the payer starts its exit.
    const inFlight = Array.from({ length: 20 }, () => payingFetch(`${api.url}/quote`));
    await startExit(payerClient, channelId);
    expect(await Promise.all(inFlight.map(async (r) => (await r).status))).to.deep.equal(Array(20).fill(200));
    // The next round sees the exit and redeems at once, whatever the threshold.
    const round = await api.redeemer.round();
    expect([round.refreshed, round.redeemed]).to.deep.equal([1, 1]);
    const exitAt = (await api.store.get(channelId))!.exitAt;
    expect(exitAt).to.be.greaterThan(0);
    expect((await getChannel(payerClient, channelId)).redeemed).to.equal(21n * PRICE);
    // Until ten minutes before the exit ends, vouchers are still accepted, and redeemed at the next round.
    expect((await payingFetch(`${api.url}/quote`)).status).to.equal(200);
    expect((await api.redeemer.round()).redeemed).to.equal(1);
    skipped = exitAt - Math.floor(Date.now() / 1000) - 600;
    const late = await payingFetch(`${api.url}/quote`);
    const settlement = decodeHeader(late.headers.get(PAYMENT_RESPONSE_HEADER)!, settlementResponseSchema, "r");
    expect([late.status, settlement.errorReason]).to.deep.equal([402, "channel_exiting"]);
    // The payee got every accepted voucher; the payer takes back exactly the rest.
    const onChain = await getChannel(payerClient, channelId);
    expect(onChain.redeemed).to.equal(22n * PRICE);
    expect(api.served).to.equal(22);
    await local.chain.provider.send("evm_increaseTime", [3_601]);
    await local.chain.provider.send("evm_mine", []);
    const payerBefore = await usdcOf(local).balanceOf(walletOf(local, 8).address);
    await finishExit(payerClient, channelId);
    const refunded = (await usdcOf(local).balanceOf(walletOf(local, 8).address)) - payerBefore;
    expect(refunded).to.equal(onChain.deposit - 22n * PRICE);
  });

  it("a server restarted mid-batch (its redemption mined, not recorded) loses nothing and pays nothing twice", async function () {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-paywall-"));
    await api.stop();
    api = await startPaidApi(local, PAYEE, { dataDir });
    const sent: string[] = [];
    const payingFetch = await payingFetchOf(7, sent);
    for (let i = 0; i < 12; i++) expect((await payingFetch(`${api.url}/quote`)).status).to.equal(200);
    const channelId = payingFetch.channels()[0]!.channelId;
    // The crash window: the batch's transaction is mined, then the server dies before recording it.
    const accepted = (await api.store.get(channelId))!;
    await redeemMany(api.paywall.client, [{ channelId, amount: accepted.accepted, signature: accepted.signature }]);
    await api.stop();
    const payee = walletOf(local, PAYEE).address;
    const paidBefore = await usdcOf(local).balanceOf(payee);
    api = await startPaidApi(local, PAYEE, { dataDir });
    // Nothing accepted was lost, and an old voucher is still refused after the restart.
    expect((await api.store.get(channelId))!.accepted).to.equal(12n * PRICE);
    const replay = await fetch(`${api.url}/quote`, { headers: { [PAYMENT_SIGNATURE_HEADER]: sent[5]! } });
    expect(replay.status).to.equal(402);
    // The first round reads the channel back from the chain: nothing is due, nothing is paid twice.
    expect(await api.redeemer.round()).to.deep.equal({ refreshed: 1, redeemed: 0 });
    expect(await usdcOf(local).balanceOf(payee)).to.equal(paidBefore);
    // The client goes on where it was; the next round pays the rest.
    for (let i = 0; i < 3; i++) expect((await payingFetch(`${api.url}/quote`)).status).to.equal(200);
    expect((await api.redeemer.round()).redeemed).to.equal(1);
    expect((await usdcOf(local).balanceOf(payee)) - paidBefore).to.equal(3n * PRICE);
    expect((await getChannel(api.paywall.client, channelId)).redeemed).to.equal(15n * PRICE);
  });

  it("a redeemer with a threshold and small batches is not held up by channels below the threshold", async function () {
    await api.stop();
    api = await startPaidApi(local, PAYEE, { redeemer: { batchSize: 1, threshold: 5n * PRICE } });
    // The oldest voucher accepted is below the threshold; a later channel's is at it.
    const small = await payingFetchOf(8);
    expect((await small(`${api.url}/quote`)).status).to.equal(200);
    const large = await payingFetchOf(PAYER);
    for (let i = 0; i < 5; i++) expect((await large(`${api.url}/quote`)).status).to.equal(200);
    expect((await api.redeemer.round()).redeemed).to.equal(1);
    expect((await getChannel(api.paywall.client, large.channels()[0]!.channelId)).redeemed).to.equal(5n * PRICE);
    expect((await getChannel(api.paywall.client, small.channels()[0]!.channelId)).redeemed).to.equal(0n);
  });

  it("works the same behind Node's http server (withPaywall)", async function () {
    const paywall = new Paywall({
      client: api.paywall.client,
      payTo: walletOf(local, PAYEE).address,
      asset: local.first.manifest.contracts["TestUSDC"]!.address,
      store: new MemoryVoucherStore(),
    });
    const server = http.createServer(
      withPaywall(paywall, { price: PRICE }, (_request, response, payment) => {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ paid: payment.amount.toString() }));
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
      expect((await fetch(url)).status).to.equal(402);
      const response = await (await payingFetchOf(7))(url);
      expect(response.status).to.equal(200);
      expect(await response.json()).to.deep.equal({ paid: PRICE.toString() });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
