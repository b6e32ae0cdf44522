// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title FeeOnTransferToken
 * @notice Test-only ERC-20 that keeps a fee out of every transfer, so the receiver gets less than the amount
 * asked; the fee is burned or sent to a fee sink.
 * @dev Imitates fee-on-transfer tokens such as STA, PAXG and reflection tokens, and USDT with its dormant fee
 * switched on (the fee can be changed after deployment with `setFeeBps`). The fee is `value * feeBps / 10_000`
 * rounded down, taken from every `transfer` and `transferFrom` (not from mints), while the sender is debited and
 * the allowance spent by the full `value`. The `Transfer` event to the receiver carries the net amount, and a
 * second `Transfer` carries the fee to the sink (or to the zero address when burned). 18 decimals.
 * `mint` and `setFeeBps` are open to anyone: never deploy this outside tests.
 */
contract FeeOnTransferToken is ERC20 {
    /// @notice Basis points in 100%.
    uint256 public constant MAX_FEE_BPS = 10_000;

    /// @notice Where fees go; the zero address burns them (lowering `totalSupply`).
    address public immutable FEE_SINK;

    /// @notice The fee taken from every transfer, in basis points of the amount (0..10_000 inclusive).
    uint256 public feeBps;

    /**
     * @notice A fee above 100% was asked for.
     * @param feeBps The fee asked for, in basis points.
     */
    error FeeOnTransferTokenFeeTooHigh(uint256 feeBps);

    /**
     * @notice Deploys the token with 18 decimals.
     * @param feeBps_ The fee on every transfer, in basis points (100 = 1%), at most 10_000.
     * @param feeSink The account that receives fees, or the zero address to burn them.
     */
    constructor(uint256 feeBps_, address feeSink) ERC20("Fee On Transfer Token", "FOT") {
        _setFeeBps(feeBps_);
        FEE_SINK = feeSink;
    }

    /**
     * @notice Creates `amount` tokens for `to`, without a fee. Test-only: anyone may call.
     * @param to The account credited.
     * @param amount The amount minted, in token units.
     */
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /**
     * @notice Changes the fee taken from later transfers. Test-only: anyone may call.
     * @param newFeeBps The new fee, in basis points, at most 10_000.
     */
    function setFeeBps(uint256 newFeeBps) external {
        _setFeeBps(newFeeBps);
    }

    /**
     * @notice The fee that a transfer of `value` pays.
     * @param value The amount asked, in token units.
     * @return fee The part of `value` the receiver does not get, in token units.
     */
    function feeOf(uint256 value) public view returns (uint256 fee) {
        return (value * feeBps) / MAX_FEE_BPS;
    }

    /**
     * @notice Moves `value` from `from` to `to`, less the fee, which goes to the sink or is burned.
     * @param from The account debited by the full `value` (the zero address for a mint, which pays no fee).
     * @param to The account credited with `value - fee` (the zero address for a burn, which pays no fee).
     * @param value The amount asked, in token units.
     */
    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        // Check the whole amount first, so a short balance reports `value` rather than a part of it.
        uint256 balance = balanceOf(from);
        if (balance < value) revert ERC20InsufficientBalance(from, balance, value);
        uint256 fee = feeOf(value);
        super._update(from, to, value - fee);
        if (fee != 0) super._update(from, FEE_SINK, fee);
    }

    /**
     * @notice Validates and stores the fee.
     * @param newFeeBps The fee, in basis points, at most 10_000.
     */
    function _setFeeBps(uint256 newFeeBps) private {
        if (newFeeBps > MAX_FEE_BPS) revert FeeOnTransferTokenFeeTooHigh(newFeeBps);
        feeBps = newFeeBps;
    }
}
