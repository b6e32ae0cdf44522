// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ArmableCallback} from "./ArmableCallback.sol";

/**
 * @title ReentrantToken
 * @notice Test-only ERC-20 (with EIP-2612 permit) whose transfer hook, once armed, calls back into any contract:
 * the tool for proving that a protocol is safe against reentrancy through token hooks.
 * @dev Imitates tokens that hand control to outside code during a transfer: ERC-777 (`tokensToSend` before the
 * balances move, `tokensReceived` after, as in the imBTC/Uniswap and Lendf.me exploits), ERC-1363 and ERC-677
 * `transferAndCall` tokens, and upgradeable tokens that may add hooks later. When armed (see {ArmableCallback}),
 * the next `transfer` or `transferFrom` (mints and burns never fire, so tests can fund accounts while armed) calls
 * the target once, after the balances move by default or before with `setCallbackBeforeUpdate(true)`. The
 * callback's `msg.sender` is this token; to act as another account, target a {MockExecutor} receiver's
 * `execute`. A reverting callback is recorded and swallowed, or bubbled with `setBubbleRevert(true)`, so tests can
 * assert either that the protocol rejected the reentrant call or that it went through with balances unchanged.
 * 18 decimals. `mint` and the callback settings are open to anyone: never deploy this outside tests.
 */
contract ReentrantToken is ERC20, ERC20Permit, ArmableCallback {
    /// @notice When true the callback runs before the balances move (ERC-777 `tokensToSend`), else after.
    bool public callbackBeforeUpdate;

    /// @notice Deploys the token with 18 decimals, disarmed, calling back after balance updates.
    constructor() ERC20("Reentrant Token", "REENT") ERC20Permit("Reentrant Token") {}

    /**
     * @notice Creates `amount` tokens for `to`; never fires the callback. Test-only: anyone may call.
     * @param to The account credited.
     * @param amount The amount minted, in token units.
     */
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /**
     * @notice Chooses whether the callback runs before or after the balances move. Test-only: anyone may call.
     * @param beforeUpdate True to call back before the balances move, false (the default) to call back after.
     */
    function setCallbackBeforeUpdate(bool beforeUpdate) external {
        callbackBeforeUpdate = beforeUpdate;
    }

    /**
     * @notice Every balance change goes through here; a transfer (not a mint or burn) fires the armed callback.
     * @param from The account debited (the zero address for a mint).
     * @param to The account credited (the zero address for a burn).
     * @param value The amount moved, in token units.
     */
    function _update(address from, address to, uint256 value) internal override {
        bool isTransfer = from != address(0) && to != address(0);
        bool beforeUpdate = callbackBeforeUpdate;
        if (isTransfer && beforeUpdate && armed) _fireCallback();
        super._update(from, to, value);
        if (isTransfer && !beforeUpdate && armed) _fireCallback();
    }
}
