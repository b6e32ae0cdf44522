// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ICofferSubscriptions} from "./ICofferSubscriptions.sol";

/**
 * @title CofferSubscriptions
 * @notice Subscription billing: merchants publish plans; subscribers opt in once (allowance, EIP-2612 permit, or an
 * ETH deposit); anyone (a keeper) charges due periods, one charge per period on a fixed grid from the start. A
 * batch records each failed charge as an event and marks the subscription past due instead of reverting; a
 * successful retry within the grace period brings it back, after which it lapses.
 * @dev Periods: period `k` of a subscription starts at `anchor + k * period`. The current period is charged at
 * most once; missed periods are never caught up. Token pulls go through `collect`, an external call to this
 * contract, so that the payee's and the fee receiver's legs succeed or fail together and a hostile token's gas use
 * is capped. No admin: nobody but the subscriber's own allowance or deposit can move a subscriber's funds.
 */
contract CofferSubscriptions is ICofferSubscriptions, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @inheritdoc ICofferSubscriptions
    address public constant NATIVE_TOKEN = address(0);
    /// @inheritdoc ICofferSubscriptions
    uint16 public constant MAX_BPS = 10_000;
    /// @inheritdoc ICofferSubscriptions
    uint32 public constant MIN_PERIOD = 1 hours;
    /// @inheritdoc ICofferSubscriptions
    uint256 public constant COLLECT_GAS = 300_000;
    /// @inheritdoc ICofferSubscriptions
    uint256 public constant DIAGNOSE_GAS = 50_000;
    /// @inheritdoc ICofferSubscriptions
    uint256 public constant MAX_REVERT_DATA = 256;
    /// @inheritdoc ICofferSubscriptions
    uint256 public constant ETH_PAYOUT_GAS = 50_000;

    /// @dev Plan id → plan (ids start at 1).
    mapping(uint256 planId => Plan plan) private _plans;
    /// @dev Subscription id → subscription (ids start at 1).
    mapping(uint256 subscriptionId => Subscription subscription) private _subscriptions;
    /// @dev Subscriber → ETH deposited for ETH plans, in wei.
    mapping(address subscriber => uint256 amount) private _deposits;
    /// @dev Account → ETH payouts that could not be pushed, in wei.
    mapping(address account => uint256 amount) private _credits;
    /// @dev Last plan id given.
    uint64 private _planCount;
    /// @dev Last subscription id given.
    uint256 private _subscriptionCount;

    // ─── Plans ───────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ICofferSubscriptions
    function createPlan(PlanParams calldata params) external returns (uint256 planId) {
        if (
            params.payee == address(0) ||
            params.amount == 0 ||
            params.period < MIN_PERIOD ||
            params.feeBps > MAX_BPS ||
            (params.feeBps != 0 && params.feeReceiver == address(0))
        ) revert CofferSubscriptionsInvalidPlan(params);
        if (params.grace >= params.period)
            revert CofferSubscriptionsGraceNotShorterThanPeriod(params.grace, params.period);
        planId = ++_planCount;
        Plan memory plan = Plan({
            token: params.token,
            amount: params.amount,
            payee: params.payee,
            period: params.period,
            grace: params.grace,
            feeBps: params.feeBps,
            retired: false,
            merchant: msg.sender,
            trial: params.trial,
            feeReceiver: params.feeReceiver
        });
        _plans[planId] = plan;
        emit PlanCreated(planId, msg.sender, plan);
    }

    /// @inheritdoc ICofferSubscriptions
    function retirePlan(uint256 planId) external {
        Plan storage plan = _plans[planId];
        if (plan.merchant == address(0)) revert CofferSubscriptionsPlanNotFound(planId);
        if (msg.sender != plan.merchant) revert CofferSubscriptionsUnauthorizedCaller(msg.sender);
        plan.retired = true;
        emit PlanRetired(planId);
    }

    // ─── Subscribing ─────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ICofferSubscriptions
    function subscribe(uint256 planId) external payable nonReentrant returns (uint256 subscriptionId) {
        return _subscribe(planId);
    }

    /// @inheritdoc ICofferSubscriptions
    function subscribeWithPermit(
        uint256 planId,
        uint256 value,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256 subscriptionId) {
        _tryPermit(_plans[planId].token, value, deadline, v, r, s);
        return _subscribe(planId);
    }

    // ─── Charging ────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ICofferSubscriptions
    function charge(uint256 subscriptionId) external nonReentrant returns (bool charged) {
        (bool due, uint256 dueAt) = _due(subscriptionId);
        if (!due) {
            SubscriptionStatus status = _subscriptions[subscriptionId].status;
            if (status == SubscriptionStatus.None) revert CofferSubscriptionsNotFound(subscriptionId);
            if (dueAt == 0) revert CofferSubscriptionsNotChargeable(subscriptionId, status);
            revert CofferSubscriptionsNotDue(subscriptionId, dueAt);
        }
        (charged, , ) = _charge(subscriptionId);
    }

    /// @inheritdoc ICofferSubscriptions
    function chargeMany(uint256[] calldata subscriptionIds) external nonReentrant returns (uint256 charged) {
        for (uint256 i; i < subscriptionIds.length; ++i) {
            uint256 subscriptionId = subscriptionIds[i];
            (bool due, ) = _due(subscriptionId);
            if (!due) {
                emit SubscriptionChargeSkipped(subscriptionId, _subscriptions[subscriptionId].status);
                continue;
            }
            (bool paid, , ) = _charge(subscriptionId);
            if (paid) ++charged;
        }
    }

    /// @inheritdoc ICofferSubscriptions
    function collect(
        address token,
        address from,
        address payee,
        uint256 net,
        address feeReceiver,
        uint256 fee
    ) external {
        if (msg.sender != address(this)) revert CofferSubscriptionsOnlySelf();
        if (net != 0) _pullExact(token, from, payee, net);
        if (fee != 0) _pullExact(token, from, feeReceiver, fee);
    }

    // ─── Managing a subscription ─────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ICofferSubscriptions
    function cancel(uint256 subscriptionId) external nonReentrant {
        Subscription storage subscription = _subscriptions[subscriptionId];
        SubscriptionStatus status = subscription.status;
        if (status == SubscriptionStatus.None) revert CofferSubscriptionsNotFound(subscriptionId);
        if (msg.sender != subscription.subscriber && msg.sender != _plans[subscription.planId].merchant) {
            revert CofferSubscriptionsUnauthorizedCaller(msg.sender);
        }
        if (status == SubscriptionStatus.Cancelled || status == SubscriptionStatus.Lapsed) {
            revert CofferSubscriptionsInvalidStatus(subscriptionId, status);
        }
        subscription.status = SubscriptionStatus.Cancelled;
        emit SubscriptionCancelled(subscriptionId, msg.sender);
    }

    /// @inheritdoc ICofferSubscriptions
    function pause(uint256 subscriptionId) external nonReentrant {
        Subscription storage subscription = _subscriberOnly(subscriptionId);
        SubscriptionStatus status = subscription.status;
        if (status != SubscriptionStatus.Active && status != SubscriptionStatus.PastDue) {
            revert CofferSubscriptionsInvalidStatus(subscriptionId, status);
        }
        subscription.statusBeforePause = status;
        subscription.status = SubscriptionStatus.Paused;
        emit SubscriptionPaused(subscriptionId);
    }

    /// @inheritdoc ICofferSubscriptions
    function resume(uint256 subscriptionId) external nonReentrant {
        Subscription storage subscription = _subscriberOnly(subscriptionId);
        if (subscription.status != SubscriptionStatus.Paused) {
            revert CofferSubscriptionsInvalidStatus(subscriptionId, subscription.status);
        }
        subscription.status = subscription.statusBeforePause;
        emit SubscriptionResumed(subscriptionId);
    }

    // ─── ETH deposits and credits ────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ICofferSubscriptions
    function deposit(address subscriber) external payable nonReentrant {
        if (subscriber == address(0)) revert CofferSubscriptionsZeroAddress();
        if (msg.value == 0) revert CofferSubscriptionsInvalidValue(0);
        _deposits[subscriber] += msg.value;
        emit Deposited(subscriber, msg.value);
    }

    /// @inheritdoc ICofferSubscriptions
    function withdrawDeposit(uint256 amount, address to) external nonReentrant {
        if (to == address(0)) revert CofferSubscriptionsZeroAddress();
        uint256 available = _deposits[msg.sender];
        if (amount == 0 || amount > available) revert CofferSubscriptionsInvalidValue(amount);
        _deposits[msg.sender] = available - amount;
        emit DepositWithdrawn(msg.sender, to, amount);
        _sendOrRevert(to, amount);
    }

    /// @inheritdoc ICofferSubscriptions
    function withdrawCredit(address to) external nonReentrant {
        if (to == address(0)) revert CofferSubscriptionsZeroAddress();
        uint256 amount = _credits[msg.sender];
        if (amount == 0) revert CofferSubscriptionsInvalidValue(0);
        delete _credits[msg.sender];
        emit CreditWithdrawn(msg.sender, to, amount);
        _sendOrRevert(to, amount);
    }

    // ─── Views ───────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ICofferSubscriptions
    function getPlan(uint256 planId) external view returns (Plan memory) {
        return _plans[planId];
    }

    /// @inheritdoc ICofferSubscriptions
    function getSubscription(uint256 subscriptionId) external view returns (Subscription memory) {
        return _subscriptions[subscriptionId];
    }

    /// @inheritdoc ICofferSubscriptions
    function isDue(uint256 subscriptionId) external view returns (bool due, uint256 dueAt) {
        return _due(subscriptionId);
    }

    /// @inheritdoc ICofferSubscriptions
    function diagnoseCharge(address token, address subscriber, uint256 amount) external view returns (FailureReason) {
        if (IERC20(token).allowance(subscriber, address(this)) < amount) return FailureReason.AllowanceTooLow;
        if (IERC20(token).balanceOf(subscriber) < amount) return FailureReason.BalanceTooLow;
        return FailureReason.TransferFailed;
    }

    /// @inheritdoc ICofferSubscriptions
    function depositOf(address subscriber) external view returns (uint256) {
        return _deposits[subscriber];
    }

    /// @inheritdoc ICofferSubscriptions
    function creditOf(address account) external view returns (uint256) {
        return _credits[account];
    }

    // ─── Internals ───────────────────────────────────────────────────────────────────────────────────────

    /// @dev Creates a subscription for the caller and charges its first period unless there is a trial.
    function _subscribe(uint256 planId) private returns (uint256 subscriptionId) {
        Plan storage plan = _plans[planId];
        if (plan.merchant == address(0)) revert CofferSubscriptionsPlanNotFound(planId);
        if (plan.retired) revert CofferSubscriptionsPlanRetired(planId);
        if (msg.value != 0) {
            if (plan.token != NATIVE_TOKEN) revert CofferSubscriptionsInvalidValue(msg.value);
            _deposits[msg.sender] += msg.value;
            emit Deposited(msg.sender, msg.value);
        }
        subscriptionId = ++_subscriptionCount;
        uint48 anchor = uint48(block.timestamp) + plan.trial;
        _subscriptions[subscriptionId] = Subscription({
            subscriber: msg.sender,
            planId: uint64(planId),
            status: SubscriptionStatus.Active,
            anchor: anchor,
            nextPeriod: 0,
            pastDueSince: 0,
            statusBeforePause: SubscriptionStatus.None
        });
        emit SubscriptionCreated(subscriptionId, planId, msg.sender, plan.merchant, anchor);
        if (plan.trial == 0) {
            (bool paid, FailureReason reason, bytes memory revertData) = _charge(subscriptionId);
            if (!paid) revert CofferSubscriptionsFirstChargeFailed(reason, revertData);
        }
    }

    /**
     * @dev Whether a subscription may be charged now, and the start of its next chargeable period (0 when it
     * can never be charged, or is paused).
     */
    function _due(uint256 subscriptionId) private view returns (bool due, uint256 dueAt) {
        Subscription storage subscription = _subscriptions[subscriptionId];
        SubscriptionStatus status = subscription.status;
        if (status != SubscriptionStatus.Active && status != SubscriptionStatus.PastDue) return (false, 0);
        uint256 period = _plans[subscription.planId].period;
        dueAt = subscription.anchor + uint256(subscription.nextPeriod) * period;
        due = block.timestamp >= dueAt;
    }

    /**
     * @dev Charges the current period of a subscription known to be due. Effects first: the period is recorded as
     * paid before the pull, and rewritten as past due if the pull fails.
     */
    function _charge(
        uint256 subscriptionId
    ) private returns (bool paid, FailureReason reason, bytes memory revertData) {
        Subscription memory subscription = _subscriptions[subscriptionId];
        // A storage pointer: the fee receiver's slot is read only when there is a fee.
        Plan storage plan = _plans[subscription.planId];

        if (
            subscription.status == SubscriptionStatus.PastDue &&
            block.timestamp >= uint256(subscription.pastDueSince) + plan.grace
        ) {
            _subscriptions[subscriptionId].status = SubscriptionStatus.Lapsed;
            emit SubscriptionLapsed(subscriptionId, subscription.planId, subscription.subscriber);
            return (false, FailureReason.TransferFailed, "");
        }

        uint32 periodIndex = uint32((block.timestamp - subscription.anchor) / plan.period);
        uint256 fee = (uint256(plan.amount) * plan.feeBps) / MAX_BPS;
        Subscription storage stored = _subscriptions[subscriptionId];
        stored.status = SubscriptionStatus.Active;
        stored.nextPeriod = periodIndex + 1;
        stored.pastDueSince = 0;

        (paid, reason, revertData) = plan.token == NATIVE_TOKEN
            ? _chargeDeposit(subscription.subscriber, plan, fee)
            : _chargeToken(subscription.subscriber, plan, fee);

        if (paid) {
            emit SubscriptionCharged(
                subscriptionId,
                subscription.planId,
                subscription.subscriber,
                plan.merchant,
                plan.token,
                plan.amount,
                fee,
                periodIndex
            );
        } else {
            _markPastDue(subscriptionId, subscription, plan, periodIndex, reason, revertData);
        }
    }

    /// @dev Records a failed charge: the period stays chargeable, and grace runs from the first failure.
    function _markPastDue(
        uint256 subscriptionId,
        Subscription memory before,
        Plan storage plan,
        uint32 periodIndex,
        FailureReason reason,
        bytes memory revertData
    ) private {
        Subscription storage stored = _subscriptions[subscriptionId];
        stored.status = SubscriptionStatus.PastDue;
        stored.nextPeriod = before.nextPeriod;
        stored.pastDueSince =
            before.status == SubscriptionStatus.PastDue ? before.pastDueSince : uint48(block.timestamp);
        emit SubscriptionChargeFailed(
            subscriptionId,
            before.planId,
            before.subscriber,
            plan.merchant,
            plan.token,
            plan.amount,
            periodIndex,
            reason,
            revertData
        );
    }

    /// @dev Pulls a token charge through `collect`; on failure, finds out why.
    function _chargeToken(
        address subscriber,
        Plan storage plan,
        uint256 fee
    ) private returns (bool paid, FailureReason reason, bytes memory revertData) {
        address feeReceiver = fee == 0 ? address(0) : plan.feeReceiver;
        try this.collect{gas: COLLECT_GAS}(plan.token, subscriber, plan.payee, plan.amount - fee, feeReceiver, fee) {
            return (true, reason, "");
        } catch {
            // Only a bounded prefix of the token's revert data is copied and logged: a token cannot make a failed
            // charge cost more than the caps.
            revertData = _returnDataPrefix();
            return (false, _diagnose(plan.token, subscriber, plan.amount, revertData), revertData);
        }
    }

    /// @dev Charges an ETH plan from the subscriber's deposit; payouts that cannot be pushed are credited.
    function _chargeDeposit(
        address subscriber,
        Plan storage plan,
        uint256 fee
    ) private returns (bool paid, FailureReason reason, bytes memory revertData) {
        uint256 available = _deposits[subscriber];
        if (available < plan.amount) return (false, FailureReason.BalanceTooLow, "");
        _deposits[subscriber] = available - plan.amount;
        _payOut(plan.payee, plan.amount - fee);
        if (fee != 0) _payOut(plan.feeReceiver, fee);
        return (true, reason, revertData);
    }

    /**
     * @dev Why a token pull failed: a wrong amount delivered (from the revert data), else the subscriber's
     * allowance and balance, read in a gas-capped call to {diagnoseCharge} so that a token whose views burn gas,
     * revert or return garbage only makes the reason `TransferFailed`.
     */
    function _diagnose(
        address token,
        address subscriber,
        uint256 amount,
        bytes memory data
    ) private view returns (FailureReason) {
        if (data.length >= 4 && bytes4(data) == CofferSubscriptionsTokenDeliveredWrongAmount.selector) {
            return FailureReason.WrongAmountDelivered;
        }
        if (token.code.length == 0) return FailureReason.TransferFailed;
        try this.diagnoseCharge{gas: DIAGNOSE_GAS}(token, subscriber, amount) returns (FailureReason reason) {
            return reason;
        } catch {
            return FailureReason.TransferFailed;
        }
    }

    /// @dev At most MAX_REVERT_DATA bytes of the last call's return data.
    function _returnDataPrefix() private pure returns (bytes memory data) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let size := returndatasize()
            if gt(size, MAX_REVERT_DATA) {
                size := MAX_REVERT_DATA
            }
            data := mload(0x40)
            mstore(data, size)
            returndatacopy(add(data, 0x20), 0, size)
            mstore(0x40, add(add(data, 0x20), and(add(size, 31), not(31))))
        }
    }

    /// @dev Calls the token's permit for the caller and ignores a failure: if it was front-run, the allowance is set.
    function _tryPermit(address token, uint256 value, uint256 deadline, uint8 v, bytes32 r, bytes32 s) private {
        // An ETH plan, or no code: nothing to permit (and a call would revert outside the try).
        if (token.code.length == 0) return;
        try IERC20Permit(token).permit(msg.sender, address(this), value, deadline, v, r, s) {
            return;
        } catch {
            // Front-run or unsupported: the first charge fails on its own if the allowance is short.
            return;
        }
    }

    /// @dev `transferFrom` that checks that `to` received exactly `amount`.
    function _pullExact(address token, address from, address to, uint256 amount) private {
        uint256 balanceBefore = IERC20(token).balanceOf(to);
        IERC20(token).safeTransferFrom(from, to, amount);
        uint256 delivered = IERC20(token).balanceOf(to) - balanceBefore;
        if (delivered != amount) revert CofferSubscriptionsTokenDeliveredWrongAmount(token, amount, delivered);
    }

    /// @dev Pushes ETH with a gas stipend; credits the receiver when the push fails.
    function _payOut(address to, uint256 amount) private {
        if (amount == 0) return;
        // solhint-disable-next-line avoid-low-level-calls
        (bool sent, ) = to.call{value: amount, gas: ETH_PAYOUT_GAS}("");
        if (!sent) {
            _credits[to] += amount;
            emit PayoutCredited(to, amount);
        }
    }

    /// @dev Sends ETH to a receiver the caller chose; reverts if it refuses.
    function _sendOrRevert(address to, uint256 amount) private {
        // solhint-disable-next-line avoid-low-level-calls
        (bool sent, ) = to.call{value: amount}("");
        if (!sent) revert CofferSubscriptionsNativeTransferFailed(to, amount);
    }

    /// @dev The subscription, after checking that the caller is its subscriber.
    function _subscriberOnly(uint256 subscriptionId) private view returns (Subscription storage subscription) {
        subscription = _subscriptions[subscriptionId];
        if (subscription.status == SubscriptionStatus.None) revert CofferSubscriptionsNotFound(subscriptionId);
        if (msg.sender != subscription.subscriber) revert CofferSubscriptionsUnauthorizedCaller(msg.sender);
    }
}
