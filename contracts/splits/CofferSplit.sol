// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ICofferSplit} from "./ICofferSplit.sol";
import {SplitConfigLib} from "./SplitConfigLib.sol";

/**
 * @title CofferSplit
 * @notice A revenue split: receives ETH and any ERC-20 and divides them among fixed recipients by allocation.
 * Anyone distributes (optionally for an incentive); each share is pushed with a gas stipend and credited to a
 * withdrawable balance where the push fails, or, in pull-only mode, credited outright. Mutable splits have a
 * controller (typically a Safe) that can replace the configuration or hand control over; immutable ones have none.
 * @dev Deployed once by {CofferSplitFactory} as the implementation of minimal clones (ERC-1167); each split is a
 * clone whose storage holds only its configuration hash, its controller and its credits. The configuration itself
 * is passed as calldata and checked against the hash.
 *
 * Accounting, per token: `owed` is the sum of all credits not yet withdrawn, and a distribution divides only
 * `balance - owed`, so credits can never be distributed twice. Invariant: `balance >= owed` (for tokens that do not
 * rebase down). Shares are rounded down, so nobody is paid more than its share; what rounding leaves (less than one
 * unit per recipient) stays in the split and is included in the next distribution.
 *
 * Senders must forward more than 2,300 gas: a clone's `receive` costs a DELEGATECALL to the implementation (2,600 gas
 * when cold), so Solidity's `transfer` and `send` to a split fail (and revert or return false; nothing is lost).
 * Funds sent to a split's predicted address before it is created are distributed once it exists.
 *
 * A token transfer that returns false (or malformed data) without reverting is judged by the balance that moved,
 * read on that path only: unchanged, nothing moved (a share or incentive is credited, a withdrawal reverts and the
 * credit stays); lower by exactly the amount, the token paid and only said otherwise (Tether Gold), so nothing is
 * credited twice and a withdrawal succeeds; anything else reverts with {CofferSplitUnexpectedBalance}. So a split
 * never owes more than it holds, whatever its tokens return. A transfer that reverts moved nothing.
 *
 * Fee-on-transfer tokens work without a balance check: the split divides what it holds, and each push or
 * withdrawal delivers the share minus the token's fee, which the recipient bears. Rebasing tokens are not
 * supported: a positive rebase is simply distributed next time, but after a negative one the split may hold less
 * than it owes and the last withdrawals of that token fail until it is topped up.
 */
