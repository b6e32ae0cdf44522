// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title ApproveRaceToken
 * @notice Test-only ERC-20 that returns booleans normally but whose `approve` reverts when it would change a
 * non-zero allowance to another non-zero value.
 * @dev Imitates the approve-race guard of USDT, KNC and other tokens, without USDT's missing return values, so
 * this one behaviour can be tested alone: a protocol that calls `approve(spender, x)` twice without resetting to
 * zero (instead of `SafeERC20.forceApprove`) gets stuck. Allowances spent by `transferFrom` still decrease
 * normally. 18 decimals. `mint` is open to anyone: never deploy this outside tests.
 */
contract ApproveRaceToken is ERC20 {
    /**
     * @notice `approve` tried to change a non-zero allowance to another non-zero value.
     * @param owner The caller of `approve`.
     * @param spender The spender whose allowance was to change.
     * @param currentAllowance The allowance in place, in token units (non-zero).
     */
    error ApproveRaceTokenApproveFromNonZero(address owner, address spender, uint256 currentAllowance);

    /// @notice Deploys the token with 18 decimals.
    constructor() ERC20("Approve Race Token", "ART") {}

    /**
     * @notice Creates `amount` tokens for `to`. Test-only: anyone may call.
     * @param to The account credited.
     * @param amount The amount minted, in token units.
     */
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /**
     * @notice Sets the caller's allowance for `spender`; reverts when both the current allowance and `value` are
     * non-zero (set it to zero first).
     * @param spender The account allowed to move the caller's tokens.
     * @param value The new allowance, in token units.
     * @return Always true when it does not revert.
     */
    function approve(address spender, uint256 value) public override returns (bool) {
        uint256 current = allowance(msg.sender, spender);
        if (value != 0 && current != 0) revert ApproveRaceTokenApproveFromNonZero(msg.sender, spender, current);
        return super.approve(spender, value);
    }
}
