// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title StipendSender
 * @notice Test-only helper that sends ETH with a chosen gas limit and reports whether the call succeeded and how
 * much gas it cost, so tests can prove that a receiver burns all the gas it is given.
 * @dev Imitates nothing: it plays a contract that pushes ETH with a stipend, as Solidity's `transfer` (2300 gas)
 * or a protocol's capped push does. A call carrying ETH also gets the EVM's free 2300-gas stipend on top of the
 * limit asked, so a `gasLimit` of 0 behaves like `transfer`.
 */
contract StipendSender {
    /**
     * @notice Emitted after every send.
     * @param to The receiver.
     * @param value The wei sent.
     * @param gasLimit The gas limit asked for the call (before the EVM's 2300 stipend).
     * @param success Whether the call succeeded.
     * @param gasUsed The gas the call cost this contract, including the EVM's call costs.
     */
    event Sent(address indexed to, uint256 value, uint256 gasLimit, bool success, uint256 gasUsed);

    /**
     * @notice Sends `msg.value` to `to` with at most `gasLimit` gas (plus the EVM's 2300 stipend when
     * `msg.value` is non-zero); never reverts because the call failed. If it fails the ETH stays here.
     * @param to The receiver.
     * @param gasLimit The gas limit of the call.
     * @return success Whether the call succeeded.
     * @return gasUsed The gas the call cost this contract, measured with `gasleft()` around it.
     */
    function sendWithGas(address to, uint256 gasLimit) external payable returns (bool success, uint256 gasUsed) {
        uint256 gasBefore = gasleft();
        // solhint-disable-next-line avoid-low-level-calls
        (success, ) = to.call{value: msg.value, gas: gasLimit}("");
        gasUsed = gasBefore - gasleft();
        emit Sent(to, msg.value, gasLimit, success, gasUsed);
    }
}