contract CofferSplit is ICofferSplit, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @inheritdoc ICofferSplit
    address public constant NATIVE_TOKEN = address(0);
    /// @inheritdoc ICofferSplit
    uint256 public constant ALLOCATION_SCALE = SplitConfigLib.ALLOCATION_SCALE;
    /// @inheritdoc ICofferSplit
    uint256 public constant MAX_DISTRIBUTION_INCENTIVE = SplitConfigLib.MAX_DISTRIBUTION_INCENTIVE;
    /// @inheritdoc ICofferSplit
    uint256 public constant MAX_PUSH_RECIPIENTS = SplitConfigLib.MAX_PUSH_RECIPIENTS;
    /// @inheritdoc ICofferSplit
    uint256 public constant MAX_PULL_RECIPIENTS = SplitConfigLib.MAX_PULL_RECIPIENTS;
    /// @inheritdoc ICofferSplit
    uint256 public constant TOKEN_PUSH_GAS = 50_000;
    /// @inheritdoc ICofferSplit
    uint256 public constant ETH_PUSH_GAS = 20_000;
    /// @inheritdoc ICofferSplit
    uint256 public constant MAX_DISTRIBUTION = type(uint256).max / SplitConfigLib.ALLOCATION_SCALE;

    /// @inheritdoc ICofferSplit
    address public immutable FACTORY;

    /// @dev Slot 0: hash of the current configuration ({SplitConfigLib-hash}); zero until initialized.
    bytes32 private _configHash;
    /// @dev Slot 1: the controller, address(0) for an immutable split.
    address private _controller;
    /// @dev Slot 2: the account offered control, address(0) for none.
    address private _pendingController;
    /// @dev Token → sum of its credits not yet withdrawn (`owed`), in token units.
    mapping(address token => uint256 amount) private _owed;
    /**
     * @dev Seed of the credits' storage. The credits of `token` form an array indexed by account: the credit of
     * `account` lives at slot `keccak256(abi.encode(token, CREDITS_SEED)) + uint160(account)` (mod 2^256), as the
     * elements of a Solidity array live at `keccak256(slot) + index`. This saves a second hash per recipient in a
     * distribution (about 45 gas); two tokens' ranges of 2^160 slots overlap, or meet another variable, with a
     * probability below 2^-95, as for Solidity's own arrays.
     */
    bytes32 private constant _CREDITS_SEED = keccak256("coffer.split.credits");

    /// @notice Deploys the implementation; the deployer is the factory.
    constructor() {
        FACTORY = msg.sender;
    }

    /// @inheritdoc ICofferSplit
    receive() external payable {}

    /// @inheritdoc ICofferSplit
    function initialize(bytes32 initialConfigHash, address initialController) external {
        if (msg.sender != FACTORY || _configHash != bytes32(0)) revert CofferSplitAlreadyInitialized();
        _configHash = initialConfigHash;
        if (initialController != address(0)) _controller = initialController;
    }

    // ─── Distribution ────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ICofferSplit
    function distribute(
        SplitConfig calldata config,
        address token,
        address distributor
    ) external nonReentrant returns (uint256 amount) {
        bytes32 givenHash = SplitConfigLib.hash(config);
        bytes32 storedHash = _configHash;
        if (givenHash != storedHash) revert CofferSplitConfigMismatch(givenHash, storedHash);

        uint256 balance = _balanceOf(token);
        uint256 owedBefore = _owed[token];
        if (balance <= owedBefore) revert CofferSplitNothingToDistribute(token, balance, owedBefore);
        uint256 available;
        unchecked {
            available = balance - owedBefore;
        }
        if (available > MAX_DISTRIBUTION) available = MAX_DISTRIBUTION;
        uint256 incentive;
        (amount, incentive) = _divide(config, token, available);
        if (distributor == address(0)) distributor = msg.sender;
        emit Distributed(token, distributor, amount, incentive);

        // The incentive first: what it moved is then known to the shares' pushes, and only `credited` (which
        // includes an incentive that could not be paid) is left to settle after them.
        uint256 credited;
        if (incentive != 0) {
            if (_pushIncentive(token, distributor, incentive, balance)) {
                balance -= incentive;
            } else {
                credited = incentive;
            }
        }
        if (config.pullOnly) {
            credited += _creditAll(config.recipients, token, amount);
        } else if (token == NATIVE_TOKEN) {
            credited += _pushAllNative(config.recipients, amount);
        } else {
            credited += _pushAllToken(config.recipients, token, amount, balance);
        }
        // Checked: also bounds every credit added above, each of which is at most `owed + credited`.
        if (credited != 0) _owed[token] = owedBefore + credited;
    }

    /// @inheritdoc ICofferSplit
    function withdraw(address token, address to) external nonReentrant returns (uint256 amount) {
        if (to == address(0)) revert CofferSplitZeroAddress();
        uint256 slot = _creditSlot(token, msg.sender);
        amount = _load(slot);
        if (amount == 0) revert CofferSplitNothingToWithdraw(msg.sender, token);
        _store(slot, 0);
        unchecked {
            // A credit is part of `owed`.
            _owed[token] -= amount;
        }
        emit Withdrawn(msg.sender, token, to, amount);
        if (token == NATIVE_TOKEN) {
            // The caller chose the receiver: forward all gas, and revert if it refuses.
            // solhint-disable-next-line avoid-low-level-calls
            (bool sent, ) = to.call{value: amount}("");
            if (!sent) revert CofferSplitNativeTransferFailed(to, amount);
        } else {
            // A transfer that reverts reverts the withdrawal (the credit stays); one that returns false is judged by
            // the balance that moved (see `_judgeFalseReturn`), so a credit in a token that moves the funds and then
            // returns false is still withdrawable.
            uint256 balanceBefore = IERC20(token).balanceOf(address(this));
            bool sent;
            // As SafeERC20's `safeTransfer` (all gas, a revert bubbled up, at most 32 bytes of return data copied),
            // but a false return is judged instead of refused.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                let data := mload(0x40)
                mstore(data, 0xa9059cbb00000000000000000000000000000000000000000000000000000000)
                mstore(add(data, 0x04), to)
                mstore(add(data, 0x24), amount)
                if iszero(call(gas(), token, 0, data, 0x44, 0x00, 0x20)) {
                    returndatacopy(data, 0x00, returndatasize())
                    revert(data, returndatasize())
                }
                // The token has code (its `balanceOf` answered), so an empty return means success.
                sent := or(iszero(returndatasize()), and(gt(returndatasize(), 0x1f), eq(mload(0x00), 1)))
            }
            if (!sent && !_movedDespiteFailure(token, to, amount, balanceBefore)) {
                revert SafeERC20.SafeERC20FailedOperation(token);
            }
        }
    }

    // ─── Control ─────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ICofferSplit
    function updateSplit(SplitConfig calldata config) external nonReentrant {
        _requireController();
        SplitConfigLib.validate(config);
        // A credit to the split itself could never be withdrawn (a new split cannot name itself: its address
        // depends on its configuration).
        if (SplitConfigLib.contains(config, address(this))) revert CofferSplitSelfRecipient();
        bytes32 newHash = SplitConfigLib.hash(config);
        _configHash = newHash;
        emit SplitUpdated(newHash, config);
    }

    /// @inheritdoc ICofferSplit
    function transferControl(address newController) external {
        _requireController();
        _pendingController = newController;
        emit ControlTransferStarted(msg.sender, newController);
    }

    /// @inheritdoc ICofferSplit
    function acceptControl() external {
        address pending = _pendingController;
        // The caller is never address(0), so nobody passes when no control is offered.
        if (msg.sender != pending) revert CofferSplitUnauthorizedCaller(msg.sender, pending);
        address previous = _controller;
        _controller = pending;
        delete _pendingController;
        emit ControlTransferred(previous, pending);
    }

    /// @inheritdoc ICofferSplit
    function renounceControl() external {
        _requireController();
        delete _controller;
        delete _pendingController;
        emit ControlTransferred(msg.sender, address(0));
    }

    // ─── Views ───────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ICofferSplit
    function configHash() external view returns (bytes32) {
        return _configHash;
    }

    /// @inheritdoc ICofferSplit
    function controller() external view returns (address) {
        return _controller;
    }

    /// @inheritdoc ICofferSplit
    function pendingController() external view returns (address) {
        return _pendingController;
    }

    /// @inheritdoc ICofferSplit
    function creditOf(address account, address token) external view returns (uint256) {
        _requireSettled();
        return _load(_creditSlot(token, account));
    }

    /// @inheritdoc ICofferSplit
    function owed(address token) external view returns (uint256) {
        _requireSettled();
        return _owed[token];
    }

    /// @inheritdoc ICofferSplit
    function distributable(address token) external view returns (uint256 available) {
        _requireSettled();
        uint256 balance = _balanceOf(token);
        uint256 owedAmount = _owed[token];
        if (balance <= owedAmount) return 0;
        available = balance - owedAmount;
        if (available > MAX_DISTRIBUTION) available = MAX_DISTRIBUTION;
    }

    // ─── Internals ───────────────────────────────────────────────────────────────────────────────────────

    /// @dev The split's balance of `token` (ETH for address(0)); reverts for an address without code.
    function _balanceOf(address token) private view returns (uint256) {
        if (token == NATIVE_TOKEN) return address(this).balance;
        if (token.code.length == 0) revert CofferSplitNotAToken(token);
        return IERC20(token).balanceOf(address(this));
    }

    /**
     * @dev What a distribution of `available` divides among the recipients (`amount`) and pays its distributor
     * (`incentive`); reverts with {CofferSplitDustOnly} when every share would be zero. See `distribute`.
     */
    function _divide(
        SplitConfig calldata config,
        address token,
        uint256 available
    ) private pure returns (uint256 amount, uint256 incentive) {
        uint256 rate = config.distributionIncentive;
        incentive = (available * rate) / ALLOCATION_SCALE;
        amount = available - incentive;
        // The incentive never exceeds its rate of what leaves the split, shares actually paid or credited included:
        // incentive = min(available * rate / 1e6, shares * rate / (1e6 - rate)), where `shares` is the sum of the
        // recipients' rounded-down shares of `amount`. Rounding loses less than one unit per recipient, so
        // `shares >= amount - (n - 1)`; the shares are summed only when that bound cannot settle the minimum (a
        // rounding at the margin) or when `amount` is so small that all shares might be zero (below n units, and
        // n <= MAX_PULL_RECIPIENTS), and a distribution in which no share reaches a unit reverts.
        if (
            amount < MAX_PULL_RECIPIENTS ||
            (rate != 0 && ((amount - config.recipients.length + 1) * rate) / (ALLOCATION_SCALE - rate) < incentive)
        ) {
            uint256 shares = _sharesTotal(config.recipients, amount);
            if (shares == 0) revert CofferSplitDustOnly(token, available);
            uint256 earned = (shares * rate) / (ALLOCATION_SCALE - rate);
            if (earned < incentive) incentive = earned;
        }
    }

    /**
     * @dev Reverts while a distribution or withdrawal is running (called back from a token hook or a receiver),
     * when credits and `owed` are not yet final: no read-only reentrancy.
     */
    function _requireSettled() private view {
        if (_reentrancyGuardEntered()) revert ReentrancyGuardReentrantCall();
    }

    /// @dev Reverts unless the caller is the controller (never true for an immutable split: the caller is never 0).
    function _requireController() private view {
        address current = _controller;
        if (msg.sender != current) revert CofferSplitUnauthorizedCaller(msg.sender, current);
    }

    /**
     * @dev Pull-only mode: credits every recipient its share of `amount`; returns the sum credited. The caller adds
     * it to `owed` with a checked addition, which bounds every credit: a credit is never more than `owed`.
     * The hot loop of a pull distribution, in assembly: one SLOAD and one SSTORE per recipient, no hash (see
     * `_CREDITS_SEED`). It reads the entries' words directly: they matched the stored hash, so they are the
     * validated ones, whose allocation (high 96 bits) is at most the scale; with `amount` at most MAX_DISTRIBUTION,
     * `amount * allocation` cannot overflow, and the shares sum to at most `amount`.
     */
    function _creditAll(
        uint256[] calldata recipients,
        address token,
        uint256 amount
    ) private returns (uint256 credited) {
        uint256 scale = ALLOCATION_SCALE;
        uint256 base = _creditsBase(token);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // A validated configuration has at least one recipient: loop with the test at the end. No branch on a
            // zero share: only a dust distribution has one, and it then costs that recipient's slot 2,200 gas.
            let entry := recipients.offset
            let end := add(entry, shl(5, recipients.length))
            for {} 1 {} {
                let word := calldataload(entry)
                let share := div(mul(amount, shr(160, word)), scale)
                let slot := add(base, and(word, 0xffffffffffffffffffffffffffffffffffffffff))
                sstore(slot, add(sload(slot), share))
                credited := add(credited, share)
                entry := add(entry, 0x20)
                if iszero(lt(entry, end)) {
                    break
                }
            }
        }
    }

    /**
     * @dev Push mode, ERC-20: transfers each recipient its share with a gas cap, checking the return data as
     * SafeERC20 does (true, or nothing from a contract); credits the share where that fails. Returns the sum
     * credited. A starved push (the transaction left it less than its stipend) reverts instead of crediting.
     * A push that returned false (or malformed data) without reverting is judged by the balance that moved, since
     * some tokens (Tether Gold) move the funds and then return false: the split's balance is read and compared with
     * what it would be had this push moved nothing, `balanceBefore` (before the loop) less what the earlier pushes
     * moved (their shares, less those credited). Unchanged: the share is credited. Lower by exactly the share: it
     * was paid, and nothing is recorded (as for a push that returned true). Anything else reverts with
     * {CofferSplitUnexpectedBalance}. A push that reverted moved nothing and is credited without a look.
     * The hot loop (`_pushFrom`) stops at such a push and returns its entry; `_judge` settles it (summing the earlier
     * shares on that path only, once over the whole distribution: `seen` is how far they are summed) and the loop
     * resumes after it. So the hot loop is what it was before false returns were judged, and costs the same.
     * `balanceBefore` is the balance before the shares' pushes (the incentive, pushed first, excluded if paid): at
     * least `amount`, the sum of all shares.
     */
    function _pushAllToken(
        uint256[] calldata recipients,
        address token,
        uint256 amount,
        uint256 balanceBefore
    ) private returns (uint256 credited) {
        uint256 from;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            from := recipients.offset
        }
        // The entries before `seen` (a calldata offset) are summed in `seenTotal`, on the failure path only.
        uint256 seen = from;
        uint256 seenTotal;
        while (true) {
            uint256 stopped;
            (credited, stopped) = _pushFrom(recipients, token, amount, from, credited);
            if (stopped == 0) return credited;
            (credited, seenTotal) = _judge(token, amount, balanceBefore, stopped, credited, seen, seenTotal);
            seen = stopped;
            from = stopped + 32;
            uint256 end;
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                end := add(recipients.offset, shl(5, recipients.length))
            }
            if (from == end) return credited;
        }
    }

    /**
     * @dev After the push of the entry at calldata offset `stopped` returned false without reverting: adds the shares
     * from `seen` up to it to `seenTotal`, compares the split's balance with what it would be had this push moved
     * nothing (`balanceBefore` less the earlier shares not credited), and credits the share unless it moved.
     * Returns the new `credited` and `seenTotal` (the shares before `stopped`).
     */
    function _judge(
        address token,
        uint256 amount,
        uint256 balanceBefore,
        uint256 stopped,
        uint256 credited,
        uint256 seen,
        uint256 seenTotal
    ) private returns (uint256, uint256) {
        uint256 word;
        uint256 scale = ALLOCATION_SCALE;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            word := calldataload(stopped)
            for {} lt(seen, stopped) {
                seen := add(seen, 0x20)
            } {
                seenTotal := add(seenTotal, div(mul(amount, shr(160, calldataload(seen))), scale))
            }
        }
        uint256 share = (amount * (word >> 160)) / ALLOCATION_SCALE;
        address account = address(uint160(word));
        if (_movedDespiteFailure(token, account, share, balanceBefore - (seenTotal - credited))) {
            return (credited, seenTotal);
        }
        uint256 slot = _creditSlot(token, account);
        _store(slot, _load(slot) + share);
        emit PayoutCredited(account, token, share);
        return (credited + share, seenTotal);
    }

    /**
     * @dev The push loop, from the entry at calldata offset `from`: returns the sum credited (`creditedBefore` plus
     * this call's credits) and, if a push returned false without reverting, that entry's offset (`stopped`, zero
     * when the loop ran to the end). In assembly: a high-level call cannot cap gas without copying unbounded return
     * data, so this copies only its first 32 bytes and a token cannot grief with a huge return. The token has code
     * (checked by `_balanceOf`), so an empty return means success, as in SafeERC20. Arithmetic bounds as in
     * `_creditAll`.
     */
    // solhint-disable-next-line function-max-lines
    function _pushFrom(
        uint256[] calldata recipients,
        address token,
        uint256 amount,
        uint256 from,
        uint256 creditedBefore
    ) private returns (uint256 credited, uint256 stopped) {
        uint256 scale = ALLOCATION_SCALE;
        uint256 base = _creditsBase(token);
        bytes32 creditedTopic = PayoutCredited.selector;
        bytes4 starved = CofferSplitPushStarved.selector;
        credited = creditedBefore;
        // Gas-capped transfers in the hot loop: see `_pushAllToken`.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let data := mload(0x40) // transfer(address,uint256) calldata, in free memory
            mstore(data, 0xa9059cbb00000000000000000000000000000000000000000000000000000000)
            let dataAccount := add(data, 0x04)
            let dataShare := add(data, 0x24)
            // At least one entry is left: loop with the test at the end.
            let entry := from
            let end := add(recipients.offset, shl(5, recipients.length))
            for {} 1 {} {
                let word := calldataload(entry)
                let share := div(mul(amount, shr(160, word)), scale)
                let account := and(word, 0xffffffffffffffffffffffffffffffffffffffff)
                mstore(dataAccount, account)
                mstore(dataShare, share)
                let called := call(TOKEN_PUSH_GAS, token, 0, data, 0x44, 0x00, 0x20)
                // Success: at least 32 bytes returned and the first word is 1 (true), or nothing returned.
                let ok := and(called, or(iszero(returndatasize()), and(gt(returndatasize(), 0x1f), eq(mload(0x00), 1))))
                // A zero share (only in a dust distribution) is pushed like any other but never credited.
                if iszero(or(ok, iszero(share))) {
                    // Failed with less than 1/63 of the stipend left: the call was starved, not refused.
                    if lt(gas(), div(TOKEN_PUSH_GAS, 63)) {
                        mstore(0x00, starved)
                        mstore(0x04, account)
                        revert(0x00, 0x24)
                    }
                    // Returned false without reverting: stop here, to be judged by the balance.
                    if called {
                        stopped := entry
                        break
                    }
                    let slot := add(base, account)
                    sstore(slot, add(sload(slot), share))
                    credited := add(credited, share)
                    mstore(0x00, share)
                    log3(0x00, 0x20, creditedTopic, account, token)
                }
                entry := add(entry, 0x20)
                if iszero(lt(entry, end)) {
                    break
                }
            }
        }
    }

    /**
     * @dev Push mode, ETH: sends each recipient its share with a gas cap and no return data copied; credits the
     * share where that fails. Returns the sum credited. A starved push reverts instead of crediting. Assembly for
     * the same reasons as `_pushAllToken`.
     */
    function _pushAllNative(uint256[] calldata recipients, uint256 amount) private returns (uint256 credited) {
        uint256 scale = ALLOCATION_SCALE;
        uint256 base = _creditsBase(NATIVE_TOKEN);
        bytes32 creditedTopic = PayoutCredited.selector;
        bytes4 starved = CofferSplitPushStarved.selector;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // A validated configuration has at least one recipient: loop with the test at the end.
            let entry := recipients.offset
            let end := add(entry, shl(5, recipients.length))
            for {} 1 {} {
                let word := calldataload(entry)
                let share := div(mul(amount, shr(160, word)), scale)
                let account := and(word, 0xffffffffffffffffffffffffffffffffffffffff)
                // A zero share (only in a dust distribution) is pushed like any other but never credited.
                if iszero(or(call(ETH_PUSH_GAS, account, share, 0x00, 0x00, 0x00, 0x00), iszero(share))) {
                    if lt(gas(), div(ETH_PUSH_GAS, 63)) {
                        mstore(0x00, starved)
                        mstore(0x04, account)
                        revert(0x00, 0x24)
                    }
                    let slot := add(base, account)
                    sstore(slot, add(sload(slot), share))
                    credited := add(credited, share)
                    mstore(0x00, share)
                    log3(0x00, 0x20, creditedTopic, account, 0)
                }
                entry := add(entry, 0x20)
                if iszero(lt(entry, end)) {
                    break
                }
            }
        }
    }

    /**
     * @dev Pays the distributor's incentive with a gas cap (before the shares), or credits it if that fails, leaving
     * `owed` to the caller. Returns true if it was paid. A token push that returned false (or malformed data) without
     * reverting is judged by the balance that moved ({_movedDespiteFailure}): had nothing moved, the split would
     * still hold `balance`, its balance before the distribution.
     */
    function _pushIncentive(address token, address to, uint256 amount, uint256 balance) private returns (bool sent) {
        bool called;
        uint256 pushGas = token == NATIVE_TOKEN ? ETH_PUSH_GAS : TOKEN_PUSH_GAS;
        // As in `_pushFrom` and `_pushAllNative`: a gas-capped call that copies at most 32 bytes of return data.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            switch token
            case 0 {
                sent := call(pushGas, to, amount, 0x00, 0x00, 0x00, 0x00)
            }
            default {
                let data := mload(0x40)
                mstore(data, 0xa9059cbb00000000000000000000000000000000000000000000000000000000)
                mstore(add(data, 0x04), to)
                mstore(add(data, 0x24), amount)
                called := call(pushGas, token, 0, data, 0x44, 0x00, 0x20)
                sent := and(called, or(iszero(returndatasize()), and(gt(returndatasize(), 0x1f), eq(mload(0x00), 1))))
            }
        }
        if (sent || (called && _movedDespiteFailure(token, to, amount, balance))) return true;
        uint256 slot = _creditSlot(token, to);
        _store(slot, _load(slot) + amount);
        emit PayoutCredited(to, token, amount);
    }

    /**
     * @dev After a token transfer of `amount` to `account` that returned false (or malformed data) without
     * reverting: true if the split's balance fell by exactly `amount` from `unmoved`, what it would hold had nothing
     * moved (the token paid and only lied about it), false if it is still `unmoved` (nothing moved); any other
     * balance reverts with {CofferSplitUnexpectedBalance}. Called only on that failure path.
     */
    function _movedDespiteFailure(
        address token,
        address account,
        uint256 amount,
        uint256 unmoved
    ) private view returns (bool) {
        uint256 actual = IERC20(token).balanceOf(address(this));
        if (actual == unmoved) return false;
        if (actual > unmoved || unmoved - actual != amount) {
            revert CofferSplitUnexpectedBalance(token, account, amount, unmoved, actual);
        }
        return true;
    }

    /**
     * @dev The sum of the recipients' shares of `amount`: each `amount * allocation / 1,000,000`, rounded down, as
     * the distribution loops compute them (same bounds). Only for dust, margins and failure paths.
     */
    function _sharesTotal(uint256[] calldata recipients, uint256 amount) private pure returns (uint256 total) {
        uint256 scale = ALLOCATION_SCALE;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let entry := recipients.offset
            let end := add(entry, shl(5, recipients.length))
            for {} lt(entry, end) {
                entry := add(entry, 0x20)
            } {
                total := add(total, div(mul(amount, shr(160, calldataload(entry))), scale))
            }
        }
    }

    /// @dev First slot of the credits of `token` (see `_CREDITS_SEED`).
    function _creditsBase(address token) private pure returns (uint256 base) {
        bytes32 seed = _CREDITS_SEED;
        // The same hash as Solidity's `mapping(address => ...)` slot, with a constant seed.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, token)
            mstore(0x20, seed)
            base := keccak256(0x00, 0x40)
        }
    }

    /// @dev Slot of the credit of `account` in `token` (see `_CREDITS_SEED`).
    function _creditSlot(address token, address account) private pure returns (uint256) {
        unchecked {
            return _creditsBase(token) + uint160(account);
        }
    }

    /// @dev Reads a credit slot.
    function _load(uint256 slot) private view returns (uint256 value) {
        // Credits live outside Solidity's layout (see `_CREDITS_SEED`).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            value := sload(slot)
        }
    }

    /// @dev Writes a credit slot.
    function _store(uint256 slot, uint256 value) private {
        // Credits live outside Solidity's layout (see `_CREDITS_SEED`).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(slot, value)
        }
    }
}
