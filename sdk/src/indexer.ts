/**
 * A typed client of Coffer's indexer (the Ponder app in `indexer/`): its GraphQL API at `/graphql`, its status at
 * `/status`, and its reports. Every response is validated with zod, so a client and an indexer of different
 * versions fail with a readable error naming the field, never with `undefined` further on. Addresses are returned
 * lower-case as the indexer stores them; amounts and ids of type bigint are bigints; times are unix seconds.
 */
import { z } from "zod";
import { CofferError } from "./errors";
import type { PaymentStatus } from "./escrow/reads";
import type { SubscriptionStatus } from "./subscriptions";

// ─── Errors ──────────────────────────────────────────────────────────────────────────────────────────────

/** Any failure talking to the indexer. */
export class IndexerError extends CofferError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "IndexerError";
  }
}

/** The indexer could not be reached (not started, wrong URL, timed out). */
export class IndexerUnavailableError extends IndexerError {
  constructor(
    readonly url: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`Cannot reach the indexer at ${url}: ${reason}. Is it running (\`npm run demo\` starts one)?`, options);
    this.name = "IndexerUnavailableError";
  }
}

/** The indexer answered with an HTTP error. */
export class IndexerHttpError extends IndexerError {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`The indexer at ${url} answered HTTP ${status}${body ? `: ${body.slice(0, 300)}` : ""}`);
    this.name = "IndexerHttpError";
  }
}

/** The GraphQL query was rejected or failed (`errors` in the response). */
export class IndexerQueryError extends IndexerError {
  constructor(
    readonly operation: string,
    readonly messages: readonly string[],
  ) {
    super(`The indexer rejected the query ${operation}: ${messages.join("; ")}`);
    this.name = "IndexerQueryError";
  }
}

/** The response did not have the expected shape (an indexer of another version, or a bug). */
export class IndexerResponseError extends IndexerError {
  constructor(
    readonly operation: string,
    readonly issues: readonly string[],
  ) {
    super(`Unexpected response from the indexer to ${operation}: ${issues.slice(0, 5).join("; ")}`);
    this.name = "IndexerResponseError";
  }
}

// ─── Field types ─────────────────────────────────────────────────────────────────────────────────────────

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/, "expected 0x-prefixed hex");
/** Ponder's BigInt scalar: a decimal string. */
const bigint = z
  .string()
  .regex(/^-?\d+$/, "expected a decimal integer string")
  .transform((value) => BigInt(value));
const integer = z.number().int();

/** A page of a plural query. */
export interface Page<T> {
  readonly items: T[];
  readonly totalCount: number;
  readonly hasNextPage: boolean;
  /** Pass as `after` for the next page. */
  readonly endCursor: string | null;
}

const pageOf = <T extends z.ZodTypeAny>(item: T) =>
  z
    .object({
      items: z.array(item),
      totalCount: integer,
      pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
    })
    .transform((page) => ({
      items: page.items as z.output<T>[],
      totalCount: page.totalCount,
      hasNextPage: page.pageInfo.hasNextPage,
      endCursor: page.pageInfo.endCursor,
    }));
const PAGE_FIELDS = "totalCount pageInfo { hasNextPage endCursor }";

// ─── States and statuses ─────────────────────────────────────────────────────────────────────────────────
// Every state and status the indexer serves is lower snake_case, as its webhook event types are; the statuses
// are the contract's enums by the names the SDK's chain reads give them (`getPaymentState`, `getSubscription`),
// `none` excepted (an indexed row exists). "canceled" has one l throughout.

/** `payment.state`: what a payment holds now, in a word (funds still capturable first). */
export const PAYMENT_STATES = [
  "authorized",
  "partially_captured",
  "captured",
  "partially_refunded",
  "refunded",
  "voided",
  "reclaimed",
  "disputed",
  "resolved",
] as const;
/** One of {@link PAYMENT_STATES}. */
export type IndexedPaymentState = (typeof PAYMENT_STATES)[number];

/** `payment.status`: the contract's status of the payment (`getPaymentState`). */
export const PAYMENT_STATUSES = ["authorized", "disputed", "resolved"] as const satisfies readonly PaymentStatus[];
/** One of {@link PAYMENT_STATUSES}. */
export type IndexedPaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** `subscription.status`: the contract's status of the subscription (`getSubscription`). */
export const SUBSCRIPTION_STATUSES = [
  "active",
  "past_due",
  "paused",
  "canceled",
  "lapsed",
] as const satisfies readonly SubscriptionStatus[];
/** One of {@link SUBSCRIPTION_STATUSES}. */
export type IndexedSubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/**
 * `subscriptionCharge.failureReason`: why a charge failed (the contract's `FailureReason`); `unknown` for a reason
 * the indexer's ABI does not name.
 */
