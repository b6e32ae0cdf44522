import { ethers } from "ethers";

/**
 * Nonces for signers that sign locally (an `ethers.Wallet`). Such a signer asks the node for the pending count
 * before each send, and a provider that caches that answer (ethers does, for 250 ms) hands the same nonce to two
 * sends in a row: the second fails with `NONCE_EXPIRED`. The tracker takes the larger of the node's pending count
 * and one past the last nonce it gave, one send at a time. A wallet behind `eth_sendTransaction` (a browser
 * wallet, a node's unlocked account) keeps its own nonces and is left alone.
 */
export class NonceTracker {
  readonly #last = new Map<string, number>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly provider: ethers.Provider) {}

  /** Whether the SDK should choose the nonces of `signer`'s transactions. */
  static manages(signer: ethers.Signer): boolean {
    return signer instanceof ethers.BaseWallet;
  }

  /**
   * Runs `send` with the next nonce of `address`, one send at a time per tracker. A send that throws gives its
   * nonce back (the next one asks the node again), so a refused transaction leaves no gap.
   */
  async withNext<T>(address: string, send: (nonce: number) => Promise<T>): Promise<T> {
    const run = async () => {
      const key = address.toLowerCase();
      const pending = await this.provider.getTransactionCount(address, "pending");
      const last = this.#last.get(key);
      const nonce = last === undefined ? pending : Math.max(pending, last + 1);
      try {
        const result = await send(nonce);
        this.#last.set(key, nonce);
        return result;
      } catch (error) {
        this.#last.delete(key);
        throw error;
      }
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }
}
