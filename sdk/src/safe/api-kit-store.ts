import SafeApiKit from "@safe-global/api-kit";
import { ethers } from "ethers";
import { toCofferError } from "../errors";
import {
  SafeInvalidProposalError,
  SafeNonceTakenError,
  SafeServiceError,
  SafeTransactionNotFoundError,
} from "./errors";
import {
  parseSafeTransactionFile,
  SAFE_TX_FORMAT,
  sortSignatures,
  type SafeSignatureRecord,
  type SafeTransactionFile,
} from "./file";
import type { SafeTransactionStore } from "./store";

type ServiceTransaction = Awaited<ReturnType<SafeApiKit["getTransaction"]>>;

/** Settings of {@link SafeApiKitStore}. */
export interface SafeApiKitStoreOptions {
  readonly chainId: number;
  /**
   * A Safe Transaction Service URL (self-hosted, Safe's with an API key, or `coffer safe serve`), e.g.
   * `https://host/api`. A URL without a path gets `/api`, where the service answers.
   */
  readonly txServiceUrl: string;
  /** The API key, needed by Safe's hosted service. */
  readonly apiKey?: string;
}

/**
 * A {@link SafeTransactionStore} backed by a Safe Transaction Service through `@safe-global/api-kit`, for teams
 * that run one (or use Safe's hosted one with an API key): proposals and confirmations go to the service, and
 * its pending transactions come back in the `coffer-safe-tx/1` format, verified by the actions like any other.
 *
 * Tested against `coffer safe serve`, which speaks the same API. Safe's hosted service accepts several
 * transactions with the same nonce (replacements), so it never raises `SafeNonceTakenError` (Coffer's does):
 * proposals made at the same time through it take the next nonce from the pending transactions it lists. An HTTP
 * error of the service becomes a `SafeServiceError` with its status and the service's message.
 */
export class SafeApiKitStore implements SafeTransactionStore {
  readonly #kit: SafeApiKit;

  readonly #url: string;

  constructor(readonly options: SafeApiKitStoreOptions) {
    this.#url = serviceApiUrl(options.txServiceUrl);
    this.#kit = new SafeApiKit({ chainId: BigInt(options.chainId), txServiceUrl: this.#url, apiKey: options.apiKey });
  }

  get location(): string {
    return this.#url;
  }

