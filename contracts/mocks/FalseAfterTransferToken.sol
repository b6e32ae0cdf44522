// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title FalseAfterTransferToken
 * @notice Test-only ERC-20 whose `transfer` and `transferFrom` move the funds and then return false.
 * @dev Imitates Tether Gold (XAUt), listed in d-xo/weird-erc20 as "returns false even when the transfer was
 * successful": a caller that trusts the returned bool believes nothing moved and may pay or credit twice.
 * A transfer that cannot be made (short balance or allowance) reverts as OpenZeppelin's ERC-20 does.
 * `setHonest(true)` makes it return true like a standard token. 18 decimals.
 * `mint` and `setHonest` are open to anyone: never deploy this outside tests.
 */
contract FalseAfterTransferToken is ERC20 {
    /// @notice When true, transfers return true as a standard token does.
    bool public honest;

    /// @notice Deploys the token with 18 decimals.
    constructor() ERC20("False After Transfer Token", "FATT") {}

    /**
     * @notice Creates `amount` tokens for `to`. Test-only: anyone may call.
     * @param to The account credited.
     * @param amount The amount minted, in token units.
     */
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /**
     * @notice Makes transfers return true (honest) or false after moving the funds (the default).
     * Test-only: anyone may call.
     * @param isHonest True to return true after a transfer.
     */
    function setHonest(bool isHonest) external {
        honest = isHonest;
    }

    /**
     * @notice Moves `value` from the caller to `to`.
     * @param to The account credited.
     * @param value The amount moved, in token units.
     * @return False unless `honest` is set, although the tokens moved.
     */
    function transfer(address to, uint256 value) public override returns (bool) {
        super.transfer(to, value);
        return honest;
    }

    /**
     * @notice Moves `value` from `from` to `to` using the caller's allowance.
     * @param from The account debited.
     * @param to The account credited.
     * @param value The amount moved, in token units.
     * @return False unless `honest` is set, although the tokens moved.
     */
    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        super.transferFrom(from, to, value);
        return honest;
    }
}