export const FAILURE_REASONS = [
  "allowance_too_low",
  "balance_too_low",
  "transfer_failed",
  "wrong_amount_delivered",
  "unknown",
] as const;
/** One of {@link FAILURE_REASONS}. */
export type IndexedFailureReason = (typeof FAILURE_REASONS)[number];

/** `queuedTransfer.status`: the treasury module's status of a queued transfer (`getQueuedStatus`). */
export const QUEUED_TRANSFER_STATUSES = ["queued", "executed", "canceled"] as const;
/** One of {@link QUEUED_TRANSFER_STATUSES}. */
export type IndexedQueuedTransferStatus = (typeof QUEUED_TRANSFER_STATUSES)[number];

/**
 * `activity.role`: what the account is to the event of its row. A movement's sender and receiver have theirs;
 * every other account the event names (an operator, an arbiter, a plan's merchant) has a row of amount 0 with its
 * own. `sender`/`receiver`: a transfer with no Coffer meaning; `contract`: a Coffer contract holding the funds;
 * `party`: a row whose indexer module named no role.
 */
export const ACTIVITY_ROLES = [
  "payer",
  "payee",
  "operator",
  "arbiter",
  "fee_receiver",
  "subscriber",
  "merchant",
  "split",
  "controller",
  "recipient",
  "distributor",
  "holder",
  "safe",
  "executor",
  "redeemer",
  "contract",
  "sender",
  "receiver",
  "party",
] as const;
/** One of {@link ACTIVITY_ROLES}. */
export type IndexedActivityRole = (typeof ACTIVITY_ROLES)[number];

/**
 * `channel.status`: a payment channel's status (`getChannel`), with `exiting` for an open channel whose payer
 * started an exit.
 */
export const CHANNEL_STATUSES = ["open", "exiting", "closed"] as const;
/** One of {@link CHANNEL_STATUSES}. */
export type IndexedChannelStatus = (typeof CHANNEL_STATUSES)[number];

// ─── Records ─────────────────────────────────────────────────────────────────────────────────────────────

const tokenBalanceSchema = z.object({ account: hex, token: hex, balance: bigint, updatedBlock: bigint });
/** Tokens an account holds, by the indexed `Transfer` events. */
export type IndexedTokenBalance = z.output<typeof tokenBalanceSchema>;
const TOKEN_BALANCE_FIELDS = "account token balance updatedBlock";

const activitySchema = z.object({
  id: z.string(),
  account: hex,
  kind: z.string(),
  role: z.enum(ACTIVITY_ROLES),
  reference: z.string().nullable(),
  token: hex.nullable(),
  amount: bigint,
  counterparty: hex.nullable(),
  contract: hex,
  transactionHash: hex,
  blockNumber: bigint,
  timestamp: bigint,
});
/**
 * One event as seen from an account, with its `role` in it; `amount` is signed from its side (negative: it paid),
 * 0 for an account the event names that no money moved to or from.
 */
export type IndexedActivity = z.output<typeof activitySchema>;
const ACTIVITY_FIELDS =
  "id account kind role reference token amount counterparty contract transactionHash blockNumber timestamp";

const paymentStepSchema = z.object({
  kind: z.string(),
  amount: bigint,
  fee: bigint,
  payerAmount: bigint.nullable(),
  actor: hex.nullable(),
  transactionHash: hex,
  blockNumber: bigint,
  timestamp: bigint,
});
export type IndexedPaymentStep = z.output<typeof paymentStepSchema>;

const paymentSchema = z.object({
  id: hex,
  operator: hex,
  payer: hex,
  payee: hex,
  token: hex,
  maxAmount: bigint,
  feeReceiver: hex,
  arbiter: hex,
  referenceId: hex,
  /** `authorized` (held) or `charged` (captured at once). */
  mode: z.string(),
  /** One of {@link PAYMENT_STATES}. */
  state: z.enum(PAYMENT_STATES),
  /** As the contract's `getPaymentState`: one of {@link PAYMENT_STATUSES}. */
  status: z.enum(PAYMENT_STATUSES),
  authorized: bigint,
  capturable: bigint,
  refundable: bigint,
  captured: bigint,
  fees: bigint,
  refunded: bigint,
  returned: bigint,
  createdAt: bigint,
  updatedAt: bigint,
});
/** A payment, its amounts and where it stands. */
export type IndexedPayment = z.output<typeof paymentSchema>;
const PAYMENT_FIELDS =
  "id operator payer payee token maxAmount feeReceiver arbiter referenceId mode state status authorized capturable " +
  "refundable captured fees refunded returned createdAt updatedAt";
