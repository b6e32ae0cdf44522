// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LowLevelCall} from "@openzeppelin/contracts/utils/LowLevelCall.sol";

/**
 * @title ArmableCallback
 * @notice Test-only building block of the reentrant mocks: once armed, the next hook makes one call to a
 * configured target with configured calldata, records the outcome and, unless told to bubble, swallows a revert.
 * @dev Used by {ReentrantToken} (the hook is a token transfer) and {ReentrantReceiver} (the hook is receiving
 * ETH). The callback disarms before it calls, so a callback that re-enters the same hook cannot recurse: each
 * `arm` yields at most one call. The call forwards no ETH and all remaining gas (63/64 of it). If the surrounding
 * transaction reverts, the arming, like every other state change, is rolled back. `arm`, `disarm` and
 * `setBubbleRevert` are open to anyone: never deploy this outside tests.
 */
abstract contract ArmableCallback {
    /// @notice The contract the next callback calls.
    address public callbackTarget;
    /// @notice The calldata of the next callback (function selector and ABI-encoded arguments).
    bytes public callbackData;
    /// @notice Whether the next hook makes the callback; cleared just before the callback is made.
    bool public armed;
    /// @notice When true, a reverting callback reverts the hook (and so the whole call) with the same data.
    bool public bubbleRevert;
    /// @notice Whether the last callback returned without reverting.
    bool public lastCallbackSucceeded;
    /// @notice What the last callback returned, or its revert data if it reverted.
    bytes public lastCallbackReturnData;
    /// @notice How many callbacks have been made (and not rolled back).
    uint256 public callbackCount;

    /**
     * @notice Emitted when a callback is armed.
     * @param target The contract the callback will call.
     * @param data The calldata it will send.
     */
    event CallbackArmed(address indexed target, bytes data);

    /**
     * @notice Emitted right after a callback returns or reverts (not emitted when a bubbled revert undoes it).
     * @param target The contract called.
     * @param success Whether the call returned without reverting.
     * @param returnData What it returned, or its revert data.
     */
    event CallbackMade(address indexed target, bool success, bytes returnData);

    /**
     * @notice Makes the next hook call `target` with `data`, once. Test-only: anyone may call.
     * @param target The contract to call back.
     * @param data The calldata to send it.
     */
    function arm(address target, bytes calldata data) external {
        callbackTarget = target;
        callbackData = data;
        armed = true;
        emit CallbackArmed(target, data);
    }

    /// @notice Cancels an armed callback. Test-only: anyone may call.
    function disarm() external {
        armed = false;
    }

    /**
     * @notice Chooses whether a reverting callback is swallowed (recorded only) or bubbled up, reverting the hook
     * with the callback's revert data. Test-only: anyone may call.
     * @param bubble True to bubble reverts, false (the default) to record and swallow them.
     */
    function setBubbleRevert(bool bubble) external {
        bubbleRevert = bubble;
    }

    /**
     * @notice Makes the armed callback: disarms, calls the target, records and emits the outcome, then bubbles a
     * revert if `bubbleRevert` is set. The caller checks `armed` first.
     */
    function _fireCallback() internal {
        // Disarm before the call, so that a callback re-entering the hook finds nothing armed.
        armed = false;
        address target = callbackTarget;
        // solhint-disable-next-line avoid-low-level-calls
        (bool success, bytes memory returnData) = target.call(callbackData);
        ++callbackCount;
        lastCallbackSucceeded = success;
        lastCallbackReturnData = returnData;
        emit CallbackMade(target, success, returnData);
        if (!success && bubbleRevert) LowLevelCall.bubbleRevert(returnData);
    }
}
