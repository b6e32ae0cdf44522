/**
 * Serves the built web app (`web/dist`) with its `config.json`, and passes the app's calls to the indexer, the
 * Safe approval service and the chain's JSON-RPC endpoint through the same origin (`/indexer/…`, `/safe/…`,
 * `/rpc`), as a production deployment would put them behind one host: no CORS, one address to open.
 */
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono, type Context } from "hono";
import { proxy } from "hono/proxy";
import type { DeploymentManifest } from "../../sdk/src/deployment-manifest";

/** The built app, by `npm run compile` (`npm run build -w @coffer/web`). */
export const WEB_DIST = path.join(__dirname, "..", "..", "web", "dist");

/** What the web app reads from `config.json` (see `web/src/shared/config.ts`). */
export interface WebAppConfig {
  readonly chainId: number;
  readonly chainName: string;
  readonly manifest?: DeploymentManifest;
  readonly testAccounts?: readonly { name: string; privateKey: string }[];
  readonly treasurySafe?: string;
  readonly merchant?: string;
  /** Merchant names by address, vouched for by whoever serves the app. */
  readonly merchants?: Readonly<Record<string, string>>;
}

export interface WebServerOptions {
  readonly config: WebAppConfig;
  /** The chain's JSON-RPC URL, served at `/rpc`. */
  readonly rpcUrl: string;
  /** The indexer's base URL, served at `/indexer`. */
  readonly indexerUrl: string;
  /** The Safe approval service's base URL, served at `/safe`. */
  readonly safeServiceUrl?: string;
  /** Default: {@link WEB_DIST}. */
  readonly distDir?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
  readonly host?: string;
}

export interface WebServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Passes a request on to `target` + the part of the path after `prefix`, query included; a service that does not
 * answer gets a 502 naming it, as a gateway would.
 */
async function forward(c: Context, target: string, prefix: string, service: string) {
  const url = new URL(c.req.url);
  const rest = url.pathname.slice(prefix.length);
  try {
    return await proxy(`${target.replace(/\/+$/, "")}${rest}${url.search}`, {
      ...c.req,
      headers: { ...c.req.header(), host: undefined, "accept-encoding": "identity" },
    });
  } catch (error) {
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    return c.json(
      { error: { name: "Unreachable", message: `The ${service} at ${target} does not answer (${reason})` } },
      502,
    );
  }
}

/** Starts the server. @throws when the app is not built */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const root = options.distDir ?? WEB_DIST;
  if (!fs.existsSync(path.join(root, "checkout.html"))) {
    throw new Error(`The web app is not built in ${root}: run \`npm run compile\``);
  }
  const config = {
    ...options.config,
    rpcUrl: "/rpc",
    indexerUrl: "/indexer",
    ...(options.safeServiceUrl === undefined ? {} : { safeServiceUrl: "/safe" }),
  };
  const app = new Hono();
  app.get("/config.json", (c) => c.json(config, 200, { "cache-control": "no-store" }));
  app.all("/rpc", (c) => forward(c, options.rpcUrl, "/rpc", "chain's RPC endpoint"));
  app.all("/indexer/*", (c) => forward(c, options.indexerUrl, "/indexer", "indexer"));
  if (options.safeServiceUrl !== undefined) {
    const safeServiceUrl = options.safeServiceUrl;
    app.all("/safe/*", (c) => forward(c, safeServiceUrl, "/safe", "Safe approval service"));
  }
  app.get("/", (c) => c.redirect("/index.html"));
  app.use("/*", serveStatic({ root: path.relative(process.cwd(), root) || "." }));

  const host = options.host ?? "127.0.0.1";
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () => resolve(started));
    started.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
