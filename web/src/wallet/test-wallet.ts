/**
 * A wallet for the local chain's well-known development accounts, offered on local chains only (see
 * `LOCAL_CHAIN_IDS`): an EIP-1193 provider that signs in the page with the account's key and sends everything
 * else to the chain's JSON-RPC endpoint. Its keys are public (Hardhat's and Anvil's default mnemonic); it exists so
 * that the demo can be clicked through without installing a wallet.
 */
import { ethers } from "ethers";
import { ProviderRpcError, type Eip1193Provider } from "./eip1193";

/** A JSON-RPC request's params, given as an array. */
const list = (params: unknown[] | Record<string, unknown> | undefined): unknown[] =>
  Array.isArray(params) ? params : [];

/** Creates the test wallet of `privateKey` on the chain at `rpcUrl` (whose chain id is `chainId`). */
export function createTestWallet(privateKey: string, rpcUrl: string, chainId: number): Eip1193Provider {
  const rpc = new ethers.JsonRpcProvider(rpcUrl, chainId, { staticNetwork: true, cacheTimeout: -1 });
  const wallet = new ethers.Wallet(privateKey, rpc);
  const own = (account: unknown) => {
    if (typeof account !== "string" || ethers.getAddress(account) !== wallet.address) {
      throw new ProviderRpcError(4100, `This wallet holds ${wallet.address} only, not ${String(account)}`);
    }
  };
  return {
    async request({ method, params }) {
      const args = list(params);
      switch (method) {
        case "eth_accounts":
        case "eth_requestAccounts":
          return [wallet.address.toLowerCase()];
        case "eth_chainId":
          return ethers.toQuantity(chainId);
        case "wallet_switchEthereumChain": {
          const wanted = Number((args[0] as { chainId?: string } | undefined)?.chainId);
          if (wanted !== chainId) throw new ProviderRpcError(4902, `The test wallet knows chain ${chainId} only`);
          return null;
        }
        case "eth_sendTransaction": {
          const tx = args[0] as { from?: string; to?: string; data?: string; value?: string; gas?: string };
          if (tx.from !== undefined) own(tx.from);
          const sent = await wallet.sendTransaction({
            to: tx.to,
            data: tx.data,
            value: tx.value === undefined ? 0n : BigInt(tx.value),
            gasLimit: tx.gas === undefined ? undefined : BigInt(tx.gas),
          });
          return sent.hash;
        }
        case "eth_signTypedData_v4": {
          own(args[0]);
          const typed = JSON.parse(String(args[1])) as {
            domain: ethers.TypedDataDomain;
            types: Record<string, ethers.TypedDataField[]>;
            message: Record<string, unknown>;
          };
          const { EIP712Domain: _domain, ...types } = typed.types;
          return wallet.signTypedData(typed.domain, types, typed.message);
        }
        case "personal_sign":
          own(args[1]);
          return wallet.signMessage(ethers.getBytes(String(args[0])));
        default:
          return rpc.send(method, args);
      }
    },
    on() {},
    removeListener() {},
  };
}
