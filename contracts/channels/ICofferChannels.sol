// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title ICofferChannels
 * @notice Coffer's payment channels: its types, events, errors and every external function.
 * @dev A payer deposits once and signs EIP-712 vouchers for a cumulative amount off chain; the payee (or a
 * redeemer it names) redeems the latest voucher whenever it likes and is paid the increase since the last
 * redemption. The payer leaves by starting an exit: after the channel's challenge period they take back what no
 * redeemed voucher claims. A voucher is bound to its chain and contract (the EIP-712 domain) and to its channel
 * (whose id binds payer, payee, token and salt); a channel id is never reused, so a voucher of a closed channel
 * stays worthless. Amounts are in token units (wei for ETH); token address(0) stands for native ETH; times are
 * unix seconds. No admin: nobody but the payer's own vouchers and exit can move a channel's funds.
 */
interface ICofferChannels {
    /// @notice Where a channel stands.
    enum ChannelStatus {
        /// @notice No such channel.
        None,
        /// @notice Holds its deposit; vouchers are redeemed against it (also while an exit is under way).
        Open,
        /// @notice Settled and emptied: never opened again, and its vouchers are worthless.
        Closed
    }

    /**
     * @notice A channel as stored.
     * @dev Four slots: a redemption reads all four, a top-up the first two.
     */
    struct Channel {
        /// @notice Deposits the funds, starts and finishes the exit, and gets back what no voucher claims.
        address payer;
        /// @notice Seconds between the start of an exit and its end, during which the payee can still redeem.
        uint32 challengePeriod;
        /// @notice When the exit ends (unix seconds), or 0 while no exit has started.
        uint48 exitAt;
        ChannelStatus status;
        /// @notice Receives what vouchers claim.
        address payee;
        /// @notice Everything deposited so far (opening deposit plus top-ups), in token units.
        uint96 deposit;
        /// @notice ERC-20 token, or address(0) for native ETH.
        address token;
        /// @notice The highest voucher amount redeemed so far (cumulative), in token units.
        uint96 redeemed;
        /// @notice The key whose ECDSA signature makes a voucher (the payer, or a session key the payer chose).
        address signer;
    }

    /// @notice One voucher to redeem in {redeemMany}.
    struct Redemption {
        bytes32 channelId;
        /// @notice The voucher's cumulative amount, in token units.
        uint256 amount;
        /// @notice The signer's 65-byte ECDSA signature of the voucher's EIP-712 digest.
        bytes signature;
    }

    // ─── Events ──────────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice A channel was opened with its first deposit.
     * @param channelId The channel's id (see {channelIdOf}).
     * @param payer Who deposited.
     * @param payee Who vouchers pay.
     * @param token The token, or address(0) for ETH.
     * @param signer The key that signs vouchers.
     * @param deposit The amount deposited, in token units.
     * @param challengePeriod Seconds an exit waits for the payee's last redemption.
     * @param salt The payer's salt that made the id.
     */
    event ChannelOpened(
        bytes32 indexed channelId,
        address indexed payer,
        address indexed payee,
        address token,
        address signer,
        uint256 deposit,
        uint32 challengePeriod,
        bytes32 salt
    );

    /**
     * @notice The payer added to a channel's deposit.
     * @param channelId The channel.
     * @param amount The amount added, in token units.
     * @param deposit The channel's deposit after it, in token units.
     */
    event ChannelToppedUp(bytes32 indexed channelId, uint256 amount, uint256 deposit);

    /**
     * @notice A voucher was redeemed: the payee was paid (or credited) the increase since the last redemption.
     * @param channelId The channel.
     * @param payee Who was paid.
     * @param amount The increase paid, in token units.
     * @param redeemed The voucher's cumulative amount, now the channel's `redeemed`.
     */
    event VoucherRedeemed(bytes32 indexed channelId, address indexed payee, uint256 amount, uint256 redeemed);