const paymentWithStepsSchema = paymentSchema.extend({ steps: z.object({ items: z.array(paymentStepSchema) }) });
/** A payment with its steps in order. */
export type IndexedPaymentWithSteps = IndexedPayment & { steps: IndexedPaymentStep[] };

const invoiceSchema = z.object({
  id: hex,
  payee: hex,
  payer: hex,
  token: hex,
  amount: bigint,
  referenceId: hex,
  transactionHash: hex,
  blockNumber: bigint,
  timestamp: bigint,
});
export type IndexedInvoice = z.output<typeof invoiceSchema>;
const INVOICE_FIELDS = "id payee payer token amount referenceId transactionHash blockNumber timestamp";

const subscriptionChargeSchema = z.object({
  amount: bigint,
  fee: bigint,
  periodIndex: integer,
  success: z.boolean(),
  /** Failed charges: one of {@link FAILURE_REASONS}. */
  failureReason: z.enum(FAILURE_REASONS).nullable(),
  transactionHash: hex,
  timestamp: bigint,
});
export type IndexedSubscriptionCharge = z.output<typeof subscriptionChargeSchema>;

const planSchema = z.object({
  id: bigint,
  merchant: hex,
  payee: hex,
  token: hex,
  /** Charged each period, in token units. */
  amount: bigint,
  /** Seconds. */
  period: integer,
  /** Free seconds before the first charge. */
  trial: integer,
  /** Seconds a failed charge may be retried before the subscription lapses. */
  grace: integer,
  /** Taken from each charge for `feeReceiver`, in basis points. */
  feeBps: integer,
  feeReceiver: hex,
  retired: z.boolean(),
  createdAt: bigint,
});
export type IndexedPlan = z.output<typeof planSchema>;
const PLAN_FIELDS = "id merchant payee token amount period trial grace feeBps feeReceiver retired createdAt";

const subscriptionSchema = z.object({
  id: bigint,
  planId: bigint,
  subscriber: hex,
  merchant: hex,
  /** As the contract's `getSubscription`: one of {@link SUBSCRIPTION_STATUSES}. */
  status: z.enum(SUBSCRIPTION_STATUSES),
  anchor: bigint,
  nextPeriod: bigint,
  pastDueSince: bigint,
  nextChargeAt: bigint.nullable(),
  successfulCharges: integer,
  failedCharges: integer,
  totalCharged: bigint,
  createdAt: bigint,
});
export type IndexedSubscription = z.output<typeof subscriptionSchema>;
const SUBSCRIPTION_FIELDS =
  "id planId subscriber merchant status anchor nextPeriod pastDueSince nextChargeAt successfulCharges " +
  "failedCharges totalCharged createdAt";
// `charges` is the relation to the subscription's charges, successful and failed, one by one.
const subscriptionWithChargesSchema = subscriptionSchema.extend({
  charges: z.object({ items: z.array(subscriptionChargeSchema) }),
});
export type IndexedSubscriptionWithCharges = IndexedSubscription & { chargeHistory: IndexedSubscriptionCharge[] };

const channelStepSchema = z.object({
  /** opened, topped_up, redeemed, redemption_skipped, exit_started, closed. */
  kind: z.string(),
  amount: bigint,
  cumulative: bigint.nullable(),
  /** The payout could not be pushed and was credited to its receiver instead. */
  credited: z.boolean(),
  reason: hex.nullable(),
  reasonName: z.string().nullable(),
  exitAt: bigint.nullable(),
  actor: hex.nullable(),
  transactionHash: hex,
  blockNumber: bigint,
  timestamp: bigint,
});
/** One step of a payment channel. */
export type IndexedChannelStep = z.output<typeof channelStepSchema>;
const CHANNEL_STEP_FIELDS =
  "kind amount cumulative credited reason reasonName exitAt actor transactionHash blockNumber timestamp";

const channelSchema = z.object({
  id: hex,
  payer: hex,
  payee: hex,
  /** The zero address for ETH. */
  token: hex,
  signer: hex,
  deposit: bigint,
  /** Cumulative: everything the payee was paid or credited. */
  redeemed: bigint,
  refunded: bigint,
  /** Seconds. */
  challengePeriod: integer,
  /** One of {@link CHANNEL_STATUSES}. */
  status: z.enum(CHANNEL_STATUSES),
  exitAt: bigint.nullable(),
  redemptions: integer,
  openedAt: bigint,
  closedAt: bigint.nullable(),
  closedBy: hex.nullable(),
  updatedBlock: bigint,
});
/** A payment channel: its parties, deposit, what was redeemed and where it stands. */
export type IndexedChannel = z.output<typeof channelSchema>;
const CHANNEL_FIELDS =
  "id payer payee token signer deposit redeemed refunded challengePeriod status exitAt redemptions openedAt " +
  "closedAt closedBy updatedBlock";
