/**
 * Where a paywall keeps, per channel, the latest voucher it accepted and what the chain says of the channel. The
 * store is the source of truth across restarts and processes: `accept` is a compare-and-set on the accepted
 * amount, so that a voucher is accepted once even when two processes see it at the same time.
 */

/** A channel as the paywall knows it. Amounts are base units. */
export interface ChannelRecord {
  channelId: string;
  chainId: number;
  payer: string;
  payee: string;
  token: string;
  /** The key whose signature makes a voucher. */
  signer: string;
  /** The deposit as last read from the chain. */
  deposit: bigint;
  /** The highest cumulative amount accepted, and its voucher's signature ("0x" before the first). */
  accepted: bigint;
  signature: string;
  /** What the chain says was redeemed. */
  redeemed: bigint;
  /** When the payer's exit ends (unix seconds), 0 while none has started. */
  exitAt: number;
  closed: boolean;
}

/** The chain's side of a channel, as the paywall refreshes it. */
export type ChainState = Pick<ChannelRecord, "deposit" | "redeemed" | "exitAt" | "closed">;

export interface VoucherStore {
  /** The channel, or undefined if it was never seen. */
  get(channelId: string): Promise<ChannelRecord | undefined>;
  /** Records a channel seen for the first time (accepted 0); returns the stored record if it already exists. */
  track(record: Omit<ChannelRecord, "accepted" | "signature">): Promise<ChannelRecord>;
  /**
   * Sets the accepted voucher to `amount` if the accepted amount is still `expected`; returns whether it did. The
   * store's caller has checked the voucher.
   */
  accept(channelId: string, expected: bigint, amount: bigint, signature: string): Promise<boolean>;
  /** Records what the chain says of the channel. */
  updateChain(channelId: string, state: ChainState): Promise<void>;
  /**
   * Open channels due for redemption, oldest accepted first: those with at least `minimum` (default 1) accepted
   * above what was redeemed, and those with anything unredeemed whose payer started an exit. The filter is the
   * store's, not the caller's, so that channels below `minimum` do not fill the `limit` and hide the due ones.
   */
  unredeemed(limit: number, minimum?: bigint): Promise<ChannelRecord[]>;
  /** Every channel that is not closed (to watch for exits and top-ups). */
  open(): Promise<ChannelRecord[]>;
  close(): Promise<void>;
}

/** A store in memory: for tests and for servers that may lose what they accepted when they stop. */
export class MemoryVoucherStore implements VoucherStore {
  readonly #channels = new Map<string, ChannelRecord>();

  async get(channelId: string): Promise<ChannelRecord | undefined> {
    const record = this.#channels.get(channelId.toLowerCase());
    return record === undefined ? undefined : { ...record };
  }

  async track(record: Omit<ChannelRecord, "accepted" | "signature">): Promise<ChannelRecord> {
    const key = record.channelId.toLowerCase();
    const existing = this.#channels.get(key);
    if (existing !== undefined) return { ...existing };
    const stored = { ...record, channelId: key, accepted: 0n, signature: "0x" };
    this.#channels.set(key, stored);
    return { ...stored };
  }

  async accept(channelId: string, expected: bigint, amount: bigint, signature: string): Promise<boolean> {
    const record = this.#channels.get(channelId.toLowerCase());
    if (record === undefined || record.accepted !== expected) return false;
    record.accepted = amount;
    record.signature = signature;
    return true;
  }

  async updateChain(channelId: string, state: ChainState): Promise<void> {
    const record = this.#channels.get(channelId.toLowerCase());
    if (record !== undefined) Object.assign(record, state);
  }

