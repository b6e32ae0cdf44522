// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title ICofferTreasuryModule
 * @notice Types, events and errors of Coffer's treasury module.
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
}