const channelWithStepsSchema = channelSchema.extend({ steps: z.object({ items: z.array(channelStepSchema) }) });
/** A payment channel with its steps in order. */
export type IndexedChannelWithSteps = IndexedChannel & { steps: IndexedChannelStep[] };

const settlementTotalsSchema = z.object({
  gross: bigint,
  fees: bigint,
  refunds: bigint,
  net: bigint,
  /** Payments, invoices, captures, charges and refunds counted. */
  entries: integer,
});
const settlementReportSchema = z.object({
  merchant: hex,
  token: hex,
  chainId: integer.nullable(),
  from: bigint,
  to: bigint,
  totals: settlementTotalsSchema,
  days: z.array(settlementTotalsSchema.extend({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) })),
});
/**
 * `/reports/settlement`: what a merchant (a payee) earned in a token over `[from, to)`, per UTC day and in total;
 * net = gross − fees − refunds.
 */
export type SettlementReport = z.output<typeof settlementReportSchema>;

const reconciliationSchema = z.object({
  ok: z.boolean(),
  chains: z.array(
    z.object({
      chainId: integer,
      block: integer,
      checked: integer,
      differences: z.array(
        z.object({
          chainId: integer,
          check: z.string(),
          account: hex,
          token: hex,
          indexed: bigint,
          onChain: bigint,
          difference: bigint,
        }),
      ),
    }),
  ),
});
/** `/reports/reconciliation`: indexed token balances against `balanceOf` at the indexed block, every difference. */
export type ReconciliationReport = z.output<typeof reconciliationSchema>;

const nativeBalancesSchema = z.object({
  chainId: integer,
  /** The block read at: the indexer's last indexed block of the chain. */
  block: integer,
  /** ETH, or POL on Polygon. */
  symbol: z.string(),
  decimals: integer,
  balances: z.array(
    z.object({
      account: hex,
      /** `treasury`, `split`, `merchant`: the tracked kinds the account is; empty for an account only named. */
      kinds: z.array(z.string()),
      /** Wei. */
      balance: bigint,
      /** `balance` in whole tokens ("1.5"). */
      formatted: z.string(),
    }),
  ),
});
/** `/reports/native-balances`: plain ETH (POL on Polygon) of accounts, read at the indexed block. */
export type NativeBalanceReport = z.output<typeof nativeBalancesSchema>;

/** The kinds of accounts Coffer tracks, for {@link IndexerClient.nativeBalances}. */
export type TrackedAccountKind = "treasury" | "split" | "merchant";

/** Most accounts in one {@link IndexerClient.nativeBalances} request (the indexer answers 400 above it). */
export const MAX_NATIVE_BALANCE_ACCOUNTS = 100;

/** Parameters of {@link IndexerClient.nativeBalances}: accounts, kinds of tracked accounts, or both. */
export interface NativeBalanceQuery {
  readonly accounts?: readonly string[];
  readonly kinds?: readonly TrackedAccountKind[];
  /** One chain of a multi-chain indexer; required there. */
  readonly chainId?: number;
}

const statusSchema = z.record(
  z.string(),
  z.object({ id: integer, block: z.object({ number: integer, timestamp: integer }).nullable() }),
);
/** `/status`: per chain name, its id and the last indexed block. */
export type IndexerStatus = z.output<typeof statusSchema>;

const chainFreshnessSchema = z.object({
  chainId: integer,
  name: z.string(),
  indexedBlock: integer.nullable(),
  indexedTimestamp: integer.nullable(),
  headBlock: integer.nullable(),
  headTimestamp: integer.nullable(),
  lagBlocks: integer.nullable(),
  lagSeconds: integer.nullable(),
  finalityBlocks: integer,
  finalizedBlock: integer.nullable(),
  headError: z.string().optional(),
});
/**
 * One chain of `/freshness`: the block the index holds, the chain head the indexer last read (at most a second ago),
 * the lag in blocks and in seconds of chain time, Ponder's finality depth and the finalized block (`head − depth`).
 */
export type ChainFreshness = z.output<typeof chainFreshnessSchema>;
const freshnessSchema = z.object({ checkedAt: integer, chains: z.array(chainFreshnessSchema) });
/** `/freshness`: every chain's {@link ChainFreshness}, taken at `checkedAt` (unix milliseconds). */
export type IndexerFreshness = z.output<typeof freshnessSchema>;

/** How settled a row's block is: confirmations counted from the head (its own block is 1), and finality. */
export interface RowConfirmations {
  /** `headBlock − blockNumber + 1`; 0 when the indexer has not seen the head reach the row's block. */
  confirmations: number;
  /** The block is at or below the finalized block: Ponder will not see it reorganised. */
  final: boolean;
  headBlock: number;
  finalizedBlock: number;
}

