// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title RevertOnZeroTransferToken
 * @notice Test-only ERC-20 whose `transfer` and `transferFrom` revert when the amount is zero.
 * @dev Imitates the tokens listed in d-xo/weird-erc20 as "revert on zero value transfers" (e.g. LEND): a protocol
 * that sends a zero leg (a fee of 0, a payee's share of 0 at a 100% fee) fails with the token's error. Otherwise a
 * standard OpenZeppelin ERC-20 with 18 decimals. `mint` is open to anyone: never deploy this outside tests.
 */
contract RevertOnZeroTransferToken is ERC20 {
    /// @notice A transfer of zero tokens was attempted.
    error RevertOnZeroTransferTokenZeroAmount(address from, address to);

    /// @notice Deploys the token with 18 decimals.
    constructor() ERC20("Revert On Zero Transfer Token", "ROZT") {}

    /**
     * @notice Creates `amount` tokens for `to`. Test-only: anyone may call.
     * @param to The account credited.
     * @param amount The amount minted, in token units.
     */
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /**
     * @notice Moves `value` from the caller to `to`; reverts when `value` is zero.
     * @param to The account credited.
     * @param value The amount moved, in token units, at least 1.
     * @return True.
     */
    function transfer(address to, uint256 value) public override returns (bool) {
        if (value == 0) revert RevertOnZeroTransferTokenZeroAmount(msg.sender, to);
        return super.transfer(to, value);
    }

    /**
     * @notice Moves `value` from `from` to `to` using the caller's allowance; reverts when `value` is zero.
     * @param from The account debited.
     * @param to The account credited.
     * @param value The amount moved, in token units, at least 1.
     * @return True.
     */
    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (value == 0) revert RevertOnZeroTransferTokenZeroAmount(from, to);
        return super.transferFrom(from, to, value);
    }
}
