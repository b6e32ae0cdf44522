// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title NoReturnToken
 * @notice Test-only USDT-shaped token: `transfer`, `transferFrom` and `approve` return nothing, and `approve`
 * reverts when it would change a non-zero allowance to another non-zero value.
 * @dev Imitates Tether USD (USDT) on Ethereum mainnet: 6 decimals, no boolean return values (a caller that
 * decodes a `bool` reverts, so only `SafeERC20`-style calls work), the approve-race guard
 * (`require(!(value != 0 && allowance != 0))`), and an allowance of `type(uint256).max` that `transferFrom` never
 * decreases. Balances and allowances are kept by hand: inheriting OpenZeppelin's ERC20 would bring back the
 * `returns (bool)` signatures. Failures revert with custom errors where USDT reverts without data.
 * `mint` is open to anyone: never deploy this outside tests.
 */
contract NoReturnToken {
    /// @notice The total amount in existence, in token units (6 decimals).
    uint256 public totalSupply;
    /// @notice The balance of each account, in token units.
    mapping(address account => uint256 balance) public balanceOf;
    /// @notice The amount `spender` may still move from `owner`, in token units.
    mapping(address owner => mapping(address spender => uint256 amount)) public allowance;

    /**
     * @notice Emitted when tokens move, including mints (from the zero address).
     * @param from The account debited.
     * @param to The account credited.
     * @param value The amount moved, in token units.
     */
    event Transfer(address indexed from, address indexed to, uint256 value);

    /**
     * @notice Emitted when an allowance is set by `approve`.
     * @param owner The account whose tokens may be moved.
     * @param spender The account allowed to move them.
     * @param value The new allowance, in token units.
     */
    event Approval(address indexed owner, address indexed spender, uint256 value);

    /**
     * @notice A transfer asked for more than the sender holds.
     * @param from The account debited.
     * @param balance Its balance, in token units.
     * @param needed The amount asked, in token units.
     */
    error NoReturnTokenInsufficientBalance(address from, uint256 balance, uint256 needed);

    /**
     * @notice A `transferFrom` asked for more than the spender's allowance.
     * @param owner The account debited.
     * @param spender The caller of `transferFrom`.
     * @param allowance The spender's allowance, in token units.
     * @param needed The amount asked, in token units.
     */
    error NoReturnTokenInsufficientAllowance(address owner, address spender, uint256 allowance, uint256 needed);

    /**
     * @notice `approve` tried to change a non-zero allowance to another non-zero value (USDT's race guard).
     * @param owner The caller of `approve`.
     * @param spender The spender whose allowance was to change.
     * @param currentAllowance The allowance in place, in token units (non-zero).
     * @param value The non-zero allowance asked for, in token units.
     */
    error NoReturnTokenApproveFromNonZero(address owner, address spender, uint256 currentAllowance, uint256 value);

    /**
     * @notice The token name.
     * @return The name of the token.
     */
    function name() external pure returns (string memory) {
        return "Tether USD (no-return mock)";
    }

    /**
     * @notice The token symbol.
     * @return The symbol of the token.
     */
    function symbol() external pure returns (string memory) {
        return "USDT-NR";
    }

    /**
     * @notice The number of decimals, as USDT.
     * @return The decimals of the token (6).
     */
    function decimals() external pure returns (uint8) {
        return 6;
    }

    /**
     * @notice Moves `value` from the caller to `to`. Returns nothing.
     * @param to The account credited.
     * @param value The amount moved, in token units.
     */
    function transfer(address to, uint256 value) external {
        _transfer(msg.sender, to, value);
    }

    /**
     * @notice Moves `value` from `from` to `to` using the caller's allowance. Returns nothing.
     * @dev An allowance of `type(uint256).max` is never decreased, as in USDT.
     * @param from The account debited.
     * @param to The account credited.
     * @param value The amount moved, in token units.
     */
    function transferFrom(address from, address to, uint256 value) external {
        uint256 current = allowance[from][msg.sender];
        if (current < value) revert NoReturnTokenInsufficientAllowance(from, msg.sender, current, value);
        if (current != type(uint256).max) allowance[from][msg.sender] = current - value;
        _transfer(from, to, value);
    }

    /**
     * @notice Sets the caller's allowance for `spender`. Returns nothing; reverts when both the current allowance
     * and `value` are non-zero (set it to zero first).
     * @param spender The account allowed to move the caller's tokens.
     * @param value The new allowance, in token units.
     */
    function approve(address spender, uint256 value) external {
        uint256 current = allowance[msg.sender][spender];
        if (value != 0 && current != 0) revert NoReturnTokenApproveFromNonZero(msg.sender, spender, current, value);
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
    }

    /**
     * @notice Creates `value` tokens for `to`. Test-only: anyone may call.
     * @param to The account credited.
     * @param value The amount minted, in token units.
     */
    function mint(address to, uint256 value) external {
        totalSupply += value;
        balanceOf[to] += value;
        emit Transfer(address(0), to, value);
    }

    /**
     * @notice Moves `value` from `from` to `to`, reverting if `from` holds less.
     * @param from The account debited.
     * @param to The account credited.
     * @param value The amount moved, in token units.
     */
    function _transfer(address from, address to, uint256 value) private {
        uint256 balance = balanceOf[from];
        if (balance < value) revert NoReturnTokenInsufficientBalance(from, balance, value);
        balanceOf[from] = balance - value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}
