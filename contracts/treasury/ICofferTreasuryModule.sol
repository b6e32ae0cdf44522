// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title ICofferTreasuryModule
 * @notice Coffer's treasury module for Safes: its types, events, errors and every external function.
 * @dev Amounts are in token units (wei for ETH), times in unix seconds, delays and periods in seconds. Token
 * address(0) stands for native ETH. Every policy is keyed by the Safe that set it: the policy functions act on the
 * caller's own policy (`msg.sender` is the Safe, through its multisig approval), so any account may call them but
 * changes only its own. The module moves funds only from a Safe that enabled it. Safe by default: a Safe that set
 * nothing lets nobody spend, and nobody queue (no queue limit, no delay).
 */
interface ICofferTreasuryModule {
    /**
     * @notice What an operator may spend (a budget) or queue (a queue limit) of one token from one Safe.
     * @dev One slot. Periods lie on a fixed grid from the unix epoch: period `k` covers
     * `[k * period, (k + 1) * period)`; `spent` counts the period `periodIndex` only.
     */
    struct Budget {
        /// @notice Most that may be spent (or queued) per period, in token units (0: nothing).
        uint96 amount;
        /// @notice Spent in period `periodIndex`, in token units.
        uint96 spent;
        /// @notice Period length in seconds.
        uint32 period;
        /// @notice Period that `spent` belongs to.
        uint32 periodIndex;
    }

    /// @notice An operator's standing with a Safe.
    struct Operator {
        /// @notice May spend budgets and queue transfers.
        bool enabled;
        /// @notice Temporarily stopped by the Safe.
        bool paused;
        /// @notice May pay only allowed recipients.
        bool restricted;
    }

    /// @notice A Safe's module-wide settings.
    struct SafeSettings {
        /// @notice Everything stopped: budget transfers, queued executions and sweeps.
        bool paused;
        /// @notice Seconds between queueing a transfer and its earliest execution (0: never set, nothing can be
        /// queued; once set, between MIN_QUEUE_DELAY and MAX_QUEUE_DELAY).
        uint32 delay;
    }

    /**
     * @notice A queued transfer. Only its hash is stored; executing or cancelling it takes the whole struct as
     * calldata, as emitted by {TransferQueued}.
     */
    struct QueuedTransfer {
        /// @notice The Safe that pays.
        address safe;
        /// @notice The token, address(0) for ETH.
        address token;
        /// @notice The recipient.
        address to;
        /// @notice Amount, in token units.
        uint96 amount;
        /// @notice The operator who queued it.
        address operator;
        /// @notice When it was queued, unix seconds.
        uint48 queuedAt;
        /// @notice Earliest execution time when queued (`queuedAt` + the delay then), unix seconds. A delay raised
        /// since pushes it back to `queuedAt` + the current delay; a delay lowered never brings it forward.
        uint48 eta;
        /// @notice Makes identical transfers distinct (a module-wide counter).
        uint256 nonce;
    }

    /// @notice Where a queued transfer stands.
    enum QueuedStatus {
        None,
        Queued,
        Executed,
        Cancelled
    }

    /// @notice Excess of a token above `cap` may be swept from the Safe to `cold`.
    struct SweepRule {
        address cold;
        uint96 cap;
    }

    /**
     * @notice The Safe enabled or disabled an operator, or changed whether it may pay only allowed recipients.
     * @param safe The Safe.
     * @param operator The operator.
     * @param enabled Whether it may act.
     * @param restricted Whether it may pay only allowed recipients.
     */
    event OperatorSet(address indexed safe, address indexed operator, bool enabled, bool restricted);

    /**
     * @notice The Safe paused or unpaused an operator.
     * @param safe The Safe.
     * @param operator The operator.
     * @param paused Whether it is paused.
     */
    event OperatorPaused(address indexed safe, address indexed operator, bool paused);

