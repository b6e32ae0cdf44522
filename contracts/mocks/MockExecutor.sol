// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LowLevelCall} from "@openzeppelin/contracts/utils/LowLevelCall.sol";

/**
 * @title MockExecutor
 * @notice Test-only building block of the hostile receivers: an open `execute` that lets a test make the receiver
 * act as a payer, payee or operator of the contract under test.
 * @dev Used by {RevertingReceiver}, {GasBurningReceiver} and {ReentrantReceiver}. `execute` is open to anyone
 * (including the receiver itself, or a token callback), so anyone can also spend the receiver's tokens and ETH:
 * never deploy this outside tests.
 */
abstract contract MockExecutor {
    /**
     * @notice Calls `target` with `data` and `value` wei from this contract, returning what it returns and
     * bubbling its revert data unchanged if it reverts (so tests can match the target's custom errors).
     * @dev `value` may come with this call (`msg.value`) or from the contract's balance.
     * @param target The contract (or account) to call.
     * @param value The wei to send with the call.
     * @param data The calldata to send.
     * @return result The call's return data.
     */
    function execute(
        address target,
        uint256 value,
        bytes calldata data
    ) external payable returns (bytes memory result) {
        bool success;
        // solhint-disable-next-line avoid-low-level-calls
        (success, result) = target.call{value: value}(data);
        if (!success) LowLevelCall.bubbleRevert(result);
    }
}
