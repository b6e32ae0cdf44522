import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { ethers } from "ethers";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import pino from "pino";
import { CofferError } from "@coffer/sdk";
import { DirectorySafeStore } from "@coffer/sdk/node";
import {
  connectChain,
  parseSafeSignatureRecord,
  parseSafeTransactionFile,
  readSafeState,
  SafeApprovalError,
  SafeFileFormatError,
  SafeNonceTakenError,
  SafeTransactionNotFoundError,
  verifySafeTransaction,
  type SafeChain,
} from "@coffer/sdk/safe";
import { safeApiErrorOf, safeApiRoutes } from "./safe-service/safe-api-routes";
import { addVerifiedProposal } from "./safe-service/store-proposal";

/**
 * Coffer's signature-collection service (`coffer safe serve`): signers on different machines share proposals
 * and signatures through it, without the hosted Safe Transaction Service. Everything is kept in a
 * {@link DirectorySafeStore} (one JSON file per safeTxHash), so a restart loses nothing. It stores only what
 * verifies against the chain: the hash the Safe computes, each signature recovered to a current owner, no
 * duplicate, no stale nonce.
 *
 * | method and path                              | body                        | answers                                   |
 * | -------------------------------------------- | --------------------------- | ----------------------------------------- |
 * | `GET /health`                                |                             | 200 `{ ok, chainId }`                      |
 * | `POST /v1/transactions`                      | a `coffer-safe-tx/1` file   | 201 `{ transaction }` (200 when merged)    |
 * | `GET /v1/safes/:safe/transactions`           |                             | 200 `{ safeNonce, threshold, transactions }` (pending: nonce ≥ the Safe's) |
 * | `GET /v1/transactions/:safeTxHash`           |                             | 200 `{ transaction }`                      |
 * | `POST /v1/transactions/:safeTxHash/signatures` | `{ signer, data, isContractSignature }` | 200 `{ transaction }`           |
 *
 * Beside these, the same store is served through the Safe Transaction Service API at `/api` (see
 * `safe-service/safe-api-routes.ts`), so that Safe's own clients (`@safe-global/api-kit`, and protocol-kit with
 * what it returns) propose, list, fetch and confirm through it unchanged: their `txServiceUrl` is `<url>/api`.
 *
 * Coffer's routes answer errors as `{ error: { name, message, ...values } }`: 400 for a document that is malformed
 * or does not verify (`name` is the SDK's error class, e.g. `SafeSignatureMismatchError`), 404 for an unknown
 * transaction or route, 409 when a pending transaction of the Safe holds the proposal's nonce, 413 (bodies over
 * 1 MiB), 502 when the node fails. A proposal must carry at least one owner's signature.
 */
export interface SignatureServiceOptions {
  /** The directory of the store (created if missing). */
  readonly directory: string;
  /** The chain's JSON-RPC URL: the service verifies against it and serves that chain only. */
  readonly rpcUrl: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
  /** Request log (JSON lines); silent by default. */
  readonly logger?: pino.Logger;
}

/** A running signature service. */
export interface SignatureService {
  readonly url: string;
  readonly port: number;
  readonly chainId: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION: string = (require("../package.json") as { version: string }).version;

class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly errorName: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Safe API paths (`/api/…`) answer errors in the Safe Transaction Service's shapes, the others in Coffer's. */
const isSafeApi = (c: Context): boolean => c.req.path === "/api" || c.req.path.startsWith("/api/");

/** Starts the service. @throws CofferRpcError when the node cannot be reached */
export async function startSignatureService(options: SignatureServiceOptions): Promise<SignatureService> {
  const chain = await connectChain(options.rpcUrl);
  const store = new DirectorySafeStore(options.directory);
  const logger = options.logger ?? pino({ level: "silent" });
  const app = new Hono({ strict: false });

  app.use(async (c, next) => {
    const started = Date.now();
    await next();
    logger.info({ method: c.req.method, url: c.req.url, status: c.res.status, ms: Date.now() - started }, "request");
  });
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => {
        const message = `bodies are limited to ${MAX_BODY_BYTES} bytes`;
        return isSafeApi(c)
          ? c.json({ detail: message }, 413)
          : c.json({ error: { name: "PayloadTooLarge", message } }, 413);
      },
    }),
  );
  app.route("/api", safeApiRoutes(chain, store, VERSION));
  addCofferRoutes(app, chain, store);
  app.notFound((c) =>
    isSafeApi(c)
      ? c.json({ detail: "Not found." }, 404)
      : c.json({ error: { name: "NotFound", message: `no route ${c.req.method} ${c.req.path}` } }, 404),
  );
  app.onError((error, c) => {
    if (isSafeApi(c)) {
      const failure = safeApiErrorOf(error);
      if (failure.status >= 500) logger.error({ err: error }, "request failed");
      return c.json(failure.body, failure.status);
    }
    const failure = toHttpError(error);
    if (failure.status >= 500) logger.error({ err: error }, "request failed");
    return c.json({ error: { name: failure.errorName, message: failure.message, ...failure.details } }, failure.status);
  });

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: options.host ?? "127.0.0.1" }, () =>
      resolve(started),
    );
    started.once("error", reject);
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    port,
    chainId: chain.chainId,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      chain.close();
    },
  };
}

function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof SafeTransactionNotFoundError) return new HttpError(404, error.name, error.message);
  if (error instanceof SafeNonceTakenError) {
    return new HttpError(409, error.name, error.message, {
      nonce: error.nonce,
      existingSafeTxHash: error.existingSafeTxHash,
    });
  }
  if (error instanceof SafeApprovalError) return new HttpError(400, error.name, error.message);
  if (error instanceof CofferError) return new HttpError(502, error.name, error.message);
  return new HttpError(500, "InternalError", "internal error");
}

async function readJson(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new SafeFileFormatError("the body is not JSON", "the request");
  }
}

/** Coffer's own protocol, which the SDK's `SignatureServiceClient` and the web app's treasury page speak. */
function addCofferRoutes(app: Hono, chain: SafeChain, store: DirectorySafeStore): void {
  app.get("/health", (c) => c.json({ ok: true, chainId: chain.chainId }));

  app.post("/v1/transactions", async (c) => {
    const file = parseSafeTransactionFile(await readJson(c), "the request body");
    const { stored, created } = await addVerifiedProposal(chain, store, file);
    return c.json({ transaction: stored }, created ? 201 : 200);
  });

  app.get("/v1/safes/:safe/transactions", async (c) => {
    const safe = c.req.param("safe");
    if (!ethers.isAddress(safe)) throw new HttpError(400, "BadRequest", `${safe} is not an address`);
    const state = await readSafeState(chain, safe);
    const transactions = await store.list(chain.chainId, state.safeAddress, state.nonce);
    return c.json({ safeNonce: state.nonce, threshold: state.threshold, transactions });
  });

  app.get("/v1/transactions/:safeTxHash", async (c) =>
    c.json({ transaction: await store.get(c.req.param("safeTxHash")) }),
  );

  app.post("/v1/transactions/:safeTxHash/signatures", async (c) => {
    const existing = await store.get(c.req.param("safeTxHash"));
    const signature = parseSafeSignatureRecord(await readJson(c), "the request body");
    if (existing.signatures.some((s) => s.signer === signature.signer && s.data === signature.data)) {
      return c.json({ transaction: existing });
    }
    await verifySafeTransaction(chain, { ...existing, signatures: [...existing.signatures, signature] });
    return c.json({ transaction: await store.addSignature(existing.safeTxHash, signature) });
  });
}
