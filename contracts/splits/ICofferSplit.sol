// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title ICofferSplit
 * @notice Types, events, errors and every external function of a Coffer split: a clone that divides whatever ETH
 * or ERC-20 it holds among fixed recipients, pushing each share where that works and crediting it where it does
 * not.
 * @dev Every event of a split is emitted by the split itself, so the log's address is the split. An indexer
 * derives each recipient's share of a distribution from the configuration (emitted by the factory's
 * `SplitCreated` and by `SplitUpdated`) and the `Distributed` amount: `amount * allocation / 1,000,000`, rounded
 * down. In push mode a share is paid to the recipient unless a `PayoutCredited` for that recipient
 * follows in the same transaction; in pull-only mode every share is credited and no per-recipient event is
 * emitted.
 *
 * Amounts are in token units (wei for ETH); allocations and the incentive in millionths (1,000,000 = 100%). Token
 * address(0) stands for native ETH.
 */
interface ICofferSplit {
    /**
     * @notice What a split does with its funds. Committed by hash (`keccak256(abi.encode(config))`) and passed as
     * calldata.
     * @dev Valid when: 1 to the mode's maximum recipients ({SplitConfigLib-MAX_PUSH_RECIPIENTS} in push mode,
     * {SplitConfigLib-MAX_PULL_RECIPIENTS} in pull-only mode), sorted strictly ascending by address (so unique and,
     * the first being non-zero, none zero), each with a non-zero allocation, allocations summing to exactly
     * 1,000,000, and an incentive of at most 50,000 (5%). Each recipient and its allocation share one 32-byte word,
     * which makes a distribution's calldata (and a creation's event) half as long as two parallel arrays.
     */
    struct SplitConfig {
        /// @notice One entry per recipient, sorted strictly ascending by address: `allocation << 160 | recipient`,
        /// the recipient's address in the low 160 bits and its allocation, in millionths (non-zero; all sum to
        /// 1,000,000), in the high 96 bits.
        uint256[] recipients;
        /// @notice Part of each distribution paid to its distributor, in millionths, at most 50,000 (5%); never more
        /// than that part of what the distribution pays out (incentive plus the shares that reach recipients, see
        /// `distribute`).
        uint32 distributionIncentive;
        /// @notice True: every share is credited, withdrawn by its recipient (cheapest for large groups).
        /// False: shares are pushed, and credited only where a push fails.
        bool pullOnly;
    }

    /**
     * @notice Emitted by a distribution before any share moves.
     * @param token The token distributed, address(0) for ETH.
     * @param distributor Who received the incentive (the caller unless it named someone else).
     * @param amount The amount divided among the recipients, in token units; each share is
     * `amount * allocation / 1,000,000` rounded down, and what rounding leaves stays in the split.
     * @param incentive The amount paid (or, if the push failed, credited) to the distributor, in token units:
     * `min(available * rate / 1e6, shares * rate / (1e6 - rate))`, where `available` is `amount + incentive` less
     * what the incentive's rounding kept back, `rate` the configured incentive and `shares` the sum of the
     * recipients' rounded-down shares; so `incentive * (1e6 - rate) <= shares * rate`.
     */
    event Distributed(address indexed token, address indexed distributor, uint256 amount, uint256 incentive);

    /**
     * @notice Emitted when a push (of a share or of the incentive) failed and the amount was credited instead.
     * Not emitted for the shares of a pull-only split, which are all credited.
     * @param account The account credited.
     * @param token The token, address(0) for ETH.
     * @param amount The amount credited, in token units.
     */
    event PayoutCredited(address indexed account, address indexed token, uint256 amount);

    /**
     * @notice Emitted when an account withdraws what it was credited.
     * @param account The account whose credit was withdrawn.
     * @param token The token, address(0) for ETH.
     * @param to Where the funds were sent.
     * @param amount The amount withdrawn, in token units.
     */
    event Withdrawn(address indexed account, address indexed token, address to, uint256 amount);

