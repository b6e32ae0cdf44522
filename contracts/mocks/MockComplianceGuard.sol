// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IComplianceGuard} from "../interfaces/IComplianceGuard.sol";

/**
 * @title MockComplianceGuard
 * @notice Test-only compliance guard: a deny list, plus modes in which every check reverts or burns all the gas it
 * is given.
 * @dev Imitates a sanctions oracle (Chainalysis-style `isSanctioned`) and the two ways such an oracle can break:
 * an upgrade that makes it revert, and one that makes it loop until its gas cap is spent. `isDenied` is a view,
 * so the burning mode cannot write storage: it hashes in memory until the call runs out of gas. `setDenied` and
 * `setMode` are open to anyone: never deploy this outside tests.
 */
contract MockComplianceGuard is IComplianceGuard {
    /// @notice How the guard answers.
    enum Mode {
        /// @notice Answers from the deny list.
        Normal,
        /// @notice Every check reverts with {MockComplianceGuardBroken}.
        Revert,
        /// @notice Every check loops until it runs out of gas.
        BurnGas
    }

    /// @notice The current mode.
    Mode public mode;
    /// @notice Whether each account is denied (used in `Mode.Normal`).
    mapping(address account => bool denied) public denied;

    /**
     * @notice Emitted when an account is added to or removed from the deny list.
     * @param account The account.
     * @param isDenied_ Whether it is now denied.
     */
    event DeniedSet(address indexed account, bool isDenied_);

    /**
     * @notice Emitted when the mode changes.
     * @param mode The new mode.
     */
    event ModeSet(Mode mode);

    /**
     * @notice Raised by every check in `Mode.Revert`.
     * @param account The account that was being screened.
     */
    error MockComplianceGuardBroken(address account);

    /**
     * @notice Adds `account` to the deny list or removes it. Test-only: anyone may call.
     * @param account The account.
     * @param isDenied_ True to deny it, false to allow it.
     */
    function setDenied(address account, bool isDenied_) external {
        denied[account] = isDenied_;
        emit DeniedSet(account, isDenied_);
    }

    /**
     * @notice Switches the mode. Test-only: anyone may call.
     * @param newMode The new mode.
     */
    function setMode(Mode newMode) external {
        mode = newMode;
        emit ModeSet(newMode);
    }

    /**
     * @notice Whether `account` may not pay or be paid: the deny list in `Mode.Normal`; reverts in `Mode.Revert`;
     * never returns in `Mode.BurnGas`.
     * @param account The payer or payee screened.
     * @return True when `account` is on the deny list.
     */
    function isDenied(address account) external view returns (bool) {
        Mode current = mode;
        if (current == Mode.Revert) revert MockComplianceGuardBroken(account);
        if (current == Mode.BurnGas) {
            bytes32 sink = bytes32(uint256(uint160(account)));
            // Each turn depends on the last, so the loop cannot be optimised away; it ends out of gas.
            while (sink != bytes32(0) || gasleft() > 0) {
                sink = keccak256(abi.encode(sink, gasleft()));
            }
            return sink == bytes32(0);
        }
        return denied[account];
    }
}
