/**
 * Coffer's indexed tables. Every table carries `chainId` in its primary key: one indexer serves several chains.
 * Addresses are lower-case hex; amounts are token units (bigint); times are unix seconds.
 */
import { index, onchainTable, primaryKey, relations } from "ponder";
import type {
  ActivityRole,
  ChannelStatus,
  PaymentState,
  PaymentStatus,
  FailureReason,
  QueuedTransferStatus,
  SubscriptionStatus,
  SubscriptionStatusBeforePause,
} from "./src/statuses";

// ─── Accounts and balances ───────────────────────────────────────────────────────────────────────────────

/** Every address that an indexed event touched. */
export const account = onchainTable(
  "account",
  (t) => ({
    chainId: t.integer().notNull(),
    address: t.hex().notNull(),
    firstSeenBlock: t.bigint().notNull(),
    firstSeenAt: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.address] }) }),
);

/** Tokens held: the sum of the configured tokens' `Transfer` events. */
export const tokenBalance = onchainTable(
  "token_balance",
  (t) => ({
    chainId: t.integer().notNull(),
    account: t.hex().notNull(),
    token: t.hex().notNull(),
    balance: t.bigint().notNull(),
    updatedBlock: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.account, table.token] }) }),
);

/** Funds held in escrow for `account` as payer: authorized and not yet captured, voided, reclaimed or resolved. */
export const escrowBalance = onchainTable(
  "escrow_balance",
  (t) => ({
    chainId: t.integer().notNull(),
    account: t.hex().notNull(),
    token: t.hex().notNull(),
    amount: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.account, table.token] }) }),
);

/**
 * Credits claimable by `account`: payouts that could not be pushed (escrow, subscriptions) and split shares
 * credited (pull-only splits, failed pushes, incentives). `source` is the contract that holds them.
 */
export const credit = onchainTable(
  "credit",
  (t) => ({
    chainId: t.integer().notNull(),
    source: t.hex().notNull(),
    /** `escrow`, `subscriptions`, `split` or `channels`. */
    sourceKind: t.text().notNull(),
    account: t.hex().notNull(),
    token: t.hex().notNull(),
    amount: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.source, table.account, table.token] }) }),
);

/** ETH deposited by a subscriber for ETH plans. */
export const subscriptionDeposit = onchainTable(
  "subscription_deposit",
  (t) => ({
    chainId: t.integer().notNull(),
    account: t.hex().notNull(),
    amount: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.account] }) }),
);

/** Credits withdrawn from escrow, subscriptions or a split. */
export const withdrawal = onchainTable(
  "withdrawal",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.text().notNull(),
    source: t.hex().notNull(),
    sourceKind: t.text().notNull(),
    account: t.hex().notNull(),
    token: t.hex().notNull(),
    to: t.hex().notNull(),
    amount: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.id] }) }),
);

/**
 * Everything that touched an account, one row per account and event. `amount` is signed from the account's
 * side (negative: it paid); zero for events that move nothing (a dispute, a failed charge) and for the accounts an
 * event names that no money moved to or from (an operator, an arbiter, a plan's merchant), each with its `role`. `id` sorts by
 * block, log and row: order by it descending for newest first.
 */
export const activity = onchainTable(
  "activity",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.text().notNull(),
    account: t.hex().notNull(),
    kind: t.text().notNull(),
    /** What the account is to the event: payer, payee, operator, fee_receiver... (`ActivityRole`). */
    role: t.text().$type<ActivityRole>().notNull(),
    /** Payment or invoice id, subscription or plan id, split address, transfer id, Safe nonce. */
    reference: t.text(),
    token: t.hex(),
    amount: t.bigint().notNull(),
    counterparty: t.hex(),
    contract: t.hex().notNull(),
    transactionHash: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.id] }),
    accountNewestFirst: index().on(table.chainId, table.account, table.id.desc()),
    accountTime: index().on(table.chainId, table.account, table.timestamp),
  }),
);

/**
 * Every token Coffer has seen (its configured tokens, and the token of each payment, invoice, plan, budget, queued
 * transfer, sweep and split distribution), with its symbol and decimals as the token reports them: null when it
 * does not answer. The zero address is the chain's native token.
 */
export const token = onchainTable(
  "token",
  (t) => ({
    chainId: t.integer().notNull(),
    address: t.hex().notNull(),
    symbol: t.text(),
    name: t.text(),
    decimals: t.integer(),
    firstSeenBlock: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.address] }),
  }),
);

