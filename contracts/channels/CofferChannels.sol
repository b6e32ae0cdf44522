// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ICofferChannels} from "./ICofferChannels.sol";

/**
 * @title CofferChannels
 * @notice Payment channels for small, frequent payments: one deposit, many signed vouchers, a few redemptions.
 * @dev One contract holds every channel's funds. Invariant: for each token, this contract's balance is at least
 * the sum of `deposit - redeemed` over open channels plus the sum of credits. A payee never receives more than
 * the latest voucher it redeemed; a payer never loses more than the highest voucher its signer signed. Payouts
 * that cannot be pushed (a blocklisted, reverting or gas-burning receiver, a paused token) become credits that
 * the receiver withdraws later to any address, so that a blocked payee cannot hold up the payer's exit, nor a
 * blocked payer the payee's close. Fee-on-transfer and rebasing tokens are refused or unsupported (SECURITY.md).
 */
contract CofferChannels is ICofferChannels, EIP712, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice EIP-712 type of a voucher: the channel and the cumulative amount it lets the payee take.
    bytes32 public constant VOUCHER_TYPEHASH = keccak256("Voucher(bytes32 channelId,uint256 amount)");

    /// @notice The token address that stands for native ETH.
    address public constant NATIVE_TOKEN = address(0);

    /// @notice The shortest challenge period: long enough for a payee's redeemer to notice an exit and redeem.
    uint32 public constant MIN_CHALLENGE_PERIOD = 15 minutes;

    /// @notice The longest challenge period: a payer's funds are never locked for longer after an exit starts.
    uint32 public constant MAX_CHALLENGE_PERIOD = 30 days;

    /// @notice Gas forwarded with an ETH payout; a receiver that needs more is credited instead.
    uint256 public constant ETH_PAYOUT_GAS = 50_000;

    /// @dev Channel id → channel. Closed channels stay, so that an id (and its vouchers) is never reused.
    mapping(bytes32 channelId => Channel channel) private _channels;

    /// @dev Payee → account → whether the account may redeem and close the payee's channels.
    mapping(address payee => mapping(address redeemer => bool allowed)) private _redeemers;

    /// @dev Account → token → amount credited by a payout that could not be pushed.
    mapping(address account => mapping(address token => uint256 amount)) private _credits;

    constructor() EIP712("Coffer Channels", "1") {}

    // ─── Payer ───────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ICofferChannels
    function open(
        address payee,
        address token,
        address signer,
        uint96 amount,
        uint32 challengePeriod,
        bytes32 salt
    ) external payable nonReentrant returns (bytes32 channelId) {
        if (payee == address(0) || signer == address(0)) revert CofferChannelsZeroAddress();
        if (payee == msg.sender) revert CofferChannelsPayeeIsPayer(msg.sender);
        if (challengePeriod < MIN_CHALLENGE_PERIOD || challengePeriod > MAX_CHALLENGE_PERIOD) {
            revert CofferChannelsInvalidChallengePeriod(challengePeriod, MIN_CHALLENGE_PERIOD, MAX_CHALLENGE_PERIOD);
        }
        if (amount == 0) revert CofferChannelsZeroAmount();
        channelId = _channelIdOf(msg.sender, payee, token, salt);
        Channel storage channel = _channels[channelId];
        if (channel.status != ChannelStatus.None) revert CofferChannelsChannelExists(channelId);
        _channels[channelId] = Channel({
            payer: msg.sender,
            challengePeriod: challengePeriod,
            exitAt: 0,
            status: ChannelStatus.Open,
            payee: payee,
            deposit: amount,
            token: token,
            redeemed: 0,
            signer: signer
        });
        _collect(token, amount);
        emit ChannelOpened(channelId, msg.sender, payee, token, signer, amount, challengePeriod, salt);
    }

    /// @inheritdoc ICofferChannels
    function topUp(bytes32 channelId, uint96 amount) external payable nonReentrant {
        Channel storage channel = _openChannel(channelId);
        _requireCaller(channel.payer);
        if (channel.exitAt != 0) revert CofferChannelsExitStarted(channelId, channel.exitAt);
        if (amount == 0) revert CofferChannelsZeroAmount();
        uint256 deposit = uint256(channel.deposit) + amount;
        if (deposit > type(uint96).max) revert CofferChannelsDepositTooLarge(deposit, type(uint96).max);
        channel.deposit = uint96(deposit);
        _collect(channel.token, amount);
        emit ChannelToppedUp(channelId, amount, deposit);
    }

    /// @inheritdoc ICofferChannels
    function startExit(bytes32 channelId) external nonReentrant returns (uint48 exitAt) {
        Channel storage channel = _openChannel(channelId);
        _requireCaller(channel.payer);
        if (channel.exitAt != 0) revert CofferChannelsExitStarted(channelId, channel.exitAt);
        exitAt = uint48(block.timestamp) + channel.challengePeriod;
        channel.exitAt = exitAt;
        emit ExitStarted(channelId, exitAt);
    }

    /// @inheritdoc ICofferChannels
    function finishExit(bytes32 channelId) external nonReentrant returns (uint256 refunded) {
        Channel storage channel = _openChannel(channelId);
        _requireCaller(channel.payer);
        uint48 exitAt = channel.exitAt;
        if (exitAt == 0) revert CofferChannelsExitNotStarted(channelId);
        if (block.timestamp < exitAt) revert CofferChannelsExitNotDue(channelId, exitAt, block.timestamp);
        refunded = _settle(channelId, channel);
    }

    // ─── Payee ───────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ICofferChannels
    function redeem(
        bytes32 channelId,
        uint256 amount,
        bytes calldata signature
    ) external nonReentrant returns (uint256 paid) {
        Channel storage channel = _channels[channelId];
        _requireRedeemable(channelId, channel, amount, signature);
        paid = _redeem(channelId, channel, amount);
    }

    /// @inheritdoc ICofferChannels
    function redeemMany(Redemption[] calldata redemptions) external nonReentrant returns (uint256 redeemedCount) {
        for (uint256 i = 0; i < redemptions.length; ++i) {
            Redemption calldata redemption = redemptions[i];
            Channel storage channel = _channels[redemption.channelId];
            bytes4 problem = _voucherProblem(redemption.channelId, channel, redemption.amount, redemption.signature);
            if (problem != bytes4(0)) {
                emit RedemptionSkipped(redemption.channelId, problem);
                continue;
            }
            _redeem(redemption.channelId, channel, redemption.amount);
            ++redeemedCount;
        }
    }

    /// @inheritdoc ICofferChannels
    function close(bytes32 channelId, uint256 amount, bytes calldata signature) external nonReentrant {
        Channel storage channel = _openChannel(channelId);
        if (!_mayRedeem(channel.payee, msg.sender)) revert CofferChannelsUnauthorizedCaller(msg.sender, channel.payee);
        if (signature.length != 0) {
            _requireRedeemable(channelId, channel, amount, signature);
            _redeem(channelId, channel, amount);
        }
        _settle(channelId, channel);
    }

    /// @inheritdoc ICofferChannels
    function setRedeemer(address redeemer, bool allowed) external {
        if (redeemer == address(0)) revert CofferChannelsZeroAddress();
        _redeemers[msg.sender][redeemer] = allowed;
        emit RedeemerSet(msg.sender, redeemer, allowed);
    }

    // ─── Credits ─────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ICofferChannels
    function withdraw(address token, address to) external nonReentrant {
        if (to == address(0)) revert CofferChannelsZeroAddress();
        uint256 amount = _credits[msg.sender][token];
        if (amount == 0) revert CofferChannelsNothingToWithdraw(msg.sender, token);
        delete _credits[msg.sender][token];
        if (token == NATIVE_TOKEN) {
            // The account asked for this withdrawal and chose `to`: it gets all the gas, and a refusal reverts.
            // solhint-disable-next-line avoid-low-level-calls
            (bool sent, ) = to.call{value: amount}("");
            if (!sent) revert CofferChannelsNativeTransferFailed(to, amount);
        } else if (!_transferOut(token, to, amount)) {
            revert CofferChannelsTokenTransferFailed(token, to, amount);
        }
        emit CreditWithdrawn(msg.sender, token, to, amount);
    }

    // ─── Views ───────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ICofferChannels
    function getChannel(bytes32 channelId) external view returns (Channel memory) {
        return _channels[channelId];
    }

    /// @inheritdoc ICofferChannels
    function channelIdOf(address payer, address payee, address token, bytes32 salt) external pure returns (bytes32) {
        return _channelIdOf(payer, payee, token, salt);
    }

    /// @inheritdoc ICofferChannels
    function voucherDigest(bytes32 channelId, uint256 amount) external view returns (bytes32) {
        return _voucherDigest(channelId, amount);
    }

    /// @inheritdoc ICofferChannels
    function isRedeemer(address payee, address redeemer) external view returns (bool) {
        return _redeemers[payee][redeemer];
    }

    /// @inheritdoc ICofferChannels
    function creditOf(address account, address token) external view returns (uint256) {
        return _credits[account][token];
    }

    // ─── Internals ───────────────────────────────────────────────────────────────────────────────────────

    /// @dev Records a redemption checked by the caller and pays the payee the increase.
    function _redeem(bytes32 channelId, Channel storage channel, uint256 amount) private returns (uint256 paid) {
        paid = amount - channel.redeemed;
        // `amount` is at most the deposit, a uint96.
        channel.redeemed = uint96(amount);
        address payee = channel.payee;
        _payOut(channel.token, payee, paid);
        emit VoucherRedeemed(channelId, payee, paid, amount);
    }

    /// @dev Closes the channel and returns what no voucher claimed to the payer.
    function _settle(bytes32 channelId, Channel storage channel) private returns (uint256 refunded) {
        channel.status = ChannelStatus.Closed;
        uint256 redeemed = channel.redeemed;
        refunded = channel.deposit - redeemed;
        _payOut(channel.token, channel.payer, refunded);
        emit ChannelClosed(channelId, msg.sender, redeemed, refunded);
    }

    /// @dev Reverts with the error {_voucherProblem} names, with its values.
    function _requireRedeemable(
        bytes32 channelId,
        Channel storage channel,
        uint256 amount,
        bytes calldata signature
    ) private view {
        bytes4 problem = _voucherProblem(channelId, channel, amount, signature);
        if (problem == bytes4(0)) return;
        if (problem == CofferChannelsChannelNotFound.selector) revert CofferChannelsChannelNotFound(channelId);
        if (problem == CofferChannelsChannelClosed.selector) revert CofferChannelsChannelClosed(channelId);
        if (problem == CofferChannelsUnauthorizedCaller.selector) {
            revert CofferChannelsUnauthorizedCaller(msg.sender, channel.payee);
        }
        if (problem == CofferChannelsExitPassed.selector) {
            revert CofferChannelsExitPassed(channelId, channel.exitAt, block.timestamp);
        }
        if (problem == CofferChannelsVoucherExceedsDeposit.selector) {
            revert CofferChannelsVoucherExceedsDeposit(channelId, amount, channel.deposit);
        }
        if (problem == CofferChannelsVoucherNotNewer.selector) {
            revert CofferChannelsVoucherNotNewer(channelId, amount, channel.redeemed);
        }
        revert CofferChannelsInvalidVoucherSignature(channelId, channel.signer);
    }

    /**
     * @dev Why the caller may not redeem this voucher now, as the selector of the error that says so, or zero
     * when it may. The signature is checked last: it is the only costly check.
     */
    function _voucherProblem(
        bytes32 channelId,
        Channel storage channel,
        uint256 amount,
        bytes calldata signature
    ) private view returns (bytes4) {
        ChannelStatus status = channel.status;
        if (status == ChannelStatus.None) return CofferChannelsChannelNotFound.selector;
        if (status == ChannelStatus.Closed) return CofferChannelsChannelClosed.selector;
        if (!_mayRedeem(channel.payee, msg.sender)) return CofferChannelsUnauthorizedCaller.selector;
        uint48 exitAt = channel.exitAt;
        if (exitAt != 0 && block.timestamp >= exitAt) return CofferChannelsExitPassed.selector;
        if (amount > channel.deposit) return CofferChannelsVoucherExceedsDeposit.selector;
        if (amount <= channel.redeemed) return CofferChannelsVoucherNotNewer.selector;
        (address recovered, ECDSA.RecoverError error, ) = ECDSA.tryRecover(
            _voucherDigest(channelId, amount),
            signature
        );
        if (error != ECDSA.RecoverError.NoError || recovered != channel.signer) {
            return CofferChannelsInvalidVoucherSignature.selector;
        }
        return bytes4(0);
    }

    /// @dev Whether `caller` may redeem and close `payee`'s channels.
    function _mayRedeem(address payee, address caller) private view returns (bool) {
        return caller == payee || _redeemers[payee][caller];
    }

    /// @dev The open channel with this id; reverts if there is none or it is closed.
    function _openChannel(bytes32 channelId) private view returns (Channel storage channel) {
        channel = _channels[channelId];
        if (channel.status == ChannelStatus.None) revert CofferChannelsChannelNotFound(channelId);
        if (channel.status == ChannelStatus.Closed) revert CofferChannelsChannelClosed(channelId);
    }

    /// @dev Reverts unless the caller is `expected`.
    function _requireCaller(address expected) private view {
        if (msg.sender != expected) revert CofferChannelsUnauthorizedCaller(msg.sender, expected);
    }

    function _channelIdOf(address payer, address payee, address token, bytes32 salt) private pure returns (bytes32) {
        return keccak256(abi.encode(payer, payee, token, salt));
    }

    function _voucherDigest(bytes32 channelId, uint256 amount) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(VOUCHER_TYPEHASH, channelId, amount)));
    }

    /**
     * @dev Takes a deposit from the caller: exactly `msg.value` for ETH; for a token, judged by the balance that
     * arrived, so that a fee-on-transfer token is refused rather than leaving the channel short.
     */
    function _collect(address token, uint256 amount) private {
        if (token == NATIVE_TOKEN) {
            if (msg.value != amount) revert CofferChannelsWrongValue(msg.value, amount);
            return;
        }
        if (msg.value != 0) revert CofferChannelsWrongValue(msg.value, 0);
        if (token.code.length == 0) revert CofferChannelsNotAToken(token);
        uint256 balanceBefore = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 balanceAfter = IERC20(token).balanceOf(address(this));
        uint256 delivered = balanceAfter > balanceBefore ? balanceAfter - balanceBefore : 0;
        if (delivered != amount) revert CofferChannelsTokenDeliveredWrongAmount(token, amount, delivered);
    }

    /// @dev Pays `amount` to `to`; a payout that cannot be pushed is credited to `to` instead.
    function _payOut(address token, address to, uint256 amount) private {
        if (amount == 0) return;
        bool sent;
        if (token == NATIVE_TOKEN) {
            // solhint-disable-next-line avoid-low-level-calls
            (sent, ) = to.call{value: amount, gas: ETH_PAYOUT_GAS}("");
        } else {
            sent = _transferOut(token, to, amount);
        }
        if (!sent) {
            _credits[to][token] += amount;
            emit PayoutCredited(to, token, amount);
        }
    }

    /**
     * @dev Transfers `amount` of `token` to `to`; returns whether it was paid, judged by this contract's balance
     * when the token reverts or returns false: unchanged → not paid; down by exactly `amount` → paid (a token that
     * moves and then returns false is not paid twice); any other change → reverts.
     */
    function _transferOut(address token, address to, uint256 amount) private returns (bool paid) {
        uint256 balanceBefore = IERC20(token).balanceOf(address(this));
        if (IERC20(token).trySafeTransfer(to, amount)) return true;
        uint256 balanceAfter = IERC20(token).balanceOf(address(this));
        if (balanceAfter == balanceBefore) return false;
        uint256 moved = balanceAfter < balanceBefore ? balanceBefore - balanceAfter : 0;
        if (moved == amount) return true;
        revert CofferChannelsTokenDeliveredWrongAmount(token, amount, moved);
    }
}
