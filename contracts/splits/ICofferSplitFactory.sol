// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICofferSplit} from "./ICofferSplit.sol";

/**
 * @title ICofferSplitFactory
 * @notice Creates Coffer splits as minimal clones at addresses derived from their initial configuration and
 * controller.
 */
interface ICofferSplitFactory {
    /**
     * @notice Emitted when a split is created, with its full configuration, so that an indexer never calls the
     * chain to learn it.
     * @param split The new split (a clone).
     * @param controller Its controller, address(0) for an immutable split.
     * @param configHash The hash of its configuration, which the split stores.
     * @param config The configuration.
     */
    event SplitCreated(
        address indexed split,
        address indexed controller,
        bytes32 indexed configHash,
        ICofferSplit.SplitConfig config
    );

    /**
     * @notice The implementation every split delegates to, created by the factory's constructor (so its address,
     * too, is the same on every chain) and trusting only this factory to initialize clones.
     * @return The implementation's address.
     */
    function SPLIT_IMPLEMENTATION() external view returns (address);

    /**
     * @notice Creates the split of `config` and `controller`, or returns it if it already exists (then nothing is
     * emitted, and a mutable split's configuration may since have been updated by its controller). Anyone may
     * call: the result depends only on the arguments.
     * @dev The split is a minimal clone (ERC-1167) of {SPLIT_IMPLEMENTATION} at a CREATE2 address whose salt is
     * `keccak256(abi.encode(hashConfig(config), controller))`, initialized in the same transaction.
     *
     * Requirements:
     * - `config` is valid: 1 to the mode's maximum recipients ({ICofferSplit-CofferSplitNoRecipients},
     *   {ICofferSplit-CofferSplitTooManyRecipients}), an incentive of at most 50,000 millionths
     *   ({ICofferSplit-CofferSplitIncentiveTooHigh}), recipients sorted strictly ascending and non-zero
     *   ({ICofferSplit-CofferSplitZeroRecipient}, {ICofferSplit-CofferSplitDuplicateRecipient},
     *   {ICofferSplit-CofferSplitRecipientsNotSorted}), each with a non-zero allocation
     *   ({ICofferSplit-CofferSplitZeroAllocation}), allocations summing to 1,000,000
     *   ({ICofferSplit-CofferSplitInvalidTotalAllocation}).
     *
     * Emits a {SplitCreated} event when the split is created (none when it already existed).
     * @param config The initial configuration; reverts with the split's validation errors if invalid.
     * @param controller The controller (typically a Safe), address(0) for an immutable split.
     * @return split The split's address, equal to {predictSplitAddress}.
     */
    function createSplit(ICofferSplit.SplitConfig calldata config, address controller) external returns (address split);

    /**
     * @notice The address of the split of `config` and `controller`, created or not. Funds sent there before it is
     * created are distributed once it is. Reverts for an invalid configuration, which could never be created.
     * @dev Requirements:
     * - `config` is valid, as for {createSplit} (the same errors).
     * @param config The initial configuration.
     * @param controller The controller, address(0) for an immutable split.
     * @return split The address.
     */
    function predictSplitAddress(
        ICofferSplit.SplitConfig calldata config,
        address controller
    ) external view returns (address split);

    /**
     * @notice The hash of a configuration, as a split stores it: `keccak256(abi.encode(config))`.
     * @param config The configuration (not validated).
     * @return The hash.
     */
    function hashConfig(ICofferSplit.SplitConfig calldata config) external pure returns (bytes32);
}
