import { getChannel, redeemMany } from "../channels/actions";
import type { Paywall } from "./paywall";
import type { ChannelRecord } from "./voucher-store";

/** Options of {@link ChannelRedeemer}. */
export interface ChannelRedeemerOptions {
  /** At most this many channels per `redeemMany` transaction (default 50). */
  batchSize?: number;
  /** A channel is redeemed once this much (base units) is accepted and not redeemed (default: any amount). */
  threshold?: bigint;
  /** How often `start` refreshes the channels and redeems, in milliseconds (default 30,000). */
  intervalMs?: number;
  /** Told of each round's outcome and of errors (default: silent). */
  onRound?: (round: RedeemRound) => void;
  onError?: (error: unknown) => void;
}

/** What one round did. */
export interface RedeemRound {
  /** Channels whose chain state changed (top-ups, exits, closes, redemptions). */
  refreshed: number;
  /** Vouchers redeemed, and the transaction that did it. */
  redeemed: number;
  transaction?: string;
}

const WATCHED_EVENTS = ["ChannelToppedUp", "ExitStarted", "ChannelClosed", "VoucherRedeemed"] as const;

/**
 * Turns a paywall's accepted vouchers into money and keeps its view of the channels current: each round reads the
 * channel contract's logs since the last round (top-ups, exits, closes, redemptions) for the channels it tracks,
 * then redeems the latest voucher of every channel due, in batches. A channel whose payer started an exit is due
 * at once, whatever the threshold, so that the payee is paid before the exit can take the funds. The chain is the
 * judge of what was redeemed: after a restart mid-batch, a voucher already redeemed is skipped by the contract and
 * its channel's `redeemed` is read back, so nothing is paid twice and nothing accepted is lost.
 */
export class ChannelRedeemer {
  readonly #paywall: Paywall;
  readonly #options: ChannelRedeemerOptions;
  #fromBlock: number | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #stopped = false;

  constructor(paywall: Paywall, options: ChannelRedeemerOptions = {}) {
    this.#paywall = paywall;
    this.#options = options;
  }

  /** One round: refresh, then redeem what is due. Rounds never overlap. */
  round(): Promise<RedeemRound> {
    const next = this.#running.then(
      () => this.#round(),
      () => this.#round(),
    );
    this.#running = next.catch(() => undefined);
    return next;
  }

  async #round(): Promise<RedeemRound> {
    const refreshed = await this.refresh();
    const { redeemed, transaction } = await this.redeemDue();
    const round = { refreshed, redeemed, ...(transaction === undefined ? {} : { transaction }) };
    this.#options.onRound?.(round);
    return round;
  }

  /** Reads what happened to the tracked channels since the last refresh; returns how many changed. */
  async refresh(): Promise<number> {
    const { client, store } = this.#paywall;
    const latest = await client.provider.getBlockNumber();
    const open = await store.open();
    let changed: ChannelRecord[];
    if (this.#fromBlock === undefined) {
      changed = open; // the first round reads every open channel once
    } else if (this.#fromBlock > latest) {
      changed = []; // no block since the last round
    } else {
      const contract = client.channels;
      const topics = WATCHED_EVENTS.flatMap((name) => contract.interface.getEvent(name)?.topicHash ?? []);
      const logs = await client.provider.getLogs({
        address: await contract.getAddress(),
        fromBlock: this.#fromBlock,
        toBlock: latest,
        topics: [topics],
      });
      // Every watched event has the channel id as its first indexed argument.
      const ids = new Set(logs.map((log) => (log.topics[1] ?? "").toLowerCase()));
      changed = open.filter((channel) => ids.has(channel.channelId.toLowerCase()));
    }
    for (const channel of changed) await this.#reread(channel.channelId);
    this.#fromBlock = latest + 1;
    return changed.length;
  }

  async #reread(channelId: string): Promise<void> {
    const onChain = await getChannel(this.#paywall.client, channelId);
    await this.#paywall.store.updateChain(channelId, {
      deposit: onChain.deposit,
      redeemed: onChain.redeemed,
      exitAt: onChain.exitAt,
      closed: onChain.status === "closed",
    });
  }

  /** Redeems the latest voucher of every channel due, in one transaction per batch. */
  async redeemDue(): Promise<{ redeemed: number; transaction?: string }> {
    const { client, store } = this.#paywall;
    const threshold = this.#options.threshold ?? 1n;
    const candidates = await store.unredeemed(this.#options.batchSize ?? 50, threshold);
    // Filtered again for stores written before `unredeemed` took a minimum.
    const due = candidates.filter((c) => c.exitAt !== 0 || c.accepted - c.redeemed >= threshold);
    if (due.length === 0) return { redeemed: 0 };
    const receipt = await redeemMany(
      client,
      due.map((c) => ({ channelId: c.channelId, amount: c.accepted, signature: c.signature })),
    );
    for (const channel of due) await this.#reread(channel.channelId);
    return { redeemed: due.length, transaction: receipt.transactionHash };
  }

  /** Runs a round every `intervalMs` until `stop`. */
  start(): void {
    this.#stopped = false;
    const tick = async () => {
      try {
        await this.round();
      } catch (error) {
        this.#options.onError?.(error);
      }
      if (!this.#stopped) this.#timer = setTimeout(() => void tick(), this.#options.intervalMs ?? 30_000);
    };
    void tick();
  }

  /** Stops the rounds, waits for the one under way, and redeems once more unless `flush` is false. */
  async stop(options: { flush?: boolean } = {}): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#running;
    if (options.flush !== false) await this.round();
  }
}
