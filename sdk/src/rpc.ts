import { CofferRpcError } from "./errors";

/** How long a node may take to answer the first call before the SDK gives up on it. */
export const RPC_TIMEOUT_MS = 15_000;

/**
 * The chain id the node at `rpcUrl` reports. Asked with a plain `eth_chainId` request so that a node that is not
 * there fails fast with a readable error, where an ethers provider would retry its network detection forever.
 * @throws CofferRpcError naming the URL and the cause (for example `ECONNREFUSED`)
 */
export async function fetchChainId(rpcUrl: string): Promise<number> {
  try {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(RPC_TIMEOUT_MS),
    });
    const body = (await response.json()) as { result?: string; error?: { message?: string } };
    if (typeof body.result !== "string") throw new Error(body.error?.message ?? `HTTP ${response.status}`);
    return Number(BigInt(body.result));
  } catch (error) {
    const cause = error as { cause?: { code?: string }; message?: string };
    throw new CofferRpcError(
      cause.cause?.code,
      `cannot reach the node at ${rpcUrl}: ${cause.cause?.code ?? cause.message ?? String(error)}`,
      { cause: error },
    );
  }
}
