// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IComplianceGuard} from "../interfaces/IComplianceGuard.sol";

/**
 * @title MockComplianceGuard
 * @notice Test-only compliance guard: a deny list, plus modes in which every check reverts, burns all the gas it
 * is given, or answers something that is not an ABI-encoded `bool`.
 * @dev Imitates a sanctions oracle (Chainalysis-style `isSanctioned`) and the ways such an oracle can break: an
 * upgrade that makes it revert, one that makes it loop until its gas cap is spent, and one that answers malformed
 * data (nothing, a word that is not 0 or 1, a short word, or far more than one word, as a wrong implementation
 * behind a proxy or a contract with a catch-all fallback might). Solidity's `try`/`catch` does not catch a
 * failure to decode an answer, so the malformed modes test that the escrow checks the answer itself. `isDenied`
 * is a view, so the burning mode cannot write storage: it hashes in memory until the call runs out of gas.
 * `setDenied` and `setMode` are open to anyone: never deploy this outside tests.
 */
contract MockComplianceGuard is IComplianceGuard {
    /// @notice How the guard answers.
    enum Mode {
        /// @notice Answers from the deny list.
        Normal,
        /// @notice Every check reverts with {MockComplianceGuardBroken}.
        Revert,
        /// @notice Every check loops until it runs out of gas.
        BurnGas,
        /// @notice Every check succeeds but returns no data at all (0 bytes).
        EmptyAnswer,
        /// @notice Every check returns one 32-byte word holding 2: the right size, but not a `bool`.
        AnswerTwo,
        /// @notice Every check returns 31 zero bytes: one byte short of a `bool`.
        ShortAnswer,
        /// @notice Every check returns `HUGE_ANSWER_SIZE` zero bytes. Its first word reads as `false`, so a caller
        /// that decodes only the first word would take it for "not denied". Sized to fit the escrow's 100,000-gas
        /// cap (memory expansion to 192 KiB costs 92,160 gas), so the call succeeds and the caller receives it all.
        HugeAnswer
    }

    /// @notice Bytes returned by every check in `Mode.HugeAnswer`: 192 KiB.
    uint256 public constant HUGE_ANSWER_SIZE = 192 * 1024;

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
     * never returns in `Mode.BurnGas`; in the malformed modes, returns the raw bytes its mode describes instead
     * of an ABI-encoded `bool`.
     * @param account The payer or payee screened.
     * @return True when `account` is on the deny list.
     */
    function isDenied(address account) external view returns (bool) {
        Mode current = mode;
        if (current == Mode.Revert) revert MockComplianceGuardBroken(account);
        if (current == Mode.EmptyAnswer) {
            // solhint-disable-next-line no-inline-assembly
            assembly {
                return(0, 0)
            }
        }
        if (current == Mode.AnswerTwo) {
            // solhint-disable-next-line no-inline-assembly
            assembly {
                mstore(0, 2)
                return(0, 32)
            }
        }
        if (current == Mode.ShortAnswer) {
            // solhint-disable-next-line no-inline-assembly
            assembly {
                mstore(0, 0)
                return(0, 31)
            }
        }
        if (current == Mode.HugeAnswer) {
            uint256 size = HUGE_ANSWER_SIZE;
            // Memory past 0x80 was never written; clear the scratch space, the free memory pointer and the zero
            // slot below it, so that the whole answer is zeros. The call ends here, so nothing reads them again.
            // solhint-disable-next-line no-inline-assembly
            assembly {
                mstore(0x00, 0)
                mstore(0x20, 0)
                mstore(0x40, 0)
                mstore(0x60, 0)
                return(0, size)
            }
        }
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
