// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MockExecutor} from "./MockExecutor.sol";

/**
 * @title RevertingReceiver
 * @notice Test-only account that rejects every ETH payment (and every unknown call) with a custom error, and can
 * act as a payer, payee or operator through `execute`.
 * @dev Imitates a payee that cannot take ETH: a contract without `receive`, a multisig or smart wallet whose
 * fallback reverts, or a payee that reverts on purpose to block a batch of payouts. Rejecting is on at
 * deployment; `setRejecting(false)` turns the account into a plain ETH receiver. `execute` (see {MockExecutor})
 * is a normal function, so it still takes ETH while rejecting. `setRejecting` is open to anyone: never deploy
 * this outside tests.
 */
contract RevertingReceiver is MockExecutor {
    /// @notice Whether `receive` and `fallback` revert.
    bool public rejecting = true;

    /**
     * @notice ETH (or an unknown call) was sent while rejecting.
     * @param sender The caller.
     * @param value The wei sent with the call.
     */
    error RevertingReceiverRejected(address sender, uint256 value);

    /// @notice Rejects plain ETH payments while `rejecting` is set.
    receive() external payable {
        _receive();
    }

    /// @notice Rejects any call to an unknown function, with or without ETH, while `rejecting` is set.
    fallback() external payable {
        _receive();
    }

    /**
     * @notice Turns rejection on or off. Test-only: anyone may call.
     * @param reject True to revert on ETH and unknown calls, false to accept them.
     */
    function setRejecting(bool reject) external {
        rejecting = reject;
    }

    /// @notice Reverts with {RevertingReceiverRejected} while `rejecting` is set, else accepts.
    function _receive() private view {
        if (rejecting) revert RevertingReceiverRejected(msg.sender, msg.value);
    }
}
