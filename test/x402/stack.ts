import { PGlite } from "@electric-sql/pglite";
import { serve, type ServerType } from "@hono/node-server";
import { ethers } from "ethers";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { createCofferClient, type CofferClient } from "../../sdk/src";
import { readDeploymentManifest } from "../../sdk/src/node";
import {
  ChannelRedeemer,
  Paywall,
  SqlVoucherStore,
  paywallMiddleware,
  type ChannelRedeemerOptions,
  type PaywallOptions,
} from "../../sdk/src/x402";
import { MockERC20__factory } from "../../typechain-types";
import { devPrivateKey } from "../../scripts/lib/local-chain";
import type { DeployedLocalChain } from "../helpers/local-chain";

/** The price of one request in the tests: 0.001 tUSDC. */
export const PRICE = 1_000n;

/** A wallet of the local chain's dev accounts. */
export const walletOf = (local: DeployedLocalChain, index: number) =>
  new ethers.Wallet(devPrivateKey(index), local.chain.provider);

export const clientOf = (local: DeployedLocalChain, runner: ethers.Signer): Promise<CofferClient> =>
  createCofferClient({ runner, manifest: readDeploymentManifest(local.deploymentsDir, 31337) });

export const usdcOf = (local: DeployedLocalChain) =>
  MockERC20__factory.connect(local.first.manifest.contracts["TestUSDC"]!.address, walletOf(local, 0));

/** A paid API: a Hono app on a free loopback port whose `/quote` costs {@link PRICE}, a PGlite store, a redeemer. */
export interface PaidApi {
  url: string;
  paywall: Paywall;
  store: SqlVoucherStore;
  redeemer: ChannelRedeemer;
  db: PGlite;
  /** Requests the handler served. */
  served: number;
  stop(): Promise<void>;
}

export async function startPaidApi(
  local: DeployedLocalChain,
  payeeIndex: number,
  options: { dataDir?: string; paywall?: Partial<PaywallOptions>; redeemer?: ChannelRedeemerOptions } = {},
): Promise<PaidApi> {
  const db = new PGlite(options.dataDir);
  const store = new SqlVoucherStore(db);
  await store.migrate();
  const client = await clientOf(local, walletOf(local, payeeIndex));
  const paywall = new Paywall({
    client,
    payTo: walletOf(local, payeeIndex).address,
    asset: local.first.manifest.contracts["TestUSDC"]!.address,
    store,
    decimals: 6,
    symbol: "tUSDC",
    ...options.paywall,
  });
  const redeemer = new ChannelRedeemer(paywall, options.redeemer);
  const app = new Hono();
  const api: PaidApi = {
    url: "",
    paywall,
    store,
    redeemer,
    db,
    served: 0,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
  app.get("/quote", paywallMiddleware(paywall, { price: PRICE, description: "a quote" }), (c) => {
    api.served += 1;
    return c.json({ quote: api.served });
  });
  const server: ServerType = await new Promise((resolve) => {
    const started = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(started));
  });
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}
