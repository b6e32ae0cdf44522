import SafeApiKit from "@safe-global/api-kit";
import { ethers } from "ethers";
import { toCofferError } from "../errors";
import { SafeInvalidProposalError, SafeServiceError, SafeTransactionNotFoundError } from "./errors";
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
  /** A Safe Transaction Service URL (self-hosted, or Safe's with an API key), e.g. `https://host/api`. */
  readonly txServiceUrl: string;
  /** The API key, needed by Safe's hosted service. */
  readonly apiKey?: string;
}

/**
 * A {@link SafeTransactionStore} backed by a Safe Transaction Service through `@safe-global/api-kit`, for teams
 * that run one (or use Safe's hosted one with an API key): proposals and confirmations go to the service, and
 * its pending transactions come back in the `coffer-safe-tx/1` format, verified by the actions like any other.
 *
 * Not covered by Coffer's tests: they run offline, where no Transaction Service is reachable. The service also
 * accepts several transactions with the same nonce (replacements), so it never raises `SafeNonceTakenError`:
 * proposals made at the same time through it take the next nonce from the pending transactions it lists.
 */
export class SafeApiKitStore implements SafeTransactionStore {
  readonly #kit: SafeApiKit;

  constructor(readonly options: SafeApiKitStoreOptions) {
    this.#kit = new SafeApiKit({
      chainId: BigInt(options.chainId),
      txServiceUrl: options.txServiceUrl,
      apiKey: options.apiKey,
    });
  }

  get location(): string {
    return this.options.txServiceUrl;
  }

  async #call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const message = toCofferError(error).message;
      if (/not found|404/i.test(message) && what.startsWith("get ")) {
        throw new SafeTransactionNotFoundError(what.slice(4), this.location);
      }
      throw new SafeServiceError(-1, "SafeTransactionService", `${what}: ${message}`, this.location);
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
