// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICofferSplit} from "./ICofferSplit.sol";

/**
 * @title SplitConfigLib
 * @notice Bounds, validation and hashing of a split configuration, shared by the factory and the splits.
 */
library SplitConfigLib {
    /// @notice Allocations and the incentive are in millionths of a distribution: they sum to this.
    uint256 internal constant ALLOCATION_SCALE = 1_000_000;
    /// @notice Largest distribution incentive, in millionths (5%).
    uint256 internal constant MAX_DISTRIBUTION_INCENTIVE = 50_000;
    /**
     * @notice Most recipients of a push-mode split. In the worst distribution every push fails after burning its
     * whole stipend (a token whose transfer burns the 50,000 gas given) and every share becomes a new credit: about
     * 75,300 gas per recipient (ETH to gas-burning receivers: about 56,500), so 200 recipients and the incentive
     * take about 15.1 million gas, 90% of the 16,777,216 cap of one transaction (`test/splits/limits.test.ts`).
     */
    uint256 internal constant MAX_PUSH_RECIPIENTS = 200;
    /**
     * @notice Most recipients of a pull-only split. In the worst distribution every share is a new credit: about
     * 22,900 gas per recipient, so 600 recipients take about 13.8 million gas, 82% of the cap (same test).
     */
    uint256 internal constant MAX_PULL_RECIPIENTS = 600;

    /**
     * @notice Reverts unless `config` is valid: 1 to the mode's maximum recipients, sorted strictly ascending by
     * address (hence unique and non-zero), each with a non-zero allocation, allocations summing to
     * {ALLOCATION_SCALE}, an incentive of at most {MAX_DISTRIBUTION_INCENTIVE}.
     * @param config The configuration.
     */
    function validate(ICofferSplit.SplitConfig calldata config) internal pure {
        uint256[] calldata recipients = config.recipients;
        uint256 count = recipients.length;
        if (count == 0) revert ICofferSplit.CofferSplitNoRecipients();
        uint256 max = config.pullOnly ? MAX_PULL_RECIPIENTS : MAX_PUSH_RECIPIENTS;
        if (count > max) revert ICofferSplit.CofferSplitTooManyRecipients(count, max);
        if (config.distributionIncentive > MAX_DISTRIBUTION_INCENTIVE) {
            revert ICofferSplit.CofferSplitIncentiveTooHigh(config.distributionIncentive, MAX_DISTRIBUTION_INCENTIVE);
        }
        address previous = address(0);
        uint256 total = 0;
        for (uint256 i = 0; i < count;) {
            uint256 entry = recipients[i];
            address recipient = address(uint160(entry));
            if (recipient <= previous) {
                if (recipient == address(0) && i == 0) revert ICofferSplit.CofferSplitZeroRecipient();
                if (recipient == previous) revert ICofferSplit.CofferSplitDuplicateRecipient(recipient);
                revert ICofferSplit.CofferSplitRecipientsNotSorted(i, previous, recipient);
            }
            uint256 allocation = entry >> 160;
            if (allocation == 0) revert ICofferSplit.CofferSplitZeroAllocation(recipient);
            previous = recipient;
            unchecked {
                // At most 600 terms below 2^96: no overflow.
                total += allocation;
                ++i;
            }
        }
        // Every allocation is non-zero and they sum to the scale, so none exceeds it: a distribution relies on this.
        if (total != ALLOCATION_SCALE) revert ICofferSplit.CofferSplitInvalidTotalAllocation(total, ALLOCATION_SCALE);
    }

    /**
     * @notice Whether `account` is one of the recipients of a validated configuration (binary search).
     * @param config The configuration, validated (so sorted).
     * @param account The account looked for.
     * @return True if it is a recipient.
     */
    function contains(ICofferSplit.SplitConfig calldata config, address account) internal pure returns (bool) {
        uint256[] calldata recipients = config.recipients;
        uint256 low = 0;
        uint256 high = recipients.length;
        while (low < high) {
            uint256 middle = (low + high) / 2;
            address recipient = address(uint160(recipients[middle]));
            if (recipient == account) return true;
            if (recipient < account) low = middle + 1;
            else high = middle;
        }
        return false;
    }

    /**
     * @notice The hash a split stores: `keccak256(abi.encode(config))`.
     * @dev Builds the ABI encoding in free memory with one copy of the entries instead of the encoder's element-wise
     * loop. The encoding is canonical whatever the calldata's offsets: equal configurations hash equally.
     * @param config The configuration.
     * @return result The configuration hash.
     */
    function hash(ICofferSplit.SplitConfig calldata config) internal pure returns (bytes32 result) {
        uint256[] calldata recipients = config.recipients;
        uint256 incentive = config.distributionIncentive;
        bool pullOnly = config.pullOnly;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            let size := shl(5, recipients.length)
            mstore(ptr, 0x20) // offset of the tuple
            mstore(add(ptr, 0x20), 0x60) // offset of `recipients` within it
            mstore(add(ptr, 0x40), incentive)
            mstore(add(ptr, 0x60), pullOnly)
            mstore(add(ptr, 0x80), recipients.length)
            calldatacopy(add(ptr, 0xa0), recipients.offset, size)
            result := keccak256(ptr, add(0xa0, size))
        }
    }
}
