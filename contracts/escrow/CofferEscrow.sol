// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IComplianceGuard} from "../interfaces/IComplianceGuard.sol";
import {ICofferEscrow} from "./ICofferEscrow.sol";

/**
 * @title CofferEscrow
 * @notice Checkout and escrow, modelled on card payments: authorize (funds held) then capture, void or payer
 * reclaim after expiry; refund within a window; payer disputes settled by an arbiter; `charge` for instant
 * checkout; and merchant-signed invoices that anyone pays once.
 * @dev One contract holds every payment's funds. Invariant: for each token, this contract's balance is at least
 * the sum of `capturable` over open payments plus the sum of credits. Payouts that can fail (a blocklisted,
 * reverting or gas-burning receiver, a paused token) become credits that the receiver withdraws later, so that
 * nobody can stop a void, a reclaim or a resolution. The owner (a Safe) only sets the compliance guard; it can
 * never move funds.
 */
contract CofferEscrow is ICofferEscrow, EIP712, Ownable2Step, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @inheritdoc ICofferEscrow
    address public constant NATIVE_TOKEN = address(0);
    /// @inheritdoc ICofferEscrow
    uint16 public constant MAX_BPS = 10_000;
    /// @inheritdoc ICofferEscrow
    uint256 public constant ETH_PAYOUT_GAS = 50_000;
    /// @inheritdoc ICofferEscrow
    uint256 public constant GUARD_GAS = 100_000;

    /// @inheritdoc ICofferEscrow
    bytes32 public constant PAYMENT_TYPEHASH = keccak256(
        "Payment(address operator,address payer,address payee,address token,uint120 maxAmount,"
        "uint48 preApprovalExpiry,uint48 authorizationExpiry,uint48 refundExpiry,uint16 minFeeBps,"
        "uint16 maxFeeBps,address feeReceiver,address arbiter,bytes32 referenceId,uint256 salt)"
    );
    /// @inheritdoc ICofferEscrow
    bytes32 public constant AUTHORIZE_PAYMENT_TYPEHASH = keccak256(
        "AuthorizePayment(Payment payment)Payment(address operator,address payer,address payee,address token,"
        "uint120 maxAmount,uint48 preApprovalExpiry,uint48 authorizationExpiry,uint48 refundExpiry,uint16 minFeeBps,"
        "uint16 maxFeeBps,address feeReceiver,address arbiter,bytes32 referenceId,uint256 salt)"
    );
    /// @inheritdoc ICofferEscrow
    bytes32 public constant CHARGE_PAYMENT_TYPEHASH = keccak256(
        "ChargePayment(Payment payment)Payment(address operator,address payer,address payee,address token,"
        "uint120 maxAmount,uint48 preApprovalExpiry,uint48 authorizationExpiry,uint48 refundExpiry,uint16 minFeeBps,"
        "uint16 maxFeeBps,address feeReceiver,address arbiter,bytes32 referenceId,uint256 salt)"
    );
    /// @inheritdoc ICofferEscrow
    bytes32 public constant INVOICE_TYPEHASH = keccak256(
        "Invoice(address payee,address payer,address token,uint256 amount,uint48 expiry,bytes32 referenceId,"
        "uint256 salt)"
    );

    /// @dev Payment id → state (one slot).
    mapping(bytes32 paymentId => PaymentState state) private _payments;
    /// @dev Invoice id → paid.
    mapping(bytes32 invoiceId => bool paid) private _paidInvoices;
    /// @dev Account → token → amount credited by a payout that could not be pushed.
    mapping(address account => mapping(address token => uint256 amount)) private _credits;
    /// @dev Optional screening of payers and payees.
    IComplianceGuard private _guard;

    /**
     * @notice Deploys the escrow.
     * @param initialOwner The admin (a Safe), who can only set the compliance guard.
     */
    constructor(address initialOwner) EIP712("Coffer Escrow", "1") Ownable(initialOwner) {}

    // ─── Payments ────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ICofferEscrow
    function authorize(
        Payment calldata payment,
        uint256 amount,
        bytes calldata payerSignature
    ) external payable nonReentrant returns (bytes32 paymentId) {
        paymentId = _openPayment(payment, amount, payerSignature, AUTHORIZE_PAYMENT_TYPEHASH);
        _payments[paymentId] = PaymentState(uint120(amount), 0, PaymentStatus.Authorized);
        emit PaymentAuthorized(paymentId, payment.payer, payment.payee, payment, amount);
        _collect(payment.token, payment.payer, address(this), amount);
    }

    /// @inheritdoc ICofferEscrow
    function authorizeWithPermit(
        Payment calldata payment,
        uint256 amount,
        bytes calldata payerSignature,
        PermitSignature calldata permit
    ) external nonReentrant returns (bytes32 paymentId) {
        paymentId = _openPayment(payment, amount, payerSignature, AUTHORIZE_PAYMENT_TYPEHASH);
        _payments[paymentId] = PaymentState(uint120(amount), 0, PaymentStatus.Authorized);
        emit PaymentAuthorized(paymentId, payment.payer, payment.payee, payment, amount);
        _tryPermit(payment.token, payment.payer, amount, permit);
        _collect(payment.token, payment.payer, address(this), amount);
    }

    /// @inheritdoc ICofferEscrow
    function charge(
        Payment calldata payment,
        uint256 amount,
        uint16 feeBps,
        bytes calldata payerSignature
    ) external payable nonReentrant returns (bytes32 paymentId) {
        paymentId = _openPayment(payment, amount, payerSignature, CHARGE_PAYMENT_TYPEHASH);
        uint256 fee = _feeOf(payment, amount, feeBps);
        _chargeTo(paymentId, payment, amount, fee);
    }

    /// @inheritdoc ICofferEscrow
    function chargeWithPermit(
        Payment calldata payment,
        uint256 amount,
        uint16 feeBps,
        bytes calldata payerSignature,
        PermitSignature calldata permit
    ) external nonReentrant returns (bytes32 paymentId) {
        paymentId = _openPayment(payment, amount, payerSignature, CHARGE_PAYMENT_TYPEHASH);
        uint256 fee = _feeOf(payment, amount, feeBps);
        _tryPermit(payment.token, payment.payer, amount, permit);
        _chargeTo(paymentId, payment, amount, fee);
    }

    /// @inheritdoc ICofferEscrow
    function capture(Payment calldata payment, uint256 amount, uint16 feeBps) external nonReentrant {
        bytes32 paymentId = getPaymentId(payment);
        _requireCaller(payment.operator);
        _requireBefore(payment.authorizationExpiry);
        PaymentState memory state = _requireStatus(paymentId, PaymentStatus.Authorized);
        if (amount == 0 || amount > state.capturable) revert CofferEscrowInvalidAmount(amount, state.capturable);
        _requireFeeInBounds(payment, feeBps);
        uint256 fee = _feeAt(state.capturable, feeBps) - _feeAt(state.capturable - amount, feeBps);
        _screen(payment.payee);

        _payments[paymentId] = PaymentState(
            state.capturable - uint120(amount),
            state.refundable + uint120(amount),
            PaymentStatus.Authorized
        );
        emit PaymentCaptured(paymentId, amount, fee);

        _payOut(payment.token, payment.payee, amount - fee);
        _payOut(payment.token, payment.feeReceiver, fee);
    }

    /// @inheritdoc ICofferEscrow
    function void(Payment calldata payment) external nonReentrant {
        bytes32 paymentId = getPaymentId(payment);
        _requireCaller(payment.operator);
        uint120 amount = _release(paymentId);
        emit PaymentVoided(paymentId, amount);
        _payOut(payment.token, payment.payer, amount);
    }

    /// @inheritdoc ICofferEscrow
    function reclaim(Payment calldata payment) external nonReentrant {
        bytes32 paymentId = getPaymentId(payment);
        _requireCaller(payment.payer);
        if (block.timestamp < payment.authorizationExpiry) {
            revert CofferEscrowNotYetExpired(payment.authorizationExpiry, block.timestamp);
        }
        uint120 amount = _release(paymentId);
        emit PaymentReclaimed(paymentId, amount);
        _payOut(payment.token, payment.payer, amount);
    }

    /// @inheritdoc ICofferEscrow
    function refund(Payment calldata payment, uint256 amount) external payable nonReentrant {
        bytes32 paymentId = getPaymentId(payment);
        if (msg.sender != payment.operator && msg.sender != payment.payee) {
            revert CofferEscrowUnauthorizedCaller(msg.sender, payment.operator);
        }
        _requireBefore(payment.refundExpiry);
        PaymentState memory state = _payments[paymentId];
        if (state.status == PaymentStatus.None) revert CofferEscrowPaymentNotFound(paymentId);
        if (amount == 0 || amount > state.refundable) revert CofferEscrowInvalidAmount(amount, state.refundable);

        _payments[paymentId].refundable = state.refundable - uint120(amount);
        emit PaymentRefunded(paymentId, msg.sender, amount);

        if (payment.token == NATIVE_TOKEN) {
            if (msg.value != amount) revert CofferEscrowWrongValue(msg.value, amount);
            _payOut(NATIVE_TOKEN, payment.payer, amount);
        } else {
            if (msg.value != 0) revert CofferEscrowWrongValue(msg.value, 0);
            _collect(payment.token, msg.sender, payment.payer, amount);
        }
    }

    /// @inheritdoc ICofferEscrow
    function dispute(Payment calldata payment) external nonReentrant {
        bytes32 paymentId = getPaymentId(payment);
        _requireCaller(payment.payer);
        if (payment.arbiter == address(0)) revert CofferEscrowNoArbiter(paymentId);
        _requireBefore(payment.authorizationExpiry);
        PaymentState memory state = _requireStatus(paymentId, PaymentStatus.Authorized);
        if (state.capturable == 0) revert CofferEscrowNothingHeld(paymentId);
        _payments[paymentId].status = PaymentStatus.Disputed;
        emit PaymentDisputed(paymentId, state.capturable);
    }

    /// @inheritdoc ICofferEscrow
    function resolve(Payment calldata payment, uint256 payerAmount) external nonReentrant {
        bytes32 paymentId = getPaymentId(payment);
        _requireCaller(payment.arbiter);
        PaymentState memory state = _requireStatus(paymentId, PaymentStatus.Disputed);
        if (payerAmount > state.capturable) revert CofferEscrowInvalidAmount(payerAmount, state.capturable);
        uint120 payeeAmount = state.capturable - uint120(payerAmount);

        _payments[paymentId] = PaymentState(0, state.refundable + payeeAmount, PaymentStatus.Resolved);
        emit PaymentResolved(paymentId, payerAmount, payeeAmount);

        _payOut(payment.token, payment.payer, payerAmount);
        _payOut(payment.token, payment.payee, payeeAmount);
    }

    // ─── Invoices ────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ICofferEscrow
    function payInvoice(
        Invoice calldata invoice,
        bytes calldata payeeSignature
    ) external payable nonReentrant returns (bytes32 invoiceId) {
        invoiceId = _acceptInvoice(invoice, payeeSignature);
        _collect(invoice.token, msg.sender, invoice.payee, invoice.amount);
    }

    /// @inheritdoc ICofferEscrow
    function payInvoiceWithPermit(
        Invoice calldata invoice,
        bytes calldata payeeSignature,
        PermitSignature calldata permit
    ) external nonReentrant returns (bytes32 invoiceId) {
        invoiceId = _acceptInvoice(invoice, payeeSignature);
        _tryPermit(invoice.token, msg.sender, invoice.amount, permit);
        _collect(invoice.token, msg.sender, invoice.payee, invoice.amount);
    }

    // ─── Credits ─────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ICofferEscrow
    function withdraw(address token, address to) external nonReentrant {
        if (to == address(0)) revert CofferEscrowZeroAddress();
        uint256 amount = _credits[msg.sender][token];
        if (amount == 0) revert CofferEscrowNothingToWithdraw(msg.sender, token);
        delete _credits[msg.sender][token];
        emit CreditWithdrawn(msg.sender, token, to, amount);
        if (token == NATIVE_TOKEN) {
            // The caller chose the receiver: forward all gas, and revert if it refuses.
            // solhint-disable-next-line avoid-low-level-calls
            (bool sent, ) = to.call{value: amount}("");
            if (!sent) revert CofferEscrowNativeTransferFailed(to, amount);
        } else {
            _sendTokenOrRevert(token, to, amount);
        }
    }

    // ─── Admin ───────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ICofferEscrow
    function setComplianceGuard(IComplianceGuard guard) external onlyOwner {
        if (address(guard) != address(0) && address(guard).code.length == 0) {
            revert CofferEscrowGuardHasNoCode(address(guard));
        }
        address previousGuard = address(_guard);
        _guard = guard;
        emit ComplianceGuardUpdated(previousGuard, address(guard));
    }

    // ─── Views ───────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc ICofferEscrow
    function getPaymentId(Payment calldata payment) public view returns (bytes32) {
        return _hashTypedDataV4(_paymentHash(payment));
    }

    /// @inheritdoc ICofferEscrow
    function getPayerApprovalDigest(Payment calldata payment, bool isCharge) external view returns (bytes32) {
        return _approvalDigest(isCharge ? CHARGE_PAYMENT_TYPEHASH : AUTHORIZE_PAYMENT_TYPEHASH, _paymentHash(payment));
    }

    /// @inheritdoc ICofferEscrow
    function getInvoiceId(Invoice calldata invoice) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(INVOICE_TYPEHASH, invoice)));
    }

    /// @inheritdoc ICofferEscrow
    function getPaymentState(bytes32 paymentId) external view returns (PaymentState memory) {
        return _payments[paymentId];
    }

    /// @inheritdoc ICofferEscrow
    function isInvoicePaid(bytes32 invoiceId) external view returns (bool) {
        return _paidInvoices[invoiceId];
    }

    /// @inheritdoc ICofferEscrow
    function creditOf(address account, address token) external view returns (uint256) {
        return _credits[account][token];
    }

    /// @inheritdoc ICofferEscrow
    function complianceGuard() external view returns (IComplianceGuard) {
        return _guard;
    }

    // ─── Internals ───────────────────────────────────────────────────────────────────────────────────────

    /**
     * @dev Checks a new payment and the right of the caller to spend the payer's funds; returns its id. The payer
     * may send it; otherwise only the payment's operator, with the payer's signature of the approval of type
     * `approvalTypehash` (hold or pay at once) over this very payment. The caller is checked first, from calldata,
     * so that a stranger holding a valid signature is refused as a stranger. Native ETH comes from the sender, so
     * only the payer can send it.
     */
    function _openPayment(
        Payment calldata payment,
        uint256 amount,
        bytes calldata payerSignature,
        bytes32 approvalTypehash
    ) private view returns (bytes32 paymentId) {
        bool relayed = msg.sender != payment.payer;
        if (relayed && msg.sender != payment.operator) {
            revert CofferEscrowUnauthorizedCaller(msg.sender, payment.operator);
        }
        bytes32 paymentHash = _paymentHash(payment);
        paymentId = _hashTypedDataV4(paymentHash);
        if (_payments[paymentId].status != PaymentStatus.None) revert CofferEscrowPaymentAlreadyExists(paymentId);
        if (relayed) {
            bytes32 digest = _approvalDigest(approvalTypehash, paymentHash);
            if (
                payment.token == NATIVE_TOKEN ||
                !SignatureChecker.isValidSignatureNow(payment.payer, digest, payerSignature)
            ) revert CofferEscrowInvalidPayerSignature(digest, payment.payer);
        }
        if (amount == 0 || amount > payment.maxAmount) revert CofferEscrowInvalidAmount(amount, payment.maxAmount);
        _requireBefore(payment.preApprovalExpiry);
        if (
            payment.preApprovalExpiry > payment.authorizationExpiry ||
            payment.authorizationExpiry > payment.refundExpiry
        ) {
            revert CofferEscrowInvalidExpiries(
                payment.preApprovalExpiry,
                payment.authorizationExpiry,
                payment.refundExpiry
            );
        }
        if (
            payment.minFeeBps > payment.maxFeeBps ||
            payment.maxFeeBps > MAX_BPS ||
            (payment.maxFeeBps != 0 && payment.feeReceiver == address(0))
        ) revert CofferEscrowInvalidFeeBounds(payment.minFeeBps, payment.maxFeeBps, payment.feeReceiver);
        if (payment.operator == address(0) || payment.payee == address(0)) revert CofferEscrowZeroAddress();
        _screen(payment.payer);
        _screen(payment.payee);
    }

    /// @dev Records a charge and pays the payee and the fee receiver straight from the payer, skipping zero legs.
    function _chargeTo(bytes32 paymentId, Payment calldata payment, uint256 amount, uint256 fee) private {
        _payments[paymentId] = PaymentState(0, uint120(amount), PaymentStatus.Authorized);
        emit PaymentCharged(paymentId, payment.payer, payment.payee, payment, amount, fee);
        if (payment.token == NATIVE_TOKEN) {
            if (msg.value != amount) revert CofferEscrowWrongValue(msg.value, amount);
            _sendEthOrRevert(payment.payee, amount - fee);
            _sendEthOrRevert(payment.feeReceiver, fee);
        } else {
            // A zero leg (the payee's at a 100% fee, the fee at 0) is skipped by `_collect`.
            _collect(payment.token, payment.payer, payment.payee, amount - fee);
            _collect(payment.token, payment.payer, payment.feeReceiver, fee);
        }
    }

    /// @dev Marks an invoice paid after checking it; returns its id.
    function _acceptInvoice(
        Invoice calldata invoice,
        bytes calldata payeeSignature
    ) private returns (bytes32 invoiceId) {
        invoiceId = getInvoiceId(invoice);
        if (_paidInvoices[invoiceId]) revert CofferEscrowInvoiceAlreadyPaid(invoiceId);
        if (invoice.payer != address(0) && msg.sender != invoice.payer) {
            revert CofferEscrowUnauthorizedCaller(msg.sender, invoice.payer);
        }
        _requireBefore(invoice.expiry);
        if (invoice.amount == 0) revert CofferEscrowInvalidAmount(0, 0);
        if (!SignatureChecker.isValidSignatureNow(invoice.payee, invoiceId, payeeSignature)) {
            revert CofferEscrowInvalidInvoiceSignature(invoiceId, invoice.payee);
        }
        _screen(msg.sender);
        _screen(invoice.payee);
        _paidInvoices[invoiceId] = true;
        emit InvoicePaid(invoiceId, invoice.payee, msg.sender, invoice.token, invoice.amount, invoice.referenceId);
    }

    /**
     * @dev Moves `amount` from `from` to `to`: for ETH, `msg.value` (already checked by the caller) is forwarded
     * unless `to` is this contract; for a token, by `transferFrom`, skipped when `amount` is zero. A token pull is
     * judged by the balance that moved, not by what the token returns: exactly `amount` received by `to` is
     * success even if the token returned false (Tether Gold moves and then returns false); nothing received
     * reverts with `CofferEscrowTokenTransferFailed` (a token that reverts keeps its own error, such as an
     * insufficient allowance); any other amount reverts with `CofferEscrowTokenDeliveredWrongAmount`.
     */
    function _collect(address token, address from, address to, uint256 amount) private {
        if (token == NATIVE_TOKEN) {
            if (msg.value != amount) revert CofferEscrowWrongValue(msg.value, amount);
            if (to != address(this)) _sendEthOrRevert(to, amount);
            return;
        }
        if (msg.value != 0) revert CofferEscrowWrongValue(msg.value, 0);
        if (amount == 0) return;
        if (token.code.length == 0) revert CofferEscrowNotAToken(token);
        uint256 balanceBefore = IERC20(token).balanceOf(to);
        _callTokenOrRevert(token, abi.encodeCall(IERC20.transferFrom, (from, to, amount)), from, to, amount);
        uint256 balanceAfter = IERC20(token).balanceOf(to);
        if (balanceAfter == balanceBefore) revert CofferEscrowTokenTransferFailed(token, from, to, amount);
        uint256 delivered = balanceAfter > balanceBefore ? balanceAfter - balanceBefore : 0;
        if (delivered != amount) revert CofferEscrowTokenDeliveredWrongAmount(token, amount, delivered);
    }

    /**
     * @dev Sends `amount` of `token` from this contract to `to` for a withdrawal, judged like {_collect} by the
     * balance that moved (this contract's): exactly `amount` out is success whatever the token returned; nothing
     * out reverts with `CofferEscrowTokenTransferFailed`; another amount with `CofferEscrowTokenDeliveredWrongAmount`;
     * a token that reverts keeps its own error.
     */
    function _sendTokenOrRevert(address token, address to, uint256 amount) private {
        uint256 balanceBefore = IERC20(token).balanceOf(address(this));
        _callTokenOrRevert(token, abi.encodeCall(IERC20.transfer, (to, amount)), address(this), to, amount);
        uint256 balanceAfter = IERC20(token).balanceOf(address(this));
        if (balanceAfter == balanceBefore) revert CofferEscrowTokenTransferFailed(token, address(this), to, amount);
        uint256 moved = balanceAfter < balanceBefore ? balanceBefore - balanceAfter : 0;
        if (moved != amount) revert CofferEscrowTokenDeliveredWrongAmount(token, amount, moved);
    }

    /**
     * @dev Calls `token` with `data` (a transfer of `amount` from `from` to `to`), ignoring what it returns: the
     * caller judges by balances. A revert is passed on with the token's own error (an insufficient allowance or
     * balance, a blocklist, a pause explain themselves), or `CofferEscrowTokenTransferFailed` when it gives none.
     */
    function _callTokenOrRevert(address token, bytes memory data, address from, address to, uint256 amount) private {
        bool success;
        uint256 returnedSize;
        // Assembly so that nothing the token returns is copied on success (the balances decide, not the answer).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            success := call(gas(), token, 0, add(data, 0x20), mload(data), 0, 0)
            returnedSize := returndatasize()
        }
        if (success) return;
        if (returnedSize == 0) revert CofferEscrowTokenTransferFailed(token, from, to, amount);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let pointer := mload(0x40)
            returndatacopy(pointer, 0, returnedSize)
            revert(pointer, returnedSize)
        }
    }

    /**
     * @dev Pays out of escrow; a payout that cannot be pushed is credited to the receiver instead, so that the
     * escrow never owes more than it holds: a token payout is judged by the balance that left (see
     * {_transferOut}), never by the returned bool alone.
     */
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
     * @dev Transfers `amount` of `token` out of escrow to `to`; returns whether it was paid. A transfer that
     * reports success (true, or nothing as USDT does) is paid. One that reverts or returns false is judged by this
     * contract's balance: unchanged → not paid (the caller credits or reverts); down by exactly `amount` → paid
     * (a token that moves and then returns false, as Tether Gold does, is not paid twice); any other change →
     * reverts with `CofferEscrowTokenDeliveredWrongAmount`. The balance is read before every transfer; the second
     * read happens on the failure path only.
     */
    function _transferOut(address token, address to, uint256 amount) private returns (bool paid) {
        uint256 balanceBefore = IERC20(token).balanceOf(address(this));
        if (IERC20(token).trySafeTransfer(to, amount)) return true;
        uint256 balanceAfter = IERC20(token).balanceOf(address(this));
        if (balanceAfter == balanceBefore) return false;
        if (balanceAfter < balanceBefore && balanceBefore - balanceAfter == amount) return true;
        revert CofferEscrowTokenDeliveredWrongAmount(
            token,
            amount,
            balanceAfter < balanceBefore ? balanceBefore - balanceAfter : 0
        );
    }

    /// @dev Sends ETH in a payer-initiated payment; a receiver that refuses makes the whole payment revert.
    function _sendEthOrRevert(address to, uint256 amount) private {
        if (amount == 0) return;
        // solhint-disable-next-line avoid-low-level-calls
        (bool sent, ) = to.call{value: amount}("");
        if (!sent) revert CofferEscrowNativeTransferFailed(to, amount);
    }

    /// @dev Calls the token's permit and ignores a failure: if it was front-run, the allowance is already set.
    function _tryPermit(address token, address owner, uint256 amount, PermitSignature calldata permit) private {
        // A call to an address without code would revert outside the try below.
        if (token.code.length == 0) revert CofferEscrowNotAToken(token);
        try IERC20Permit(token).permit(owner, address(this), amount, permit.deadline, permit.v, permit.r, permit.s) {
            return;
        } catch {
            // Front-run or unsupported: the transfer that follows fails on its own if the allowance is short.
            return;
        }
    }

    /// @dev Empties a payment's held funds for a void or reclaim; refuses while disputed.
    function _release(bytes32 paymentId) private returns (uint120 amount) {
        PaymentState memory state = _requireStatus(paymentId, PaymentStatus.Authorized);
        amount = state.capturable;
        if (amount == 0) revert CofferEscrowNothingHeld(paymentId);
        _payments[paymentId].capturable = 0;
    }

    /// @dev The fee of a charge of `amount` at `feeBps`, rounded down, after checking the payment's bounds.
    function _feeOf(Payment calldata payment, uint256 amount, uint16 feeBps) private pure returns (uint256) {
        _requireFeeInBounds(payment, feeBps);
        return _feeAt(amount, feeBps);
    }

    /// @dev `amount * feeBps / 10,000`, rounded down.
    function _feeAt(uint256 amount, uint16 feeBps) private pure returns (uint256) {
        return (amount * feeBps) / MAX_BPS;
    }

    /// @dev Reverts unless `feeBps` lies within the payment's bounds (inclusive).
    function _requireFeeInBounds(Payment calldata payment, uint16 feeBps) private pure {
        if (feeBps < payment.minFeeBps || feeBps > payment.maxFeeBps) {
            revert CofferEscrowFeeOutOfBounds(feeBps, payment.minFeeBps, payment.maxFeeBps);
        }
    }

    /// @dev The EIP-712 struct hash of a payment (the payment id before the domain is applied).
    function _paymentHash(Payment calldata payment) private pure returns (bytes32) {
        return keccak256(abi.encode(PAYMENT_TYPEHASH, payment));
    }

    /// @dev The digest of the payer's approval of type `typehash` (`AuthorizePayment` or `ChargePayment`).
    function _approvalDigest(bytes32 typehash, bytes32 paymentHash) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(typehash, paymentHash)));
    }

    /// @dev Reverts unless the payment is in `expected` status; returns its state.
    function _requireStatus(
        bytes32 paymentId,
        PaymentStatus expected
    ) private view returns (PaymentState memory state) {
        state = _payments[paymentId];
        if (state.status == PaymentStatus.None) revert CofferEscrowPaymentNotFound(paymentId);
        if (state.status != expected) revert CofferEscrowInvalidStatus(paymentId, state.status);
    }

    /// @dev Reverts unless the caller is `expected`.
    function _requireCaller(address expected) private view {
        if (msg.sender != expected) revert CofferEscrowUnauthorizedCaller(msg.sender, expected);
    }

    /// @dev Reverts at or after `deadline` (exclusive).
    function _requireBefore(uint256 deadline) private view {
        if (block.timestamp >= deadline) revert CofferEscrowExpired(deadline, block.timestamp);
    }

    /**
     * @dev Asks the compliance guard, if any, about `account`, with at most `GUARD_GAS`: reverts with
     * `CofferEscrowDenied` when it answers true, and with `CofferEscrowGuardFailed` when it fails in any way: it
     * reverts, runs out of gas, or answers anything but exactly one 32-byte word holding 0 or 1 (nothing, a short
     * or longer answer, a word that is not a `bool`). The call is made in assembly because Solidity's
     * `try`/`catch` does not catch a failure to decode the answer: a malformed answer would revert without a
     * reason. Exactly 32 bytes, not "at least 32" as Solidity's decoder accepts: `isDenied` returns a static
     * `bool`, which any correct guard encodes in exactly one word, so a longer answer means the address is not
     * the guard it was meant to be (a wrong implementation behind a proxy, a catch-all fallback); this check
     * fails closed and says so rather than reading the first word as an answer. At most 32 bytes of the answer
     * are copied, whatever its size, so a hostile guard cannot make this call pay for copying megabytes.
     */
    function _screen(address account) private view {
        IComplianceGuard guard = _guard;
        if (address(guard) == address(0)) return;
        bytes4 selector = IComplianceGuard.isDenied.selector;
        bool answered;
        uint256 answer;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // Calldata `isDenied(account)` in the scratch space: selector at 0x00, account at 0x04-0x23.
            mstore(0x00, selector)
            mstore(0x04, and(account, 0xffffffffffffffffffffffffffffffffffffffff))
            // A static call, as for a view; the answer's first 32 bytes at most are copied back over 0x00-0x1f.
            let success := staticcall(GUARD_GAS, guard, 0x00, 0x24, 0x00, 0x20)
            answered := and(success, eq(returndatasize(), 0x20))
            answer := mload(0x00)
        }
        if (!answered || answer > 1) revert CofferEscrowGuardFailed(address(guard), account);
        if (answer == 1) revert CofferEscrowDenied(account);
    }
}
