// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title PhantomPermitToken
 * @notice Test-only ERC-20 without `permit` whose fallback accepts any call, as Wrapped Ether (WETH9) does:
 * `permit(...)` succeeds and does nothing, so no allowance is set.
 * @dev Imitates Wrapped Ether (WETH9), listed in d-xo/weird-erc20 under "unusual permit function" (a "phantom
 * function"): WETH9's payable fallback deposits and returns without reverting for any unknown selector, so a
 * protocol that calls `permit` and trusts that it did not revert may move funds on an allowance the holder had
 * set for something else (the Multichain bridge losses). This fallback is not payable and does nothing; it only
 * keeps the call from reverting. 18 decimals. `mint` is open to anyone: never deploy this outside tests.
 */
contract PhantomPermitToken is ERC20 {
    /// @notice Deploys the token with 18 decimals.
    constructor() ERC20("Phantom Permit Token", "PHANTOM") {}

    /// @notice Accepts any call to an unknown function, `permit` included, and does nothing.
    fallback() external {}

    /**
     * @notice Creates `amount` tokens for `to`. Test-only: anyone may call.
     * @param to The account credited.
     * @param amount The amount minted, in token units.
     */
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
