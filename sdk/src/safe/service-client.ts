import { ethers } from "ethers";
import { SafeFileFormatError, SafeNonceTakenError, SafeServiceError, SafeTransactionNotFoundError } from "./errors";
import { parseSafeTransactionFile, type SafeSignatureRecord, type SafeTransactionFile } from "./file-format";
import type { SafeTransactionStore } from "./store";

interface ErrorBody {
  readonly error?: { name?: string; message?: string; nonce?: number; existingSafeTxHash?: string };
}

/**
 * A {@link SafeTransactionStore} backed by Coffer's signature service (`coffer safe serve`, see `server.ts`).
 * The service verifies everything it stores; the SDK verifies again whatever it reads back.
 */
export class SignatureServiceClient implements SafeTransactionStore {
  readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly timeoutMs = 30_000,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  get location(): string {
    return this.baseUrl;
  }

  async #request(method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new SafeServiceError(0, "Unreachable", reason, this.baseUrl);
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw new SafeServiceError(response.status, "BadResponse", "the answer is not JSON", url);
    }
    if (response.ok) return { status: response.status, json };
    const error = (json as ErrorBody).error ?? {};
    if (response.status === 404 && error.name === "SafeTransactionNotFoundError") {
      throw new SafeTransactionNotFoundError(path.split("/")[3] ?? "", this.baseUrl);
    }
    if (response.status === 409 && error.nonce !== undefined && error.existingSafeTxHash !== undefined) {
      throw new SafeNonceTakenError(error.nonce, error.existingSafeTxHash);
    }
    throw new SafeServiceError(response.status, error.name ?? "Error", error.message ?? response.statusText, url);
  }

  #transaction(json: unknown): SafeTransactionFile {
    return parseSafeTransactionFile((json as { transaction?: unknown }).transaction, this.baseUrl);
  }

  async add(file: SafeTransactionFile): Promise<SafeTransactionFile> {
    return this.#transaction((await this.#request("POST", "/v1/transactions", file)).json);
  }

  async get(safeTxHash: string): Promise<SafeTransactionFile> {
    return this.#transaction((await this.#request("GET", `/v1/transactions/${safeTxHash.toLowerCase()}`)).json);
  }

  async list(chainId: number, safeAddress: string, minNonce: number): Promise<SafeTransactionFile[]> {
    const safe = ethers.getAddress(safeAddress);
    const { json } = await this.#request("GET", `/v1/safes/${safe}/transactions`);
    const transactions = (json as { transactions?: unknown }).transactions;
    if (!Array.isArray(transactions)) throw new SafeFileFormatError("no transactions array", this.baseUrl);
    return transactions
      .map((transaction) => parseSafeTransactionFile(transaction, this.baseUrl))
      .filter((tx) => tx.chainId === chainId && tx.safeAddress === safe && tx.transaction.nonce >= minNonce)
      .sort((a, b) => a.transaction.nonce - b.transaction.nonce);
  }

  async addSignature(safeTxHash: string, signature: SafeSignatureRecord): Promise<SafeTransactionFile> {
    const path = `/v1/transactions/${safeTxHash.toLowerCase()}/signatures`;
    return this.#transaction((await this.#request("POST", path, signature)).json);
  }

  /** The service's chain id (`GET /health`). */
  async chainId(): Promise<number> {
    return ((await this.#request("GET", "/health")).json as { chainId: number }).chainId;
  }
}
