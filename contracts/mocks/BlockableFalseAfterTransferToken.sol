// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {FalseAfterTransferToken} from "./FalseAfterTransferToken.sol";

/**
 * @title BlockableFalseAfterTransferToken
 * @notice Test-only {FalseAfterTransferToken} (moves the funds, then returns false) that can also block an
 * account: every transfer from or to a blocked account reverts and moves nothing.
 * @dev Lets a test make a payout of a Tether-Gold-like token fail for real (so that it becomes a credit) and then
 * withdraw that credit once the account is unblocked. `setBlocked` is open to anyone: never deploy this outside
 * tests.
 */
contract BlockableFalseAfterTransferToken is FalseAfterTransferToken {
    /// @notice Whether each account is blocked.
    mapping(address account => bool blocked) public isBlocked;

    /// @notice A blocked account took part in a transfer.
    error BlockableFalseAfterTransferTokenBlocked(address account);

    /**
     * @notice Blocks or unblocks `account`. Test-only: anyone may call.
     * @param account The account.
     * @param blocked True to make its transfers revert.
     */
    function setBlocked(address account, bool blocked) external {
        isBlocked[account] = blocked;
    }

    /// @dev Refuses any movement from or to a blocked account, then moves as ERC-20 does.
    function _update(address from, address to, uint256 value) internal override {
        if (isBlocked[from]) revert BlockableFalseAfterTransferTokenBlocked(from);
        if (isBlocked[to]) revert BlockableFalseAfterTransferTokenBlocked(to);
        super._update(from, to, value);
    }
}