    /**
     * @notice A voucher in {redeemMany} was passed over; the others were redeemed.
     * @param channelId The voucher's channel.
     * @param reason The selector of the error {redeem} would have raised for it.
     */
    event RedemptionSkipped(bytes32 indexed channelId, bytes4 reason);

    /**
     * @notice The payer started an exit: after `exitAt` they may take back what no voucher claims.
     * @param channelId The channel.
     * @param exitAt When the exit ends, unix seconds.
     */
    event ExitStarted(bytes32 indexed channelId, uint48 exitAt);

    /**
     * @notice A channel was closed, by the payer's finished exit or by the payee; the rest went back to the payer.
     * @param channelId The channel.
     * @param by Who closed it (the payer, the payee or a redeemer of the payee).
     * @param redeemed Everything the payee received from the channel, in token units.
     * @param refunded What went back to the payer (paid or credited), in token units.
     */
    event ChannelClosed(bytes32 indexed channelId, address indexed by, uint256 redeemed, uint256 refunded);

    /**
     * @notice A payee allowed or stopped an account redeeming and closing its channels.
     * @param payee The payee.
     * @param redeemer The account.
     * @param allowed Whether it may redeem now.
     */
    event RedeemerSet(address indexed payee, address indexed redeemer, bool allowed);

    /**
     * @notice A payout could not be pushed (a reverting, gas-burning or blocklisted receiver, a paused token) and
     * was credited to the receiver instead, to withdraw with {withdraw}.
     * @param account The receiver.
     * @param token The token, or address(0) for ETH.
     * @param amount The amount credited, in token units.
     */
    event PayoutCredited(address indexed account, address indexed token, uint256 amount);

    /**
     * @notice An account withdrew its credit.
     * @param account The account whose credit it was.
     * @param token The token, or address(0) for ETH.
     * @param to Where it was sent.
     * @param amount The amount, in token units.
     */
    event CreditWithdrawn(address indexed account, address indexed token, address to, uint256 amount);

    // ─── Errors ──────────────────────────────────────────────────────────────────────────────────────────

    /// @notice An address that must be set is zero.
    error CofferChannelsZeroAddress();

    /// @notice The payer named itself as the payee.
    error CofferChannelsPayeeIsPayer(address payer);

    /**
     * @notice A challenge period outside the bounds.
     * @param challengePeriod The period asked for, in seconds.
     * @param minimum The shortest allowed, in seconds.
     * @param maximum The longest allowed, in seconds.
     */
    error CofferChannelsInvalidChallengePeriod(uint256 challengePeriod, uint256 minimum, uint256 maximum);

    /// @notice A deposit or top-up of nothing.
    error CofferChannelsZeroAmount();

    /**
     * @notice The channel's deposit would pass what it can hold.
     * @param deposit The deposit it would have, in token units.
     * @param maximum The largest deposit a channel holds (2^96 - 1).
     */
    error CofferChannelsDepositTooLarge(uint256 deposit, uint256 maximum);

    /// @notice A channel with this id exists or existed (ids are never reused).
    error CofferChannelsChannelExists(bytes32 channelId);

    /// @notice No channel with this id was ever opened.
    error CofferChannelsChannelNotFound(bytes32 channelId);

    /// @notice The channel is closed.
    error CofferChannelsChannelClosed(bytes32 channelId);

    /**
     * @notice The caller may not do this on the channel.
     * @param caller Who called.
     * @param expected Who may (the payer; or the payee, whose redeemers may as well).
     */
    error CofferChannelsUnauthorizedCaller(address caller, address expected);

    /**
     * @notice The voucher is not signed by the channel's signer.
     * @param channelId The channel.
     * @param signer The channel's signer.
     */
    error CofferChannelsInvalidVoucherSignature(bytes32 channelId, address signer);