    /**
     * @notice Emitted when the controller replaces the configuration; the full new configuration is included.
     * @param configHash The hash of the new configuration.
     * @param config The new configuration.
     */
    event SplitUpdated(bytes32 indexed configHash, SplitConfig config);

    /**
     * @notice Emitted when the controller offers control to another account (or withdraws the offer).
     * @param controller The current controller.
     * @param pendingController The account that may accept control, address(0) when the offer is withdrawn.
     */
    event ControlTransferStarted(address indexed controller, address indexed pendingController);

    /**
     * @notice Emitted when control changes hands: accepted by the pending controller, or renounced (the new
     * controller is then address(0) and the split is immutable for ever).
     * @param previousController The former controller.
     * @param newController The new controller, address(0) if control was renounced.
     */
    event ControlTransferred(address indexed previousController, address indexed newController);

    /// @notice The configuration has no recipient.
    error CofferSplitNoRecipients();

    /**
     * @notice The configuration has more recipients than a distribution in its mode can pay in one transaction.
     * @param count The number of recipients.
     * @param max The maximum for the configuration's mode.
     */
    error CofferSplitTooManyRecipients(uint256 count, uint256 max);

    /// @notice The first recipient (the smallest, recipients being sorted) is the zero address.
    error CofferSplitZeroRecipient();

    /**
     * @notice A recipient appears twice.
     * @param recipient The duplicated recipient.
     */
    error CofferSplitDuplicateRecipient(address recipient);

    /**
     * @notice Recipients are not sorted ascending.
     * @param index The position of the first recipient smaller than the one before it.
     * @param previous The recipient before it.
     * @param recipient The recipient out of order.
     */
    error CofferSplitRecipientsNotSorted(uint256 index, address previous, address recipient);

    /**
     * @notice A recipient has a zero allocation.
     * @param recipient The recipient.
     */
    error CofferSplitZeroAllocation(address recipient);

    /**
     * @notice The allocations do not sum to the scale.
     * @param total Their sum.
     * @param expected The scale (1,000,000).
     */
    error CofferSplitInvalidTotalAllocation(uint256 total, uint256 expected);

    /**
     * @notice The distribution incentive is above the maximum.
     * @param incentive The incentive asked, in millionths.
     * @param max The maximum, in millionths (50,000 = 5%).
     */
    error CofferSplitIncentiveTooHigh(uint256 incentive, uint256 max);

    /// @notice An update named the split itself as a recipient.
    error CofferSplitSelfRecipient();

    /**
     * @notice The configuration passed is not the split's.
     * @param given The hash of the configuration passed.
     * @param expected The hash the split stores.
     */
    error CofferSplitConfigMismatch(bytes32 given, bytes32 expected);

    /**
     * @notice Only `expected` may call this function.
     * @param caller The caller.
     * @param expected The account allowed: the controller (address(0) for an immutable split), or the pending
     * controller for `acceptControl`.
     */
    error CofferSplitUnauthorizedCaller(address caller, address expected);

    /**
     * @notice The split holds nothing beyond what it already owes its recipients in this token.
     * @param token The token, address(0) for ETH.
     * @param balance The split's balance, in token units.
     * @param owed What it owes (credited, not yet withdrawn), in token units.
     */
    error CofferSplitNothingToDistribute(address token, uint256 balance, uint256 owed);

    /**
     * @notice What the split holds beyond what it owes is so small that every recipient's share rounds down to
     * zero: nothing would reach the recipients, so nothing is distributed (and no incentive paid). It stays in the
     * split and is divided once more arrives.
     * @param token The token, address(0) for ETH.
     * @param available The amount the distribution would have divided (incentive included), in token units.
     */
    error CofferSplitDustOnly(address token, uint256 available);

    /**
     * @notice A transfer returned false (or malformed data) without reverting, and the split's balance then moved
     * by neither nothing nor the amount: the token is not one whose result the split can tell, and nothing is done.
     * @param token The token.
     * @param account The account the transfer was to.
     * @param amount The amount of the transfer, in token units.
     * @param expected The split's balance had nothing moved, in token units.
     * @param actual The split's balance after the transfer, in token units.
     */
    error CofferSplitUnexpectedBalance(
        address token,
        address account,
        uint256 amount,
        uint256 expected,
        uint256 actual
    );

