// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title SplitGasBurningToken
 * @notice Test-only ERC-20 whose `transfer`, while burning is on, burns every unit of gas it is given, so the
 * transfer fails out of gas.
 * @dev Imitates the worst token a split can be asked to push: one whose transfer hook (ERC-777 style) or
 * malicious code consumes the whole gas stipend of every push. Used to measure a split's worst-case distribution
 * (every push fails after burning its stipend, every share becomes a new credit) against the transaction gas cap.
 * The loop writes storage on every turn, so the optimizer cannot remove it. Burning is off at deployment;
 * `transferFrom` and mints never burn. 18 decimals. `mint` and `setBurning` are open to anyone: never deploy this
 * outside tests.
 */
contract SplitGasBurningToken is ERC20 {
    /// @notice Whether `transfer` burns all its gas.
    bool public burning;

    /// @dev Written on every turn of the loop; never persists, since the loop always ends out of gas.
    uint256 private _sink;

    /// @notice Deploys the token with 18 decimals, not burning.
    constructor() ERC20("Gas Burning Token", "BURN") {}

    /**
     * @notice Creates `amount` tokens for `to`. Test-only: anyone may call.
     * @param to The account credited.
     * @param amount The amount minted, in token units.
     */
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /**
     * @notice Turns gas burning on or off. Test-only: anyone may call.
     * @param burn True to make every `transfer` burn all its gas.
     */
    function setBurning(bool burn) external {
        burning = burn;
    }

    /**
     * @notice Moves `value` from the caller to `to`, or, while burning, loops until the gas runs out.
     * @param to The account credited.
     * @param value The amount moved, in token units.
     * @return Always true when it does not run out of gas.
     */
    function transfer(address to, uint256 value) public override returns (bool) {
        if (burning) {
            while (true) {
                unchecked {
                    ++_sink;
                }
            }
        }
        return super.transfer(to, value);
    }
}