/**
 * The confirmations and finality of a row of `chain` (any indexed row: each carries the `blockNumber` of the event
 * that last wrote it, or `updatedBlock`). Rows are written once per event, so these are computed from the chain's
 * freshness rather than stored. Throws when the indexer does not know the chain's head.
 */
export function confirmationsOf(
  row: { readonly blockNumber: bigint | number } | { readonly updatedBlock: bigint | number },
  chain: ChainFreshness,
): RowConfirmations {
  if (chain.headBlock === null || chain.finalizedBlock === null) {
    throw new IndexerError(
      `The indexer does not know the head of chain ${chain.chainId}: ${chain.headError ?? "no answer"}`,
    );
  }
  const block = Number("blockNumber" in row ? row.blockNumber : row.updatedBlock);
  return {
    confirmations: Math.max(0, chain.headBlock - block + 1),
    final: block <= chain.finalizedBlock,
    headBlock: chain.headBlock,
    finalizedBlock: chain.finalizedBlock,
  };
}

// ─── The client ──────────────────────────────────────────────────────────────────────────────────────────

/** Options of {@link createIndexerClient}. */
export interface IndexerClientOptions {
  /** The indexer's base URL (`http://127.0.0.1:42069`); a URL ending in `/graphql` is accepted too. */
  readonly url: string;
  /** Per request; 15 s by default. */
  readonly timeoutMs?: number;
}

/** Filters of {@link IndexerClient.payments}; addresses in any case. */
export interface PaymentFilter {
  readonly payer?: string;
  readonly payee?: string;
  readonly operator?: string;
  readonly token?: string;
  readonly state?: IndexedPaymentState;
}

/** Filters of {@link IndexerClient.subscriptions}. */
export interface SubscriptionFilter {
  readonly subscriber?: string;
  readonly merchant?: string;
  readonly planId?: bigint;
  readonly status?: IndexedSubscriptionStatus;
}

/** Filters of {@link IndexerClient.channels}; addresses in any case. */
export interface ChannelFilter {
  readonly payer?: string;
  readonly payee?: string;
  readonly token?: string;
  readonly status?: IndexedChannelStatus;
}

/** Parameters of the settlement report; `from`/`to` are unix seconds (`to` exclusive, now by default). */
export interface SettlementQuery {
  readonly merchant: string;
  readonly token: string;
  readonly from?: bigint | number;
  readonly to?: bigint | number;
  /** One chain of a multi-chain indexer; all by default. */
  readonly chainId?: number;
}

/** Paging of plural queries: at most 1,000 rows a page (Ponder's limit). */
export interface PageOptions {
  readonly limit?: number;
  readonly after?: string;
}

/** A typed client of the indexer; see {@link createIndexerClient}. */
export interface IndexerClient {
  readonly url: string;
  readonly graphqlUrl: string;
  /** Runs any GraphQL query and validates `data` with `schema`. */
  query<T extends z.ZodTypeAny>(
    operation: string,
    document: string,
    variables: Record<string, unknown>,
    schema: T,
  ): Promise<z.output<T>>;
  /** `/status`: the last indexed block per chain. */
  status(): Promise<IndexerStatus>;
  /** `/freshness`: per chain, the indexed block, the head, the lag and the finalized block. */
  freshness(): Promise<IndexerFreshness>;
  /** A row's confirmations and finality on `chainId`, from a fresh `/freshness` (see {@link confirmationsOf}). */
  confirmationsOf(
    chainId: number,
    row: { readonly blockNumber: bigint | number } | { readonly updatedBlock: bigint | number },
  ): Promise<RowConfirmations>;
  /** The last block indexed on `chainId`, undefined before the indexer has one. */
  indexedBlock(chainId: number): Promise<number | undefined>;
  /** Every token balance the indexer has for an account (accounts that never held a token have none). */
  balances(chainId: number, account: string): Promise<IndexedTokenBalance[]>;
  /** One token balance; 0 when the account never held the token. */
  balance(chainId: number, account: string, token: string): Promise<bigint>;
  /** An account's history, newest first. */
  activity(chainId: number, account: string, page?: PageOptions): Promise<Page<IndexedActivity>>;
  /** A payment with its steps, or null when the indexer does not know it. */
  payment(chainId: number, paymentId: string): Promise<IndexedPaymentWithSteps | null>;
  /** Payments matching every given filter, newest first. */
  payments(chainId: number, filter?: PaymentFilter, page?: PageOptions): Promise<Page<IndexedPayment>>;
  /** A paid invoice, or null. */
  invoice(chainId: number, invoiceId: string): Promise<IndexedInvoice | null>;
  /** A subscription plan, or null when the indexer does not know it. */
  plan(chainId: number, planId: bigint): Promise<IndexedPlan | null>;
  /** A subscription with its charges (failed ones included), or null. */
  subscription(chainId: number, subscriptionId: bigint): Promise<IndexedSubscriptionWithCharges | null>;
  /** Subscriptions matching every given filter, by id. */
  subscriptions(chainId: number, filter?: SubscriptionFilter, page?: PageOptions): Promise<Page<IndexedSubscription>>;
  /** A payment channel with its steps, or null when the indexer does not know it. */
  channel(chainId: number, channelId: string): Promise<IndexedChannelWithSteps | null>;
  /** Payment channels matching every given filter, newest first. */
  channels(chainId: number, filter?: ChannelFilter, page?: PageOptions): Promise<Page<IndexedChannel>>;
  /** The settlement report as JSON, amounts as bigints. */
  settlementReport(query: SettlementQuery): Promise<SettlementReport>;
  /** The settlement report as CSV (`date,gross,fees,refunds,net,entries`, then a `total` row). */
  settlementCsv(query: SettlementQuery): Promise<string>;
  /** The reconciliation of indexed balances with the chain (of one chain, or all). */
  reconciliation(chainId?: number): Promise<ReconciliationReport>;
  /**
   * Plain ETH (POL on Polygon) held by the named accounts and the tracked accounts of `kinds`, read with
   * `eth_getBalance` at the indexed block; at most {@link MAX_NATIVE_BALANCE_ACCOUNTS} accounts in all.
   */
  nativeBalances(query: NativeBalanceQuery): Promise<NativeBalanceReport>;
}