  async unredeemed(limit: number, minimum = 1n): Promise<ChannelRecord[]> {
    return [...this.#channels.values()]
      .filter((record) => !record.closed && record.accepted > record.redeemed)
      .filter((record) => record.exitAt !== 0 || record.accepted - record.redeemed >= minimum)
      .slice(0, limit)
      .map((record) => ({ ...record }));
  }

  async open(): Promise<ChannelRecord[]> {
    return [...this.#channels.values()].filter((record) => !record.closed).map((record) => ({ ...record }));
  }

  async close(): Promise<void> {}
}

/** What `SqlVoucherStore` needs of a database client: `pg`'s `Pool` and PGlite both fit. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/**
 * A store in PostgreSQL (a `pg` Pool) or PGlite (embedded), in its own schema (default `coffer_paywall`). Call
 * `migrate()` once before use. Amounts are `numeric(78,0)`.
 */
export class SqlVoucherStore implements VoucherStore {
  readonly #table: string;

  constructor(
    readonly db: Queryable,
    readonly schema = "coffer_paywall",
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new TypeError(`schema "${schema}" is not a plain SQL name`);
    this.#table = `${schema}.channel`;
  }

  /** Creates the schema and table if they do not exist. */
  async migrate(): Promise<void> {
    await this.db.query(`create schema if not exists ${this.schema}`);
    await this.db.query(`create table if not exists ${this.#table} (
      channel_id text primary key,
      chain_id integer not null,
      payer text not null,
      payee text not null,
      token text not null,
      signer text not null,
      deposit numeric(78,0) not null,
      accepted numeric(78,0) not null default 0,
      signature text not null default '0x',
      redeemed numeric(78,0) not null default 0,
      exit_at bigint not null default 0,
      closed boolean not null default false,
      accepted_at timestamptz
    )`);
  }

  async get(channelId: string): Promise<ChannelRecord | undefined> {
    const { rows } = await this.db.query(`select * from ${this.#table} where channel_id = $1`, [
      channelId.toLowerCase(),
    ]);
    return rows[0] === undefined ? undefined : recordOf(rows[0]);
  }

  async track(record: Omit<ChannelRecord, "accepted" | "signature">): Promise<ChannelRecord> {
    await this.db.query(
      `insert into ${this.#table} (channel_id, chain_id, payer, payee, token, signer, deposit, redeemed, exit_at, closed)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict (channel_id) do nothing`,
      [
        record.channelId.toLowerCase(),
        record.chainId,
        record.payer,
        record.payee,
        record.token,
        record.signer,
        record.deposit.toString(),
        record.redeemed.toString(),
        record.exitAt,
        record.closed,
      ],
    );
    const stored = await this.get(record.channelId);
    if (stored === undefined) throw new Error(`channel ${record.channelId} was not stored`);
    return stored;
  }

  async accept(channelId: string, expected: bigint, amount: bigint, signature: string): Promise<boolean> {
    const { rows } = await this.db.query(
      `update ${this.#table} set accepted = $3, signature = $4, accepted_at = now()
       where channel_id = $1 and accepted = $2 returning channel_id`,
      [channelId.toLowerCase(), expected.toString(), amount.toString(), signature],
    );
    return rows.length === 1;
  }

  async updateChain(channelId: string, state: ChainState): Promise<void> {
    await this.db.query(
      `update ${this.#table} set deposit = $2, redeemed = $3, exit_at = $4, closed = $5 where channel_id = $1`,
      [channelId.toLowerCase(), state.deposit.toString(), state.redeemed.toString(), state.exitAt, state.closed],
    );
  }

  async unredeemed(limit: number, minimum = 1n): Promise<ChannelRecord[]> {
    const { rows } = await this.db.query(
      `select * from ${this.#table} where not closed and accepted > redeemed
         and (exit_at <> 0 or accepted - redeemed >= $2) order by accepted_at limit $1`,
      [limit, minimum.toString()],
    );
    return rows.map(recordOf);
  }

  async open(): Promise<ChannelRecord[]> {
    const { rows } = await this.db.query(`select * from ${this.#table} where not closed`);
    return rows.map(recordOf);
  }

  async close(): Promise<void> {}
}

function recordOf(row: Record<string, unknown>): ChannelRecord {
  return {
    channelId: String(row["channel_id"]),
    chainId: Number(row["chain_id"]),
    payer: String(row["payer"]),
    payee: String(row["payee"]),
    token: String(row["token"]),
    signer: String(row["signer"]),
    deposit: BigInt(String(row["deposit"])),
    accepted: BigInt(String(row["accepted"])),
    signature: String(row["signature"]),
    redeemed: BigInt(String(row["redeemed"])),
    exitAt: Number(row["exit_at"]),
    closed: Boolean(row["closed"]),
  };
}
