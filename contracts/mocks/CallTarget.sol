// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/**
 * @title CallTarget
 * @notice Test-only callee for the reentrant mocks and `execute`: records who called it with how much ETH, can
 * snapshot a token balance at the moment it is called, and can revert on demand.
 * @dev Imitates nothing: it is the observable end of a callback, so tests can prove a callback happened, who made
 * it, when (before or after a balance moved) and what a revert looks like to the caller.
 */
contract CallTarget {
    /// @notice How many times `ping` or `snapshotBalance` ran.
    uint256 public calls;
    /// @notice The `msg.sender` of the last `ping` or `snapshotBalance`.
    address public lastCaller;
    /// @notice The wei sent with the last `ping`.
    uint256 public lastValue;
    /// @notice The balance read by the last `snapshotBalance`, in token units.
    uint256 public snapshot;

    /**
     * @notice Emitted by `ping`.
     * @param caller The caller.
     * @param value The wei sent.
     */
    event Pinged(address indexed caller, uint256 value);

    /**
     * @notice Raised by `fail`.
     * @param caller The caller of `fail`.
     * @param code The code passed to `fail`.
     */
    error CallTargetFailed(address caller, uint256 code);

    /**
     * @notice Records the caller and the wei sent.
     * @return count The number of calls so far, this one included.
     */
    function ping() external payable returns (uint256 count) {
        count = ++calls;
        lastCaller = msg.sender;
        lastValue = msg.value;
        emit Pinged(msg.sender, msg.value);
    }

    /**
     * @notice Records the caller and `token.balanceOf(account)` at this moment.
     * @param token The token read.
     * @param account The account whose balance is read.
     * @return balance The balance read, in token units.
     */
    function snapshotBalance(IERC20 token, address account) external returns (uint256 balance) {
        balance = token.balanceOf(account);
        ++calls;
        lastCaller = msg.sender;
        snapshot = balance;
    }

    /**
     * @notice Always reverts with {CallTargetFailed}.
     * @param code Any number, echoed in the error so a test can tell which call failed.
     */
    function fail(uint256 code) external view {
        revert CallTargetFailed(msg.sender, code);
    }
}
