// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/**
 * @title BlocklistToken
 * @notice Test-only USDC-shaped token: 6 decimals and EIP-2612 permit, an issuer's blocklist that freezes an
 * account's transfers in and out, and a pause that stops every transfer and approval.
 * @dev Imitates Circle's USD Coin (FiatTokenV2): a transfer reverts if the sender, the receiver or (for
 * `transferFrom`) the spender is blocklisted, and an approval or permit reverts if the owner or spender is;
 * while paused, every transfer, mint, approval and permit reverts. So a protocol that pushes funds to a payee
 * that later gets blocklisted cannot complete that push. Unlike USDC, `blocklist`, `unblocklist`, `pause`,
 * `unpause` and `mint` are open to anyone so tests need no issuer role: never deploy this outside tests.
 */
contract BlocklistToken is ERC20, ERC20Permit {
    /// @notice Whether each account is blocklisted.
    mapping(address account => bool blocked) public isBlocklisted;
    /// @notice Whether every transfer and approval is stopped.
    bool public paused;

    /**
     * @notice Emitted when an account is added to the blocklist.
     * @param account The account frozen.
     */
    event Blocklisted(address indexed account);

    /**
     * @notice Emitted when an account is removed from the blocklist.
     * @param account The account unfrozen.
     */
    event Unblocklisted(address indexed account);

    /**
     * @notice Emitted when the token is paused.
     * @param account The caller of `pause`.
     */
    event Paused(address indexed account);

    /**
     * @notice Emitted when the token is unpaused.
     * @param account The caller of `unpause`.
     */
    event Unpaused(address indexed account);

    /**
     * @notice A blocklisted account took part in a transfer (as sender, receiver or spender) or an approval.
     * @param account The blocklisted account.
     */
    error BlocklistTokenBlocklisted(address account);

    /**
     * @notice A transfer, mint or approval was attempted while the token is paused.
     * @param from The sender (the zero address for a mint), or the owner for an approval.
     * @param to The receiver, or the spender for an approval.
     */
    error BlocklistTokenPaused(address from, address to);

    /// @notice Deploys the token with 6 decimals, unpaused and with an empty blocklist.
    constructor() ERC20("USD Coin (blocklist mock)", "USDC-BL") ERC20Permit("USD Coin (blocklist mock)") {}

    /**
     * @notice Creates `amount` tokens for `to`; reverts while paused or if `to` is blocklisted.
     * Test-only: anyone may call.
     * @param to The account credited.
     * @param amount The amount minted, in token units (6 decimals).
     */
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /**
     * @notice Freezes `account`: it can no longer send, receive, spend or approve. Test-only: anyone may call.
     * @param account The account to freeze.
     */
    function blocklist(address account) external {
        isBlocklisted[account] = true;
        emit Blocklisted(account);
    }

    /**
     * @notice Unfreezes `account`. Test-only: anyone may call.
     * @param account The account to unfreeze.
     */
    function unblocklist(address account) external {
        isBlocklisted[account] = false;
        emit Unblocklisted(account);
    }

    /// @notice Stops every transfer, mint, approval and permit. Test-only: anyone may call.
    function pause() external {
        paused = true;
        emit Paused(msg.sender);
    }

    /// @notice Lets transfers and approvals through again. Test-only: anyone may call.
    function unpause() external {
        paused = false;
        emit Unpaused(msg.sender);
    }

    /**
     * @notice The number of decimals, as USDC.
     * @return The decimals of the token (6).
     */
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /**
     * @notice Moves `value` from `from` to `to` using the caller's allowance; reverts if the caller (the spender)
     * is blocklisted, even with an unlimited allowance.
     * @param from The account debited.
     * @param to The account credited.
     * @param value The amount moved, in token units.
     * @return Always true when it does not revert.
     */
    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        _requireNotBlocklisted(msg.sender);
        return super.transferFrom(from, to, value);
    }

    /**
     * @notice Every balance change (transfer, mint, burn) goes through here: reverts while paused or if either
     * side is blocklisted.
     * @param from The account debited (the zero address for a mint).
     * @param to The account credited (the zero address for a burn).
     * @param value The amount moved, in token units.
     */
    function _update(address from, address to, uint256 value) internal override {
        if (paused) revert BlocklistTokenPaused(from, to);
        _requireNotBlocklisted(from);
        _requireNotBlocklisted(to);
        super._update(from, to, value);
    }

    /**
     * @notice Every allowance change (approve, permit, spending by transferFrom) goes through here: reverts while
     * paused or if the owner or spender is blocklisted.
     * @param owner The account whose tokens may be moved.
     * @param spender The account allowed to move them.
     * @param value The new allowance, in token units.
     * @param emitEvent Whether to emit `Approval`.
     */
    function _approve(address owner, address spender, uint256 value, bool emitEvent) internal override {
        if (paused) revert BlocklistTokenPaused(owner, spender);
        _requireNotBlocklisted(owner);
        _requireNotBlocklisted(spender);
        super._approve(owner, spender, value, emitEvent);
    }

    /**
     * @notice Reverts if `account` is blocklisted.
     * @param account The account checked.
     */
    function _requireNotBlocklisted(address account) private view {
        if (isBlocklisted[account]) revert BlocklistTokenBlocklisted(account);
    }
}