const lower = (address: string): string => address.toLowerCase();
// Ponder types an integer column as Float in a singular query's key arguments, and as Int in `where` filters.
const MAX_PAGE = 1_000;

/** Creates a client of the indexer at `options.url`. Nothing is sent until a method is called. */
export function createIndexerClient(options: IndexerClientOptions): IndexerClient {
  const url = options.url.replace(/\/+$/, "").replace(/\/graphql$/, "");
  const graphqlUrl = `${url}/graphql`;
  const timeoutMs = options.timeoutMs ?? 15_000;

  const fetchText = async (target: string, init: RequestInit = {}): Promise<{ response: Response; text: string }> => {
    let response: Response;
    try {
      response = await fetch(target, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const cause = error as { cause?: { code?: string }; name?: string; message?: string };
      const reason =
        cause.name === "TimeoutError"
          ? `no answer within ${timeoutMs} ms`
          : (cause.cause?.code ?? cause.message ?? String(error));
      throw new IndexerUnavailableError(target, reason, { cause: error });
    }
    return { response, text: await response.text() };
  };

  const request = async (target: string, init: RequestInit = {}): Promise<unknown> => {
    const { response, text } = await fetchText(target, init);
    // GraphQL errors come with HTTP 200 or 400 and a JSON body: read it before judging the status.
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      if (!response.ok) throw new IndexerHttpError(target, response.status, text);
      throw new IndexerResponseError(target, [`not JSON: ${text.slice(0, 200)}`]);
    }
    if (!response.ok && !(typeof body === "object" && body !== null && "errors" in body)) {
      throw new IndexerHttpError(target, response.status, text);
    }
    return body;
  };

  const validate = <T extends z.ZodTypeAny>(operation: string, schema: T, value: unknown): z.output<T> => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new IndexerResponseError(
        operation,
        parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
      );
    }
    return parsed.data as z.output<T>;
  };

  const query: IndexerClient["query"] = async (operation, document, variables, schema) => {
    const body = await request(graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query: document, variables }),
    });
    const envelope = validate(
      operation,
      z.object({
        data: z.unknown().optional(),
        errors: z.array(z.object({ message: z.string() }).passthrough()).optional(),
      }),
      body,
    );
    if (envelope.errors !== undefined && envelope.errors.length > 0) {
      throw new IndexerQueryError(
        operation,
        envelope.errors.map((error) => error.message),
      );
    }
    return validate(operation, schema, envelope.data);
  };

  /** A report's answer: its body, or the `errors` a 400 carries, as a readable error. */
  const report = async (operation: string, target: string): Promise<{ text: string; json: unknown }> => {
    const { response, text } = await fetchText(target);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const errors = z.object({ errors: z.array(z.object({ message: z.string() })) }).safeParse(json);
      if (errors.success)
        throw new IndexerQueryError(
          operation,
          errors.data.errors.map((error) => error.message),
        );
      throw new IndexerHttpError(target, response.status, text);
    }
    return { text, json };
  };
  const settlementUrl = (query: SettlementQuery, format: "json" | "csv"): string => {
    const params = new URLSearchParams({ merchant: lower(query.merchant), token: lower(query.token), format });
    if (query.from !== undefined) params.set("from", query.from.toString());
    if (query.to !== undefined) params.set("to", query.to.toString());
    if (query.chainId !== undefined) params.set("chainId", String(query.chainId));
    return `${url}/reports/settlement?${params.toString()}`;
  };

  const limitOf = (page: PageOptions | undefined): number => Math.min(Math.max(page?.limit ?? 100, 1), MAX_PAGE);

  return {
    url,
    graphqlUrl,
    query,

    status: async () => validate("/status", statusSchema, await request(`${url}/status`)),
    freshness: async () => validate("/freshness", freshnessSchema, await request(`${url}/freshness`)),
    confirmationsOf: async (chainId, row) => {
      const freshness = validate("/freshness", freshnessSchema, await request(`${url}/freshness`));
      const chain = freshness.chains.find((entry) => entry.chainId === chainId);
      if (chain === undefined) {
        throw new IndexerError(
          `Chain ${chainId} is not indexed at ${url} (it indexes ${freshness.chains.map((entry) => entry.chainId).join(", ")})`,
        );
      }
      return confirmationsOf(row, chain);
    },

    indexedBlock: async (chainId) => {
      const status = validate("/status", statusSchema, await request(`${url}/status`));
      return Object.values(status).find((chain) => chain.id === chainId)?.block?.number;
    },

    balances: async (chainId, account) => {
      const data = await query(
        "balances",
        `query Balances($chainId: Int!, $account: String!) {
          tokenBalances(where: { chainId: $chainId, account: $account }, limit: ${MAX_PAGE}) {
            items { ${TOKEN_BALANCE_FIELDS} }
          }
        }`,
        { chainId, account: lower(account) },
        z.object({ tokenBalances: z.object({ items: z.array(tokenBalanceSchema) }) }),
      );
      return data.tokenBalances.items;
    },

    balance: async (chainId, account, token) => {
      const data = await query(
        "balance",
        `query Balance($chainId: Float!, $account: String!, $token: String!) {
          tokenBalance(chainId: $chainId, account: $account, token: $token) { ${TOKEN_BALANCE_FIELDS} }
        }`,
        { chainId, account: lower(account), token: lower(token) },
        z.object({ tokenBalance: tokenBalanceSchema.nullable() }),
      );
      return data.tokenBalance?.balance ?? 0n;
    },

    activity: async (chainId, account, page) => {
      const data = await query(
        "activity",
        `query Activity($chainId: Int!, $account: String!, $limit: Int!, $after: String) {
          activitys(
            where: { chainId: $chainId, account: $account }
            orderBy: "id"
            orderDirection: "desc"
            limit: $limit
            after: $after
          ) { items { ${ACTIVITY_FIELDS} } ${PAGE_FIELDS} }
        }`,
        { chainId, account: lower(account), limit: limitOf(page), after: page?.after ?? null },
        z.object({ activitys: pageOf(activitySchema) }),
      );
      return data.activitys;
    },

    payment: async (chainId, paymentId) => {
      const data = await query(
        "payment",
        `query Payment($chainId: Float!, $id: String!) {
          payment(chainId: $chainId, id: $id) {
            ${PAYMENT_FIELDS}
            steps(orderBy: "id", limit: ${MAX_PAGE}) {
              items { kind amount fee payerAmount actor transactionHash blockNumber timestamp }
            }
          }
        }`,
        { chainId, id: lower(paymentId) },
        z.object({ payment: paymentWithStepsSchema.nullable() }),
      );
      if (data.payment === null) return null;
      const { steps, ...payment } = data.payment;
      return { ...payment, steps: steps.items };
    },

    payments: async (chainId, filter = {}, page) => {
      const where: Record<string, unknown> = { chainId };
      for (const key of ["payer", "payee", "operator", "token"] as const) {
        const value = filter[key];
        if (value !== undefined) where[key] = lower(value);
      }
      if (filter.state !== undefined) where["state"] = filter.state;
      const data = await query(
        "payments",
        `query Payments($where: paymentFilter, $limit: Int!, $after: String) {
          payments(where: $where, orderBy: "createdAt", orderDirection: "desc", limit: $limit, after: $after) {
            items { ${PAYMENT_FIELDS} } ${PAGE_FIELDS}
          }
        }`,
        { where, limit: limitOf(page), after: page?.after ?? null },
        z.object({ payments: pageOf(paymentSchema) }),
      );
      return data.payments;
    },

    invoice: async (chainId, invoiceId) => {
      const data = await query(
        "invoice",
        `query Invoice($chainId: Float!, $id: String!) {
          invoice(chainId: $chainId, id: $id) { ${INVOICE_FIELDS} }
        }`,
        { chainId, id: lower(invoiceId) },
        z.object({ invoice: invoiceSchema.nullable() }),
      );
      return data.invoice;
    },

    plan: async (chainId, planId) => {
      const data = await query(
        "plan",
        `query Plan($chainId: Float!, $id: BigInt!) {
          plan(chainId: $chainId, id: $id) { ${PLAN_FIELDS} }
        }`,
        { chainId, id: planId.toString() },
        z.object({ plan: planSchema.nullable() }),
      );
      return data.plan;
    },

    subscription: async (chainId, subscriptionId) => {
      const data = await query(
        "subscription",
        `query Subscription($chainId: Float!, $id: BigInt!) {
          subscription(chainId: $chainId, id: $id) {
            ${SUBSCRIPTION_FIELDS}
            charges(orderBy: "id", limit: ${MAX_PAGE}) {
              items { amount fee periodIndex success failureReason transactionHash timestamp }
            }
          }
        }`,
        { chainId, id: subscriptionId.toString() },
        z.object({ subscription: subscriptionWithChargesSchema.nullable() }),
      );
      if (data.subscription === null) return null;
      const { charges, ...subscription } = data.subscription;
      return { ...subscription, chargeHistory: charges.items };
    },

    subscriptions: async (chainId, filter = {}, page) => {
      const where: Record<string, unknown> = { chainId };
      if (filter.subscriber !== undefined) where["subscriber"] = lower(filter.subscriber);
      if (filter.merchant !== undefined) where["merchant"] = lower(filter.merchant);
      if (filter.planId !== undefined) where["planId"] = filter.planId.toString();
      if (filter.status !== undefined) where["status"] = filter.status;
      const data = await query(
        "subscriptions",
        `query Subscriptions($where: subscriptionFilter, $limit: Int!, $after: String) {
          subscriptions(where: $where, orderBy: "id", orderDirection: "asc", limit: $limit, after: $after) {
            items { ${SUBSCRIPTION_FIELDS} } ${PAGE_FIELDS}
          }
        }`,
        { where, limit: limitOf(page), after: page?.after ?? null },
        z.object({ subscriptions: pageOf(subscriptionSchema) }),
      );
      return data.subscriptions;
    },

    channel: async (chainId, channelId) => {
      const data = await query(
        "channel",
        `query Channel($chainId: Float!, $id: String!) {
          channel(chainId: $chainId, id: $id) {
            ${CHANNEL_FIELDS}
            steps(orderBy: "id", limit: ${MAX_PAGE}) { items { ${CHANNEL_STEP_FIELDS} } }
          }
        }`,
        { chainId, id: lower(channelId) },
        z.object({ channel: channelWithStepsSchema.nullable() }),
      );
      if (data.channel === null) return null;
      const { steps, ...channel } = data.channel;
      return { ...channel, steps: steps.items };
    },

    channels: async (chainId, filter = {}, page) => {
      const where: Record<string, unknown> = { chainId };
      for (const key of ["payer", "payee", "token"] as const) {
        const value = filter[key];
        if (value !== undefined) where[key] = lower(value);
      }
      if (filter.status !== undefined) where["status"] = filter.status;
      const data = await query(
        "channels",
        `query Channels($where: channelFilter, $limit: Int!, $after: String) {
          channels(where: $where, orderBy: "openedBlock", orderDirection: "desc", limit: $limit, after: $after) {
            items { ${CHANNEL_FIELDS} } ${PAGE_FIELDS}
          }
        }`,
        { where, limit: limitOf(page), after: page?.after ?? null },
        z.object({ channels: pageOf(channelSchema) }),
      );
      return data.channels;
    },

    settlementReport: async (query) => {
      const { json } = await report("settlement report", settlementUrl(query, "json"));
      return validate("settlement report", settlementReportSchema, json);
    },

    settlementCsv: async (query) => (await report("settlement report (CSV)", settlementUrl(query, "csv"))).text,

    reconciliation: async (chainId) => {
      const target = `${url}/reports/reconciliation${chainId === undefined ? "" : `?chainId=${chainId}`}`;
      const { json } = await report("reconciliation", target);
      return validate("reconciliation", reconciliationSchema, json);
    },

    nativeBalances: async (query) => {
      const params = new URLSearchParams();
      for (const account of query.accounts ?? []) params.append("account", lower(account));
      for (const kind of query.kinds ?? []) params.append("kind", kind);
      if (query.chainId !== undefined) params.set("chainId", String(query.chainId));
      const { json } = await report("native balances", `${url}/reports/native-balances?${params.toString()}`);
      return validate("native balances", nativeBalancesSchema, json);
    },
  };
}