    /**
     * @notice The Safe allowed or disallowed a recipient for a restricted operator.
     * @param safe The Safe.
     * @param operator The operator.
     * @param recipient The recipient.
     * @param allowed Whether it may be paid.
     */
    event RecipientSet(address indexed safe, address indexed operator, address indexed recipient, bool allowed);

    /**
     * @notice The Safe set an operator's budget for a token (amount 0 removes it).
     * @param safe The Safe.
     * @param operator The operator.
     * @param token The token, address(0) for ETH.
     * @param amount Most per period, in token units.
     * @param period Period length, seconds.
     */
    event BudgetSet(
        address indexed safe,
        address indexed operator,
        address indexed token,
        uint96 amount,
        uint32 period
    );

    /**
     * @notice An operator spent from its budget.
     * @param safe The Safe paying.
     * @param operator The operator.
     * @param token The token, address(0) for ETH.
     * @param to The recipient.
     * @param amount Amount, in token units.
     * @param spentInPeriod Spent in the current period after this transfer.
     */
    event BudgetSpent(
        address indexed safe,
        address indexed operator,
        address indexed token,
        address to,
        uint256 amount,
        uint256 spentInPeriod
    );

    /**
     * @notice The Safe set an operator's queue limit for a token: the most it may queue per period.
     * @param safe The Safe.
     * @param operator The operator.
     * @param token The token, address(0) for ETH.
     * @param amount Most that may be queued per period, in token units (0: nothing).
     * @param period Period length, seconds.
     */
    event QueueLimitSet(
        address indexed safe,
        address indexed operator,
        address indexed token,
        uint96 amount,
        uint32 period
    );

    /**
     * @notice The Safe paused or unpaused the whole module for itself.
     * @param safe The Safe.
     * @param paused Whether budget transfers, queueing, queued executions and sweeps are stopped.
     */
    event PausedSet(address indexed safe, bool paused);

    /**
     * @notice The Safe set its queue delay.
     * @param safe The Safe.
     * @param delay Seconds between queueing a transfer and its earliest execution, within
     * [MIN_QUEUE_DELAY, MAX_QUEUE_DELAY].
     */
    event QueueDelaySet(address indexed safe, uint32 delay);

    /**
     * @notice An operator queued a transfer.
     * @param transferId Hash of the transfer.
     * @param safe The Safe that will pay.
     * @param operator The operator.
     * @param transfer The whole transfer, needed to execute or cancel it.
     */
    event TransferQueued(
        bytes32 indexed transferId,
        address indexed safe,
        address indexed operator,
        QueuedTransfer transfer
    );

    /**
     * @notice The Safe cancelled a queued transfer.
     * @param transferId Hash of the transfer.
     * @param safe The Safe.
     */
    event TransferCancelled(bytes32 indexed transferId, address indexed safe);

    /**
     * @notice A queued transfer was executed.
     * @param transferId Hash of the transfer.
     * @param safe The Safe that paid.
     * @param executor Who executed it.
     */
    event TransferExecuted(bytes32 indexed transferId, address indexed safe, address executor);

    /**
     * @notice The Safe set where a token's excess above a cap is swept (a zero cold address removes the rule).
     * @param safe The Safe.
     * @param token The token, address(0) for ETH.
     * @param cold Where excess goes.
     * @param cap What stays in the Safe, in token units.
     */
    event SweepRuleSet(address indexed safe, address indexed token, address cold, uint96 cap);

    /**
     * @notice Excess was swept from the Safe to its cold address.
     * @param safe The Safe.
     * @param token The token, address(0) for ETH.
     * @param cold Where it went.
     * @param amount Amount swept.
     */
    event Swept(address indexed safe, address indexed token, address cold, uint256 amount);