/**
 * Coffer's events as merchants are told of them (webhooks): one row per notification, in chain order by `id`
 * (block, log, then the order within the log); the stable id receivers see is derived from the block hash, log, order
 * and type when the API serves the row (`notificationEventId`). `data` holds the event's
 * fields with amounts in base units under `amounts`, formatted with the token's decimals when served.
 */
export const notification = onchainTable(
  "notification",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.text().notNull(),
    type: t.text().notNull(),
    blockNumber: t.bigint().notNull(),
    blockHash: t.hex().notNull(),
    transactionHash: t.hex().notNull(),
    logIndex: t.integer().notNull(),
    contract: t.hex().notNull(),
    timestamp: t.bigint().notNull(),
    token: t.hex(),
    data: t.json().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.id] }),
    chainBlock: index().on(table.chainId, table.blockNumber),
  }),
);

// ─── Escrow and invoices ─────────────────────────────────────────────────────────────────────────────────

/**
 * A payment. `capturable`, `refundable` and `status` mirror the contract's `getPaymentState`; `state` says in a
 * word what it holds now, funds still capturable first: `authorized` (nothing captured yet), `partially_captured`
 * (some captured, the rest still capturable, whatever was refunded meanwhile), then for what is no longer held
 * `captured`, `partially_refunded`, `refunded`, `voided` or `reclaimed` (nothing captured), `disputed`, `resolved`.
 * Payments awaiting capture are those with `capturable_gt: "0"`.
 */
export const payment = onchainTable(
  "payment",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.hex().notNull(),
    operator: t.hex().notNull(),
    payer: t.hex().notNull(),
    payee: t.hex().notNull(),
    token: t.hex().notNull(),
    maxAmount: t.bigint().notNull(),
    preApprovalExpiry: t.bigint().notNull(),
    authorizationExpiry: t.bigint().notNull(),
    refundExpiry: t.bigint().notNull(),
    minFeeBps: t.integer().notNull(),
    maxFeeBps: t.integer().notNull(),
    feeReceiver: t.hex().notNull(),
    arbiter: t.hex().notNull(),
    referenceId: t.hex().notNull(),
    salt: t.bigint().notNull(),
    /** `authorized` (held) or `charged` (captured at once). */
    mode: t.text().notNull(),
    /** authorized, partially_captured, captured, voided, reclaimed, refunded, partially_refunded, disputed, resolved. */
    state: t.text().$type<PaymentState>().notNull(),
    /** The contract's status (`getPaymentState`), lower snake_case: authorized, disputed or resolved. */
    status: t.text().$type<PaymentStatus>().notNull(),
    authorized: t.bigint().notNull(),
    capturable: t.bigint().notNull(),
    refundable: t.bigint().notNull(),
    captured: t.bigint().notNull(),
    fees: t.bigint().notNull(),
    refunded: t.bigint().notNull(),
    returned: t.bigint().notNull(),
    createdAt: t.bigint().notNull(),
    createdBlock: t.bigint().notNull(),
    updatedAt: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.id] }),
    payeeByState: index().on(table.chainId, table.payee, table.state),
    payer: index().on(table.chainId, table.payer),
  }),
);

/** Each step of a payment, in order. */
export const paymentStep = onchainTable(
  "payment_step",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.text().notNull(),
    paymentId: t.hex().notNull(),
    /** authorized, charged, captured, voided, reclaimed, refunded, disputed, resolved. */
    kind: t.text().notNull(),
    amount: t.bigint().notNull(),
    fee: t.bigint().notNull(),
    /** Resolution: returned to the payer (`amount` is what the payee got). */
    payerAmount: t.bigint(),
    /** Refunds: who funded it. */
    actor: t.hex(),
    transactionHash: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.id] }),
    byPayment: index().on(table.chainId, table.paymentId),
  }),
);

/** A paid invoice. */
export const invoice = onchainTable(
  "invoice",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.hex().notNull(),
    payee: t.hex().notNull(),
    payer: t.hex().notNull(),
    token: t.hex().notNull(),
    amount: t.bigint().notNull(),
    referenceId: t.hex().notNull(),
    transactionHash: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.id] }),
    byPayee: index().on(table.chainId, table.payee, table.timestamp),
  }),
);

// ─── Subscriptions ───────────────────────────────────────────────────────────────────────────────────────

