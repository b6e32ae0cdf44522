/**
 * The demo's browser part: the Safe approval service with one payout waiting for a second signer, the web app
 * served beside the indexer, and a link per role: a customer's invoice, order and subscription checkouts, the
 * shop's dashboard and the treasury's queue. The app offers the story's development accounts as a test wallet
 * (local chains only).
 */
import path from "node:path";
import { ethers } from "ethers";
import { createCofferClient, getChainTime } from "../../sdk/src";
import * as escrow from "../../sdk/src/escrow";
import { connectSafe, proposeSafeTransaction, SignatureServiceClient } from "../../sdk/src/safe";
import type { DeploymentManifest } from "../../sdk/src/deployment-manifest";
import { startSignatureService } from "../../cli/safe-approval-server";
import { checkoutLink, ORDER_FORMAT } from "./checkout-links";
import { devPrivateKey } from "./local-chain";
import { DAY, SCENARIO_ACCOUNTS, type ScenarioResult, type ScenarioRole } from "./scenario/model";
import { startWebServer } from "./web-server";

/** The accounts the demo's test wallet offers, with what each can do in the app. */
const WALLET_ROLES: readonly { role: ScenarioRole; name: string }[] = [
  { role: "customerDana", name: "Dana (customer)" },
  { role: "customerEli", name: "Eli (customer)" },
  { role: "shop", name: "Bean & Leaf shop (merchant, operator)" },
  { role: "treasurySigner1", name: "Treasury signer 1" },
  { role: "treasurySigner2", name: "Treasury signer 2" },
  { role: "treasurySigner3", name: "Treasury signer 3" },
];

export interface DemoWebOptions {
  readonly rpcUrl: string;
  readonly indexerUrl: string;
  readonly manifest: DeploymentManifest;
  readonly result: ScenarioResult;
  /** This run's folder: the approval service's store goes here. */
  readonly runDir: string;
  /** Where to serve the app; default any free port. */
  readonly port?: number;
}

/** A page of the app for a role. */
export interface DemoLink {
  readonly role: string;
  readonly url: string;
}

export interface DemoWeb {
  readonly url: string;
  readonly safeServiceUrl: string;
  readonly links: readonly DemoLink[];
  stop(): Promise<void>;
}

const usdc = (amount: string) => ethers.parseUnits(amount, 6);

/** Starts the approval service and the app, and prepares the role links. */
export async function startDemoWeb(options: DemoWebOptions): Promise<DemoWeb> {
  const { result, manifest } = options;
  const provider = new ethers.JsonRpcProvider(options.rpcUrl, result.chainId, { staticNetwork: true });
  const safeService = await startSignatureService({
    directory: path.join(options.runDir, "safe"),
    rpcUrl: options.rpcUrl,
  });
  try {
    const wallet = (role: ScenarioRole) => new ethers.Wallet(devPrivateKey(SCENARIO_ACCOUNTS[role]), provider);
    const shop = await createCofferClient({ runner: wallet("shop"), manifest });
    const now = await getChainTime(provider);
    const escrowAddress = await shop.escrow.getAddress();

    // Signer 1 proposes a payout and signs it: the treasury page shows it waiting for one more signature.
    const signer1 = await connectSafe({
      rpcUrl: options.rpcUrl,
      safeAddress: result.treasurySafe,
      privateKey: devPrivateKey(SCENARIO_ACCOUNTS.treasurySigner1),
    });
    await proposeSafeTransaction(
      signer1,
      { kind: "transfer", token: result.tokens.TestUSDC, to: result.accounts.supplier, amount: usdc("12.5") },
      { store: new SignatureServiceClient(safeService.url), note: "Milk and oat milk, invoice DM-19" },
    );

    const invoice = await escrow.createInvoice(shop, wallet("shop"), {
      token: result.tokens.TestUSDC,
      amount: usdc("24.9"),
      reference: "INV-WEB-3001",
      payWithin: 7 * DAY,
      now,
    });
    const invoiceDocument = {
      format: "coffer-invoice/1",
      chainId: result.chainId,
      escrow: escrowAddress,
      invoiceId: invoice.invoiceId,
      invoice: invoice.invoice,
      signature: invoice.signature,
    };
    const { payer: _payer, ...orderTerms } = escrow.buildPayment({
      operator: result.accounts.shop,
      payer: ethers.ZeroAddress,
      payee: result.splits.revenue.address,
      token: result.tokens.TestUSDC,
      maxAmount: usdc("18.5"),
      reference: "ORDER-WEB-4001",
      authorizeWithin: DAY,
      captureWithin: 7 * DAY,
      fee: { minBps: 0, maxBps: 100, receiver: result.accounts.processor },
      now,
    });
    const orderDocument = {
      format: ORDER_FORMAT,
      chainId: result.chainId,
      escrow: escrowAddress,
      payment: orderTerms,
      amount: usdc("18.5"),
    };

    const officePlan = result.plans.officeCoffeeDaily;
    if (officePlan === undefined) throw new Error("The story has no office coffee plan");
    const web = await startWebServer({
      config: {
        chainId: result.chainId,
        chainName: "Local chain",
        manifest,
        testAccounts: WALLET_ROLES.map(({ role, name }) => ({
          name,
          privateKey: devPrivateKey(SCENARIO_ACCOUNTS[role]),
        })),
        treasurySafe: result.treasurySafe,
        merchant: result.accounts.shop,
        merchants: {
          [result.accounts.shop]: "Bean & Leaf Coffee Roasters",
          [result.splits.revenue.address]: "Bean & Leaf Coffee Roasters",
        },
      },
      rpcUrl: options.rpcUrl,
      indexerUrl: options.indexerUrl,
      safeServiceUrl: safeService.url,
      port: options.port,
    });
    const links: DemoLink[] = [
      { role: "Customer: pay an invoice (as Dana)", url: checkoutLink(web.url, { invoice: invoiceDocument }) },
      { role: "Customer: place an escrowed order", url: checkoutLink(web.url, { order: orderDocument }) },
      {
        role: "Customer: subscribe to office coffee, daily",
        url: checkoutLink(web.url, { plan: BigInt(officePlan.id) }),
      },
      { role: "Merchant dashboard (Bean & Leaf)", url: `${web.url}/dashboard.html?merchant=${result.accounts.shop}` },
      {
        role: "Merchant dashboard (revenue split)",
        url: `${web.url}/dashboard.html?merchant=${result.splits.revenue.address}`,
      },
      { role: "Treasury (sign as signer 2)", url: `${web.url}/treasury.html?safe=${result.treasurySafe}` },
    ];
    return {
      url: web.url,
      safeServiceUrl: safeService.url,
      links,
      stop: async () => {
        await web.close();
        await safeService.close();
        provider.destroy();
      },
    };
  } catch (error) {
    await safeService.close();
    provider.destroy();
    throw error;
  }
}
