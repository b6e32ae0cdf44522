// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/**
 * @title RebasingToken
 * @notice Test-only ERC-20 whose balances change without any transfer: each account holds shares, and its
 * balance is its shares times a global index that `rebase` moves up or down.
 * @dev Imitates rebasing tokens such as Lido stETH, Ampleforth AMPL and Aave aTokens: a contract that holds the
 * token sees its balance grow or shrink between two of its own transactions, so recorded amounts and held
 * balances drift apart. Transfers, approvals and allowances are in underlying amounts; a transfer of `value`
 * moves `value * 1e18 / index` shares, rounded down. So while the index is 1e18 every transfer is exact, and after
 * a rebase a transfer can credit the receiver (and debit the sender) up to `index / 1e18` wei less than asked,
 * like stETH's 1-2 wei rounding. `totalSupply` is `totalShares * index / 1e18`: never below the sum of all
 * balances, and above it by less than one wei per holder. 18 decimals.
 * `mint` and `rebase` are open to anyone: never deploy this outside tests.
 */
contract RebasingToken is ERC20 {
    /// @notice The index at which one share is worth one token unit (the index at deployment).
    uint256 public constant INDEX_ONE = 1e18;

    /// @notice Token units per share, scaled by 1e18 (INDEX_ONE = one unit per share); always non-zero.
    uint256 public index = INDEX_ONE;
    /// @notice The sum of every account's shares.
    uint256 public totalShares;

    /// @dev The shares of each account.
    mapping(address account => uint256 shares) private _shares;

    /**
     * @notice Emitted when `rebase` changes the index, and with it every balance.
     * @param oldIndex The index before, scaled by 1e18.
     * @param newIndex The index after, scaled by 1e18.
     */
    event Rebased(uint256 oldIndex, uint256 newIndex);

    /**
     * @notice A rebase would have made the index zero (a zero numerator or denominator, or too small a ratio).
     * @param numerator The numerator asked for.
     * @param denominator The denominator asked for.
     */
    error RebasingTokenInvalidRebase(uint256 numerator, uint256 denominator);

    /// @notice Deploys the token with 18 decimals and an index of 1e18.
    constructor() ERC20("Rebasing Token", "REB") {}

    /**
     * @notice Creates `amount` tokens (converted to shares, rounded down) for `to`. Test-only: anyone may call.
     * @param to The account credited.
     * @param amount The amount minted, in token units.
     */
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /**
     * @notice Multiplies every balance, and the total supply, by `numerator / denominator`. Test-only: anyone may
     * call. `rebase(11, 10)` adds 10% to every balance; `rebase(1, 2)` halves them.
     * @param numerator The multiplier's numerator, non-zero.
     * @param denominator The multiplier's denominator, non-zero.
     */
    function rebase(uint256 numerator, uint256 denominator) external {
        if (denominator == 0) revert RebasingTokenInvalidRebase(numerator, denominator);
        uint256 oldIndex = index;
        uint256 newIndex = (oldIndex * numerator) / denominator;
        if (newIndex == 0) revert RebasingTokenInvalidRebase(numerator, denominator);
        index = newIndex;
        emit Rebased(oldIndex, newIndex);
    }

    /**
     * @notice The shares of `account`; its balance is `shares * index / 1e18`.
     * @param account The account.
     * @return shares The shares it holds.
     */
    function sharesOf(address account) external view returns (uint256 shares) {
        return _shares[account];
    }

    /**
     * @notice The balance of `account` at the current index.
     * @param account The account.
     * @return The balance, in token units: its shares times the index, divided by 1e18, rounded down.
     */
    function balanceOf(address account) public view override returns (uint256) {
        return (_shares[account] * index) / INDEX_ONE;
    }

    /**
     * @notice The total supply at the current index.
     * @return All shares times the index, divided by 1e18, rounded down, in token units.
     */
    function totalSupply() public view override returns (uint256) {
        return (totalShares * index) / INDEX_ONE;
    }

    /**
     * @notice Moves, mints or burns the shares worth `value` at the current index (rounded down).
     * @dev Replaces OpenZeppelin's balance bookkeeping entirely: its `_balances` and `_totalSupply` stay unused.
     * @param from The account debited (the zero address for a mint).
     * @param to The account credited (the zero address for a burn).
     * @param value The amount asked, in token units; `Transfer` carries it as asked.
     */
    function _update(address from, address to, uint256 value) internal override {
        uint256 shares = (value * INDEX_ONE) / index;
        if (from == address(0)) {
            totalShares += shares;
        } else {
            uint256 balance = balanceOf(from);
            if (balance < value) revert ERC20InsufficientBalance(from, balance, value);
            // balance >= value implies _shares[from] * index >= value * 1e18, so _shares[from] >= shares.
            _shares[from] -= shares;
        }
        if (to == address(0)) {
            totalShares -= shares;
        } else {
            _shares[to] += shares;
        }
        emit Transfer(from, to, value);
    }
}
