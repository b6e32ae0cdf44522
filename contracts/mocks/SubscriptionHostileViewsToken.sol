// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title SubscriptionHostileViewsToken
 * @notice Test-only ERC-20 that, once switched to a hostile mode, refuses every `transferFrom` and makes its
 * `allowance` view hostile too (it burns all the gas it is given, or returns no data at all), or refuses with a
 * chosen, large amount of revert data.
 * @dev Made for `CofferSubscriptions`, which pulls a charge under a gas cap (`collect`) and, when the pull fails,
 * asks the token for the subscriber's allowance and balance to report why. That diagnosis is outside the cap and
 * outside the reach of `try`/`catch` for malformed return data, so a token that is hostile in its views (not only
 * in its transfers) can starve or revert a whole `chargeMany`; and the token's revert data is copied and logged in
 * full (`SubscriptionChargeFailed.revertData`) outside the cap, at 8 gas per byte of log. `INVALID` (0xfe)
 * consumes all the gas of its call frame. 18 decimals. `mint`, `setMode` and `setRevertSize` are open to anyone:
 * never deploy this outside tests.
 */
contract SubscriptionHostileViewsToken is ERC20 {
    /// @notice How the token behaves.
    enum Mode {
        /// @notice A plain ERC-20.
        Normal,
        /// @notice `transferFrom` reverts (cheaply) and `allowance` burns all the gas it is given.
        BurnGasInAllowance,
        /// @notice `transferFrom` reverts (cheaply) and `allowance` returns no data.
        NoDataFromAllowance,
        /// @notice `transferFrom` reverts with `revertSize` bytes of revert data (zeros); views are normal.
        HugeRevertData
    }

    /// @notice The current mode.
    Mode public mode;
    /// @notice Bytes of revert data `transferFrom` returns in `Mode.HugeRevertData`.
    uint256 public revertSize;

    /// @notice `transferFrom` was called in a hostile mode.
    error SubscriptionHostileViewsTokenRefused();

    /// @notice Deploys the token in `Mode.Normal`, with 18 decimals.
    constructor() ERC20("Hostile Views Token", "HVT") {}

    /**
     * @notice Creates `amount` tokens for `to`. Test-only: anyone may call.
     * @param to The account credited.
     * @param amount The amount minted, in token units.
     */
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /**
     * @notice Switches the mode. Test-only: anyone may call.
     * @param newMode The new mode.
     */
    function setMode(Mode newMode) external {
        mode = newMode;
    }

    /**
     * @notice Sets the size of the revert data of `Mode.HugeRevertData`. Test-only: anyone may call.
     * @param size Bytes of revert data.
     */
    function setRevertSize(uint256 size) external {
        revertSize = size;
    }

    /**
     * @notice Moves `value` from `from` to `to` using the caller's allowance; reverts in any hostile mode.
     * @param from The account debited.
     * @param to The account credited.
     * @param value The amount moved, in token units.
     * @return True when the tokens moved.
     */
    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        Mode current = mode;
        if (current == Mode.HugeRevertData) {
            uint256 size = revertSize;
            // solhint-disable-next-line no-inline-assembly
            assembly {
                revert(0, size)
            }
        }
        if (current != Mode.Normal) revert SubscriptionHostileViewsTokenRefused();
        return super.transferFrom(from, to, value);
    }

    /**
     * @notice The allowance of `spender` over `owner`'s tokens; hostile outside `Mode.Normal`.
     * @param owner The token holder.
     * @param spender The account allowed to spend.
     * @return The allowance, in token units (in `Mode.Normal`).
     */
    function allowance(address owner, address spender) public view override returns (uint256) {
        Mode current = mode;
        if (current == Mode.BurnGasInAllowance) {
            // solhint-disable-next-line no-inline-assembly
            assembly {
                invalid()
            }
        }
        if (current == Mode.NoDataFromAllowance) {
            // solhint-disable-next-line no-inline-assembly
            assembly {
                return(0, 0)
            }
        }
        return super.allowance(owner, spender);
    }
}
