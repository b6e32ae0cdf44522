// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/**
 * @title MockERC20
 * @notice Test-only, well-behaved ERC-20 with EIP-2612 permit and any number of decimals: the control of the
 * hostile-token shelf.
 * @dev Imitates a standard OpenZeppelin token such as DAI, WETH or a plain 18-decimal ERC-20; deploy it with 6
 * decimals for a USDC-shaped token or with more than 18 (e.g. 24) to exercise decimal scaling.
 * Hostile behaviour: none. Every transfer returns true, reverts on failure and moves exactly the amount asked.
 * `mint` and `burn` are open to anyone: never deploy this outside tests.
 */
contract MockERC20 is ERC20, ERC20Permit {
    /// @dev The number of decimals fixed at deployment.
    uint8 private immutable _DECIMALS;

    /**
     * @notice Deploys the token.
     * @param name_ The token name, also the EIP-712 domain name of `permit` (domain version "1").
     * @param symbol_ The token symbol.
     * @param decimals_ The number of decimals reported by `decimals()` (any value 0..255).
     */
    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) ERC20Permit(name_) {
        _DECIMALS = decimals_;
    }

    /**
     * @notice Creates `amount` tokens for `to`. Test-only: anyone may call.
     * @param to The account credited.
     * @param amount The amount minted, in token units.
     */
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /**
     * @notice Destroys `amount` tokens of `from` without any allowance. Test-only: anyone may call.
     * @param from The account debited.
     * @param amount The amount burned, in token units.
     */
    function burn(address from, uint256 amount) external {
        _burn(from, amount);
    }

    /**
     * @notice The number of decimals chosen at deployment.
     * @return The decimals of the token.
     */
    function decimals() public view override returns (uint8) {
        return _DECIMALS;
    }
}
