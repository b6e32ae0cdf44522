/**
 * `npm run bench:channels`: payment channels and pay-per-request, on this machine.
 * - Gas, on a local chain with Coffer deployed: opening, redeeming, closing, a batch of redemptions, beside an
 *   x402 `exact` settlement (one EIP-3009 `transferWithAuthorization` per request) and a raw ERC-20 transfer of the
 *   same run; and the gas per paid request at 10, 100 and 10,000 requests per channel (one deposit, a redemption
 *   every 2,000 requests, the last one by the payee's close).
 * - Vouchers verified per second on one core: the signature check alone, and the paywall's whole decision
 *   (decode, checks, signature, compare-and-set in a memory store).
 * - End to end: a client pays `BENCH_CHANNEL_REQUESTS` (default 10,000) requests to a local API (Hono, the paywall,
 *   a PGlite store) through the SDK's paying fetch, with one deposit and a redemption every 2,000 requests; the
 *   request latency with the paywall against the same route without it (p50, p99).
 * Writes bench/results/channels.json and the report.
 */
import { PGlite } from "@electric-sql/pglite";
import { serve, type ServerType } from "@hono/node-server";
import { ethers } from "ethers";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import os from "node:os";
import hre from "hardhat";
import { createCofferClient, type CofferClient } from "../sdk/src";
import { closeChannel, openChannel, redeem, redeemMany, signVoucher, verifyVoucher } from "../sdk/src/channels";
import { readDeploymentManifest } from "../sdk/src/node";
import {
  ChannelRedeemer,
  MemoryVoucherStore,
  Paywall,
  SqlVoucherStore,
  createPayingFetch,
  encodeHeader,
  paywallMiddleware,
  X402_VERSION,
  CHANNEL_SCHEME,
} from "../sdk/src/x402";
import { devPrivateKey } from "../scripts/lib/local-chain";
import { startDeployedLocalChain, type DeployedLocalChain } from "../test/helpers/local-chain";
import { MockERC20__factory, type Eip3009Token } from "../typechain-types";
import { gitCommit, machineInfo, packageVersion } from "./environment";
import { writeSectionResults } from "./report";
import { CHANNELS_RESULTS_FILE, type ChannelsResults } from "./results";

const PRICE = 1_000n;
const REDEEM_EVERY = 2_000;
const REQUESTS = Number(process.env.BENCH_CHANNEL_REQUESTS ?? 10_000);

const wallet = (local: DeployedLocalChain, index: number) =>
  new ethers.Wallet(devPrivateKey(index), local.chain.provider);
const clientOf = (local: DeployedLocalChain, index: number): Promise<CofferClient> =>
  createCofferClient({ runner: wallet(local, index), manifest: readDeploymentManifest(local.deploymentsDir, 31337) });

async function gasOf(
  sent: Promise<{ receipt: ethers.TransactionReceipt }> | Promise<ethers.ContractTransactionResponse>,
) {
  const result = await sent;
  const receipt = "receipt" in result ? result.receipt : await result.wait();
  if (receipt === null) throw new Error("not mined");
  return Number(receipt.gasUsed);
}

