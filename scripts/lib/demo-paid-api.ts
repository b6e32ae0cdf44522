/**
 * The demo's paid API: the roastery sells its live bean-price quotes per request, 0.001 tUSDC each, through a
 * payment channel. A Hono server with Coffer's paywall (and a PGlite voucher store in memory) answers on
 * loopback; an agent's client pays `requests` quotes with the SDK's paying fetch (one deposit, one voucher per
 * request) and the roastery's redeemer turns the vouchers into money in one transaction.
 */
import { PGlite } from "@electric-sql/pglite";
import { serve, type ServerType } from "@hono/node-server";
import { ethers } from "ethers";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { createCofferClient, type DeploymentManifest } from "../../sdk/src";
import { ChannelRedeemer, Paywall, SqlVoucherStore, createPayingFetch, paywallMiddleware } from "../../sdk/src/x402";

/** The price of one quote: 0.001 tUSDC. */
const PRICE = 1_000n;

export interface PaidApiRun {
  url: string;
  requests: number;
  /** What the roastery received, and the channel's figures, in tUSDC base units. */
  received: bigint;
  deposit: bigint;
  channelId: string;
  redemptionTx: string | undefined;
  payerTransactions: number;
  stop(): Promise<void>;
}

/**
 * Starts the paid API and has a fresh agent wallet (funded by `funder` with ETH and minted tUSDC) pay `requests`
 * quotes; the roastery's fresh wallet is the payee and redeems.
 */
export async function runDemoPaidApi(options: {
  provider: ethers.JsonRpcProvider;
  funder: ethers.Signer;
  manifest: DeploymentManifest;
  requests: number;
}): Promise<PaidApiRun> {
  const { provider, funder, manifest } = options;
  const usdcAddress = manifest.contracts["TestUSDC"]?.address;
  if (usdcAddress === undefined) throw new Error("the manifest has no TestUSDC (not a local chain)");
  const usdc = new ethers.Contract(
    usdcAddress,
    ["function mint(address to, uint256 amount)", "function balanceOf(address) view returns (uint256)"],
    funder,
  );
  const roastery = ethers.Wallet.createRandom(provider);
  const agent = ethers.Wallet.createRandom(provider);
  for (const wallet of [roastery, agent]) {
    await (await funder.sendTransaction({ to: wallet.address, value: ethers.parseEther("1") })).wait();
  }
  await (await usdc.getFunction("mint")(agent.address, 10n * 1_000_000n)).wait();

  const db = new PGlite();
  const store = new SqlVoucherStore(db);
  await store.migrate();
  const paywall = new Paywall({
    client: await createCofferClient({ runner: roastery, manifest }),
    payTo: roastery.address,
    asset: await usdc.getAddress(),
    store,
    decimals: 6,
    symbol: "tUSDC",
  });
  const redeemer = new ChannelRedeemer(paywall);
  const app = new Hono();
  let quotes = 0;
  app.get("/quotes/beans", paywallMiddleware(paywall, { price: PRICE, description: "live green-bean price" }), (c) =>
    c.json({ quote: ++quotes, origin: "Huila, Colombia", usdPerKg: (7.4 + Math.sin(quotes) / 10).toFixed(2) }),
  );
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(started));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/quotes/beans`;
  const stop = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.close();
  };
  try {
    const paidFetch = createPayingFetch({
      client: await createCofferClient({ runner: agent, manifest }),
      deposit: () => 5n * 1_000_000n,
    });
    for (let i = 0; i < options.requests; i++) {
      const response = await paidFetch(url);
      if (response.status !== 200) throw new Error(`quote ${i + 1} answered ${response.status}`);
      await response.json();
    }
    const round = await redeemer.round();
    const [channel] = paidFetch.channels();
    if (channel === undefined) throw new Error("the agent opened no channel");
    return {
      url,
      requests: options.requests,
      received: (await usdc.getFunction("balanceOf")(roastery.address)) as bigint,
      deposit: channel.deposit,
      channelId: channel.channelId,
      redemptionTx: round.transaction,
      payerTransactions: await provider.getTransactionCount(agent.address),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
