// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title ICofferSubscriptions
 * @notice Types, events and errors of Coffer's subscription billing.
 */
interface ICofferSubscriptions {
    /// @notice What a merchant sells: an amount of a token every period.
    struct PlanParams {
        /// @notice Receives the charges (an address, a Coffer split or a Safe).
        address payee;
        /// @notice ERC-20 token, or address(0) for native ETH (charged from the subscriber's deposit).
        address token;
        /// @notice Charged once per period, fee included, in token units.
        uint96 amount;
        /// @notice Length of a period in seconds (at least one hour).
        uint32 period;
        /// @notice Free time before the first charge, in seconds (0: charged at once on subscribing).
        uint32 trial;
        /// @notice Seconds after a first failed charge during which a retry can still succeed; shorter than
        /// `period` (see {CofferSubscriptionsGraceNotShorterThanPeriod}).
        uint32 grace;
        /// @notice Part of each charge paid to `feeReceiver`, in basis points (at most 10,000).
        uint16 feeBps;
        /// @notice Receives the fee; may be zero only when `feeBps` is zero.
        address feeReceiver;
    }

    /**
     * @notice A plan as stored: its parameters, its merchant and whether it is retired.
     * @dev Packed in four slots; a charge reads the first two, the third for events and the fourth only with a fee.
     */
    struct Plan {
        address token;
        uint96 amount;
        address payee;
        uint32 period;
        uint32 grace;
        uint16 feeBps;
        bool retired;
        address merchant;
        uint32 trial;
        address feeReceiver;
    }

    /// @notice Where a subscription stands.
    enum SubscriptionStatus {
        /// @notice No such subscription.
        None,
        /// @notice In good standing: charged each period when due.
        Active,
        /// @notice A charge failed; a successful retry within the grace period makes it active again.
        PastDue,
        /// @notice Paused by the subscriber: not charged until resumed.
        Paused,
        /// @notice Cancelled by the subscriber or the merchant: never charged again.
        Cancelled,
        /// @notice The grace period passed after a failed charge: never charged again.
        Lapsed
    }

    /**
     * @notice A subscription as stored.
     * @dev Two slots. Period `k` starts at `anchor + k * period`; at most one charge per period index.
     */
    struct Subscription {
        address subscriber;
        uint64 planId;
        SubscriptionStatus status;
        /// @notice Start of period 0 (subscription time plus trial), unix seconds.
        uint48 anchor;
        /// @notice Lowest period index that may still be charged.
        uint32 nextPeriod;
        /// @notice Time of the first failed charge since the last success (grace runs from it), unix seconds;
        /// 0 in good standing.
        uint48 pastDueSince;
        /// @notice Status to return to on resume (Active or PastDue); meaningful while paused.
        SubscriptionStatus statusBeforePause;
    }

    /// @notice Why a charge failed.
    enum FailureReason {
        /// @notice The subscriber's allowance to this contract is below the amount.
        AllowanceTooLow,
        /// @notice The subscriber's balance (or ETH deposit) is below the amount.
        BalanceTooLow,
        /// @notice The token refused the transfer (paused, blocklisted account, or another failure).
        TransferFailed,
        /// @notice The token delivered another amount than asked (fee-on-transfer).
        WrongAmountDelivered
    }

    /**
     * @notice A merchant created a plan.
     * @param planId The plan.
     * @param merchant The merchant (its creator).
     * @param plan The whole plan.
     */
    event PlanCreated(uint256 indexed planId, address indexed merchant, Plan plan);

    /**
     * @notice A plan was retired: no new subscriptions; existing ones go on.
     * @param planId The plan.
     */
    event PlanRetired(uint256 indexed planId);

    /**
     * @notice Someone subscribed.
     * @param subscriptionId The subscription.
     * @param planId Its plan.
     * @param subscriber The subscriber.
     * @param merchant The plan's merchant.
     * @param anchor Start of period 0 (after the trial), unix seconds.
     */
    event SubscriptionCreated(
        uint256 indexed subscriptionId,
        uint256 indexed planId,
        address indexed subscriber,
        address merchant,
        uint48 anchor
    );

    /**
     * @notice A period was charged.
     * @param subscriptionId The subscription.
     * @param planId Its plan.
     * @param subscriber Who paid.
     * @param merchant The plan's merchant.
     * @param token The token, address(0) for ETH.
     * @param amount Amount charged, fee included.
     * @param fee Part of `amount` paid to the fee receiver.
     * @param periodIndex The period charged.
     */
    event SubscriptionCharged(
        uint256 indexed subscriptionId,
        uint256 indexed planId,
        address indexed subscriber,
        address merchant,
        address token,
        uint256 amount,
        uint256 fee,
        uint32 periodIndex
    );