    /**
     * @notice The voucher claims more than the channel holds.
     * @param channelId The channel.
     * @param amount The voucher's cumulative amount.
     * @param deposit The channel's deposit.
     */
    error CofferChannelsVoucherExceedsDeposit(bytes32 channelId, uint256 amount, uint256 deposit);

    /**
     * @notice The voucher claims no more than was already redeemed.
     * @param channelId The channel.
     * @param amount The voucher's cumulative amount.
     * @param redeemed What the channel has already paid.
     */
    error CofferChannelsVoucherNotNewer(bytes32 channelId, uint256 amount, uint256 redeemed);

    /// @notice The payer has started an exit; the channel takes no more deposits.
    error CofferChannelsExitStarted(bytes32 channelId, uint48 exitAt);

    /// @notice No exit was started.
    error CofferChannelsExitNotStarted(bytes32 channelId);

    /**
     * @notice The exit's challenge period has not ended yet.
     * @param exitAt When it ends.
     * @param timestamp The block's time.
     */
    error CofferChannelsExitNotDue(bytes32 channelId, uint48 exitAt, uint256 timestamp);

    /**
     * @notice The exit's challenge period has ended: vouchers are no longer redeemed.
     * @param exitAt When it ended.
     * @param timestamp The block's time.
     */
    error CofferChannelsExitPassed(bytes32 channelId, uint48 exitAt, uint256 timestamp);

    /**
     * @notice ETH sent does not match the amount (or ETH sent with a token deposit).
     * @param sent The ETH sent.
     * @param expected The ETH expected.
     */
    error CofferChannelsWrongValue(uint256 sent, uint256 expected);

    /// @notice The token address has no code.
    error CofferChannelsNotAToken(address token);

    /**
     * @notice The token moved another amount than asked (a fee-on-transfer or rebasing token).
     * @param token The token.
     * @param expected The amount asked for.
     * @param delivered The amount that moved.
     */
    error CofferChannelsTokenDeliveredWrongAmount(address token, uint256 expected, uint256 delivered);

    /// @notice There is no credit to withdraw.
    error CofferChannelsNothingToWithdraw(address account, address token);

    /**
     * @notice Sending ETH to `to` failed where it cannot become a credit (a withdrawal).
     * @param to The receiver.
     * @param amount The amount.
     */
    error CofferChannelsNativeTransferFailed(address to, uint256 amount);

    /**
     * @notice A token transfer moved nothing where it cannot become a credit (a withdrawal).
     * @param token The token.
     * @param to The receiver.
     * @param amount The amount.
     */
    error CofferChannelsTokenTransferFailed(address token, address to, uint256 amount);