export const plan = onchainTable(
  "plan",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.bigint().notNull(),
    merchant: t.hex().notNull(),
    payee: t.hex().notNull(),
    token: t.hex().notNull(),
    amount: t.bigint().notNull(),
    period: t.integer().notNull(),
    trial: t.integer().notNull(),
    grace: t.integer().notNull(),
    feeBps: t.integer().notNull(),
    feeReceiver: t.hex().notNull(),
    retired: t.boolean().notNull(),
    createdAt: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.id] }) }),
);

/** A subscription; `status`, `anchor`, `nextPeriod`, `pastDueSince` mirror the contract's `getSubscription`. */
export const subscription = onchainTable(
  "subscription",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.bigint().notNull(),
    planId: t.bigint().notNull(),
    subscriber: t.hex().notNull(),
    merchant: t.hex().notNull(),
    /** The contract's status, lower snake_case: active, past_due, paused, canceled, lapsed. */
    status: t.text().$type<SubscriptionStatus>().notNull(),
    /** The status a resume returns to: one of `status`'s values, or `none` until the first pause. */
    statusBeforePause: t.text().$type<SubscriptionStatusBeforePause>().notNull(),
    anchor: t.bigint().notNull(),
    nextPeriod: t.bigint().notNull(),
    pastDueSince: t.bigint().notNull(),
    /** Start of the next chargeable period (`anchor + nextPeriod * period`); null when it can never be charged. */
    nextChargeAt: t.bigint(),
    /** Successful charges (the `charges` relation lists them one by one, failed ones included). */
    successfulCharges: t.integer().notNull(),
    failedCharges: t.integer().notNull(),
    totalCharged: t.bigint().notNull(),
    createdAt: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.id] }),
    due: index().on(table.chainId, table.status, table.nextChargeAt),
    bySubscriber: index().on(table.chainId, table.subscriber),
  }),
);

/** Each charge of a subscription, successful or failed. */
export const subscriptionCharge = onchainTable(
  "subscription_charge",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.text().notNull(),
    subscriptionId: t.bigint().notNull(),
    planId: t.bigint().notNull(),
    subscriber: t.hex().notNull(),
    merchant: t.hex().notNull(),
    /** Who received the charge: the plan's payee (the merchant, or e.g. a split it pays into). */
    payee: t.hex().notNull(),
    token: t.hex().notNull(),
    amount: t.bigint().notNull(),
    fee: t.bigint().notNull(),
    periodIndex: t.integer().notNull(),
    success: t.boolean().notNull(),
    /** Failed charges: allowance_too_low, balance_too_low, transfer_failed, wrong_amount_delivered. */
    failureReason: t.text().$type<FailureReason>(),
    revertData: t.hex(),
    transactionHash: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.id] }),
    bySubscription: index().on(table.chainId, table.subscriptionId),
    byMerchant: index().on(table.chainId, table.merchant, table.timestamp),
    byPayee: index().on(table.chainId, table.payee, table.timestamp),
  }),
);

// ─── Splits ──────────────────────────────────────────────────────────────────────────────────────────────

export const split = onchainTable(
  "split",
  (t) => ({
    chainId: t.integer().notNull(),
    address: t.hex().notNull(),
    controller: t.hex().notNull(),
    pendingController: t.hex().notNull(),
    configHash: t.hex().notNull(),
    distributionIncentive: t.integer().notNull(),
    pullOnly: t.boolean().notNull(),
    /**
     * The recipients and their allocations (millionths), as `[address, allocation]` pairs in the configuration's
     * order: what a distribution divides by, read with one lookup (the `split_recipient` rows are for queries).
     */
    recipients: t.json().$type<[`0x${string}`, number][]>().notNull(),
    /** The split's last distribution: a `PayoutCredited` after it in the same transaction is one of its shares. */
    lastDistributionId: t.text(),
    createdAt: t.bigint().notNull(),
    createdBlock: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.address] }) }),
);

/** The current recipients of a split, allocations in millionths. */
export const splitRecipient = onchainTable(
  "split_recipient",
  (t) => ({
    chainId: t.integer().notNull(),
    split: t.hex().notNull(),
    recipient: t.hex().notNull(),
    allocation: t.integer().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.split, table.recipient] }),
    byRecipient: index().on(table.chainId, table.recipient),
  }),
);