    /// @notice The caller is not an enabled operator of the Safe.
    error CofferTreasuryNotOperator(address safe, address caller);
    /// @notice The operator is paused.
    error CofferTreasuryOperatorPaused(address safe, address operator);
    /// @notice The module is paused for this Safe.
    error CofferTreasuryPaused(address safe);
    /// @notice The transfer exceeds what is left of the budget this period.
    error CofferTreasuryBudgetExceeded(
        address safe,
        address operator,
        address token,
        uint256 amount,
        uint256 remaining
    );
    /// @notice The recipient is not allowed for this restricted operator.
    error CofferTreasuryRecipientNotAllowed(address safe, address operator, address recipient);
    /// @notice A budget's period is zero, or an amount is zero.
    error CofferTreasuryInvalidValue(uint256 value);
    /// @notice The Safe refused the call, or the token transfer failed.
    error CofferTreasuryTransferFailed(address safe, address token, address to, uint256 amount, bytes returnData);
    /// @notice The transfer is not waiting in the queue (never queued, executed or cancelled).
    error CofferTreasuryNotQueued(bytes32 transferId, QueuedStatus status);
    /// @notice The queued transfer's delay has not passed (`earliest`: max(eta, queuedAt + the current delay)).
    error CofferTreasuryTooEarly(bytes32 transferId, uint256 earliest, uint256 timestamp);
    /// @notice The queued transfer was not executed within its execution window (`deadline`: earliest +
    /// EXECUTION_WINDOW).
    error CofferTreasuryExpired(bytes32 transferId, uint256 deadline, uint256 timestamp);
    /// @notice Only the Safe that pays a queued transfer may cancel it.
    error CofferTreasuryNotTheSafe(bytes32 transferId, address caller);
    /// @notice Nothing exceeds the cap, or no rule is set.
    error CofferTreasuryNothingToSweep(address safe, address token);
    /// @notice The transfer exceeds what is left of the operator's queue limit this period.
    error CofferTreasuryQueueLimitExceeded(
        address safe,
        address operator,
        address token,
        uint256 amount,
        uint256 remaining
    );
    /// @notice The Safe has set no queue delay, so nothing can be queued or executed from the queue.
    error CofferTreasuryNoDelay(address safe);
    /// @notice A queue delay outside [min, max] seconds.
    error CofferTreasuryInvalidDelay(uint256 delay, uint256 min, uint256 max);
    /// @notice The zero address was given where an account is needed.
    error CofferTreasuryZeroAddress();

    // ─── Constants ───────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice Token address that stands for native ETH.
     * @return address(0).
     */
    function NATIVE_TOKEN() external view returns (address);

    /**
     * @notice How long after its earliest execution time a queued transfer can still be executed, in seconds.
     * @return 1,209,600 (14 days).
     */
    function EXECUTION_WINDOW() external view returns (uint256);

    /**
     * @notice Shortest queue delay a Safe may set, in seconds: long enough for owners to see a queued transfer
     * (the indexer, an alert) and gather the signatures to cancel it; never one block.
     * @return 3,600 (one hour).
     */
    function MIN_QUEUE_DELAY() external view returns (uint32);

    /**
     * @notice Longest queue delay a Safe may set, in seconds: a queued transfer stays executable for
     * {EXECUTION_WINDOW} after its earliest time, and a longer wait only strands the operator's payments.
     * @return 2,592,000 (30 days).
     */
    function MAX_QUEUE_DELAY() external view returns (uint32);

    // ─── Policy (called by the Safe itself) ──────────────────────────────────────────────────────────────

    /**
     * @notice Enables or disables an operator of the calling Safe, and restricts it to allowed recipients or not.
     * @dev Requirements:
     * - `operator` is not address(0) ({CofferTreasuryZeroAddress}).
     *
     * Emits an {OperatorSet} event.
     * @param operator The operator (a hot wallet).
     * @param enabled Whether it may act.
     * @param restricted Whether it may pay only recipients allowed with {setRecipient}.
     */
    function setOperator(address operator, bool enabled, bool restricted) external;

    /**
     * @notice Pauses or unpauses one operator of the calling Safe. A paused operator can neither spend nor queue,
     * and its queued transfers cannot be executed until it is unpaused.
     * @dev Emits an {OperatorPaused} event.
     * @param operator The operator.
     * @param paused Whether it is paused.
     */
    function setOperatorPaused(address operator, bool paused) external;

