// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title SplitFalseReturnToken
 * @notice Test-only ERC-20 whose `transfer` to a chosen receiver returns false after doing one of three things:
 * moving the funds (as Tether Gold does), moving nothing (as the pre-OpenZeppelin tokens that signal failure by
 * return value do), or moving the funds and burning one more unit of the sender's (a balance change a caller
 * cannot explain). Transfers to other receivers, and every `transferFrom`, behave as a standard token's.
 * @dev Lets one split distribution meet all three outcomes of a false return, in any order, so that a split's
 * judgement by balance is tested with earlier pushes paid, credited or judged. 18 decimals. `mint` and `setMode`
 * are open to anyone: never deploy this outside tests.
 */
contract SplitFalseReturnToken is ERC20 {
    /// @notice What `transfer` does for a receiver.
    enum Mode {
        /// @notice Moves the funds and returns true.
        Honest,
        /// @notice Moves the funds and returns false.
        MovesThenFalse,
        /// @notice Moves nothing and returns false.
        FalseWithoutMoving,
        /// @notice Moves the funds, burns one more unit of the sender's, and returns false.
        Overdraws
    }

    /// @notice The mode of each receiver (Honest unless set).
    mapping(address receiver => Mode mode) public modeOf;

    /// @notice Deploys the token with 18 decimals.
    constructor() ERC20("Split False Return Token", "SFRT") {}

    /**
     * @notice Creates `amount` tokens for `to`. Test-only: anyone may call.
     * @param to The account credited.
     * @param amount The amount minted, in token units.
     */
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /**
     * @notice Sets what a transfer to `receiver` does. Test-only: anyone may call.
     * @param receiver The receiver.
     * @param mode Its mode.
     */
    function setMode(address receiver, Mode mode) external {
        modeOf[receiver] = mode;
    }

    /**
     * @notice Moves `value` from the caller to `to`, or not, as `to`'s mode says.
     * @param to The account credited.
     * @param value The amount, in token units.
     * @return True only in Honest mode.
     */
    function transfer(address to, uint256 value) public override returns (bool) {
        Mode mode = modeOf[to];
        if (mode == Mode.FalseWithoutMoving) return false;
        super.transfer(to, value);
        if (mode == Mode.Overdraws) _burn(msg.sender, 1);
        return mode == Mode.Honest;
    }
}
