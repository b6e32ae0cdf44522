// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title Uint96Token
 * @notice Test-only ERC-20 that keeps amounts in 96 bits, as Uniswap's UNI and Compound's COMP do: `transfer`,
 * `transferFrom`, `approve` and `mint` revert for an amount of 2^96 or more, except that
 * `approve(spender, type(uint256).max)` sets an allowance of `type(uint96).max`, which `transferFrom` never decreases.
 * @dev Imitates Uniswap's UNI and Compound's COMP (listed in d-xo/weird-erc20 as "revert on large approvals and
 * transfers"): balances, allowances and the total supply are uint96 there, so a protocol that passes a larger
 * amount gets the token's revert, and one that reads back an "infinite" allowance sees 2^96 - 1 rather than
 * 2^256 - 1. Unlike UNI, failures revert with a custom error instead of a reason string. 18 decimals.
 * `mint` is open to anyone: never deploy this outside tests.
 */
contract Uint96Token is ERC20 {
    /**
     * @notice An amount did not fit in 96 bits (or a mint would make the total supply exceed 96 bits).
     * @param amount The amount asked for, in token units.
     */
    error Uint96TokenAmountTooLarge(uint256 amount);

    /// @notice Deploys the token with 18 decimals.
    constructor() ERC20("Uint96 Token", "U96") {}

    /**
     * @notice Creates `amount` tokens for `to`; reverts if the total supply would reach 2^96. Test-only: anyone
     * may call.
     * @param to The account credited.
     * @param amount The amount minted, in token units.
     */
    function mint(address to, uint256 amount) external {
        if (totalSupply() + amount > type(uint96).max) revert Uint96TokenAmountTooLarge(amount);
        _mint(to, amount);
    }

    /**
     * @notice Sets the caller's allowance for `spender`: `type(uint256).max` is stored as `type(uint96).max`
     * (unlimited), any other amount of 2^96 or more reverts.
     * @param spender The account allowed to move the caller's tokens.
     * @param value The new allowance, in token units.
     * @return Always true when it does not revert.
     */
    function approve(address spender, uint256 value) public override returns (bool) {
        return super.approve(spender, _toUint96(value == type(uint256).max ? type(uint96).max : value));
    }

    /**
     * @notice Moves `value` from the caller to `to`; reverts for 2^96 or more.
     * @param to The account credited.
     * @param value The amount moved, in token units.
     * @return Always true when it does not revert.
     */
    function transfer(address to, uint256 value) public override returns (bool) {
        return super.transfer(to, _toUint96(value));
    }

    /**
     * @notice Moves `value` from `from` to `to` using the caller's allowance (never decreased when it is
     * `type(uint96).max`); reverts for 2^96 or more.
     * @param from The account debited.
     * @param to The account credited.
     * @param value The amount moved, in token units.
     * @return Always true when it does not revert.
     */
    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        _toUint96(value);
        if (allowance(from, msg.sender) == type(uint96).max) {
            _transfer(from, to, value);
            return true;
        }
        return super.transferFrom(from, to, value);
    }

    /**
     * @notice Returns `value` if it fits in 96 bits, else reverts.
     * @param value The amount checked, in token units.
     * @return The same amount.
     */
    function _toUint96(uint256 value) private pure returns (uint256) {
        if (value > type(uint96).max) revert Uint96TokenAmountTooLarge(value);
        return value;
    }
}
