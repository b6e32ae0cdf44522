import { ethers } from "ethers";
import type { BrowserContext } from "playwright-core";

/** A JSON-RPC answer as an EIP-1193 provider passes it on: a result, or the node's error as it is. */
export type RpcAnswer = { result: unknown } | { error: { code: number; message: string; data?: unknown } };

/**
 * The wallet behind a page's injected EIP-1193 provider: it holds a key in Node, signs and sends what the page
 * asks for, and passes every other request to the local chain unchanged. Tests steer it: the chain it claims to
 * be on (`chainId`), and requests the "user" refuses (`reject`, answered with EIP-1193's 4001).
 */
export class TestWallet {
  /** Every method the page asked for, in order. */
  readonly calls: string[] = [];
  /** Methods the user refuses, e.g. `eth_sendTransaction`, `eth_signTypedData_v4`. */
  readonly reject = new Set<string>();
  /** The chain the wallet says it is on; `wallet_switchEthereumChain` to the local chain's id changes it. */
  chainId: number;
  #id = 0;

  constructor(
    readonly wallet: ethers.Wallet,
    readonly rpcUrl: string,
    readonly localChainId = 31337,
  ) {
    this.chainId = localChainId;
  }

  get address(): string {
    return this.wallet.address;
  }

  /** How many transactions the page sent through this wallet. */
  get sent(): number {
    return this.calls.filter((method) => method === "eth_sendTransaction").length;
  }

  async request(method: string, params: unknown[]): Promise<RpcAnswer> {
    this.calls.push(method);
    if (this.reject.has(method)) return { error: { code: 4001, message: "User rejected the request." } };
    try {
      switch (method) {
        case "eth_accounts":
        case "eth_requestAccounts":
          return { result: [this.wallet.address.toLowerCase()] };
        case "eth_chainId":
          return { result: ethers.toQuantity(this.chainId) };
        case "net_version":
          return { result: String(this.chainId) };
        case "wallet_switchEthereumChain": {
          const wanted = Number((params[0] as { chainId: string }).chainId);
          if (wanted !== this.localChainId) return { error: { code: 4902, message: `Unrecognized chain ${wanted}` } };
          this.chainId = wanted;
          return { result: null };
        }
        case "eth_sendTransaction": {
          const tx = params[0] as { from?: string; to?: string; data?: string; value?: string; gas?: string };
          if (tx.from !== undefined && ethers.getAddress(tx.from) !== this.wallet.address) {
            return { error: { code: 4100, message: `unknown account ${tx.from}` } };
          }
          const sent = await this.wallet.sendTransaction({
            to: tx.to,
            data: tx.data,
            value: tx.value === undefined ? 0n : BigInt(tx.value),
            gasLimit: tx.gas === undefined ? undefined : BigInt(tx.gas),
          });
          return { result: sent.hash };
        }
        case "eth_signTypedData_v4": {
          const [account, json] = params as [string, string];
          if (ethers.getAddress(account) !== this.wallet.address) {
            return { error: { code: 4100, message: `unknown account ${account}` } };
          }
          const typed = JSON.parse(json) as {
            domain: ethers.TypedDataDomain;
            types: Record<string, ethers.TypedDataField[]>;
            message: Record<string, unknown>;
          };
          const types = Object.fromEntries(Object.entries(typed.types).filter(([name]) => name !== "EIP712Domain"));
          return { result: await this.wallet.signTypedData(typed.domain, types, typed.message) };
        }
        default:
          return await this.forward(method, params);
      }
    } catch (error) {
      return { error: { code: -32603, message: error instanceof Error ? error.message : String(error) } };
    }
  }

  /** The local chain's own answer, error included, so that the page's ethers decodes reverts as with a wallet. */
  private async forward(method: string, params: unknown[]): Promise<RpcAnswer> {
    const response = await fetch(this.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++this.#id, method, params }),
    });
    const body = (await response.json()) as { result?: unknown; error?: { code: number; message: string } };
    return body.error !== undefined ? { error: body.error } : { result: body.result ?? null };
  }
}

/**
 * Installed in a page before its scripts run: an EIP-1193 provider whose requests go to the Node-side wallet,
 * announced through EIP-6963 (`eip6963:announceProvider`, again on each `eip6963:requestProvider`) and set as
 * `window.ethereum`.
 */
const INJECTED_PROVIDER = `
  (() => {
    const listeners = {};
    const provider = {
      isCofferTestWallet: true,
      async request({ method, params }) {
        const answer = await window.__cofferWalletRequest(method, params ?? []);
        if ("error" in answer) {
          const error = new Error(answer.error.message);
          error.code = answer.error.code;
          if (answer.error.data !== undefined) error.data = answer.error.data;
          throw error;
        }
        if (method === "wallet_switchEthereumChain") {
          for (const listener of listeners.chainChanged ?? []) listener(params[0].chainId);
        }
        return answer.result;
      },
      on(event, listener) { (listeners[event] ??= []).push(listener); },
      removeListener(event, listener) { listeners[event] = (listeners[event] ?? []).filter((l) => l !== listener); },
    };
    window.ethereum = provider;
    const detail = Object.freeze({
      info: Object.freeze({ uuid: "6f1d3c1e-0b7a-4c52-9d2e-5a1b3c4d5e6f", name: "Coffer Test Wallet", icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E", rdns: "org.coffer.testwallet" }),
      provider,
    });
    const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail }));
    window.addEventListener("eip6963:requestProvider", announce);
    announce();
  })();
`;

/** Injects `wallet` into every page of `context`, as a browser extension would. */
export async function injectWallet(context: BrowserContext, wallet: TestWallet): Promise<void> {
  await context.exposeFunction("__cofferWalletRequest", (method: string, params: unknown[]) =>
    wallet.request(method, params),
  );
  await context.addInitScript(INJECTED_PROVIDER);
}