    /**
     * @notice Allows or disallows a recipient for a restricted operator of the calling Safe (unrestricted operators
     * may pay anyone).
     * @dev Emits a {RecipientSet} event.
     * @param operator The operator.
     * @param recipient The recipient.
     * @param allowed Whether it may be paid.
     */
    function setRecipient(address operator, address recipient, bool allowed) external;

    /**
     * @notice Sets an operator's budget of a token for the calling Safe. What was spent in the current period
     * still counts, also when the period length changes: it carries into the current period of the new length
     * (what was spent in a period already over counts nothing), so changing the period never grants spending.
     * @dev Periods lie on a fixed grid from the unix epoch (see {Budget}).
     *
     * Requirements:
     * - `period` is not zero ({CofferTreasuryInvalidValue}).
     *
     * Emits a {BudgetSet} event.
     * @param operator The operator.
     * @param token The token, address(0) for ETH.
     * @param amount Most per period, in token units (0 removes the budget).
     * @param period Period length in seconds (at least 1).
     */
    function setBudget(address operator, address token, uint96 amount, uint32 period) external;

    /**
     * @notice Sets the most an operator may queue of a token per period for the calling Safe, apart from its
     * budget. Queueing counts against it at once; cancelling a queued transfer does not give the allowance back.
     * What was queued in the current period carries over when the period length changes, as for budgets.
     * @dev Requirements:
     * - `period` is not zero ({CofferTreasuryInvalidValue}).
     *
     * Emits a {QueueLimitSet} event.
     * @param operator The operator.
     * @param token The token, address(0) for ETH.
     * @param amount Most that may be queued per period, in token units (0: nothing; the default).
     * @param period Period length in seconds (at least 1).
     */
    function setQueueLimit(address operator, address token, uint96 amount, uint32 period) external;

    /**
     * @notice Pauses or unpauses everything for the calling Safe; the queue delay is left as it is.
     * @dev Emits a {PausedSet} event.
     * @param paused Whether budget transfers, queueing, queued executions and sweeps are stopped.
     */
    function setPaused(bool paused) external;

    /**
     * @notice Sets the calling Safe's queue delay. Until a Safe sets one, nothing can be queued. Raising it also
     * delays transfers already queued (to their queuing time + the new delay); lowering it speeds none up.
     * @dev Requirements:
     * - `delay` lies within [{MIN_QUEUE_DELAY}, {MAX_QUEUE_DELAY}] ({CofferTreasuryInvalidDelay}).
     *
     * Emits a {QueueDelaySet} event.
     * @param delay Seconds between queueing a transfer and its earliest execution, within
     * [MIN_QUEUE_DELAY, MAX_QUEUE_DELAY].
     */
    function setQueueDelay(uint32 delay) external;

    /**
     * @notice Sets where the calling Safe's excess of a token above `cap` may be swept by anyone.
     * @dev Emits a {SweepRuleSet} event.
     * @param token The token, address(0) for ETH.
     * @param cold Where excess goes (address(0) removes the rule).
     * @param cap What stays in the Safe, in token units.
     */
    function setSweepRule(address token, address cold, uint96 cap) external;

    /**
     * @notice Cancels a transfer queued on the calling Safe. Its amount stays counted against the operator's queue
     * limit.
     * @dev Requirements:
     * - The transfer is queued, not executed nor cancelled ({CofferTreasuryNotQueued}).
     * - The caller is `queued.safe` ({CofferTreasuryNotTheSafe}).
     *
     * Emits a {TransferCancelled} event.
     * @param queued The transfer, as emitted when it was queued.
     */
    function cancelQueued(QueuedTransfer calldata queued) external;