    /**
     * @notice The token address has no code.
     * @param token The address.
     */
    error CofferSplitNotAToken(address token);

    /**
     * @notice A push ran out of gas because the transaction did not leave it its full stipend; retry with more gas.
     * @param recipient The recipient whose push was starved.
     */
    error CofferSplitPushStarved(address recipient);

    /**
     * @notice The account has nothing credited in this token.
     * @param account The account.
     * @param token The token, address(0) for ETH.
     */
    error CofferSplitNothingToWithdraw(address account, address token);

    /// @notice A withdrawal named the zero address as receiver.
    error CofferSplitZeroAddress();

    /**
     * @notice The receiver of an ETH withdrawal refused it.
     * @param to The receiver.
     * @param amount The amount, in wei.
     */
    error CofferSplitNativeTransferFailed(address to, uint256 amount);

    /// @notice `initialize` was called by someone other than the factory, or twice.
    error CofferSplitAlreadyInitialized();

    // ─── Constants and immutables ────────────────────────────────────────────────────────────────────────

    /**
     * @notice Token address that stands for native ETH.
     * @return address(0).
     */
    function NATIVE_TOKEN() external view returns (address);

    /**
     * @notice Allocations and the incentive are in millionths: allocations sum to this.
     * @return 1,000,000.
     */
    function ALLOCATION_SCALE() external view returns (uint256);

    /**
     * @notice Largest distribution incentive, in millionths (5%).
     * @return 50,000.
     */
    function MAX_DISTRIBUTION_INCENTIVE() external view returns (uint256);

    /**
     * @notice Most recipients of a push-mode split (a worst-case distribution fits one transaction).
     * @return 200.
     */
    function MAX_PUSH_RECIPIENTS() external view returns (uint256);

    /**
     * @notice Most recipients of a pull-only split.
     * @return 600.
     */
    function MAX_PULL_RECIPIENTS() external view returns (uint256);

    /**
     * @notice Gas forwarded with each ERC-20 push, enough for a transfer to a new holder of a blocklist-checking
     * proxy token such as USDC (about 35,000); a token that needs more is credited instead.
     * @return 50,000.
     */
    function TOKEN_PUSH_GAS() external view returns (uint256);

    /**
     * @notice Gas forwarded with each ETH push (plus the EVM's 2,300 stipend), enough for a Safe (about 7,000) or
     * another split (about 3,000); a receiver that needs more is credited instead.
     * @return 20,000.
     */
    function ETH_PUSH_GAS() external view returns (uint256);

    /**
     * @notice Largest amount divided by one distribution, so that `amount * allocation` cannot overflow; any
     * excess is divided by the next one.
     * @return `type(uint256).max / 1,000,000`.
     */
    function MAX_DISTRIBUTION() external view returns (uint256);

    /**
     * @notice The factory that creates the clones and alone may initialize them.
     * @return The factory's address.
     */
    function FACTORY() external view returns (address);

