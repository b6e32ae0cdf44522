/**
 * A checkout page that pays a merchant's invoice with the SDK as a browser app gets it: `@coffer/sdk` and ethers,
 * bundled by Vite, over the wallet the page finds at `window.ethereum` (EIP-1193). The browser test calls
 * `window.payInvoice` with JSON values (amounts as decimal strings) and reads what it returns.
 */
import { ethers } from "ethers";
import { createCofferClient, escrow, type DeploymentManifest, type Invoice } from "@coffer/sdk";

/** An invoice as JSON carries it: the amounts as decimal strings. */
type InvoiceJson = { [K in keyof Invoice]: Invoice[K] extends bigint ? string : Invoice[K] };

/** What `payInvoice` returns: the payment's transaction, the approval sent first, and the state read back. */
export interface PaidInvoice {
  transactionHash: string;
  approvalHash: string | null;
  invoiceId: string;
  events: string[];
  paid: boolean;
}

interface CheckoutWindow {
  ethereum: ethers.Eip1193Provider;
  payInvoice(manifest: DeploymentManifest, invoice: InvoiceJson, signature: string): Promise<PaidInvoice>;
  document: { getElementById(id: string): { textContent: string | null } | null };
}

/** Installs `payInvoice` on the page's global object. */
function install(page: CheckoutWindow): void {
  page.payInvoice = async (manifest, json, signature) => {
    const provider = new ethers.BrowserProvider(page.ethereum);
    const signer = await provider.getSigner();
    const client = await createCofferClient({ runner: signer, manifest });
    const invoice: Invoice = {
      ...json,
      amount: BigInt(json.amount),
      expiry: BigInt(json.expiry),
      salt: BigInt(json.salt),
    };
    const receipt = await escrow.payInvoice(client, invoice, signature);
    return {
      transactionHash: receipt.transactionHash,
      approvalHash: receipt.approval?.transactionHash ?? null,
      invoiceId: receipt.invoiceId,
      events: receipt.events.map((event) => event.name),
      paid: await escrow.isInvoicePaid(client, invoice),
    };
  };
  const status = page.document.getElementById("status");
  if (status !== null) status.textContent = "ready";
}

// In the browser only: `hardhat test` loads every TypeScript file under test/, this one included, in Node. The
// global object is typed here so that the test folder's TypeScript settings (no DOM library) fit.
if ("document" in globalThis) install(globalThis as unknown as CheckoutWindow);