export const distribution = onchainTable(
  "distribution",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.text().notNull(),
    split: t.hex().notNull(),
    token: t.hex().notNull(),
    distributor: t.hex().notNull(),
    amount: t.bigint().notNull(),
    incentive: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.id] }),
    bySplit: index().on(table.chainId, table.split),
  }),
);

/** Each recipient's share of a distribution: pushed, or credited to withdraw later. */
export const distributionShare = onchainTable(
  "distribution_share",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.text().notNull(),
    distributionId: t.text().notNull(),
    split: t.hex().notNull(),
    recipient: t.hex().notNull(),
    token: t.hex().notNull(),
    amount: t.bigint().notNull(),
    credited: t.boolean().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.id] }),
    byDistribution: index().on(table.chainId, table.distributionId),
  }),
);

// ─── Treasury ────────────────────────────────────────────────────────────────────────────────────────────

export const budget = onchainTable(
  "budget",
  (t) => ({
    chainId: t.integer().notNull(),
    safe: t.hex().notNull(),
    operator: t.hex().notNull(),
    token: t.hex().notNull(),
    amount: t.bigint().notNull(),
    period: t.integer().notNull(),
    /** Spent in the period of the last spend (`spentPeriodIndex`). */
    spentInPeriod: t.bigint().notNull(),
    spentPeriodIndex: t.bigint(),
    /**
     * What may still be spent until `periodEndsAt` (unix seconds), as `getBudget` reports it; from then on, a new
     * period has begun and the whole `amount` may be spent. Null `periodEndsAt`: nothing spent in any period yet.
     */
    remainingInPeriod: t.bigint().notNull(),
    periodEndsAt: t.bigint(),
    totalSpent: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.safe, table.operator, table.token] }) }),
);

/** The most an operator may queue of a token per period (`setQueueLimit`), and what it queued in all. */
export const queueLimit = onchainTable(
  "queue_limit",
  (t) => ({
    chainId: t.integer().notNull(),
    safe: t.hex().notNull(),
    operator: t.hex().notNull(),
    token: t.hex().notNull(),
    amount: t.bigint().notNull(),
    period: t.integer().notNull(),
    /** Everything the operator queued of the token, canceled transfers included (they stay counted). */
    totalQueued: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.safe, table.operator, table.token] }) }),
);

export const budgetSpend = onchainTable(
  "budget_spend",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.text().notNull(),
    safe: t.hex().notNull(),
    operator: t.hex().notNull(),
    token: t.hex().notNull(),
    to: t.hex().notNull(),
    amount: t.bigint().notNull(),
    spentInPeriod: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.id] }) }),
);

export const queuedTransfer = onchainTable(
  "queued_transfer",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.hex().notNull(),
    safe: t.hex().notNull(),
    token: t.hex().notNull(),
    to: t.hex().notNull(),
    amount: t.bigint().notNull(),
    operator: t.hex().notNull(),
    eta: t.bigint().notNull(),
    nonce: t.bigint().notNull(),
    /** As `getQueuedStatus`, lower snake_case: queued, executed, canceled. */
    status: t.text().$type<QueuedTransferStatus>().notNull(),
    executor: t.hex(),
    /** When it was queued (the struct's `queuedAt`); it executes from max(eta, queuedAt + the Safe's delay). */
    queuedAt: t.bigint().notNull(),
    closedAt: t.bigint(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.id] }) }),
);

export const sweep = onchainTable(
  "sweep",
  (t) => ({
    chainId: t.integer().notNull(),
    id: t.text().notNull(),
    safe: t.hex().notNull(),
    token: t.hex().notNull(),
    cold: t.hex().notNull(),
    amount: t.bigint().notNull(),
    transactionHash: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.id] }) }),
);

/** A Safe's settings in the treasury module, its sweep rules and operators, as last set. */
export const treasuryPolicy = onchainTable(
  "treasury_policy",
  (t) => ({
    chainId: t.integer().notNull(),
    /**
     * `settings` ({paused, delay}: `PausedSet` and `QueueDelaySet`), `operator:<address>`,
     * `operatorPaused:<address>`, `recipient:<operator>:<recipient>`, `sweep:<token>`.
     */
    key: t.text().notNull(),
    safe: t.hex().notNull(),
    value: t.json().notNull(),
    updatedBlock: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.safe, table.key] }) }),
);

