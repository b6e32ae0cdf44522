import { ethers } from "ethers";
import { Hono, type Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { CofferError } from "@coffer/sdk";
import type { DirectorySafeStore } from "@coffer/sdk/node";
import {
  parseSafeTransactionFile,
  readSafeState,
  SAFE_TX_FORMAT,
  SafeApprovalError,
  SafeNonceTakenError,
  SafeTransactionNotFoundError,
  sortSignatures,
  verifySafeTransaction,
  type SafeChain,
  type SafeTransactionFile,
} from "@coffer/sdk/safe";
import { confirmationOf, multisigTransactionOf, pageOf } from "./safe-api-shapes";
import { readSafeInfoShape } from "./safe-info";
import { signatureRecordsOf } from "./signatures";
import { addVerifiedProposal } from "./store-proposal";

/**
 * The part of the Safe Transaction Service API that `@safe-global/api-kit` uses to read the service and a Safe,
 * propose, list the pending transactions, fetch one and confirm it, mounted at `/api` (api-kit's `txServiceUrl`
 * is `<service>/api`, as for Safe's hosted services). Same paths, JSON shapes, status codes and error bodies as
 * the hosted service (`{ detail }` for 404, `{ nonFieldErrors: [...] }` or `{ <field>: [...] }` for what does not
 * validate), over the same store and the same verification as Coffer's own routes.
 *
 * | method and path                                        | answers                                              |
 * | ------------------------------------------------------ | ---------------------------------------------------- |
 * | `GET /v1/about/`                                       | 200 `{ name, version, api_version, secure, host, … }` |
 * | `GET /v1/safes/{address}/`                             | 200 `SafeInfoResponse` (nonce as a string); 404, 422 |
 * | `GET /v2/safes/{address}/multisig-transactions/`       | 200 page of transactions (`executed`, `nonce__gte`, `nonce__lt`, `nonce`, `has_confirmations`, `trusted`, `ordering`, `limit`, `offset`) |
 * | `POST /v2/safes/{address}/multisig-transactions/`      | 201 (empty); 422 `{ nonFieldErrors }` or field errors |
 * | `GET /v2/multisig-transactions/{safeTxHash}/`          | 200 `SafeMultisigTransactionResponse`; 404 `{ detail }` |
 * | `GET /v1/multisig-transactions/{safeTxHash}/confirmations/`  | 200 page of confirmations                      |
 * | `POST /v1/multisig-transactions/{safeTxHash}/confirmations/` | 201 `{ signature }`; 404 `{ detail }`; 400 `{ signature: [...] }` |
 */
export function safeApiRoutes(chain: SafeChain, store: DirectorySafeStore, version: string): Hono {
  const api = new Hono({ strict: false });

  api.get("/v1/about", (c) =>
    c.json({
      name: "Coffer Safe approval service",
      version,
      api_version: "v1",
      secure: new URL(c.req.url).protocol === "https:",
      host: c.req.header("host") ?? null,
      headers: [],
      settings: { chainId: chain.chainId },
    }),
  );

  api.get("/v1/safes/:address", async (c) => {
    const safe = await safeAt(chain, c.req.param("address"));
    return c.json(await readSafeInfoShape(chain, safe));
  });

  api.get("/v2/safes/:address/multisig-transactions", async (c) => {
    const safe = await safeAt(chain, c.req.param("address"));
    const state = await readSafeState(chain, safe);
    const query = (name: string) => c.req.query(name);
    const count = (name: string) => integerQuery(query(name));
    const flag = (name: string) => booleanQuery(query(name));
    // Coffer keeps pending transactions only: executed ones (and untrusted ones) are never listed.
    const files =
      flag("executed") === true || flag("trusted") === false
        ? []
        : await store.list(chain.chainId, safe, count("nonce__gte") ?? 0);
    const lessThan = count("nonce__lt");
    const exactly = count("nonce");
    const hasConfirmations = flag("has_confirmations");
    const selected = files.filter(
      (file) =>
        (lessThan === undefined || file.transaction.nonce < lessThan) &&
        (exactly === undefined || file.transaction.nonce === exactly) &&
        (hasConfirmations === undefined || file.signatures.length > 0 === hasConfirmations),
    );
    const ordered = orderBy(selected, query("ordering"));
    const page = pageOf(
      ordered.map((file) => multisigTransactionOf(file, state)),
      new URL(c.req.url),
      Math.min(count("limit") ?? 100, 1000) || 100,
      count("offset") ?? 0,
    );
    return c.json({ ...page, countUniqueNonce: new Set(selected.map((file) => file.transaction.nonce)).size });
  });

  api.post("/v2/safes/:address/multisig-transactions", async (c) => {
    const safe = await safeAt(chain, c.req.param("address"));
    const parsed = proposalSchema.safeParse(await jsonBody(c));
    if (!parsed.success) throw fieldErrors(parsed.error);
    const body = parsed.data;
    try {
      const signatures = body.signature ? signatureRecordsOf(body.contractTransactionHash, body.signature) : [];
      if (signatures.length === 0) {
        throw new SafeApiError(422, {
          nonFieldErrors: ["a proposal must carry the signature of its sender (an owner)"],
        });
      }
      const sender = ethers.getAddress(body.sender);
      if (!signatures.some((signature) => signature.signer === sender)) {
        throw new SafeApiError(422, {
          nonFieldErrors: [
            `Signature does not match sender=${sender}. Calculated owners=${signatures.map((s) => s.signer).join(", ")}`,
          ],
        });
      }
      const file: SafeTransactionFile = parseSafeTransactionFile(
        {
          format: SAFE_TX_FORMAT,
          chainId: chain.chainId,
          safeAddress: safe,
          safeTxHash: body.contractTransactionHash,
          transaction: {
            to: body.to,
            value: body.value,
            data: body.data ?? "0x",
            operation: body.operation,
            safeTxGas: body.safeTxGas,
            baseGas: body.baseGas,
            gasPrice: body.gasPrice,
            gasToken: body.gasToken ?? ethers.ZeroAddress,
            refundReceiver: body.refundReceiver ?? ethers.ZeroAddress,
            nonce: Number(body.nonce),
          },
          signatures: sortSignatures(signatures),
          proposer: sender,
          proposedAt: new Date().toISOString(),
          ...(body.origin ? { note: body.origin.slice(0, 1000) } : {}),
        },
        "the request body",
      );
      await addVerifiedProposal(chain, store, file);
    } catch (error) {
      throw proposalError(error);
    }
    return c.body(null, 201);
  });

  api.get("/v2/multisig-transactions/:safeTxHash", async (c) => {
    const file = await store.get(c.req.param("safeTxHash"));
    return c.json(multisigTransactionOf(file, await readSafeState(chain, file.safeAddress)));
  });

  api.get("/v1/multisig-transactions/:safeTxHash/confirmations", async (c) => {
    const file = await store.find(c.req.param("safeTxHash"));
    const confirmations = file === undefined ? [] : file.signatures.map((s) => confirmationOf(file, s));
    const limit = integerQuery(c.req.query("limit")) || 100;
    return c.json(pageOf(confirmations, new URL(c.req.url), limit, integerQuery(c.req.query("offset")) ?? 0));
  });

  api.post("/v1/multisig-transactions/:safeTxHash/confirmations", async (c) => {
    const safeTxHash = c.req.param("safeTxHash");
    const existing = await store.find(safeTxHash);
    if (existing === undefined) {
      throw new SafeApiError(404, { detail: `Multisig transaction with safe-tx-hash=${safeTxHash} was not found` });
    }
    const parsed = confirmationSchema.safeParse(await jsonBody(c));
    if (!parsed.success) throw fieldErrors(parsed.error);
    try {
      const incoming = signatureRecordsOf(existing.safeTxHash, parsed.data.signature).filter(
        (signature) => !existing.signatures.some((s) => s.signer === signature.signer),
      );
      if (incoming.length > 0) {
        await verifySafeTransaction(chain, { ...existing, signatures: [...existing.signatures, ...incoming] });
        for (const signature of incoming) await store.addSignature(existing.safeTxHash, signature);
      }
    } catch (error) {
      if (error instanceof SafeApprovalError) throw new SafeApiError(400, { signature: [error.message] });
      throw error;
    }
    return c.json({ signature: parsed.data.signature }, 201);
  });

  return api;
}

/** An answer of the Safe API other than 2xx: its status and the body the hosted service would give. */
export class SafeApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly body: Record<string, unknown>,
  ) {
    super(JSON.stringify(body));
    this.name = "SafeApiError";
  }
}

