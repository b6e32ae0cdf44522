// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title ReturnsFalseToken
 * @notice Test-only ERC-20 whose `transfer` and `transferFrom` return false instead of reverting when they fail,
 * moving nothing; `setFailAll(true)` makes every transfer fail that way.
 * @dev Imitates the pre-OpenZeppelin tokens that signal failure by return value (0x ZRX, Basic Attention Token
 * and other ConsenSys StandardToken copies): a caller that ignores the returned bool believes it was paid.
 * Insufficient balance or allowance returns false; a successful transfer returns true. 18 decimals.
 * `mint` and `setFailAll` are open to anyone: never deploy this outside tests.
 */
contract ReturnsFalseToken is ERC20 {
    /// @notice When true, every `transfer` and `transferFrom` returns false and moves nothing.
    bool public failAll;

    /// @notice Deploys the token with 18 decimals.
    constructor() ERC20("Returns False Token", "RFT") {}

    /**
     * @notice Creates `amount` tokens for `to`. Test-only: anyone may call.
     * @param to The account credited.
     * @param amount The amount minted, in token units.
     */
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /**
     * @notice Makes every later transfer fail (return false, move nothing), or restores normal behaviour.
     * Test-only: anyone may call.
     * @param fail True to fail every transfer, false to fail only on insufficient balance or allowance.
     */
    function setFailAll(bool fail) external {
        failAll = fail;
    }

    /**
     * @notice Moves `value` from the caller to `to`.
     * @param to The account credited.
     * @param value The amount moved, in token units.
     * @return True if the tokens moved; false (and nothing moved) if `failAll` is set or the caller holds less
     * than `value`.
     */
    function transfer(address to, uint256 value) public override returns (bool) {
        if (failAll || balanceOf(msg.sender) < value) return false;
        return super.transfer(to, value);
    }

    /**
     * @notice Moves `value` from `from` to `to` using the caller's allowance.
     * @param from The account debited.
     * @param to The account credited.
     * @param value The amount moved, in token units.
     * @return True if the tokens moved; false (nothing moved, allowance untouched) if `failAll` is set, the
     * allowance is below `value` or `from` holds less than `value`.
     */
    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (failAll || allowance(from, msg.sender) < value || balanceOf(from) < value) return false;
        return super.transferFrom(from, to, value);
    }
}