/** Gas of each operation, and of `exact` and a raw transfer beside them. */
async function measureGas(local: DeployedLocalChain) {
  const payer = await clientOf(local, 5);
  const payee = await clientOf(local, 6);
  const usdc = MockERC20__factory.connect(local.first.manifest.contracts["TestUSDC"]!.address, wallet(local, 0));
  const usdcAddress = await usdc.getAddress();
  for (const index of [5, 6, 7]) await (await usdc.mint(wallet(local, index).address, 10n ** 12n)).wait();
  await (await usdc.connect(wallet(local, 5)).approve(await payer.channels.getAddress(), ethers.MaxUint256)).wait();
  const session = ethers.Wallet.createRandom();
  const domain = { chainId: 31337, channels: await payer.channels.getAddress() };
  const open = () =>
    openChannel(payer, {
      payee: wallet(local, 6).address,
      token: usdcAddress,
      deposit: 10n ** 9n,
      voucherSigner: session.address,
    });
  const opened = await open();
  const openGas = Number(opened.gasUsed);
  const v = (channelId: string, amount: bigint) => signVoucher(session, { channelId, amount }, domain);
  await redeem(payee, opened.channelId, PRICE, await v(opened.channelId, PRICE));
  const redeemGas = Number(
    (await redeem(payee, opened.channelId, 2n * PRICE, await v(opened.channelId, 2n * PRICE))).gasUsed,
  );
  const closeGas = Number(
    (
      await closeChannel(payee, opened.channelId, {
        amount: 3n * PRICE,
        signature: await v(opened.channelId, 3n * PRICE),
      })
    ).gasUsed,
  );
  const batch = [];
  for (let i = 0; i < 10; i++) {
    const { channelId } = await open();
    await redeem(payee, channelId, PRICE, await v(channelId, PRICE));
    batch.push({ channelId, amount: 2n * PRICE, signature: await v(channelId, 2n * PRICE) });
  }
  const redeemManyPerChannel = Number((await redeemMany(payee, batch)).gasUsed) / batch.length;

  // x402 `exact`: one EIP-3009 authorization settled per request, to a payee that already holds the token.
  const factory = await hre.ethers.getContractFactory("Eip3009Token", wallet(local, 0));
  const token = (await factory.deploy("USD Coin", "USDC", 6)) as unknown as Eip3009Token;
  await token.waitForDeployment();
  const tokenAddress = await token.getAddress();
  await (await token.mint(wallet(local, 5).address, 10n ** 12n)).wait();
  await (await token.mint(wallet(local, 6).address, 1n)).wait();
  const now = (await local.chain.provider.getBlock("latest"))!.timestamp;
  const authorization = {
    from: wallet(local, 5).address,
    to: wallet(local, 6).address,
    value: PRICE,
    validAfter: 0,
    validBefore: now + 3_600,
    nonce: ethers.hexlify(ethers.randomBytes(32)),
  };
  const signature = await wallet(local, 5).signTypedData(
    { name: "USD Coin", version: "1", chainId: 31337, verifyingContract: tokenAddress },
    {
      TransferWithAuthorization: [
        { name: "from", type: "address" },
        { name: "to", type: "address" },
        { name: "value", type: "uint256" },
        { name: "validAfter", type: "uint256" },
        { name: "validBefore", type: "uint256" },
        { name: "nonce", type: "bytes32" },
      ],
    },
    authorization,
  );
  const exactGas = await gasOf(
    token
      .connect(wallet(local, 7))
      .transferWithAuthorization(
        authorization.from,
        authorization.to,
        authorization.value,
        authorization.validAfter,
        authorization.validBefore,
        authorization.nonce,
        signature,
      ),
  );
  const rawTransferGas = await gasOf(usdc.connect(wallet(local, 5)).transfer(wallet(local, 6).address, PRICE));
  const perRequest = [10, 100, 10_000].map((requests) => {
    const redemptions = Math.max(1, Math.ceil(requests / REDEEM_EVERY));
    const total = openGas + (redemptions - 1) * redeemGas + closeGas;
    return { requests, redemptions, gasPerRequest: total / requests };
  });
  return {
    open: openGas,
    redeem: redeemGas,
    close: closeGas,
    redeemManyPerChannel,
    exactPerRequest: exactGas,
    rawTransfer: rawTransferGas,
    perRequest,
    channel: { payer, usdcAddress, session, domain, channelId: batch[0]!.channelId },
  };
}

/** Signature checks and whole paywall decisions per second, on this (single) thread. */
async function measureVerification(gas: Awaited<ReturnType<typeof measureGas>>, local: DeployedLocalChain) {
  const { session, domain, channelId } = gas.channel;
  const count = 3_000;
  const signatures = await Promise.all(
    Array.from({ length: count }, (_, i) => signVoucher(session, { channelId, amount: BigInt(i + 3) * PRICE }, domain)),
  );
  let start = performance.now();
  for (let i = 0; i < count; i++) {
    if (!verifyVoucher({ channelId, amount: BigInt(i + 3) * PRICE }, signatures[i]!, session.address, domain)) {
      throw new Error("a voucher did not verify");
    }
  }
  const signaturesPerSecond = count / ((performance.now() - start) / 1000);
  const paywall = new Paywall({
    client: await clientOf(local, 6),
    payTo: wallet(local, 6).address,
    asset: gas.channel.usdcAddress,
    store: new MemoryVoucherStore(),
  });
  const resource = { url: "http://127.0.0.1/bench", price: PRICE };
  const accepted = await paywall.requirementsFor(resource);
  const header = (i: number) =>
    encodeHeader({
      x402Version: X402_VERSION,
      accepted,
      payload: { channelId, amount: (BigInt(i + 3) * PRICE).toString(), signature: signatures[i] },
    });
  // The channel was redeemed up to 2 × PRICE: every voucher here adds one price on top of the last.
  const headers = Array.from({ length: count }, (_, i) => header(i));
  await paywall.decide(resource, headers[0]); // reads the channel once
  start = performance.now();
  for (let i = 1; i < count; i++) {
    const decision = await paywall.decide(resource, headers[i]);
    if (!decision.ok) throw new Error(`decision ${i} refused: ${decision.body.error}`);
  }
  const decisionsPerSecond = (count - 1) / ((performance.now() - start) / 1000);
  return { signaturesPerSecond, decisionsPerSecond };
}