/** The Safe API's answer to an error: 404 `{ detail }`, 422 `{ nonFieldErrors }`, 502 when the node fails. */
export function safeApiErrorOf(error: unknown): SafeApiError {
  if (error instanceof SafeApiError) return error;
  if (error instanceof SafeTransactionNotFoundError) return new SafeApiError(404, { detail: "Not found." });
  if (error instanceof SafeApprovalError) return proposalError(error);
  if (error instanceof CofferError) return new SafeApiError(502, { detail: error.message });
  return new SafeApiError(500, { detail: "internal error" });
}

function proposalError(error: unknown): SafeApiError {
  if (error instanceof SafeNonceTakenError) {
    // The hosted service keeps several proposals per nonce; Coffer keeps one, and says which one holds it.
    return new SafeApiError(422, {
      nonFieldErrors: [error.message],
      nonce: error.nonce,
      existingSafeTxHash: error.existingSafeTxHash,
    });
  }
  if (error instanceof SafeApprovalError) return new SafeApiError(422, { nonFieldErrors: [error.message] });
  return safeApiErrorOf(error);
}

/** The Safe at a path's address: 422 for a malformed address (as the service answers), 404 when no contract. */
async function safeAt(chain: SafeChain, address: string): Promise<string> {
  if (!ethers.isAddress(address)) {
    throw new SafeApiError(422, { code: 1, message: "Checksum address validation failed", arguments: [address] });
  }
  const safe = ethers.getAddress(address);
  if ((await chain.provider.getCode(safe)) === "0x") throw new SafeApiError(404, { detail: "Not found." });
  return safe;
}

