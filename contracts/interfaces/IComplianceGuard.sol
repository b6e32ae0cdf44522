// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title IComplianceGuard
 * @notice A screening oracle that Coffer contracts consult before money enters them or is paid out to a payee
 * (sanctions lists, a merchant's own deny list). It is set by the contract's owner, a Safe.
 * @dev Called with a gas cap. A guard that reverts, runs out of gas or answers anything but exactly one 32-byte
 * word holding 0 or 1 makes the guarded call revert with `CofferEscrowGuardFailed`; it is never
 * consulted on the paths that return held money (void, reclaim, dispute resolution, withdrawal of credits), so it
 * cannot lock funds that are already held.
 */
interface IComplianceGuard {
    /**
     * @notice Whether `account` may not pay or be paid through Coffer.
     * @param account The payer or payee screened.
     * @return denied True when payments from or to `account` must be refused.
     */
    function isDenied(address account) external view returns (bool denied);
}
