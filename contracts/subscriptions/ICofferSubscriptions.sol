// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title ICofferSubscriptions
 * @notice Coffer's subscription billing: its types, events, errors and every external function.
 * @dev Amounts are in token units (wei for ETH), fee rates in basis points (at most 10,000), times in unix seconds
 * and periods in seconds. Token address(0) stands for native ETH, charged from the subscriber's deposit. Period
 * `k` of a subscription starts at `anchor + k * period`; the current period is charged at most once, and missed
 * periods are never caught up. No admin: nobody but the subscriber's own allowance or deposit can move a
 * subscriber's funds.
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
    /// @notice The token delivered another amount than asked (raised inside {collect}; its selector then appears
    /// in a {SubscriptionChargeFailed} event's `revertData`, with the reason `WrongAmountDelivered`).
    error CofferSubscriptionsTokenDeliveredWrongAmount(address token, uint256 expected, uint256 delivered);

    // ─── Constants ───────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice Token address that stands for native ETH (charged from deposits).
     * @return address(0).
     */
    function NATIVE_TOKEN() external view returns (address);

    /**
     * @notice Basis points in one whole: the highest fee rate a plan may have.
     * @return 10,000.
     */
    function MAX_BPS() external view returns (uint16);

    /**
     * @notice Shortest period of a plan, in seconds.
     * @return 3,600 (one hour).
     */
    function MIN_PERIOD() external view returns (uint32);

    /**
     * @notice Gas a token pull ({collect}) may use per charge, so that one hostile token cannot starve a batch.
     * @return 300,000.
     */
    function COLLECT_GAS() external view returns (uint256);

    /**
     * @notice Gas that finding out why a pull failed ({diagnoseCharge}: the token's `allowance` and `balanceOf`)
     * may use.
     * @return 50,000.
     */
    function DIAGNOSE_GAS() external view returns (uint256);

    /**
     * @notice Most bytes of a token's revert data kept in {SubscriptionChargeFailed} and
     * {CofferSubscriptionsFirstChargeFailed}.
     * @return 256.
     */
    function MAX_REVERT_DATA() external view returns (uint256);

    /**
     * @notice Gas forwarded with an ETH payout of a charge; a receiver that needs more is credited instead, to
     * withdraw with {withdrawCredit}.
     * @return 50,000.
     */
    function ETH_PAYOUT_GAS() external view returns (uint256);

    // ─── Plans ───────────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice Publishes a plan; the caller is its merchant. A price change is a new plan that subscribers accept by
     * subscribing to it. Plans cannot be changed afterwards (only retired).
     * @dev Plan ids start at 1. The token is not checked: a plan in a token that cannot be charged only fails its
     * charges.
     *
     * Requirements:
     * - `params.payee` is not address(0), `params.amount` is not zero, `params.period` is at least
     *   {MIN_PERIOD}, `params.feeBps` is at most 10,000, and `params.feeReceiver` is set when `params.feeBps` is not
     *   zero ({CofferSubscriptionsInvalidPlan}).
     * - `params.grace` is shorter than `params.period` ({CofferSubscriptionsGraceNotShorterThanPeriod}): then a
     *   subscriber whose charge failed lapses rather than pay the next period instead of the failed one.
     *
     * Emits a {PlanCreated} event.
     * @param params The plan.
     * @return planId The new plan's id.
     */
    function createPlan(PlanParams calldata params) external returns (uint256 planId);

    /**
     * @notice Retires a plan: nobody can subscribe to it any more; existing subscriptions go on. Merchant only.
     * @dev Retiring a retired plan is allowed and emits again.
     *
     * Requirements:
     * - The plan exists ({CofferSubscriptionsPlanNotFound}).
     * - The caller is the plan's merchant ({CofferSubscriptionsUnauthorizedCaller}).
     *
     * Emits a {PlanRetired} event.
     * @param planId The plan.
     */
    function retirePlan(uint256 planId) external;

    // ─── Subscribing ─────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice Subscribes the caller to a plan. Without a trial the first period is charged at once and must
     * succeed. For an ETH plan, `msg.value` is added to the caller's deposit first.
     * @dev Subscription ids start at 1. Period 0 starts at `block.timestamp + plan.trial` (the anchor). A token
     * charge pulls the caller's allowance to this contract: `amount - fee` to the payee and the fee to the fee
     * receiver, both or neither. An ETH charge is taken from the deposit; a payout that cannot be pushed is
     * credited to its receiver ({PayoutCredited}).
     *
     * Requirements:
     * - The plan exists ({CofferSubscriptionsPlanNotFound}) and is not retired ({CofferSubscriptionsPlanRetired}).
     * - `msg.value` is zero unless the plan is in ETH ({CofferSubscriptionsInvalidValue}).
     * - Without a trial, the first charge succeeds ({CofferSubscriptionsFirstChargeFailed}, with the reason and
     *   at most {MAX_REVERT_DATA} bytes of the token's revert data).
     *
     * Emits a {Deposited} event when ETH is sent, a {SubscriptionCreated} event, and without a trial a
     * {SubscriptionCharged} event.
     * @param planId The plan.
     * @return subscriptionId The new subscription's id.
     */
    function subscribe(uint256 planId) external payable returns (uint256 subscriptionId);

    /**
     * @notice {subscribe} after an EIP-2612 permit of `value` (typically several periods' worth) for this contract.
     * A permit already used (front-run) is ignored: the subscription goes through on the allowance it set.
     * @dev The permit is skipped for an ETH plan, or a token without code; a failing permit is ignored, and the
     * first charge then fails on its own if the allowance is short. Takes no ETH: an ETH plan is charged from a
     * deposit made before.
     *
     * Requirements: those of {subscribe}.
     *
     * Emits a {SubscriptionCreated} event, and without a trial a {SubscriptionCharged} event.
     * @param planId The plan.
     * @param value Allowance granted by the permit, in token units.
     * @param deadline Permit deadline, unix seconds.
     * @param v Permit signature.
     * @param r Permit signature.
     * @param s Permit signature.
     * @return subscriptionId The new subscription's id.
     */
    function subscribeWithPermit(
        uint256 planId,
        uint256 value,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 subscriptionId);

    // ─── Charging ────────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice Charges the current period of a due subscription. Anyone may call (a keeper). A failed payment is
     * recorded (event, past due) and returns false; a past-due subscription beyond its grace period lapses instead
     * (and returns false).
     * @dev The period charged is the one `block.timestamp` falls in; the next chargeable period is the one after
     * it. A failed charge leaves the period chargeable, and the grace runs from the first failure since the last
     * success. A token pull is capped at {COLLECT_GAS}.
     *
     * Requirements:
     * - The subscription exists ({CofferSubscriptionsNotFound}).
     * - It is active or past due ({CofferSubscriptionsNotChargeable}).
     * - Its next period has started ({CofferSubscriptionsNotDue}, with when it is due).
     *
     * Emits a {SubscriptionCharged} event, or a {SubscriptionChargeFailed} event, or a {SubscriptionLapsed} event;
     * and a {PayoutCredited} event for each ETH payout that could not be pushed.
     * @param subscriptionId The subscription.
     * @return charged True when the period was paid.
     */
    function charge(uint256 subscriptionId) external returns (bool charged);

    /**
     * @notice Charges every due subscription of a list; never reverts for one subscription's failure. Those not
     * due or not chargeable (including ids that do not exist) are skipped with an event.
     * @dev Each subscription is handled as by {charge}, in list order. An id listed twice is handled again only if
     * it is still due then: after a failed charge (a retry), not after a paid one or a lapse.
     *
     * Emits, per subscription, a {SubscriptionChargeSkipped}, {SubscriptionCharged}, {SubscriptionChargeFailed} or
     * {SubscriptionLapsed} event.
     * @param subscriptionIds The subscriptions.
     * @return charged How many were paid.
     */
    function chargeMany(uint256[] calldata subscriptionIds) external returns (uint256 charged);

    /**
     * @notice Moves one charge's two legs from the subscriber; called by this contract only, so that both legs
     * succeed or revert together under a gas cap. A leg of zero (the payee's at a 100% fee, the fee at 0) is
     * skipped: a token that reverts on zero transfers would otherwise fail every charge.
     * @dev Requirements:
     * - The caller is this contract ({CofferSubscriptionsOnlySelf}).
     * - Each leg is transferred (SafeERC20's errors, or the token's own) and its receiver gets exactly its amount
     *   ({CofferSubscriptionsTokenDeliveredWrongAmount}).
     * @param token The token.
     * @param from The subscriber.
     * @param payee The payee.
     * @param net Amount for the payee, in token units.
     * @param feeReceiver The fee receiver.
     * @param fee Amount for the fee receiver, in token units.
     */
    function collect(
        address token,
        address from,
        address payee,
        uint256 net,
        address feeReceiver,
        uint256 fee
    ) external;

    // ─── Managing a subscription ─────────────────────────────────────────────────────────────────────────

    /**
     * @notice Cancels a subscription for good. The subscriber or the plan's merchant only.
     * @dev Requirements:
     * - The subscription exists ({CofferSubscriptionsNotFound}).
     * - The caller is its subscriber or its plan's merchant ({CofferSubscriptionsUnauthorizedCaller}).
     * - It is neither cancelled nor lapsed ({CofferSubscriptionsInvalidStatus}); a paused one can be cancelled.
     *
     * Emits a {SubscriptionCancelled} event.
     * @param subscriptionId The subscription.
     */
    function cancel(uint256 subscriptionId) external;

    /**
     * @notice Pauses charging. Subscriber only, while active or past due.
     * @dev Requirements:
     * - The subscription exists ({CofferSubscriptionsNotFound}).
     * - The caller is its subscriber ({CofferSubscriptionsUnauthorizedCaller}).
     * - It is active or past due ({CofferSubscriptionsInvalidStatus}).
     *
     * Emits a {SubscriptionPaused} event.
     * @param subscriptionId The subscription.
     */
    function pause(uint256 subscriptionId) external;

    /**
     * @notice Resumes charging on the same grid: the current period is due if it was not paid. Subscriber only.
     * @dev The subscription returns to the status it had when paused (active or past due); a past-due one's grace
     * still runs from its first failed charge.
     *
     * Requirements:
     * - The subscription exists ({CofferSubscriptionsNotFound}).
     * - The caller is its subscriber ({CofferSubscriptionsUnauthorizedCaller}).
     * - It is paused ({CofferSubscriptionsInvalidStatus}).
     *
     * Emits a {SubscriptionResumed} event.
     * @param subscriptionId The subscription.
     */
    function resume(uint256 subscriptionId) external;

    // ─── ETH deposits and credits ────────────────────────────────────────────────────────────────────────

    /**
     * @notice Adds ETH to `subscriber`'s deposit, from which its ETH plans are charged. Anyone may call.
     * @dev Requirements:
     * - `subscriber` is not address(0) ({CofferSubscriptionsZeroAddress}).
     * - `msg.value` is not zero ({CofferSubscriptionsInvalidValue}).
     *
     * Emits a {Deposited} event.
     * @param subscriber Whose deposit grows.
     */
    function deposit(address subscriber) external payable;

    /**
     * @notice Takes ETH out of the caller's deposit, to `to`, which gets all the remaining gas and must accept it.
     * @dev Requirements:
     * - `to` is not address(0) ({CofferSubscriptionsZeroAddress}).
     * - `amount` is at least 1 and at most the caller's deposit ({CofferSubscriptionsInvalidValue}).
     * - `to` accepts the ETH ({CofferSubscriptionsNativeTransferFailed}).
     *
     * Emits a {DepositWithdrawn} event.
     * @param amount Amount, in wei, at most the deposit.
     * @param to Where it goes.
     */
    function withdrawDeposit(uint256 amount, address to) external;

    /**
     * @notice Withdraws all ETH payouts credited to the caller (a payee or fee receiver that refused a push), to
     * `to`, which gets all the remaining gas and must accept it.
     * @dev Requirements:
     * - `to` is not address(0) ({CofferSubscriptionsZeroAddress}).
     * - The caller has a credit ({CofferSubscriptionsInvalidValue}).
     * - `to` accepts the ETH ({CofferSubscriptionsNativeTransferFailed}).
     *
     * Emits a {CreditWithdrawn} event.
     * @param to Where they go.
     */
    function withdrawCredit(address to) external;

    // ─── Views ───────────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice A plan.
     * @param planId The plan.
     * @return The plan (a zero merchant when it does not exist).
     */
    function getPlan(uint256 planId) external view returns (Plan memory);

    /**
     * @notice A subscription.
     * @param subscriptionId The subscription.
     * @return The subscription (status None when it does not exist).
     */
    function getSubscription(uint256 subscriptionId) external view returns (Subscription memory);

    /**
     * @notice Whether a subscription can be charged now, and when its next charge is due.
     * @param subscriptionId The subscription.
     * @return due True when {charge} would act now: collect, or lapse a past-due subscription beyond its grace.
     * @return dueAt Start of the next chargeable period, unix seconds (0 when it can never be charged, or is
     * paused).
     */
    function isDue(uint256 subscriptionId) external view returns (bool due, uint256 dueAt);

    /**
     * @notice Why a charge of `amount` of `token` from `subscriber` would fail: its allowance to this contract or
     * its balance is too low, or else the token itself refuses. Reverts when the token's views misbehave.
     * @dev Called by this contract with a {DIAGNOSE_GAS} cap after a failed pull; a revert then makes the reason
     * `TransferFailed`.
     * @param token The token.
     * @param subscriber The subscriber.
     * @param amount The amount of one charge, in token units.
     * @return The failure reason.
     */
    function diagnoseCharge(address token, address subscriber, uint256 amount) external view returns (FailureReason);

    /**
     * @notice ETH deposited for `subscriber`'s ETH plans.
     * @param subscriber The subscriber.
     * @return The deposit, in wei.
     */
    function depositOf(address subscriber) external view returns (uint256);

    /**
     * @notice ETH payouts credited to `account`, to withdraw with {withdrawCredit}.
     * @param account The payee or fee receiver.
     * @return The credit, in wei.
     */
    function creditOf(address account) external view returns (uint256);
}
