// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title ISafe
 * @notice The part of a Safe (v1.3 and later) that a Coffer module uses.
 */
interface ISafe {
    /**
     * @notice Executes a call from an enabled module, without owners' signatures.
     * @param to Destination.
     * @param value Wei sent.
     * @param data Calldata.
     * @param operation 0 for a call, 1 for a delegatecall (Coffer only makes calls).
     * @return success Whether the call succeeded.
     * @return returnData What it returned.
     */
    function execTransactionFromModuleReturnData(
        address to,
        uint256 value,
        bytes calldata data,
        uint8 operation
    ) external returns (bool success, bytes memory returnData);

    /**
     * @notice Whether a module is enabled.
     * @param module The module.
     * @return True when enabled.
     */
    function isModuleEnabled(address module) external view returns (bool);
}
