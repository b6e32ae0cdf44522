import http from "node:http";
import type { AddressInfo } from "node:net";

/** A JSON-RPC proxy on loopback that forwards every call to `target` and counts the calls per method. */
export interface RpcCounter {
  /** The proxy's URL: give it to the indexer instead of the node's. */
  url: string;
  /**
   * Calls per method since the start or the last `reset` (a batch counts each call in it); `eth_getBlockByNumber`
   * is also counted as `eth_getBlockByNumber(number)` when it asks for a block by number, not by tag (`latest`).
   */
  counts(): Record<string, number>;
  reset(): void;
  close(): Promise<void>;
}

/** Starts a counting proxy in front of the JSON-RPC node at `target` on a free loopback port. */
export async function startRpcCounter(target: string): Promise<RpcCounter> {
  let counts: Record<string, number> = {};
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      try {
        type Call = { method?: string; params?: unknown[] };
        const parsed = JSON.parse(body.toString()) as Call | Call[];
        for (const call of [parsed].flat()) {
          const method = call.method ?? "(none)";
          counts[method] = (counts[method] ?? 0) + 1;
          const block = call.params?.[0];
          if (method === "eth_getBlockByNumber" && typeof block === "string" && block.startsWith("0x")) {
            counts[`${method}(number)`] = (counts[`${method}(number)`] ?? 0) + 1;
          }
        }
      } catch {
        counts["(unparsable)"] = (counts["(unparsable)"] ?? 0) + 1;
      }
      fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body })
        .then(async (answer) => {
          response.writeHead(answer.status, { "content-type": "application/json" });
          response.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch((error: unknown) => {
          response.writeHead(502, { "content-type": "text/plain" });
          response.end(`The node at ${target} did not answer: ${String(error)}`);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    reset: () => {
      counts = {};
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
