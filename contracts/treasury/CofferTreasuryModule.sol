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
 * or only to allowed recipients), larger transfers queued behind a delay that the Safe can cancel, and sweeps of a
 * token's excess above a cap to a cold address.
 * @dev Every policy is keyed by the Safe that set it: a Safe changes only its own policy, through its own multisig
 * approval (`msg.sender` is the Safe). The module moves funds only through `execTransactionFromModuleReturnData`
 * on the Safe named in the call, so it acts only for Safes that enabled it. Budgets count what leaves the Safe.
 */
contract CofferTreasuryModule is ICofferTreasuryModule, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Token address that stands for native ETH.
    address public constant NATIVE_TOKEN = address(0);
    /// @notice How long after its earliest execution time a queued transfer can still be executed, in seconds.
    uint256 public constant EXECUTION_WINDOW = 14 days;

    /// @dev Safe → module-wide settings.
    mapping(address safe => SafeSettings settings) private _settings;
    /// @dev Safe → operator → standing.
    mapping(address safe => mapping(address operator => Operator standing)) private _operators;
    /// @dev Safe → operator → token → budget.
    mapping(address safe => mapping(address operator => mapping(address token => Budget budget))) private _budgets;
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
     * @notice Sets an operator's budget of a token for the calling Safe; what was spent this period still counts
     * when the period length is unchanged.
     * @param operator The operator.
     * @param token The token, address(0) for ETH.
     * @param amount Most per period, in token units (0 removes the budget).
     * @param period Period length in seconds (at least 1).
     */
    function setBudget(address operator, address token, uint96 amount, uint32 period) external {
        if (period == 0) revert CofferTreasuryInvalidValue(0);
        Budget storage budget = _budgets[msg.sender][operator][token];
        if (budget.period != period) {
            budget.spent = 0;
            budget.periodIndex = uint32(block.timestamp / period);
        }
        budget.amount = amount;
        budget.period = period;
        emit BudgetSet(msg.sender, operator, token, amount, period);
    }

    /**
     * @notice Pauses or unpauses everything for the calling Safe, and sets its queue delay.
     * @param paused Whether budget transfers, queued executions and sweeps are stopped.
     * @param delay Seconds between queueing a transfer and its earliest execution.
     */
    function setSafeSettings(bool paused, uint32 delay) external {
        _settings[msg.sender] = SafeSettings(paused, delay);
        emit SafeSettingsSet(msg.sender, paused, delay);
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
        _requireActiveOperator(safe, to);
        if (amount == 0) revert CofferTreasuryInvalidValue(0);
        Budget memory budget = _budgets[safe][msg.sender][token];
        if (budget.period == 0) revert CofferTreasuryBudgetExceeded(safe, msg.sender, token, amount, 0);
        uint32 periodIndex = uint32(block.timestamp / budget.period);
        uint256 spent = periodIndex == budget.periodIndex ? budget.spent : 0;
        uint256 remaining = budget.amount > spent ? budget.amount - spent : 0;
        if (amount > remaining) revert CofferTreasuryBudgetExceeded(safe, msg.sender, token, amount, remaining);

        Budget storage stored = _budgets[safe][msg.sender][token];
        stored.spent = uint96(spent + amount);
        stored.periodIndex = periodIndex;
        emit BudgetSpent(safe, msg.sender, token, to, amount, spent + amount);
        _pay(safe, token, to, amount);
    }

    /**
     * @notice Queues a transfer (typically beyond the budget) that anyone can execute after the Safe's delay, unless
     * the Safe cancels it first.
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
        _requireActiveOperator(safe, to);
        if (amount == 0) revert CofferTreasuryInvalidValue(0);
        QueuedTransfer memory queued = QueuedTransfer({
            safe: safe,
            token: token,
            to: to,
            amount: amount,
            operator: msg.sender,
            eta: uint48(block.timestamp) + _settings[safe].delay,
            nonce: ++_queueNonce
        });
        transferId = keccak256(abi.encode(queued));
        _queue[transferId] = QueuedStatus.Queued;
        emit TransferQueued(transferId, safe, msg.sender, queued);
    }

    // ─── Anyone ──────────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice Executes a queued transfer once its delay has passed, within the execution window, while neither
     * the module nor its operator is paused or disabled.
     * @param queued The transfer, as emitted when it was queued.
     */
    function executeQueued(QueuedTransfer calldata queued) external nonReentrant {
        bytes32 transferId = getTransferId(queued);
        QueuedStatus status = _queue[transferId];
        if (status != QueuedStatus.Queued) revert CofferTreasuryNotQueued(transferId, status);
        if (block.timestamp < queued.eta) revert CofferTreasuryTooEarly(transferId, queued.eta, block.timestamp);
        if (block.timestamp >= queued.eta + EXECUTION_WINDOW) {
            revert CofferTreasuryExpired(transferId, queued.eta + EXECUTION_WINDOW, block.timestamp);
        }
        if (_settings[queued.safe].paused) revert CofferTreasuryPaused(queued.safe);
        Operator memory standing = _operators[queued.safe][queued.operator];
        if (!standing.enabled) revert CofferTreasuryNotOperator(queued.safe, queued.operator);
        if (standing.paused) revert CofferTreasuryOperatorPaused(queued.safe, queued.operator);

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
        if (budget.period == 0) return (budget, 0);
        uint256 spent = block.timestamp / budget.period == budget.periodIndex ? budget.spent : 0;
        remaining = budget.amount > spent ? budget.amount - spent : 0;
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

    /// @dev Reverts unless the caller is an enabled, unpaused operator of an unpaused Safe, allowed to pay `to`.
    function _requireActiveOperator(address safe, address to) private view {
        if (to == address(0)) revert CofferTreasuryZeroAddress();
        Operator memory standing = _operators[safe][msg.sender];
        if (!standing.enabled) revert CofferTreasuryNotOperator(safe, msg.sender);
        if (standing.paused) revert CofferTreasuryOperatorPaused(safe, msg.sender);
        if (_settings[safe].paused) revert CofferTreasuryPaused(safe);
        if (standing.restricted && !_recipients[safe][msg.sender][to]) {
            revert CofferTreasuryRecipientNotAllowed(safe, msg.sender, to);
        }
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