    // ─── Functions ───────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice Opens a channel from the caller to `payee` with a first deposit.
     * @dev Takes `amount` of `token` from the caller (an allowance is needed), or `msg.value` for ETH. The id is
     * {channelIdOf}(caller, payee, token, salt) and must never have been used.
     * @param payee Who vouchers pay (not the caller, not zero).
     * @param token The token, or address(0) for ETH.
     * @param signer The key that signs vouchers: the caller, or a session key (not zero).
     * @param amount The deposit, in token units (more than zero).
     * @param challengePeriod Seconds an exit waits for the payee (between the contract's bounds).
     * @param salt Any value that makes the id new.
     * @return channelId The channel's id.
     */
    function open(
        address payee,
        address token,
        address signer,
        uint96 amount,
        uint32 challengePeriod,
        bytes32 salt
    ) external payable returns (bytes32 channelId);

    /**
     * @notice Adds to the caller's channel deposit; only its payer may, and not once an exit has started.
     * @param channelId The channel.
     * @param amount The amount added, in token units (`msg.value` for ETH).
     */
    function topUp(bytes32 channelId, uint96 amount) external payable;

    /**
     * @notice Redeems a voucher: pays the payee the increase of `amount` over what was redeemed before.
     * @dev Only the payee or a redeemer it named may call; until an exit's challenge period has ended. A payout
     * that cannot be pushed is credited to the payee.
     * @param channelId The channel.
     * @param amount The voucher's cumulative amount (at most the deposit, more than `redeemed`).
     * @param signature The signer's signature of {voucherDigest}(channelId, amount).
     * @return paid The increase paid, in token units.
     */
    function redeem(bytes32 channelId, uint256 amount, bytes calldata signature) external returns (uint256 paid);

    /**
     * @notice Redeems vouchers of many channels in one transaction, each as {redeem} would; a voucher that
     * {redeem} would refuse is passed over with a {RedemptionSkipped} event, so that one bad channel does not hold
     * up the others. Every channel's payee must be the caller or have named the caller a redeemer.
     * @param redemptions The vouchers.
     * @return redeemedCount How many vouchers were redeemed (the rest were skipped).
     */
    function redeemMany(Redemption[] calldata redemptions) external returns (uint256 redeemedCount);

    /**
     * @notice Closes a channel from the payee's side: redeems a last voucher (if it claims more than was redeemed)
     * and returns the rest of the deposit to the payer at once.
     * @param channelId The channel.
     * @param amount The last voucher's cumulative amount, or anything not above `redeemed` with an empty
     * signature to close without redeeming.
     * @param signature The voucher's signature (empty when not redeeming).
     */
    function close(bytes32 channelId, uint256 amount, bytes calldata signature) external;

    /**
     * @notice Starts the payer's exit: after the challenge period the payer may take back what no voucher claims.
     * @param channelId The channel (its payer calls).
     * @return exitAt When the exit ends, unix seconds.
     */
    function startExit(bytes32 channelId) external returns (uint48 exitAt);

    /**
     * @notice Finishes the payer's exit once the challenge period has ended: returns the deposit minus what was
     * redeemed to the payer (pushed, or credited if it cannot be), and closes the channel.
     * @param channelId The channel (its payer calls).
     * @return refunded What went back to the payer, in token units.
     */
    function finishExit(bytes32 channelId) external returns (uint256 refunded);

    /**
     * @notice Allows (or stops) `redeemer` redeeming and closing the caller's channels as payee; payouts still go
     * to the payee.
     * @param redeemer The account.
     * @param allowed Whether it may.
     */
    function setRedeemer(address redeemer, bool allowed) external;

    /**
     * @notice Withdraws the caller's credit in `token` to `to`.
     * @param token The token, or address(0) for ETH.
     * @param to Where to send it (not zero).
     */
    function withdraw(address token, address to) external;

    /**
     * @notice The channel with this id (all zero if none).
     * @param channelId The channel.
     * @return The channel as stored.
     */
    function getChannel(bytes32 channelId) external view returns (Channel memory);

    /**
     * @notice The id of the channel `payer` opens to `payee` in `token` with `salt`.
     * @param payer Who opens it.
     * @param payee Who vouchers pay.
     * @param token The token, or address(0) for ETH.
     * @param salt The payer's salt.
     * @return The id: keccak256 of the four, ABI-encoded.
     */
    function channelIdOf(address payer, address payee, address token, bytes32 salt) external pure returns (bytes32);

    /**
     * @notice The EIP-712 digest the signer signs for a voucher of `amount` (cumulative) on `channelId`.
     * @param channelId The channel.
     * @param amount The cumulative amount, in token units.
     * @return The digest under this contract's domain ("Coffer Channels", "1", chain id, this address).
     */
    function voucherDigest(bytes32 channelId, uint256 amount) external view returns (bytes32);

    /**
     * @notice Whether `redeemer` may redeem and close `payee`'s channels.
     * @param payee The payee.
     * @param redeemer The account.
     * @return Whether it may.
     */
    function isRedeemer(address payee, address redeemer) external view returns (bool);

    /**
     * @notice What `account` can withdraw in `token`.
     * @param account The account.
     * @param token The token, or address(0) for ETH.
     * @return The credit, in token units.
     */
    function creditOf(address account, address token) external view returns (uint256);
}