    // ─── Set-up ──────────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice Accepts ETH, to be divided by the next distribution of address(0).
     * @dev Senders must forward more than 2,300 gas: a clone's `receive` costs a DELEGATECALL to the
     * implementation (2,600 gas when cold), so Solidity's `transfer` and `send` to a split fail (and revert or
     * return false; nothing is lost).
     */
    receive() external payable;

    /**
     * @notice Sets the configuration hash and the controller of a new clone. Factory only, once.
     * @dev Called by the factory in the transaction that creates the clone.
     *
     * Requirements:
     * - The caller is {FACTORY} and the split has no configuration hash yet ({CofferSplitAlreadyInitialized}).
     * @param initialConfigHash The hash of the initial configuration, already validated by the factory.
     * @param initialController The controller, address(0) for an immutable split.
     */
    function initialize(bytes32 initialConfigHash, address initialController) external;

    // ─── Distribution ────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice Divides what the split holds in `token`, beyond what it already owes, among the recipients. Anyone
     * may call. `distributionIncentive` millionths of it are set aside for the distributor; each recipient gets
     * `amount * allocation / 1,000,000` (rounded down) of the rest: pushed with a gas stipend, or credited if the
     * push fails (blocklisted, reverting or gas-burning recipient, paused token) or if the split is pull-only.
     * The incentive paid is never more than its rate of what leaves the split: the smaller of what was set aside
     * and `shares * rate / (1,000,000 - rate)`, rounded down, where `shares` is the sum of the recipients' shares;
     * what it leaves is distributed next time. When every share rounds down to zero (dust), nothing is distributed
     * and the call reverts with {CofferSplitDustOnly}, so a keeper wastes no gas and takes no incentive.
     * @dev At most {MAX_DISTRIBUTION} is divided per call. The incentive is pushed first (with {ETH_PUSH_GAS} or
     * {TOKEN_PUSH_GAS}) and credited if that fails. A token push that returns false without reverting is judged by
     * the split's balance: unchanged, the share is credited; lower by exactly the share, it counts as paid.
     *
     * Requirements:
     * - `config` hashes to the stored configuration hash ({CofferSplitConfigMismatch}); an uninitialized split
     *   (the implementation) matches none.
     * - `token` is address(0) or has code ({CofferSplitNotAToken}).
     * - The split holds more than it owes in `token` ({CofferSplitNothingToDistribute}).
     * - At least one share is not zero ({CofferSplitDustOnly}).
     * - The transaction leaves each push its full stipend ({CofferSplitPushStarved}: retry with more gas).
     * - After a false return, the split's balance moved by nothing or by exactly the amount
     *   ({CofferSplitUnexpectedBalance}).
     * - Not called back from within a distribution or withdrawal of this split (`ReentrancyGuardReentrantCall`).
     *
     * Emits a {Distributed} event, then a {PayoutCredited} event for each push that failed (and for the incentive
     * if its push failed).
     * @param config The split's current configuration (its hash must match).
     * @param token The token, address(0) for ETH.
     * @param distributor Receives the incentive; address(0) for the caller.
     * @return amount The amount divided among the recipients (after the incentive), in token units.
     */
    function distribute(
        SplitConfig calldata config,
        address token,
        address distributor
    ) external returns (uint256 amount);

    /**
     * @notice Withdraws everything credited to the caller in `token`, to `to`. For ETH, `to` gets all the
     * remaining gas and must accept the payment, or the withdrawal reverts.
     * @dev A token transfer that reverts reverts the withdrawal (the credit stays, the token's error is passed on);
     * one that returns false (or malformed data) is judged by the split's balance, so a credit in a token that
     * moves the funds and then returns false (Tether Gold) is still withdrawable.
     *
     * Requirements:
     * - `to` is not address(0) ({CofferSplitZeroAddress}).
     * - The caller has a credit in `token` ({CofferSplitNothingToWithdraw}).
     * - For ETH, `to` accepts it ({CofferSplitNativeTransferFailed}).
     * - For a token, the transfer does not revert; after a false return, the split's balance fell by exactly the
     *   credit (SafeERC20's `SafeERC20FailedOperation` when it did not move, {CofferSplitUnexpectedBalance} when it
     *   moved by another amount).
     * - Not called back from within a distribution or withdrawal of this split (`ReentrancyGuardReentrantCall`).
     *
     * Emits a {Withdrawn} event.
     * @param token The token, address(0) for ETH.
     * @param to The receiver, which may differ from the caller (a blocklisted recipient sends elsewhere).
     * @return amount The amount withdrawn, in token units.
     */
    function withdraw(address token, address to) external returns (uint256 amount);

    // ─── Control ─────────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice Replaces the configuration. Controller only. The split cannot be its own recipient. Credits already
     * owed are kept; what the split holds beyond them is divided by the next distribution under the new
     * configuration (distribute first, in the same Safe transaction, to settle it under the old one).
     * @dev Requirements:
     * - The caller is the controller ({CofferSplitUnauthorizedCaller}); never true for an immutable split.
     * - `config` is valid, as at creation: 1 to the mode's maximum recipients ({CofferSplitNoRecipients},
     *   {CofferSplitTooManyRecipients}), an incentive of at most {MAX_DISTRIBUTION_INCENTIVE}
     *   ({CofferSplitIncentiveTooHigh}), recipients sorted strictly ascending and non-zero
     *   ({CofferSplitZeroRecipient}, {CofferSplitDuplicateRecipient}, {CofferSplitRecipientsNotSorted}), each with a
     *   non-zero allocation ({CofferSplitZeroAllocation}), allocations summing to {ALLOCATION_SCALE}
     *   ({CofferSplitInvalidTotalAllocation}).
     * - The split itself is not a recipient ({CofferSplitSelfRecipient}).
     * - Not called back from within a distribution or withdrawal of this split (`ReentrancyGuardReentrantCall`).
     *
     * Emits a {SplitUpdated} event.
     * @param config The new configuration, validated as at creation.
     */
    function updateSplit(SplitConfig calldata config) external;

    /**
     * @notice Offers control to `newController`, who must accept it with {acceptControl}; address(0) withdraws a
     * pending offer. Controller only. Until accepted, the current controller keeps control.
     * @dev Requirements:
     * - The caller is the controller ({CofferSplitUnauthorizedCaller}).
     *
     * Emits a {ControlTransferStarted} event.
     * @param newController The account offered control.
     */
    function transferControl(address newController) external;

    /**
     * @notice Accepts control offered by {transferControl}. Pending controller only.
     * @dev Requirements:
     * - The caller is the pending controller ({CofferSplitUnauthorizedCaller}); nobody passes when no control is
     *   offered.
     *
     * Emits a {ControlTransferred} event.
     */
    function acceptControl() external;

    /**
     * @notice Gives up control for ever: the split becomes immutable. Controller only. A pending offer is
     * withdrawn too.
     * @dev Requirements:
     * - The caller is the controller ({CofferSplitUnauthorizedCaller}).
     *
     * Emits a {ControlTransferred} event with address(0) as the new controller.
     */
    function renounceControl() external;

    // ─── Views ───────────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice The hash of the current configuration.
     * @return The hash ({SplitConfigLib-hash}); zero for the implementation itself.
     */
    function configHash() external view returns (bytes32);

    /**
     * @notice The controller.
     * @return The controller, address(0) for an immutable split.
     */
    function controller() external view returns (address);

    /**
     * @notice The account offered control.
     * @return The pending controller, address(0) for none.
     */
    function pendingController() external view returns (address);

    /**
     * @notice What `account` can withdraw in `token`.
     * @dev Reverts (`ReentrancyGuardReentrantCall`) while a distribution or withdrawal of this split is running.
     * @param account The account.
     * @param token The token, address(0) for ETH.
     * @return The amount credited, in token units.
     */
    function creditOf(address account, address token) external view returns (uint256);

    /**
     * @notice What the split owes in `token`: the sum of all credits not yet withdrawn.
     * @dev Reverts (`ReentrancyGuardReentrantCall`) while a distribution or withdrawal of this split is running.
     * @param token The token, address(0) for ETH.
     * @return The amount owed, in token units.
     */
    function owed(address token) external view returns (uint256);

    /**
     * @notice What the next distribution of `token` would divide (incentive included): the balance beyond what is
     * owed, capped at {MAX_DISTRIBUTION}. A non-zero amount may still be dust that `distribute` refuses
     * ({CofferSplitDustOnly}): every share rounds to 0.
     * @dev Reverts (`ReentrancyGuardReentrantCall`) while a distribution or withdrawal of this split is running,
     * and with {CofferSplitNotAToken} for a token address without code.
     * @param token The token, address(0) for ETH.
     * @return available The amount, in token units; zero when there is nothing to distribute.
     */
    function distributable(address token) external view returns (uint256 available);
}
