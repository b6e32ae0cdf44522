// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ISafe} from "../interfaces/ISafe.sol";
import {ICofferTreasuryModule} from "./ICofferTreasuryModule.sol";

/**
 * @title CofferTreasuryModule
 * @notice A Safe module, shared by every Safe that enables it, that gives a treasury three powers without the
 * owners' signatures: operators' budgets per token and per period (any length, any number of transfers, to anyone
 * or only to allowed recipients), larger transfers queued behind a delay that the Safe can cancel (up to a queue
 * limit per operator, token and period), and sweeps of a token's excess above a cap to a cold address.
 * @dev Every policy is keyed by the Safe that set it: a Safe changes only its own policy, through its own multisig
 * approval (`msg.sender` is the Safe). The module moves funds only through `execTransactionFromModuleReturnData`
 * on the Safe named in the call, so it acts only for Safes that enabled it. Budgets count what leaves the Safe.
 * Safe by default: a Safe that set nothing lets nobody spend, and nobody queue (no queue limit, no delay).
 */
contract CofferTreasuryModule is ICofferTreasuryModule, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Token address that stands for native ETH.
    address public constant NATIVE_TOKEN = address(0);
    /// @notice How long after its earliest execution time a queued transfer can still be executed, in seconds.
    uint256 public constant EXECUTION_WINDOW = 14 days;
    /// @notice Shortest queue delay a Safe may set, in seconds: long enough for owners to see a queued transfer
    /// (the indexer, an alert) and gather the signatures to cancel it; never one block.
    uint32 public constant MIN_QUEUE_DELAY = 1 hours;
    /// @notice Longest queue delay a Safe may set, in seconds: a queued transfer stays executable for
    /// EXECUTION_WINDOW after its earliest time, and a longer wait only strands the operator's payments.
    uint32 public constant MAX_QUEUE_DELAY = 30 days;

    /// @dev Safe → module-wide settings.
    mapping(address safe => SafeSettings settings) private _settings;
    /// @dev Safe → operator → standing.
    mapping(address safe => mapping(address operator => Operator standing)) private _operators;
    /// @dev Safe → operator → token → budget.
    mapping(address safe => mapping(address operator => mapping(address token => Budget budget))) private _budgets;
    /// @dev Safe → operator → token → queue limit (a `Budget` counting what was queued).
    mapping(address safe => mapping(address operator => mapping(address token => Budget limit))) private _queueLimits;
    /// @dev Safe → operator → recipient → allowed (for restricted operators).
    mapping(address safe => mapping(address operator => mapping(address recipient => bool allowed)))
        private _recipients;
    /// @dev Safe → token → sweep rule.
    mapping(address safe => mapping(address token => SweepRule rule)) private _sweepRules;
    /// @dev Transfer hash → where it stands.
    mapping(bytes32 transferId => QueuedStatus status) private _queue;
    /// @dev Last queue nonce given.
    uint256 private _queueNonce;

    // ─── Policy (called by the Safe itself) ──────────────────────────────────────────────────────────────

    /**
     * @notice Enables or disables an operator of the calling Safe, and restricts it to allowed recipients or not.
     * @param operator The operator (a hot wallet).
     * @param enabled Whether it may act.
     * @param restricted Whether it may pay only recipients allowed with {setRecipient}.
     */
    function setOperator(address operator, bool enabled, bool restricted) external {
        if (operator == address(0)) revert CofferTreasuryZeroAddress();
        Operator storage standing = _operators[msg.sender][operator];
        standing.enabled = enabled;
        standing.restricted = restricted;
        emit OperatorSet(msg.sender, operator, enabled, restricted);
    }

    /**
     * @notice Pauses or unpauses one operator of the calling Safe.
     * @param operator The operator.
     * @param paused Whether it is paused.
     */
    function setOperatorPaused(address operator, bool paused) external {
        _operators[msg.sender][operator].paused = paused;
        emit OperatorPaused(msg.sender, operator, paused);
    }

    /**
     * @notice Allows or disallows a recipient for a restricted operator of the calling Safe.
     * @param operator The operator.
     * @param recipient The recipient.
     * @param allowed Whether it may be paid.
     */
    function setRecipient(address operator, address recipient, bool allowed) external {
        _recipients[msg.sender][operator][recipient] = allowed;
        emit RecipientSet(msg.sender, operator, recipient, allowed);
    }

    /**
     * @notice Sets an operator's budget of a token for the calling Safe. What was spent in the current period
     * still counts, also when the period length changes: it carries into the current period of the new length
     * (what was spent in a period already over counts nothing), so changing the period never grants spending.
     * @param operator The operator.
     * @param token The token, address(0) for ETH.
     * @param amount Most per period, in token units (0 removes the budget).
     * @param period Period length in seconds (at least 1).
     */
    function setBudget(address operator, address token, uint96 amount, uint32 period) external {
        _setAllowance(_budgets[msg.sender][operator][token], amount, period);
        emit BudgetSet(msg.sender, operator, token, amount, period);
    }

    /**
     * @notice Sets the most an operator may queue of a token per period for the calling Safe, apart from its
     * budget. Queueing counts against it at once; cancelling a queued transfer does not give the allowance back.
     * What was queued in the current period carries over when the period length changes, as for budgets.
     * @param operator The operator.
     * @param token The token, address(0) for ETH.
     * @param amount Most that may be queued per period, in token units (0: nothing; the default).
     * @param period Period length in seconds (at least 1).
     */
    function setQueueLimit(address operator, address token, uint96 amount, uint32 period) external {
        _setAllowance(_queueLimits[msg.sender][operator][token], amount, period);
        emit QueueLimitSet(msg.sender, operator, token, amount, period);
    }

    /**
     * @notice Pauses or unpauses everything for the calling Safe; the queue delay is left as it is.
     * @param paused Whether budget transfers, queueing, queued executions and sweeps are stopped.
     */
    function setPaused(bool paused) external {
        _settings[msg.sender].paused = paused;
        emit PausedSet(msg.sender, paused);
    }

    /**
     * @notice Sets the calling Safe's queue delay. Until a Safe sets one, nothing can be queued. Raising it also
     * delays transfers already queued (to their queuing time + the new delay); lowering it speeds none up.
     * @param delay Seconds between queueing a transfer and its earliest execution, within
     * [MIN_QUEUE_DELAY, MAX_QUEUE_DELAY].
     */
    function setQueueDelay(uint32 delay) external {
        if (delay < MIN_QUEUE_DELAY || delay > MAX_QUEUE_DELAY) {
            revert CofferTreasuryInvalidDelay(delay, MIN_QUEUE_DELAY, MAX_QUEUE_DELAY);
        }
        _settings[msg.sender].delay = delay;
        emit QueueDelaySet(msg.sender, delay);
    }

    /**
     * @notice Sets where the calling Safe's excess of a token above `cap` may be swept by anyone.
     * @param token The token, address(0) for ETH.
     * @param cold Where excess goes (address(0) removes the rule).
     * @param cap What stays in the Safe, in token units.
     */
    function setSweepRule(address token, address cold, uint96 cap) external {
        _sweepRules[msg.sender][token] = SweepRule(cold, cap);
        emit SweepRuleSet(msg.sender, token, cold, cap);
    }

    /**
     * @notice Cancels a transfer queued on the calling Safe.
     * @param queued The transfer, as emitted when it was queued.
     */
    function cancelQueued(QueuedTransfer calldata queued) external {
        bytes32 transferId = getTransferId(queued);
        QueuedStatus status = _queue[transferId];
        if (status != QueuedStatus.Queued) revert CofferTreasuryNotQueued(transferId, status);
        if (msg.sender != queued.safe) revert CofferTreasuryNotTheSafe(transferId, msg.sender);
        _queue[transferId] = QueuedStatus.Cancelled;
        emit TransferCancelled(transferId, msg.sender);
    }

    // ─── Operators ───────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice Pays `amount` of a token from the Safe within the caller's budget for this period.
     * @param safe The Safe paying (it must have enabled this module).
     * @param token The token, address(0) for ETH.
     * @param to The recipient.
     * @param amount Amount, in token units.
     */
    function transfer(address safe, address token, address to, uint256 amount) external nonReentrant {
        _requireActiveOperator(safe, msg.sender, to);
        if (amount == 0) revert CofferTreasuryInvalidValue(0);
        (bool allowed, uint256 remaining, uint256 spent) = _consume(_budgets[safe][msg.sender][token], amount);
        if (!allowed) revert CofferTreasuryBudgetExceeded(safe, msg.sender, token, amount, remaining);
        emit BudgetSpent(safe, msg.sender, token, to, amount, spent);
        _pay(safe, token, to, amount);
    }

    /**
     * @notice Queues a transfer (typically beyond the budget) that anyone can execute after the Safe's delay, unless
     * the Safe cancels it first. The amount counts against the caller's queue limit for the token at once (a
     * cancelled transfer's amount stays counted); queueing is refused while the Safe has set no delay.
     * @param safe The Safe that will pay.
     * @param token The token, address(0) for ETH.
     * @param to The recipient.
     * @param amount Amount, in token units.
     * @return transferId Hash of the queued transfer.
     */
    function queueTransfer(
        address safe,
        address token,
        address to,
        uint96 amount
    ) external nonReentrant returns (bytes32 transferId) {
        uint32 delay = _requireActiveOperator(safe, msg.sender, to);
        if (delay == 0) revert CofferTreasuryNoDelay(safe);
        if (amount == 0) revert CofferTreasuryInvalidValue(0);
        (bool allowed, uint256 remaining, ) = _consume(_queueLimits[safe][msg.sender][token], amount);
        if (!allowed) revert CofferTreasuryQueueLimitExceeded(safe, msg.sender, token, amount, remaining);
        QueuedTransfer memory queued = QueuedTransfer({
            safe: safe,
            token: token,
            to: to,
            amount: amount,
            operator: msg.sender,
            queuedAt: uint48(block.timestamp),
            eta: uint48(block.timestamp) + delay,
            nonce: ++_queueNonce
        });
        transferId = keccak256(abi.encode(queued));
        _queue[transferId] = QueuedStatus.Queued;
        emit TransferQueued(transferId, safe, msg.sender, queued);
    }

    // ─── Anyone ──────────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice Executes a queued transfer from max(eta, queuedAt + the Safe's current delay) for EXECUTION_WINDOW
     * seconds, when everything queueing checked still holds: the operator enabled and not paused, the Safe not
     * paused and with a delay set, the recipient still allowed for a restricted operator.
     * @param queued The transfer, as emitted when it was queued.
     */
    function executeQueued(QueuedTransfer calldata queued) external nonReentrant {
        bytes32 transferId = getTransferId(queued);
        QueuedStatus status = _queue[transferId];
        if (status != QueuedStatus.Queued) revert CofferTreasuryNotQueued(transferId, status);
        uint32 delay = _requireActiveOperator(queued.safe, queued.operator, queued.to);
        (uint256 earliest, uint256 deadline) = _executionWindow(queued, delay);
        if (block.timestamp < earliest) revert CofferTreasuryTooEarly(transferId, earliest, block.timestamp);
        if (block.timestamp >= deadline) revert CofferTreasuryExpired(transferId, deadline, block.timestamp);

        _queue[transferId] = QueuedStatus.Executed;
        emit TransferExecuted(transferId, queued.safe, msg.sender);
        _pay(queued.safe, queued.token, queued.to, queued.amount);
    }

    /**
     * @notice Moves what exceeds the Safe's cap of a token to its cold address.
     * @param safe The (hot) Safe.
     * @param token The token, address(0) for ETH.
     * @return amount Amount swept.
     */
    function sweep(address safe, address token) external nonReentrant returns (uint256 amount) {
        if (_settings[safe].paused) revert CofferTreasuryPaused(safe);
        SweepRule memory rule = _sweepRules[safe][token];
        uint256 balance = token == NATIVE_TOKEN ? safe.balance : IERC20(token).balanceOf(safe);
        if (rule.cold == address(0) || balance <= rule.cap) revert CofferTreasuryNothingToSweep(safe, token);
        amount = balance - rule.cap;
        emit Swept(safe, token, rule.cold, amount);
        _pay(safe, token, rule.cold, amount);
    }

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
    ) external view returns (Budget memory budget, uint256 remaining) {
        budget = _budgets[safe][operator][token];
        remaining = _remaining(budget);
    }

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
    ) external view returns (Budget memory limit, uint256 remaining) {
        limit = _queueLimits[safe][operator][token];
        remaining = _remaining(limit);
    }

    /**
     * @notice When a queued transfer can be executed under the Safe's current delay (whether it is still queued
     * or not): from max(eta, queuedAt + delay), until that time + EXECUTION_WINDOW. Reverts with
     * CofferTreasuryNoDelay while the Safe has set no delay.
     * @param queued The transfer, as emitted when it was queued.
     * @return earliest Earliest execution time, unix seconds.
     * @return deadline First time it can no longer be executed, unix seconds.
     */
    function getExecutionWindow(
        QueuedTransfer calldata queued
    ) external view returns (uint256 earliest, uint256 deadline) {
        return _executionWindow(queued, _settings[queued.safe].delay);
    }

    /**
     * @notice An operator's standing with a Safe.
     * @param safe The Safe.
     * @param operator The operator.
     * @return The standing.
     */
    function getOperator(address safe, address operator) external view returns (Operator memory) {
        return _operators[safe][operator];
    }

    /**
     * @notice Whether a recipient is allowed for a restricted operator.
     * @param safe The Safe.
     * @param operator The operator.
     * @param recipient The recipient.
     * @return True when allowed.
     */
    function isRecipientAllowed(address safe, address operator, address recipient) external view returns (bool) {
        return _recipients[safe][operator][recipient];
    }

    /**
     * @notice A Safe's module-wide settings.
     * @param safe The Safe.
     * @return The settings.
     */
    function getSafeSettings(address safe) external view returns (SafeSettings memory) {
        return _settings[safe];
    }

    /**
     * @notice A Safe's sweep rule for a token.
     * @param safe The Safe.
     * @param token The token, address(0) for ETH.
     * @return The rule.
     */
    function getSweepRule(address safe, address token) external view returns (SweepRule memory) {
        return _sweepRules[safe][token];
    }

    /**
     * @notice Where a queued transfer stands.
     * @param transferId Hash of the transfer.
     * @return The status (None when never queued).
     */
    function getQueuedStatus(bytes32 transferId) external view returns (QueuedStatus) {
        return _queue[transferId];
    }

    /**
     * @notice The id of a queued transfer: the hash of its struct.
     * @param queued The transfer.
     * @return The id.
     */
    function getTransferId(QueuedTransfer calldata queued) public pure returns (bytes32) {
        return keccak256(abi.encode(queued));
    }

    // ─── Internals ───────────────────────────────────────────────────────────────────────────────────────

    /**
     * @dev Reverts unless `operator` is an enabled, unpaused operator of an unpaused Safe, allowed to pay `to`. The
     * one check of budget transfers, queueing and queued executions. Returns the Safe's queue delay (0: none set).
     */
    function _requireActiveOperator(address safe, address operator, address to) private view returns (uint32) {
        if (to == address(0)) revert CofferTreasuryZeroAddress();
        Operator memory standing = _operators[safe][operator];
        if (!standing.enabled) revert CofferTreasuryNotOperator(safe, operator);
        if (standing.paused) revert CofferTreasuryOperatorPaused(safe, operator);
        SafeSettings memory settings = _settings[safe];
        if (settings.paused) revert CofferTreasuryPaused(safe);
        if (standing.restricted && !_recipients[safe][operator][to]) {
            revert CofferTreasuryRecipientNotAllowed(safe, operator, to);
        }
        return settings.delay;
    }

    /// @dev Reverts unless the queue has a delay; returns max(eta, queuedAt + delay) and that + EXECUTION_WINDOW.
    function _executionWindow(
        QueuedTransfer calldata queued,
        uint32 delay
    ) private pure returns (uint256 earliest, uint256 deadline) {
        if (delay == 0) revert CofferTreasuryNoDelay(queued.safe);
        earliest = uint256(queued.queuedAt) + delay;
        if (queued.eta > earliest) earliest = queued.eta;
        deadline = earliest + EXECUTION_WINDOW;
    }

    /// @dev Sets a budget or queue limit; what was spent in the current period carries into the new period's.
    function _setAllowance(Budget storage stored, uint96 amount, uint32 period) private {
        if (period == 0) revert CofferTreasuryInvalidValue(0);
        uint256 spent = _spentNow(stored);
        stored.amount = amount;
        stored.spent = uint96(spent);
        stored.period = period;
        stored.periodIndex = uint32(block.timestamp / period);
    }

    /// @dev What was spent in the current period of a budget or queue limit (0 when its period is over).
    function _spentNow(Budget memory allowance) private view returns (uint256) {
        if (allowance.period == 0) return 0;
        return block.timestamp / allowance.period == allowance.periodIndex ? allowance.spent : 0;
    }

    /// @dev What may still be spent of a budget or queue limit in the current period.
    function _remaining(Budget memory allowance) private view returns (uint256) {
        uint256 spent = _spentNow(allowance);
        return allowance.amount > spent ? allowance.amount - spent : 0;
    }

    /**
     * @dev Counts `amount` against a budget or queue limit when it fits in what is left this period. Returns whether
     * it fitted, what was left before, and what is spent in the period after.
     */
    function _consume(
        Budget storage stored,
        uint256 amount
    ) private returns (bool allowed, uint256 remaining, uint256 spentAfter) {
        Budget memory allowance = stored;
        if (allowance.period == 0) return (false, 0, 0);
        uint32 periodIndex = uint32(block.timestamp / allowance.period);
        uint256 spent = periodIndex == allowance.periodIndex ? allowance.spent : 0;
        remaining = allowance.amount > spent ? allowance.amount - spent : 0;
        if (amount > remaining) return (false, remaining, spent);
        spentAfter = spent + amount;
        stored.spent = uint96(spentAfter);
        stored.periodIndex = periodIndex;
        allowed = true;
    }

    /**
     * @dev Makes the Safe pay; reverts when the Safe or the token refuses (including a token returning false). A
     * token the Safe has approved to this module moves by `transferFrom`, about 20,000 gas cheaper than a call
     * through the Safe; an allowance is a narrower power than the module's own, so it grants nothing new.
     */
    function _pay(address safe, address token, address to, uint256 amount) private {
        if (token != NATIVE_TOKEN && IERC20(token).allowance(safe, address(this)) >= amount) {
            IERC20(token).safeTransferFrom(safe, to, amount);
            return;
        }
        bool success;
        bytes memory returnData;
        if (token == NATIVE_TOKEN) {
            (success, returnData) = ISafe(safe).execTransactionFromModuleReturnData(to, amount, "", 0);
        } else {
            (success, returnData) = ISafe(safe).execTransactionFromModuleReturnData(
                token,
                0,
                abi.encodeCall(IERC20.transfer, (to, amount)),
                0
            );
            // As SafeERC20: no return data is success only from a contract; otherwise it must decode to true.
            if (success) {
                success =
                    returnData.length == 0
                        ? token.code.length != 0
                        : (returnData.length >= 32 && abi.decode(returnData, (uint256)) == 1);
            }
        }
        if (!success) revert CofferTreasuryTransferFailed(safe, token, to, amount, returnData);
    }
}
