// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ArmableCallback} from "./ArmableCallback.sol";
import {MockExecutor} from "./MockExecutor.sol";

/**
 * @title ReentrantReceiver
 * @notice Test-only account that, on receiving ETH (or any unknown call) while armed, calls back into any
 * contract once, and can act as a payer, payee or operator through `execute`.
 * @dev Imitates a malicious payee or smart wallet whose `receive` re-enters the paying contract (the DAO-style
 * reentrancy through an ETH push). Arming, recording and bubbling come from {ArmableCallback}: the callback's
 * `msg.sender` is this receiver, it runs once per `arm`, and a revert is recorded and swallowed (the ETH is still
 * accepted) unless `setBubbleRevert(true)`, which makes the payment itself revert. Unarmed, it simply accepts
 * ETH. The settings are open to anyone: never deploy this outside tests.
 */
contract ReentrantReceiver is ArmableCallback, MockExecutor {
    /// @notice Accepts ETH, first making the armed callback if there is one.
    receive() external payable {
        _receive();
    }

    /// @notice Accepts any unknown call, with or without ETH, first making the armed callback if there is one.
    fallback() external payable {
        _receive();
    }

    /// @notice Fires the armed callback, if any.
    function _receive() private {
        if (armed) _fireCallback();
    }
}
