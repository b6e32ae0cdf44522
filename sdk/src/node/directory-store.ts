import fs from "node:fs";
import path from "node:path";
import { ethers } from "ethers";
import { SafeNonceTakenError, SafeTransactionNotFoundError } from "../safe/errors";
import { mergeSignatures, type SafeSignatureRecord, type SafeTransactionFile } from "../safe/file-format";
import type { SafeTransactionStore } from "../safe/store";
import { readSafeTransactionFile, writeSafeTransactionFile } from "./safe-files";

/**
 * A store in a directory: one `<safeTxHash>.json` per transaction (the `coffer-safe-tx/1` format), written
 * atomically, plus `.nonces/<chainId>-<safe>-<nonce>` claim files created exclusively (`wx`), so that two
 * proposals for the same nonce cannot both be stored, even from two processes sharing the directory.
 * Signatures added concurrently to one transaction are serialised within a process; two processes adding a
 * signature to the same transaction at the same instant can lose one of them (the signature service is one
 * process and does not).
 */
export class DirectorySafeStore implements SafeTransactionStore {
  readonly #lock = new KeyedLock();

  constructor(readonly directory: string) {
    fs.mkdirSync(path.join(directory, ".nonces"), { recursive: true });
  }

  get location(): string {
    return this.directory;
  }

  #file(safeTxHash: string): string {
    if (!/^0x[0-9a-fA-F]{64}$/.test(safeTxHash)) throw new SafeTransactionNotFoundError(safeTxHash, this.directory);
    return path.join(this.directory, `${safeTxHash.toLowerCase()}.json`);
  }

  #claim(file: SafeTransactionFile): string {
    const safe = file.safeAddress.toLowerCase();
    return path.join(this.directory, ".nonces", `${file.chainId}-${safe}-${file.transaction.nonce}`);
  }

  /** The stored transaction, or undefined. */
  async find(safeTxHash: string): Promise<SafeTransactionFile | undefined> {
    const file = this.#file(safeTxHash);
    if (!fs.existsSync(file)) return undefined;
    return readSafeTransactionFile(file);
  }

  async get(safeTxHash: string): Promise<SafeTransactionFile> {
    const found = await this.find(safeTxHash);
    if (found === undefined) throw new SafeTransactionNotFoundError(safeTxHash, this.directory);
    return found;
  }

  async add(file: SafeTransactionFile): Promise<SafeTransactionFile> {
    return this.#lock.run(file.safeTxHash, async () => {
      const existing = await this.find(file.safeTxHash);
      if (existing !== undefined) {
        const merged = mergeSignatures(existing, file.signatures);
        writeSafeTransactionFile(this.#file(file.safeTxHash), merged);
        return merged;
      }
      this.#claimNonce(file);
      writeSafeTransactionFile(this.#file(file.safeTxHash), file);
      return file;
    });
  }

  #claimNonce(file: SafeTransactionFile): void {
    const claim = this.#claim(file);
    if (this.#createClaim(claim, file.safeTxHash)) return;
    const holder = readClaim(claim);
    if (holder === file.safeTxHash) return;
    // A claim whose transaction file never got written (a crash between the two writes) is taken over, but only
    // once it is old enough that its writer cannot still be between the claim and the transaction file.
    const abandoned =
      holder !== undefined && !fs.existsSync(this.#file(holder)) && Date.now() - claimWrittenAt(claim) > CLAIM_GRACE_MS;
    if (!abandoned) throw new SafeNonceTakenError(file.transaction.nonce, holder ?? "(being written)");
    fs.rmSync(claim, { force: true });
    if (!this.#createClaim(claim, file.safeTxHash)) {
      throw new SafeNonceTakenError(file.transaction.nonce, readClaim(claim) ?? "(being written)");
    }
  }

  /**
   * Creates the claim with its content in one step: the hash is written to a private file that is then
   * hard-linked to the claim's name, which fails if the name exists. A reader never sees an empty claim.
   */
  #createClaim(claim: string, safeTxHash: string): boolean {
    const temporary = `${claim}.${process.pid}.${Date.now()}.${Math.random().toString(16).slice(2)}.tmp`;
    fs.writeFileSync(temporary, safeTxHash);
    try {
      fs.linkSync(temporary, claim);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      return false;
    } finally {
      fs.rmSync(temporary, { force: true });
    }
  }

  async list(chainId: number, safeAddress: string, minNonce: number): Promise<SafeTransactionFile[]> {
    const safe = ethers.getAddress(safeAddress);
    const files = fs.readdirSync(this.directory).filter((name) => /^0x[0-9a-f]{64}\.json$/.test(name));
    const transactions: SafeTransactionFile[] = [];
    for (const name of files) {
      const transaction = readSafeTransactionFile(path.join(this.directory, name));
      if (
        transaction.chainId === chainId &&
        transaction.safeAddress === safe &&
        transaction.transaction.nonce >= minNonce
      ) {
        transactions.push(transaction);
      }
    }
    return transactions.sort((a, b) => a.transaction.nonce - b.transaction.nonce);
  }

  async addSignature(safeTxHash: string, signature: SafeSignatureRecord): Promise<SafeTransactionFile> {
    return this.#lock.run(safeTxHash.toLowerCase(), async () => {
      const merged = mergeSignatures(await this.get(safeTxHash), [signature]);
      writeSafeTransactionFile(this.#file(safeTxHash), merged);
      return merged;
    });
  }
}

/** How long a claim without its transaction file is left to its writer before it counts as abandoned. */
const CLAIM_GRACE_MS = 60_000;

/** The hash a claim holds, or undefined when it is not a hash (a claim from before claims were atomic). */
function readClaim(claim: string): string | undefined {
  let content: string;
  try {
    content = fs.readFileSync(claim, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return /^0x[0-9a-fA-F]{64}$/.test(content) ? content : undefined;
}

/** When the claim was last written, in milliseconds since the epoch (now, if it is gone). */
function claimWrittenAt(claim: string): number {
  try {
    return fs.statSync(claim).mtimeMs;
  } catch {
    return Date.now();
  }
}

/** Runs `work` after every earlier call with the same key has finished (a per-key lock within this process). */
class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const current = previous.then(work, work);
    const tail = current.catch(() => undefined);
    this.#tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
