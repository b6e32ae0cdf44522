// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MockERC20} from "./MockERC20.sol";

/**
 * @title Eip3009Token
 * @notice Test-only ERC-20 with EIP-3009's `transferWithAuthorization` (as USDC has): the token x402's `exact`
 * scheme settles with, one signed authorization per payment. Used to measure and test `exact` beside Coffer's
 * channels. `mint` is open to anyone: never deploy this outside tests.
 * @dev The authorization is signed under the token's EIP-712 domain (its name, version "1"), with a random 32-byte
 * nonce that can be used once, and a validity window `validAfter < now < validBefore`.
 */
contract Eip3009Token is MockERC20 {
    /// @notice EIP-3009's typehash of a transfer authorization.
    bytes32 public constant TRANSFER_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        abi.encodePacked(
            "TransferWithAuthorization(address from,address to,uint256 value,",
            "uint256 validAfter,uint256 validBefore,bytes32 nonce)"
        )
    );

    /// @dev Authorizer → nonce → used.
    mapping(address authorizer => mapping(bytes32 nonce => bool used)) private _authorizationStates;

    /**
     * @notice An authorization's nonce was used.
     * @param authorizer Who signed it.
     * @param nonce The nonce.
     */
    event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce);

    /// @notice The authorization is outside its validity window.
    error Eip3009TokenAuthorizationNotValid(uint256 validAfter, uint256 validBefore, uint256 timestamp);

    /// @notice The nonce was already used.
    error Eip3009TokenAuthorizationUsed(address authorizer, bytes32 nonce);

    /// @notice The signature is not `from`'s.
    error Eip3009TokenInvalidSignature(address from);

    /**
     * @notice Deploys the token.
     * @param name_ Name (and EIP-712 domain name).
     * @param symbol_ Symbol.
     * @param decimals_ Decimals.
     */
    constructor(string memory name_, string memory symbol_, uint8 decimals_) MockERC20(name_, symbol_, decimals_) {}

    /**
     * @notice Whether `authorizer` has used `nonce`.
     * @param authorizer The signer.
     * @param nonce The nonce.
     * @return Whether it was used.
     */
    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool) {
        return _authorizationStates[authorizer][nonce];
    }

    /**
     * @notice Moves `value` from `from` to `to` with `from`'s signed authorization; anyone may submit it.
     * @param from The payer, who signed.
     * @param to The receiver.
     * @param value The amount.
     * @param validAfter Valid strictly after this time.
     * @param validBefore Valid strictly before this time.
     * @param nonce A unique 32-byte nonce.
     * @param signature `from`'s 65-byte ECDSA signature of the authorization.
     */
    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes calldata signature
    ) external {
        if (block.timestamp <= validAfter || block.timestamp >= validBefore) {
            revert Eip3009TokenAuthorizationNotValid(validAfter, validBefore, block.timestamp);
        }
        if (_authorizationStates[from][nonce]) revert Eip3009TokenAuthorizationUsed(from, nonce);
        bytes32 digest = _hashTypedDataV4(
            keccak256(abi.encode(TRANSFER_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce))
        );
        if (ECDSA.recover(digest, signature) != from) revert Eip3009TokenInvalidSignature(from);
        _authorizationStates[from][nonce] = true;
        emit AuthorizationUsed(from, nonce);
        _transfer(from, to, value);
    }
}
