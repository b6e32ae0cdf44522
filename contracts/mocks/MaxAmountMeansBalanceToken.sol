// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title MaxAmountMeansBalanceToken
 * @notice Test-only ERC-20 whose `transfer` and `transferFrom` of `type(uint256).max` move the sender's whole
 * balance instead, as Compound III's cUSDCv3 does: less than the amount asked moves and the call succeeds.
 * @dev Imitates Compound III's cUSDCv3 (Comet), listed in d-xo/weird-erc20 as "transfer of less than amount": a
 * vault that pulls a user-given amount and credits that amount, without measuring what arrived, credits
 * 2^256 - 1 for a balance of a few units. `transferFrom` of `type(uint256).max` spends the allowance by the
 * balance moved (an unlimited allowance is never decreased). Every other amount behaves as OpenZeppelin's ERC-20.
 * 6 decimals, as cUSDCv3. `mint` is open to anyone: never deploy this outside tests.
 */
contract MaxAmountMeansBalanceToken is ERC20 {
    /// @notice Deploys the token with 6 decimals.
    constructor() ERC20("Max Amount Means Balance Token", "cMAX") {}

    /**
     * @notice Creates `amount` tokens for `to`. Test-only: anyone may call.
     * @param to The account credited.
     * @param amount The amount minted, in token units.
     */
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /**
     * @notice The number of decimals, as cUSDCv3.
     * @return The decimals of the token (6).
     */
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /**
     * @notice Moves `value` from the caller to `to`; `type(uint256).max` moves the caller's whole balance.
     * @param to The account credited.
     * @param value The amount moved, in token units, or `type(uint256).max` for the whole balance.
     * @return Always true when it does not revert.
     */
    function transfer(address to, uint256 value) public override returns (bool) {
        if (value == type(uint256).max) value = balanceOf(msg.sender);
        return super.transfer(to, value);
    }

    /**
     * @notice Moves `value` from `from` to `to` using the caller's allowance; `type(uint256).max` moves the
     * whole balance of `from`.
     * @param from The account debited.
     * @param to The account credited.
     * @param value The amount moved, in token units, or `type(uint256).max` for the whole balance.
     * @return Always true when it does not revert.
     */
    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (value == type(uint256).max) value = balanceOf(from);
        return super.transferFrom(from, to, value);
    }
}
