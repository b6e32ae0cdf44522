// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MockExecutor} from "./MockExecutor.sol";

/**
 * @title GasBurningReceiver
 * @notice Test-only account that, on receiving ETH (or any unknown call), burns every unit of gas it is given,
 * and can act as a payer, payee or operator through `execute`.
 * @dev Imitates a griefing payee: a contract whose `receive` loops until it runs out of gas, so a sender that
 * forwards all its gas loses 63/64 of it and the call fails, and a 2300-gas `transfer` or a fixed stipend fails
 * too. The loop writes storage on every turn, so the optimizer cannot remove it and the gas really is spent.
 * Burning is on at deployment; `setBurning(false)` turns the account into a plain ETH receiver. `execute` (see
 * {MockExecutor}) is a normal function and does not burn gas. `setBurning` is open to anyone: never deploy this
 * outside tests.
 */
contract GasBurningReceiver is MockExecutor {
    /// @notice Whether `receive` and `fallback` burn all their gas.
    bool public burning = true;

    /// @dev Written on every turn of the loop; never persists, since the loop always ends out of gas.
    uint256 private _sink;

    /// @notice Burns all the gas it is given while `burning` is set, else accepts the ETH.
    receive() external payable {
        _receive();
    }

    /// @notice Burns all the gas it is given on any unknown call while `burning` is set, else accepts it.
    fallback() external payable {
        _receive();
    }

    /**
     * @notice Turns gas burning on or off. Test-only: anyone may call.
     * @param burn True to burn all gas on ETH and unknown calls, false to accept them.
     */
    function setBurning(bool burn) external {
        burning = burn;
    }

    /// @notice Loops, writing storage, until the gas runs out, while `burning` is set.
    function _receive() private {
        if (!burning) return;
        while (true) {
            unchecked {
                ++_sink;
            }
        }
    }
}