/** A multisig transaction executed by the treasury Safe (SafeL2's events). */
export const safeExecution = onchainTable(
  "safe_execution",
  (t) => ({
    chainId: t.integer().notNull(),
    safe: t.hex().notNull(),
    nonce: t.bigint().notNull(),
    safeTxHash: t.hex(),
    to: t.hex().notNull(),
    value: t.bigint().notNull(),
    data: t.hex().notNull(),
    callOperation: t.integer().notNull(),
    sender: t.hex().notNull(),
    threshold: t.bigint().notNull(),
    signatures: t.hex().notNull(),
    /** null until ExecutionSuccess or ExecutionFailure. */
    success: t.boolean(),
    payment: t.bigint(),
    transactionHash: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.safe, table.nonce] }) }),
);

/** Last nonce seen per Safe: pairs ExecutionSuccess/Failure with the SafeMultiSigTransaction before it. */
export const safeState = onchainTable(
  "safe_state",
  (t) => ({
    chainId: t.integer().notNull(),
    safe: t.hex().notNull(),
    lastNonce: t.bigint().notNull(),
    executions: t.integer().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.chainId, table.safe] }) }),
);

// ─── Payment channels ────────────────────────────────────────────────────────────────────────────────────

/**
 * A payment channel (`CofferChannels`): one deposit (and top-ups) from the payer, redeemed by the payee with the
 * payer's vouchers; what no voucher claimed goes back to the payer when it closes. Open channels hold
 * `deposit - redeemed` in the contract. Its deposits are not in `escrowBalance` (the escrow's funds only).
 */
export const channel = onchainTable(
  "channel",
  (t) => ({
    chainId: t.integer().notNull(),
    /** The channel id (`channelIdOf(payer, payee, token, salt)`). */
    id: t.hex().notNull(),
    payer: t.hex().notNull(),
    payee: t.hex().notNull(),
    /** The zero address for ETH. */
    token: t.hex().notNull(),
    /** The key whose signature makes a voucher. */
    signer: t.hex().notNull(),
    salt: t.hex().notNull(),
    /** Everything deposited: the opening deposit and top-ups. */
    deposit: t.bigint().notNull(),
    /** The highest voucher redeemed (cumulative): everything the payee was paid or credited. */
    redeemed: t.bigint().notNull(),
    /** What went back to the payer at the close (paid or credited); 0 while open. */
    refunded: t.bigint().notNull(),
    /** Seconds an exit waits for the payee's last redemption. */
    challengePeriod: t.integer().notNull(),
    /** open, exiting (the payer started an exit), closed. */
    status: t.text().$type<ChannelStatus>().notNull(),
    /** When the payer's exit ends (unix seconds); null while no exit was started. */
    exitAt: t.bigint(),
    redemptions: t.integer().notNull(),
    openedAt: t.bigint().notNull(),
    openedBlock: t.bigint().notNull(),
    closedAt: t.bigint(),
    /** Who closed it: the payer (a finished exit), the payee or a redeemer of the payee. */
    closedBy: t.hex(),
    updatedAt: t.bigint().notNull(),
    updatedBlock: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.id] }),
    byPayer: index().on(table.chainId, table.payer),
    byPayeeStatus: index().on(table.chainId, table.payee, table.status),
  }),
);

/** Each step of a channel, in order: opened, topped_up, redeemed, redemption_skipped, exit_started, closed. */
export const channelStep = onchainTable(
  "channel_step",
  (t) => ({
    chainId: t.integer().notNull(),
    /** Block and log: sorts in chain order. */
    id: t.text().notNull(),
    channelId: t.hex().notNull(),
    kind: t.text().notNull(),
    /** Deposited (opened, topped_up), paid to the payee (redeemed), returned to the payer (closed); else 0. */
    amount: t.bigint().notNull(),
    /** The channel's deposit after a deposit, or its `redeemed` after a redemption or at the close. */
    cumulative: t.bigint(),
    /** The payout could not be pushed and was credited to its receiver (`credit`, source kind `channels`). */
    credited: t.boolean().notNull(),
    /** Skipped redemptions: the selector of the error `redeem` would have raised, and its name in snake_case. */
    reason: t.hex(),
    reasonName: t.text(),
    /** Exit started: when it ends. */
    exitAt: t.bigint(),
    /** Closed: who closed it. */
    actor: t.hex(),
    transactionHash: t.hex().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.chainId, table.id] }),
    byChannel: index().on(table.chainId, table.channelId),
  }),
);