async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch (error) {
    throw new SafeApiError(400, { detail: `JSON parse error - ${(error as Error).message}` });
  }
}

/** Zod's issues as the service's field errors: `{ to: ["…"] }`, `{ nonFieldErrors: ["…"] }`. */
function fieldErrors(error: z.ZodError): SafeApiError {
  const body: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? issue.path.join(".") : "nonFieldErrors";
    (body[field] ??= []).push(issue.message);
  }
  return new SafeApiError(422, body);
}

function integerQuery(value: string | undefined): number | undefined {
  return value !== undefined && /^[0-9]+$/.test(value) ? Number(value) : undefined;
}

function booleanQuery(value: string | undefined): boolean | undefined {
  const lower = value?.toLowerCase();
  return lower === "true" || lower === "1" ? true : lower === "false" || lower === "0" ? false : undefined;
}

/** `ordering`: `nonce`, `created`, `modified`, each optionally descending (`-nonce`); default `-nonce`. */
function orderBy(files: readonly SafeTransactionFile[], ordering: string | undefined): SafeTransactionFile[] {
  const descending = ordering === undefined || ordering.startsWith("-");
  const field = (ordering ?? "-nonce").replace(/^-/, "");
  const key = (file: SafeTransactionFile): number =>
    field === "created" || field === "modified" ? Date.parse(file.proposedAt ?? "") || 0 : file.transaction.nonce;
  return [...files].sort((a, b) => (descending ? key(b) - key(a) : key(a) - key(b)));
}

const address = z.string().refine((value) => ethers.isAddress(value), "Enter a valid checksummed Ethereum Address.");
const integer = z
  .union([z.string().regex(/^(0|[1-9][0-9]*)$/, "A valid integer is required."), z.number().int().nonnegative()])
  .transform(String);
const hex = z.string().regex(/^0x([0-9a-fA-F]{2})*$/, "Enter a valid hexadecimal.");

/** The body of `POST /v2/safes/{address}/multisig-transactions/`, as api-kit's `proposeTransaction` sends it. */
const proposalSchema = z.object({
  to: address,
  value: integer,
  data: hex.nullable().optional(),
  operation: z.union([z.literal(0), z.literal(1)]),
  safeTxGas: integer,
  baseGas: integer,
  gasPrice: integer,
  gasToken: address.nullable().optional(),
  refundReceiver: address.nullable().optional(),
  nonce: integer,
  contractTransactionHash: z.string().regex(/^0x[0-9a-fA-F]{64}$/, "Enter a valid 32-byte hash."),
  sender: address,
  signature: hex.nullable().optional(),
  origin: z.string().max(200).nullable().optional(),
});

/** The body of `POST /v1/multisig-transactions/{safeTxHash}/confirmations/`. */
const confirmationSchema = z.object({
  signature: hex.refine((value) => value.length >= 132, "Ensure this field has at least 65 bytes."),
});