const quantile = (samples: number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

/** A client pays `REQUESTS` requests to a local paid API; latency with and without the paywall. */
async function endToEnd(local: DeployedLocalChain) {
  const db = new PGlite();
  const store = new SqlVoucherStore(db);
  await store.migrate();
  const payeeClient = await clientOf(local, 8);
  const usdcAddress = local.first.manifest.contracts["TestUSDC"]!.address;
  const paywall = new Paywall({ client: payeeClient, payTo: wallet(local, 8).address, asset: usdcAddress, store });
  const redeemer = new ChannelRedeemer(paywall);
  const app = new Hono();
  app.get("/free", (c) => c.json({ ok: true }));
  app.get("/paid", paywallMiddleware(paywall, { price: PRICE }), (c) => c.json({ ok: true }));
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(started));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const payer = await clientOf(local, 9);
    const usdc = MockERC20__factory.connect(usdcAddress, wallet(local, 0));
    await (await usdc.mint(wallet(local, 9).address, BigInt(REQUESTS) * PRICE)).wait();
    const payingFetch = createPayingFetch({ client: payer, deposit: () => BigInt(REQUESTS) * PRICE });
    const payerNonceBefore = await local.chain.provider.getTransactionCount(wallet(local, 9).address);
    const payeeNonceBefore = await local.chain.provider.getTransactionCount(wallet(local, 8).address);
    const free: number[] = [];
    for (let i = 0; i < 2_000; i++) {
      const t = performance.now();
      await (await fetch(`${base}/free`)).json();
      free.push(performance.now() - t);
    }
    const paid: number[] = [];
    const started = performance.now();
    for (let i = 1; i <= REQUESTS; i++) {
      const t = performance.now();
      const response = await payingFetch(`${base}/paid`);
      if (response.status !== 200) throw new Error(`request ${i} answered ${response.status}`);
      await response.json();
      paid.push(performance.now() - t);
      if (i % REDEEM_EVERY === 0) await redeemer.round();
    }
    const seconds = (performance.now() - started) / 1000;
    await redeemer.round();
    // The first paid request also opened the channel: leave it out of the latency.
    const steady = paid.slice(1);
    const [channel] = payingFetch.channels();
    return {
      requests: REQUESTS,
      seconds,
      payerTransactions: (await local.chain.provider.getTransactionCount(wallet(local, 9).address)) - payerNonceBefore,
      redemptions: (await local.chain.provider.getTransactionCount(wallet(local, 8).address)) - payeeNonceBefore,
      accepted: channel!.accepted.toString(),
      paidLatency: { p50Ms: quantile(steady, 50), p99Ms: quantile(steady, 99), samples: steady.length },
      freeLatency: { p50Ms: quantile(free, 50), p99Ms: quantile(free, 99), samples: free.length },
    };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.close();
  }
}

async function main(): Promise<void> {
  const date = new Date().toISOString();
  const load = os.loadavg()[0]!;
  const local = await startDeployedLocalChain();
  try {
    const gas = await measureGas(local);
    console.log("gas", JSON.stringify({ ...gas, channel: undefined }));
    const verification = await measureVerification(gas, local);
    console.log("verification", JSON.stringify(verification));
    const live = await endToEnd(local);
    console.log("end to end", JSON.stringify(live));
    const results: ChannelsResults = {
      schema: 1,
      date,
      ...gitCommit(),
      machine: machineInfo(),
      versions: { node: process.version, hono: packageVersion("hono"), pglite: packageVersion("@electric-sql/pglite") },
      gas: {
        open: gas.open,
        redeem: gas.redeem,
        close: gas.close,
        redeemManyPerChannel: gas.redeemManyPerChannel,
        exactPerRequest: gas.exactPerRequest,
        rawTransfer: gas.rawTransfer,
        perRequest: gas.perRequest,
      },
      verification,
      endToEnd: live,
      notes: [
        `Scheme ${CHANNEL_SCHEME}; one request costs ${PRICE} base units (0.001 tUSDC). A redemption every ` +
          `${REDEEM_EVERY} requests; the gas per request at 10 and 100 requests is one opening and one close.`,
        `Wall-clock on a machine shared with other work: its 1-minute load average was ${load.toFixed(1)} at the ` +
          `start and ${os.loadavg()[0]!.toFixed(1)} at the end (${os.cpus().length} cores); client, server and chain ` +
          "run on the same machine (loopback).",
        "Verification runs on one thread (Node's event loop): the figures are per core.",
      ],
    };
    const written = writeSectionResults(CHANNELS_RESULTS_FILE, results);
    console.log(`Wrote ${written.map((file) => `bench/results/${file}`).join(", ")}`);
  } finally {
    await local.stop();
  }
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