    /**
     * @notice A due charge failed; the subscription is past due.
     * @param subscriptionId The subscription.
     * @param planId Its plan.
     * @param subscriber Who was to pay.
     * @param merchant The plan's merchant.
     * @param token The token, address(0) for ETH.
     * @param amount Amount that could not be charged.
     * @param periodIndex The period due.
     * @param reason Why it failed.
     * @param revertData What the token reverted with, when it did (at most 256 bytes).
     */
    event SubscriptionChargeFailed(
        uint256 indexed subscriptionId,
        uint256 indexed planId,
        address indexed subscriber,
        address merchant,
        address token,
        uint256 amount,
        uint32 periodIndex,
        FailureReason reason,
        bytes revertData
    );

    /**
     * @notice A past-due subscription passed its grace period and can no longer be charged.
     * @param subscriptionId The subscription.
     * @param planId Its plan.
     * @param subscriber The subscriber.
     */
    event SubscriptionLapsed(uint256 indexed subscriptionId, uint256 indexed planId, address indexed subscriber);

    /**
     * @notice The subscription was cancelled.
     * @param subscriptionId The subscription.
     * @param by The subscriber or the merchant.
     */
    event SubscriptionCancelled(uint256 indexed subscriptionId, address indexed by);

    /**
     * @notice The subscriber paused the subscription.
     * @param subscriptionId The subscription.
     */
    event SubscriptionPaused(uint256 indexed subscriptionId);

    /**
     * @notice The subscriber resumed the subscription.
     * @param subscriptionId The subscription.
     */
    event SubscriptionResumed(uint256 indexed subscriptionId);

    /**
     * @notice A batch skipped a subscription that was not due or not chargeable.
     * @param subscriptionId The subscription.
     * @param status Its status.
     */
    event SubscriptionChargeSkipped(uint256 indexed subscriptionId, SubscriptionStatus status);

    /**
     * @notice ETH was deposited for `subscriber`'s ETH plans.
     * @param subscriber Whose deposit grew.
     * @param amount Amount deposited, in wei.
     */
    event Deposited(address indexed subscriber, uint256 amount);

    /**
     * @notice ETH was withdrawn from a deposit.
     * @param subscriber Whose deposit shrank.
     * @param to Where the ETH went.
     * @param amount Amount withdrawn, in wei.
     */
    event DepositWithdrawn(address indexed subscriber, address to, uint256 amount);

    /**
     * @notice An ETH payout could not be pushed to `account` and was credited to it instead.
     * @param account The payee or fee receiver.
     * @param amount Amount credited, in wei.
     */
    event PayoutCredited(address indexed account, uint256 amount);

    /**
     * @notice Credited ETH was withdrawn.
     * @param account Whose credit it was.
     * @param to Where it went.
     * @param amount Amount, in wei.
     */
    event CreditWithdrawn(address indexed account, address to, uint256 amount);

    /// @notice The plan does not exist.
    error CofferSubscriptionsPlanNotFound(uint256 planId);
    /// @notice The plan is retired: no new subscriptions.
    error CofferSubscriptionsPlanRetired(uint256 planId);
    /// @notice The plan's parameters are invalid (period under an hour, zero amount, fee without receiver...).
    error CofferSubscriptionsInvalidPlan(PlanParams params);
    /**
     * @notice The plan's grace is not shorter than its period. A grace of a period or more would let a subscriber
     * whose charge fails at one period's start pay the next period within the grace instead, skipping a period
     * for every failure and never lapsing (missed periods are not caught up); with a shorter grace, the next
     * period's charge finds the grace over and the subscription lapses.
     * @param grace The grace asked, in seconds.
     * @param period The plan's period, in seconds.
     */
    error CofferSubscriptionsGraceNotShorterThanPeriod(uint32 grace, uint32 period);
    /// @notice The subscription does not exist.
    error CofferSubscriptionsNotFound(uint256 subscriptionId);
    /// @notice The subscription cannot be charged in its status.
    error CofferSubscriptionsNotChargeable(uint256 subscriptionId, SubscriptionStatus status);
    /// @notice The current period was charged already, or the first period has not started; next due at `dueAt`.
    error CofferSubscriptionsNotDue(uint256 subscriptionId, uint256 dueAt);
    /// @notice The first charge on subscribing failed.
    error CofferSubscriptionsFirstChargeFailed(FailureReason reason, bytes revertData);
    /// @notice The caller may not do this.
    error CofferSubscriptionsUnauthorizedCaller(address caller);
    /// @notice The action does not apply to a subscription in this status.
    error CofferSubscriptionsInvalidStatus(uint256 subscriptionId, SubscriptionStatus status);
    /// @notice ETH sent where none is expected, or too little deposit to withdraw.
    error CofferSubscriptionsInvalidValue(uint256 value);
    /// @notice Sending ETH to the chosen address failed.
    error CofferSubscriptionsNativeTransferFailed(address to, uint256 amount);
    /// @notice The zero address was given where an account is needed.
    error CofferSubscriptionsZeroAddress();
    /// @notice Only this contract may call.
    error CofferSubscriptionsOnlySelf();
}