    // ─── Operators ───────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice Pays `amount` of a token from the Safe within the caller's budget for this period.
     * @dev A token the Safe has approved to this module (at least `amount`) moves by `transferFrom`; otherwise the
     * Safe pays through `execTransactionFromModuleReturnData`, which reverts unless it enabled this module.
     *
     * Requirements:
     * - `to` is not address(0) ({CofferTreasuryZeroAddress}).
     * - The caller is an enabled operator of `safe` ({CofferTreasuryNotOperator}), not paused
     *   ({CofferTreasuryOperatorPaused}).
     * - `safe` is not paused ({CofferTreasuryPaused}).
     * - A restricted operator pays only an allowed recipient ({CofferTreasuryRecipientNotAllowed}).
     * - `amount` is not zero ({CofferTreasuryInvalidValue}).
     * - `amount` fits in what is left of the caller's budget of `token` in the current period
     *   ({CofferTreasuryBudgetExceeded}; nothing is left without a budget).
     * - The Safe pays: it enabled this module, and the transfer neither reverts nor returns false
     *   ({CofferTreasuryTransferFailed}, or SafeERC20's `SafeERC20FailedOperation` on the allowance path).
     *
     * Emits a {BudgetSpent} event.
     * @param safe The Safe paying (it must have enabled this module).
     * @param token The token, address(0) for ETH.
     * @param to The recipient.
     * @param amount Amount, in token units.
     */
    function transfer(address safe, address token, address to, uint256 amount) external;

    /**
     * @notice Queues a transfer (typically beyond the budget) that anyone can execute after the Safe's delay, unless
     * the Safe cancels it first. The amount counts against the caller's queue limit for the token at once (a
     * cancelled transfer's amount stays counted); queueing is refused while the Safe has set no delay.
     * @dev Nothing moves until {executeQueued}; the budget is not touched.
     *
     * Requirements:
     * - `to` is not address(0) ({CofferTreasuryZeroAddress}).
     * - The caller is an enabled operator of `safe` ({CofferTreasuryNotOperator}), not paused
     *   ({CofferTreasuryOperatorPaused}).
     * - `safe` is not paused ({CofferTreasuryPaused}).
     * - A restricted operator queues only for an allowed recipient ({CofferTreasuryRecipientNotAllowed}).
     * - `safe` has set a queue delay ({CofferTreasuryNoDelay}).
     * - `amount` is not zero ({CofferTreasuryInvalidValue}).
     * - `amount` fits in what is left of the caller's queue limit of `token` in the current period
     *   ({CofferTreasuryQueueLimitExceeded}; nothing is left without a limit).
     *
     * Emits a {TransferQueued} event with the whole transfer, which {executeQueued} and {cancelQueued} take back.
     * @param safe The Safe that will pay.
     * @param token The token, address(0) for ETH.
     * @param to The recipient.
     * @param amount Amount, in token units.
     * @return transferId Hash of the queued transfer (see {getTransferId}).
     */
    function queueTransfer(
        address safe,
        address token,
        address to,
        uint96 amount
    ) external returns (bytes32 transferId);

    // ─── Anyone ──────────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice Executes a queued transfer from max(eta, queuedAt + the Safe's current delay) for EXECUTION_WINDOW
     * seconds, when everything queueing checked still holds: the operator enabled and not paused, the Safe not
     * paused and with a delay set, the recipient still allowed for a restricted operator. Anyone may call.
     * @dev Requirements:
     * - The transfer is queued, not executed nor cancelled ({CofferTreasuryNotQueued}).
     * - `queued.to` is not address(0) ({CofferTreasuryZeroAddress}); `queued.operator` is still an enabled
     *   ({CofferTreasuryNotOperator}), unpaused ({CofferTreasuryOperatorPaused}) operator of an unpaused Safe
     *   ({CofferTreasuryPaused}), allowed to pay `queued.to` if restricted ({CofferTreasuryRecipientNotAllowed}).
     * - The Safe has a queue delay ({CofferTreasuryNoDelay}).
     * - `block.timestamp` is at or after the earliest time ({CofferTreasuryTooEarly}) and before it plus
     *   {EXECUTION_WINDOW} ({CofferTreasuryExpired}); see {getExecutionWindow}.
     * - The Safe pays, as for {transfer} ({CofferTreasuryTransferFailed}, `SafeERC20FailedOperation`).
     *
     * Emits a {TransferExecuted} event.
     * @param queued The transfer, as emitted when it was queued.
     */
    function executeQueued(QueuedTransfer calldata queued) external;

    /**
     * @notice Moves what exceeds the Safe's cap of a token to its cold address. Anyone may call.
     * @dev Requirements:
     * - `safe` is not paused ({CofferTreasuryPaused}).
     * - `safe` has a sweep rule for `token` and holds more than its cap ({CofferTreasuryNothingToSweep}).
     * - The Safe pays, as for {transfer} ({CofferTreasuryTransferFailed}, `SafeERC20FailedOperation`).
     *
     * Emits a {Swept} event.
     * @param safe The (hot) Safe.
     * @param token The token, address(0) for ETH.
     * @return amount Amount swept, in token units.
     */
    function sweep(address safe, address token) external returns (uint256 amount);

    // ─── Views ───────────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice An operator's budget of a token from a Safe, and what is left of it in the current period.
     * @param safe The Safe.
     * @param operator The operator.
     * @param token The token, address(0) for ETH.
     * @return budget The budget as stored.
     * @return remaining What may still be spent in the current period, in token units.
     */
    function getBudget(
        address safe,
        address operator,
        address token
    ) external view returns (Budget memory budget, uint256 remaining);

    /**
     * @notice An operator's queue limit of a token from a Safe, and what it may still queue in the current period.
     * @param safe The Safe.
     * @param operator The operator.
     * @param token The token, address(0) for ETH.
     * @return limit The limit as stored (`spent`: queued in period `periodIndex`).
     * @return remaining What may still be queued in the current period, in token units.
     */
    function getQueueLimit(
        address safe,
        address operator,
        address token
    ) external view returns (Budget memory limit, uint256 remaining);

    /**
     * @notice When a queued transfer can be executed under the Safe's current delay (whether it is still queued
     * or not): from max(eta, queuedAt + delay), until that time + EXECUTION_WINDOW.
     * @dev Requirements:
     * - The Safe has a queue delay ({CofferTreasuryNoDelay}).
     * @param queued The transfer, as emitted when it was queued.
     * @return earliest Earliest execution time, unix seconds.
     * @return deadline First time it can no longer be executed, unix seconds.
     */
    function getExecutionWindow(
        QueuedTransfer calldata queued
    ) external view returns (uint256 earliest, uint256 deadline);

    /**
     * @notice An operator's standing with a Safe.
     * @param safe The Safe.
     * @param operator The operator.
     * @return The standing.
     */
    function getOperator(address safe, address operator) external view returns (Operator memory);

    /**
     * @notice Whether a recipient is allowed for a restricted operator.
     * @param safe The Safe.
     * @param operator The operator.
     * @param recipient The recipient.
     * @return True when allowed.
     */
    function isRecipientAllowed(address safe, address operator, address recipient) external view returns (bool);

    /**
     * @notice A Safe's module-wide settings.
     * @param safe The Safe.
     * @return The settings.
     */
    function getSafeSettings(address safe) external view returns (SafeSettings memory);

    /**
     * @notice A Safe's sweep rule for a token.
     * @param safe The Safe.
     * @param token The token, address(0) for ETH.
     * @return The rule (a zero `cold` when none).
     */
    function getSweepRule(address safe, address token) external view returns (SweepRule memory);

    /**
     * @notice Where a queued transfer stands.
     * @param transferId Hash of the transfer.
     * @return The status (None when never queued).
     */
    function getQueuedStatus(bytes32 transferId) external view returns (QueuedStatus);

    /**
     * @notice The id of a queued transfer: the hash of its struct, `keccak256(abi.encode(queued))`.
     * @param queued The transfer.
     * @return The id.
     */
    function getTransferId(QueuedTransfer calldata queued) external pure returns (bytes32);
}
