// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {CofferSplit} from "./CofferSplit.sol";
import {ICofferSplit} from "./ICofferSplit.sol";
import {ICofferSplitFactory} from "./ICofferSplitFactory.sol";
import {SplitConfigLib} from "./SplitConfigLib.sol";

/**
 * @title CofferSplitFactory
 * @notice Creates Coffer revenue splits: each is a minimal clone (ERC-1167) of one {CofferSplit} implementation,
 * at a CREATE2 address derived from its initial configuration and controller, so that its address is known (and
 * can receive funds) before it exists, and is the same on every chain where the factory is.
 * @dev The implementation is created by this factory's constructor (so its address, too, is the same on every
 * chain) and trusts only this factory to initialize clones. Creation is idempotent: creating an existing split
 * returns it. No admin.
 */
contract CofferSplitFactory is ICofferSplitFactory {
    /// @inheritdoc ICofferSplitFactory
    address public immutable SPLIT_IMPLEMENTATION;

    /// @notice Deploys the factory and the split implementation.
    constructor() {
        SPLIT_IMPLEMENTATION = address(new CofferSplit());
    }

    /// @inheritdoc ICofferSplitFactory
    function createSplit(
        ICofferSplit.SplitConfig calldata config,
        address controller
    ) external returns (address split) {
        SplitConfigLib.validate(config);
        bytes32 configHash = SplitConfigLib.hash(config);
        bytes32 salt = _salt(configHash, controller);
        split = Clones.predictDeterministicAddress(SPLIT_IMPLEMENTATION, salt);
        if (split.code.length != 0) return split;
        Clones.cloneDeterministic(SPLIT_IMPLEMENTATION, salt);
        CofferSplit(payable(split)).initialize(configHash, controller);
        emit SplitCreated(split, controller, configHash, config);
    }

    /// @inheritdoc ICofferSplitFactory
    function predictSplitAddress(
        ICofferSplit.SplitConfig calldata config,
        address controller
    ) external view returns (address split) {
        SplitConfigLib.validate(config);
        return Clones.predictDeterministicAddress(SPLIT_IMPLEMENTATION, _salt(SplitConfigLib.hash(config), controller));
    }

    /// @inheritdoc ICofferSplitFactory
    function hashConfig(ICofferSplit.SplitConfig calldata config) external pure returns (bytes32) {
        return SplitConfigLib.hash(config);
    }

    /// @dev The CREATE2 salt of a split: its initial configuration hash and controller.
    function _salt(bytes32 configHash, address controller) private pure returns (bytes32) {
        return keccak256(abi.encode(configHash, controller));
    }
}