  async #call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const answer = httpErrorOf(error);
      if (answer === undefined) {
        // No HTTP answer: the service is down (a system error with a code), or api-kit refused the input.
        const code = (error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
        if (typeof code === "string") throw new SafeServiceError(0, "Unreachable", `${what}: ${code}`, this.location);
        throw new SafeServiceError(
          -1,
          "SafeTransactionService",
          `${what}: ${toCofferError(error).message}`,
          this.location,
        );
      }
      if (answer.status === 404 && what.startsWith("get ")) {
        throw new SafeTransactionNotFoundError(what.slice(4), this.location);
      }
      const { nonce, existingSafeTxHash } = answer.body as { nonce?: unknown; existingSafeTxHash?: unknown };
      if (answer.status === 422 && typeof nonce === "number" && typeof existingSafeTxHash === "string") {
        throw new SafeNonceTakenError(nonce, existingSafeTxHash);
      }
      throw new SafeServiceError(answer.status, "SafeTransactionService", `${what}: ${answer.message}`, this.location);
    }
  }

  async add(file: SafeTransactionFile): Promise<SafeTransactionFile> {
    const [first, ...others] = file.signatures;
    if (first === undefined) throw new SafeInvalidProposalError("a proposal must carry its proposer's signature");
    if (first.isContractSignature) throw new SafeInvalidProposalError("the proposer must sign with a key (EOA)");
    await this.#call("propose", () =>
      this.#kit.proposeTransaction({
        safeAddress: file.safeAddress,
        safeTransactionData: { ...file.transaction },
        safeTxHash: file.safeTxHash,
        senderAddress: first.signer,
        senderSignature: first.data,
        origin: "coffer",
      }),
    );
    for (const signature of others) await this.addSignature(file.safeTxHash, signature);
    return this.get(file.safeTxHash);
  }

  async get(safeTxHash: string): Promise<SafeTransactionFile> {
    const transaction = await this.#call(`get ${safeTxHash}`, () => this.#kit.getTransaction(safeTxHash));
    return this.#toFile(transaction);
  }

  async list(chainId: number, safeAddress: string, minNonce: number): Promise<SafeTransactionFile[]> {
    if (chainId !== this.options.chainId) return [];
    const page = await this.#call("list pending", () =>
      this.#kit.getPendingTransactions(ethers.getAddress(safeAddress), { currentNonce: minNonce, ordering: "nonce" }),
    );
    return page.results.map((transaction) => this.#toFile(transaction));
  }

  async addSignature(safeTxHash: string, signature: SafeSignatureRecord): Promise<SafeTransactionFile> {
    await this.#call("confirm", () => this.#kit.confirmTransaction(safeTxHash, signature.data));
    return this.get(safeTxHash);
  }

  #toFile(transaction: ServiceTransaction): SafeTransactionFile {
    const signatures: SafeSignatureRecord[] = (transaction.confirmations ?? [])
      .filter((confirmation) => confirmation.signatureType !== "APPROVED_HASH")
      .map((confirmation) => ({
        signer: ethers.getAddress(confirmation.owner),
        data: confirmation.signature,
        isContractSignature: confirmation.signatureType === "CONTRACT_SIGNATURE",
      }));
    return parseSafeTransactionFile(
      {
        format: SAFE_TX_FORMAT,
        chainId: this.options.chainId,
        safeAddress: ethers.getAddress(transaction.safe),
        safeTxHash: transaction.safeTxHash,
        transaction: {
          to: transaction.to,
          value: transaction.value,
          data: transaction.data ?? "0x",
          operation: transaction.operation,
          safeTxGas: transaction.safeTxGas,
          baseGas: transaction.baseGas,
          gasPrice: transaction.gasPrice,
          gasToken: transaction.gasToken,
          refundReceiver: transaction.refundReceiver ?? ethers.ZeroAddress,
          nonce: Number(transaction.nonce),
        },
        signatures: sortSignatures(signatures),
        ...(transaction.proposer ? { proposer: ethers.getAddress(transaction.proposer) } : {}),
        proposedAt: new Date(transaction.submissionDate).toISOString(),
      },
      this.location,
    );
  }
}

/** The service's API root: the URL as given, or `<origin>/api` when it has no path. */
export function serviceApiUrl(txServiceUrl: string): string {
  const trimmed = txServiceUrl.replace(/\/+$/, "");
  try {
    const url = new URL(trimmed);
    return url.pathname === "/" || url.pathname === "" ? `${trimmed}/api` : trimmed;
  } catch {
    return trimmed;
  }
}

/**
 * The HTTP answer in an api-kit error (`HttpError`: `statusCode`, `data` = the JSON body), with the service's own
 * words: `detail`, `message`, `nonFieldErrors` or the field errors (`signature: [...]`) of its body.
 */
function httpErrorOf(error: unknown): { status: number; message: string; body: unknown } | undefined {
  const { statusCode, data } = (error ?? {}) as { statusCode?: unknown; data?: unknown };
  if (typeof statusCode !== "number") return undefined;
  const body = (data ?? {}) as Record<string, unknown>;
  const words = (value: unknown): string => (Array.isArray(value) ? value.map(String).join("; ") : String(value));
  const parts =
    body.detail !== undefined
      ? [words(body.detail)]
      : body.message !== undefined
        ? [words(body.message)]
        : Object.entries(body).map(([field, value]) =>
            field === "nonFieldErrors" ? words(value) : `${field}: ${words(value)}`,
          );
  const message = parts.length > 0 ? parts.join("; ") : (error as Error).message;
  return { status: statusCode, message, body };
}
