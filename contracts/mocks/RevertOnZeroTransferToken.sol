// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title RevertOnZeroTransferToken
 * @notice Test-only ERC-20 whose `transfer` and `transferFrom` revert when the amount is zero, as Aave's LEND does.
 * @dev Imitates Aave's LEND (listed in d-xo/weird-erc20 as "revert on zero value transfers"): a protocol that
 * sends a zero leg (a fee of 0, a share that rounds down to 0) fails with this token's error instead of its own.
 * Every other transfer behaves as OpenZeppelin's ERC-20. 18 decimals.
 * `mint` is open to anyone: never deploy this outside tests.
 */
contract RevertOnZeroTransferToken is ERC20 {
    /**
     * @notice A transfer of zero tokens was attempted.
     * @param from The account that would have been debited.
     * @param to The account that would have been credited.
     */
    error RevertOnZeroTransferTokenZeroAmount(address from, address to);

    /// @notice Deploys the token with 18 decimals.
    constructor() ERC20("Revert On Zero Transfer Token", "RZT") {}

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
     * @param value The amount moved, in token units (non-zero).
     * @return Always true when it does not revert.
     */
    function transfer(address to, uint256 value) public override returns (bool) {
        if (value == 0) revert RevertOnZeroTransferTokenZeroAmount(msg.sender, to);
        return super.transfer(to, value);
    }

    /**
     * @notice Moves `value` from `from` to `to` using the caller's allowance; reverts when `value` is zero.
     * @param from The account debited.
     * @param to The account credited.
     * @param value The amount moved, in token units (non-zero).
     * @return Always true when it does not revert.
     */
    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (value == 0) revert RevertOnZeroTransferTokenZeroAmount(from, to);
        return super.transferFrom(from, to, value);
    }
}
