import http from "node:http";
import type { AddressInfo } from "node:net";
import { ethers } from "ethers";
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
  SafeInvalidProposalError,
  SafeNonceTakenError,
  SafeTransactionNotFoundError,
  verifySafeTransaction,
  type SafeChain,
  type SafeTransactionFile,
} from "@coffer/sdk/safe";

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
 * Errors answer `{ error: { name, message, ...values } }`: 400 for a document that is malformed or does not
 * verify (`name` is the SDK's error class, e.g. `SafeSignatureMismatchError`), 404 for an unknown transaction or route,
 * 409 when a pending transaction of the Safe holds the proposal's nonce, 413 (bodies over 1 MiB), 502 when
 * the node fails. A proposal must carry at least one owner's signature.
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

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorName: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Starts the service. @throws CofferRpcError when the node cannot be reached */
export async function startSignatureService(options: SignatureServiceOptions): Promise<SignatureService> {
  const chain = await connectChain(options.rpcUrl);
  const store = new DirectorySafeStore(options.directory);
  const logger = options.logger ?? pino({ level: "silent" });
  const server = http.createServer((request, response) => {
    const started = Date.now();
    handle(chain, store, request)
      .then(({ status, body }) => reply(response, status, body))
      .catch((error: unknown) => {
        const failure = toHttpError(error);
        if (failure.status >= 500) logger.error({ err: error }, "request failed");
        reply(response, failure.status, {
          error: { name: failure.errorName, message: failure.message, ...failure.details },
        });
      })
      .finally(() =>
        logger.info(
          { method: request.method, url: request.url, status: response.statusCode, ms: Date.now() - started },
          "request",
        ),
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
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
        server.closeAllConnections();
      });
      chain.close();
    },
  };
}

function reply(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(text);
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

async function readJson(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new HttpError(413, "PayloadTooLarge", `bodies are limited to ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new SafeFileFormatError("the body is not JSON", "the request");
  }
}

async function handle(
  chain: SafeChain,
  store: DirectorySafeStore,
  request: http.IncomingMessage,
): Promise<{ status: number; body: unknown }> {
  const url = new URL(request.url ?? "/", "http://service");
  const parts = url.pathname.split("/").filter((part) => part !== "");
  const param = parts[2] ?? "";
  const method = request.method ?? "GET";
  const route = (expected: string, ...shape: (string | null)[]): boolean =>
    method === expected &&
    parts.length === shape.length &&
    shape.every((part, i) => part === null || part === parts[i]);

  if (route("GET", "health")) return { status: 200, body: { ok: true, chainId: chain.chainId } };

  if (route("POST", "v1", "transactions")) {
    const file = parseSafeTransactionFile(await readJson(request), "the request body");
    const existing = await store.find(file.safeTxHash);
    if (existing === undefined && file.signatures.length === 0) {
      throw new SafeInvalidProposalError("a proposal must carry at least one owner's signature");
    }
    // The posted document is checked on its own (its data against its hash), then merged with what is stored.
    await verifySafeTransaction(chain, file);
    const incoming = file.signatures.filter(
      (signature) => !existing?.signatures.some((s) => s.signer === signature.signer && s.data === signature.data),
    );
    const candidate: SafeTransactionFile =
      existing === undefined ? file : { ...existing, signatures: [...existing.signatures, ...incoming] };
    if (existing !== undefined) await verifySafeTransaction(chain, candidate);
    const stored = await store.add(candidate);
    return { status: existing === undefined ? 201 : 200, body: { transaction: stored } };
  }

  if (route("GET", "v1", "safes", null, "transactions")) {
    const safe = param;
    if (!ethers.isAddress(safe)) throw new HttpError(400, "BadRequest", `${safe} is not an address`);
    const state = await readSafeState(chain, safe);
    const transactions = await store.list(chain.chainId, state.safeAddress, state.nonce);
    return { status: 200, body: { safeNonce: state.nonce, threshold: state.threshold, transactions } };
  }

  if (route("GET", "v1", "transactions", null)) {
    return { status: 200, body: { transaction: await store.get(param) } };
  }

  if (route("POST", "v1", "transactions", null, "signatures")) {
    const existing = await store.get(param);
    const signature = parseSafeSignatureRecord(await readJson(request), "the request body");
    if (existing.signatures.some((s) => s.signer === signature.signer && s.data === signature.data)) {
      return { status: 200, body: { transaction: existing } };
    }
    await verifySafeTransaction(chain, { ...existing, signatures: [...existing.signatures, signature] });
    return { status: 200, body: { transaction: await store.addSignature(existing.safeTxHash, signature) } };
  }

  throw new HttpError(404, "NotFound", `no route ${method} ${url.pathname}`);
}
