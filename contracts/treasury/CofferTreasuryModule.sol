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

    /// @inheritdoc ICofferTreasuryModule
    address public constant NATIVE_TOKEN = address(0);
    /// @inheritdoc ICofferTreasuryModule
    uint256 public constant EXECUTION_WINDOW = 14 days;
    /// @inheritdoc ICofferTreasuryModule
    uint32 public constant MIN_QUEUE_DELAY = 1 hours;
    /// @inheritdoc ICofferTreasuryModule
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

    /// @inheritdoc ICofferTreasuryModule
    function setOperator(address operator, bool enabled, bool restricted) external {
        if (operator == address(0)) revert CofferTreasuryZeroAddress();
        Operator storage standing = _operators[msg.sender][operator];
        standing.enabled = enabled;
        standing.restricted = restricted;
        emit OperatorSet(msg.sender, operator, enabled, restricted);
    }

    /// @inheritdoc ICofferTreasuryModule
    function setOperatorPaused(address operator, bool paused) external {
        _operators[msg.sender][operator].paused = paused;
        emit OperatorPaused(msg.sender, operator, paused);
    }

    /// @inheritdoc ICofferTreasuryModule
    function setRecipient(address operator, address recipient, bool allowed) external {
        _recipients[msg.sender][operator][recipient] = allowed;
        emit RecipientSet(msg.sender, operator, recipient, allowed);
    }

    /// @inheritdoc ICofferTreasuryModule
    function setBudget(address operator, address token, uint96 amount, uint32 period) external {
        _setAllowance(_budgets[msg.sender][operator][token], amount, period);
        emit BudgetSet(msg.sender, operator, token, amount, period);
    }

    /// @inheritdoc ICofferTreasuryModule
    function setQueueLimit(address operator, address token, uint96 amount, uint32 period) external {
        _setAllowance(_queueLimits[msg.sender][operator][token], amount, period);
        emit QueueLimitSet(msg.sender, operator, token, amount, period);
    }

    /// @inheritdoc ICofferTreasuryModule
    function setPaused(bool paused) external {
        _settings[msg.sender].paused = paused;
        emit PausedSet(msg.sender, paused);
    }

    /// @inheritdoc ICofferTreasuryModule
    function setQueueDelay(uint32 delay) external {
        if (delay < MIN_QUEUE_DELAY || delay > MAX_QUEUE_DELAY) {
            revert CofferTreasuryInvalidDelay(delay, MIN_QUEUE_DELAY, MAX_QUEUE_DELAY);
        }
        _settings[msg.sender].delay = delay;
        emit QueueDelaySet(msg.sender, delay);
    }

    /// @inheritdoc ICofferTreasuryModule
    function setSweepRule(address token, address cold, uint96 cap) external {
        _sweepRules[msg.sender][token] = SweepRule(cold, cap);
        emit SweepRuleSet(msg.sender, token, cold, cap);
    }

    /// @inheritdoc ICofferTreasuryModule
    function cancelQueued(QueuedTransfer calldata queued) external {
        bytes32 transferId = getTransferId(queued);
        QueuedStatus status = _queue[transferId];
        if (status != QueuedStatus.Queued) revert CofferTreasuryNotQueued(transferId, status);
        if (msg.sender != queued.safe) revert CofferTreasuryNotTheSafe(transferId, msg.sender);
        _queue[transferId] = QueuedStatus.Cancelled;
        emit TransferCancelled(transferId, msg.sender);
    }

    // ─── Operators ───────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ICofferTreasuryModule
    function transfer(address safe, address token, address to, uint256 amount) external nonReentrant {
        _requireActiveOperator(safe, msg.sender, to);
        if (amount == 0) revert CofferTreasuryInvalidValue(0);
        (bool allowed, uint256 remaining, uint256 spent) = _consume(_budgets[safe][msg.sender][token], amount);
        if (!allowed) revert CofferTreasuryBudgetExceeded(safe, msg.sender, token, amount, remaining);
        emit BudgetSpent(safe, msg.sender, token, to, amount, spent);
        _pay(safe, token, to, amount);
    }

    /// @inheritdoc ICofferTreasuryModule
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

    /// @inheritdoc ICofferTreasuryModule
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

    /// @inheritdoc ICofferTreasuryModule
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

    /// @inheritdoc ICofferTreasuryModule
    function getBudget(
        address safe,
        address operator,
        address token
    ) external view returns (Budget memory budget, uint256 remaining) {
        budget = _budgets[safe][operator][token];
        remaining = _remaining(budget);
    }

    /// @inheritdoc ICofferTreasuryModule
    function getQueueLimit(
        address safe,
        address operator,
        address token
    ) external view returns (Budget memory limit, uint256 remaining) {
        limit = _queueLimits[safe][operator][token];
        remaining = _remaining(limit);
    }

    /// @inheritdoc ICofferTreasuryModule
    function getExecutionWindow(
        QueuedTransfer calldata queued
    ) external view returns (uint256 earliest, uint256 deadline) {
        return _executionWindow(queued, _settings[queued.safe].delay);
    }

    /// @inheritdoc ICofferTreasuryModule
    function getOperator(address safe, address operator) external view returns (Operator memory) {
        return _operators[safe][operator];
    }

    /// @inheritdoc ICofferTreasuryModule
    function isRecipientAllowed(address safe, address operator, address recipient) external view returns (bool) {
        return _recipients[safe][operator][recipient];
    }

    /// @inheritdoc ICofferTreasuryModule
    function getSafeSettings(address safe) external view returns (SafeSettings memory) {
        return _settings[safe];
    }

    /// @inheritdoc ICofferTreasuryModule
    function getSweepRule(address safe, address token) external view returns (SweepRule memory) {
        return _sweepRules[safe][token];
    }

    /// @inheritdoc ICofferTreasuryModule
    function getQueuedStatus(bytes32 transferId) external view returns (QueuedStatus) {
        return _queue[transferId];
    }

    /// @inheritdoc ICofferTreasuryModule
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