// ─── Relations (GraphQL fields) ──────────────────────────────────────────────────────────────────────────

export const accountRelations = relations(account, ({ many }) => ({
  balances: many(tokenBalance),
  escrowed: many(escrowBalance),
  credits: many(credit),
  activity: many(activity),
  paymentsAsPayer: many(payment, { relationName: "payer" }),
  paymentsAsPayee: many(payment, { relationName: "payee" }),
  subscriptions: many(subscription),
  channelsAsPayer: many(channel, { relationName: "channelPayer" }),
  channelsAsPayee: many(channel, { relationName: "channelPayee" }),
}));

export const tokenBalanceRelations = relations(tokenBalance, ({ one }) => ({
  owner: one(account, {
    fields: [tokenBalance.chainId, tokenBalance.account],
    references: [account.chainId, account.address],
  }),
}));

export const escrowBalanceRelations = relations(escrowBalance, ({ one }) => ({
  owner: one(account, {
    fields: [escrowBalance.chainId, escrowBalance.account],
    references: [account.chainId, account.address],
  }),
}));

export const creditRelations = relations(credit, ({ one }) => ({
  owner: one(account, { fields: [credit.chainId, credit.account], references: [account.chainId, account.address] }),
}));

export const activityRelations = relations(activity, ({ one }) => ({
  owner: one(account, { fields: [activity.chainId, activity.account], references: [account.chainId, account.address] }),
}));

export const paymentRelations = relations(payment, ({ one, many }) => ({
  payerAccount: one(account, {
    fields: [payment.chainId, payment.payer],
    references: [account.chainId, account.address],
    relationName: "payer",
  }),
  payeeAccount: one(account, {
    fields: [payment.chainId, payment.payee],
    references: [account.chainId, account.address],
    relationName: "payee",
  }),
  steps: many(paymentStep),
}));

export const paymentStepRelations = relations(paymentStep, ({ one }) => ({
  payment: one(payment, {
    fields: [paymentStep.chainId, paymentStep.paymentId],
    references: [payment.chainId, payment.id],
  }),
}));

export const planRelations = relations(plan, ({ many }) => ({
  subscriptions: many(subscription),
}));

export const subscriptionRelations = relations(subscription, ({ one, many }) => ({
  plan: one(plan, { fields: [subscription.chainId, subscription.planId], references: [plan.chainId, plan.id] }),
  subscriberAccount: one(account, {
    fields: [subscription.chainId, subscription.subscriber],
    references: [account.chainId, account.address],
  }),
  charges: many(subscriptionCharge),
}));

export const subscriptionChargeRelations = relations(subscriptionCharge, ({ one }) => ({
  subscription: one(subscription, {
    fields: [subscriptionCharge.chainId, subscriptionCharge.subscriptionId],
    references: [subscription.chainId, subscription.id],
  }),
}));

export const splitRelations = relations(split, ({ many }) => ({
  recipients: many(splitRecipient),
  distributions: many(distribution),
}));

export const splitRecipientRelations = relations(splitRecipient, ({ one }) => ({
  splitContract: one(split, {
    fields: [splitRecipient.chainId, splitRecipient.split],
    references: [split.chainId, split.address],
  }),
}));

export const distributionRelations = relations(distribution, ({ one, many }) => ({
  splitContract: one(split, {
    fields: [distribution.chainId, distribution.split],
    references: [split.chainId, split.address],
  }),
  shares: many(distributionShare),
}));

export const distributionShareRelations = relations(distributionShare, ({ one }) => ({
  distribution: one(distribution, {
    fields: [distributionShare.chainId, distributionShare.distributionId],
    references: [distribution.chainId, distribution.id],
  }),
}));

export const channelRelations = relations(channel, ({ one, many }) => ({
  payerAccount: one(account, {
    fields: [channel.chainId, channel.payer],
    references: [account.chainId, account.address],
    relationName: "channelPayer",
  }),
  payeeAccount: one(account, {
    fields: [channel.chainId, channel.payee],
    references: [account.chainId, account.address],
    relationName: "channelPayee",
  }),
  steps: many(channelStep),
}));

export const channelStepRelations = relations(channelStep, ({ one }) => ({
  channel: one(channel, {
    fields: [channelStep.chainId, channelStep.channelId],
    references: [channel.chainId, channel.id],
  }),
}));
