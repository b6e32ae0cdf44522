// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MockERC20} from "./MockERC20.sol";

/**
 * @title SpamERC20
 * @notice Test-only MockERC20 that can also emit `Transfer` logs between made-up accounts without moving any
 * balance: the unrelated traffic of a busy token (USDC on a large chain), made cheaply for the indexer's scale
 * benchmark.
 * @dev The logs are not real transfers: a balance summed from them is wrong for the made-up accounts, which is why
 * the indexer must not follow them. Never deploy this outside tests.
 */
contract SpamERC20 is MockERC20 {
    /**
     * @notice Deploys the token.
     * @param name_ The token name.
     * @param symbol_ The token symbol.
     * @param decimals_ The number of decimals.
     */
    constructor(string memory name_, string memory symbol_, uint8 decimals_) MockERC20(name_, symbol_, decimals_) {}

    /**
     * @notice Emits `n` `Transfer` events from and to accounts derived from `seed` (no storage is written).
     * @param seed Makes the accounts differ between calls.
     * @param n The number of events, 0 or more.
     */
    function spam(uint256 seed, uint256 n) external {
        for (uint256 i = 0; i < n; ++i) {
            address from = address(uint160(uint256(keccak256(abi.encode(seed, i)))));
            address to = address(uint160(uint256(keccak256(abi.encode(i, seed)))));
            emit Transfer(from, to, i + 1);
        }
    }
}
