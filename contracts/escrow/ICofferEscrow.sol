// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IComplianceGuard} from "../interfaces/IComplianceGuard.sol";

/**
 * @title ICofferEscrow
 * @notice Coffer's checkout and escrow contract: its types, events, errors and every external function.
 * @dev Amounts are in token units (wei for ETH), fee rates in basis points (1 bps = 0.01%, at most 10,000), times in
 * unix seconds. Every expiry is exclusive: an action allowed "before" an expiry fails at it. Token address(0)
 * stands for native ETH.
 */
interface ICofferEscrow {
    /**
     * @notice A payment, as the merchant's checkout describes it. Its EIP-712 hash is the payment id; each id can
     * be authorized (or charged) once.
     * @dev Times are unix seconds; every expiry is exclusive: an action allowed "before" an expiry fails at it.
     */
    struct Payment {
        /// @notice Captures and voids; may also refund; the only one besides the payer who may authorize or charge
        /// the payment, with the payer's signature. Typically the merchant's backend or payment processor.
        address operator;
        /// @notice Whose funds are taken; the only one who can dispute or reclaim.
        address payer;
        /// @notice Receives captured funds (an address, a Coffer split or a Safe).
        address payee;
        /// @notice ERC-20 token, or address(0) for native ETH.
        address token;
        /// @notice Largest amount that may be authorized, in token units.
        uint120 maxAmount;
        /// @notice Authorize and charge are accepted before this time.
        uint48 preApprovalExpiry;
        /// @notice Captures are accepted, and disputes opened, before this time; from it on the payer may reclaim.
        uint48 authorizationExpiry;
        /// @notice Refunds are accepted before this time.
        uint48 refundExpiry;
        /// @notice Lowest fee rate, in basis points, that a capture or charge may use. A charge's fee is
        /// `floor(amount * feeBps / 10,000)`; a capture's is the fee on what was held before it minus the fee on what
        /// is held after it (each rounded down), so that partial captures at one rate add up to the fee of one
        /// capture of the total, however small each one is.
        uint16 minFeeBps;
        /// @notice Highest fee rate, in basis points (at most 10,000), that a capture or charge may use.
        uint16 maxFeeBps;
        /// @notice Receives fees; may be zero only when `maxFeeBps` is zero.
        address feeReceiver;
        /// @notice Settles disputes; address(0) means the payment cannot be disputed.
        address arbiter;
        /// @notice The merchant's order or invoice id, carried by every event of the payment.
        bytes32 referenceId;
        /// @notice Makes otherwise identical payments distinct.
        uint256 salt;
    }

    /**
     * @notice A merchant-signed invoice: anyone (or only `payer`, when set) pays it once, exactly `amount`.
     */
    struct Invoice {
        /// @notice Receives the payment and signs the invoice (an EOA, or a contract through ERC-1271).
        address payee;
        /// @notice The only account allowed to pay, or address(0) for anyone.
        address payer;
        /// @notice ERC-20 token, or address(0) for native ETH.
        address token;
        /// @notice Exact amount due, in token units.
        uint256 amount;
        /// @notice The invoice can be paid before this time (unix seconds, exclusive).
        uint48 expiry;
        /// @notice The merchant's invoice number, emitted on payment.
        bytes32 referenceId;
        /// @notice Makes otherwise identical invoices distinct.
        uint256 salt;
    }

    /// @notice An EIP-2612 permit signed by the payer for this contract, for exactly the amount pulled.
    struct PermitSignature {
        /// @notice Permit deadline, unix seconds.
        uint256 deadline;
        uint8 v;
        bytes32 r;
        bytes32 s;
    }

    /// @notice Where a payment stands.
    enum PaymentStatus {
        /// @notice Never authorized.
        None,
        /// @notice Authorized or charged; `capturable` may be zero once everything is captured or returned.
        Authorized,
        /// @notice Frozen by the payer's dispute until the arbiter resolves it.
        Disputed,
        /// @notice The arbiter divided the held funds.
        Resolved
    }

    /**
     * @notice The state of a payment.
     * @dev Fits one storage slot.
     */
    struct PaymentState {
        /// @notice Held in escrow and not yet captured or returned, in token units.
        uint120 capturable;
        /// @notice Captured and not yet refunded, in token units.
        uint120 refundable;
        PaymentStatus status;
    }

    /**
     * @notice Funds were moved from the payer into escrow.
     * @param paymentId EIP-712 hash of `payment`.
     * @param payer The payer.
     * @param payee The payee.
     * @param payment The whole payment, so that an indexer never needs to call the chain.
     * @param amount Amount held, in token units.
     */
    event PaymentAuthorized(
        bytes32 indexed paymentId,
        address indexed payer,
        address indexed payee,
        Payment payment,
        uint256 amount
    );

    /**
     * @notice A payment was authorized and captured at once, straight from the payer to the payee.
     * @param paymentId EIP-712 hash of `payment`.
     * @param payer The payer.
     * @param payee The payee.
     * @param payment The whole payment.
     * @param amount Amount paid by the payer, fee included, in token units.
     * @param fee Part of `amount` paid to the fee receiver.
     */
    event PaymentCharged(
        bytes32 indexed paymentId,
        address indexed payer,
        address indexed payee,
        Payment payment,
        uint256 amount,
        uint256 fee
    );

    /**
     * @notice Held funds were captured: `amount - fee` to the payee, `fee` to the fee receiver.
     * @param paymentId The payment.
     * @param amount Amount captured, fee included.
     * @param fee Part of `amount` paid to the fee receiver.
     */
    event PaymentCaptured(bytes32 indexed paymentId, uint256 amount, uint256 fee);

    /**
     * @notice The operator returned everything still held to the payer.
     * @param paymentId The payment.
     * @param amount Amount returned.
     */
    event PaymentVoided(bytes32 indexed paymentId, uint256 amount);

    /**
     * @notice The payer took back everything still held after the authorization expired.
     * @param paymentId The payment.
     * @param amount Amount returned.
     */
    event PaymentReclaimed(bytes32 indexed paymentId, uint256 amount);

    /**
     * @notice Captured funds were returned to the payer, paid for by `refunder`.
     * @param paymentId The payment.
     * @param refunder The operator or payee who funded the refund.
     * @param amount Amount refunded.
     */
    event PaymentRefunded(bytes32 indexed paymentId, address indexed refunder, uint256 amount);

    /**
     * @notice The payer disputed the payment: its held funds are frozen until the arbiter resolves it.
     * @param paymentId The payment.
     * @param amount Amount frozen.
     */
    event PaymentDisputed(bytes32 indexed paymentId, uint256 amount);

    /**
     * @notice The arbiter divided the frozen funds.
     * @param paymentId The payment.
     * @param payerAmount Returned to the payer.
     * @param payeeAmount Paid to the payee (no fee is taken on a resolution).
     */
    event PaymentResolved(bytes32 indexed paymentId, uint256 payerAmount, uint256 payeeAmount);

    /**
     * @notice A payout could not be pushed (a blocklisted, reverting or gas-burning receiver, a paused token) and
     * was credited to `account` instead, to withdraw later.
     * @param account The account credited.
     * @param token The token, address(0) for ETH.
     * @param amount Amount credited.
     */
    event PayoutCredited(address indexed account, address indexed token, uint256 amount);

    /**
     * @notice Credited funds were withdrawn.
     * @param account Whose credit was withdrawn.
     * @param token The token, address(0) for ETH.
     * @param to Where they were sent.
     * @param amount Amount withdrawn.
     */
    event CreditWithdrawn(address indexed account, address indexed token, address to, uint256 amount);

    /**
     * @notice An invoice was paid.
     * @param invoiceId EIP-712 hash of the invoice.
     * @param payee The merchant who signed it.
     * @param payer Who paid.
     * @param token The token, address(0) for ETH.
     * @param amount Amount paid.
     * @param referenceId The merchant's invoice number.
     */
    event InvoicePaid(
        bytes32 indexed invoiceId,
        address indexed payee,
        address indexed payer,
        address token,
        uint256 amount,
        bytes32 referenceId
    );

    /**
     * @notice The compliance guard changed.
     * @param previousGuard The guard before, address(0) for none.
     * @param newGuard The guard now, address(0) for none.
     */
    event ComplianceGuardUpdated(address previousGuard, address newGuard);

    /// @notice The payment id was authorized before.
    error CofferEscrowPaymentAlreadyExists(bytes32 paymentId);
    /// @notice No payment with this id was authorized.
    error CofferEscrowPaymentNotFound(bytes32 paymentId);
    /// @notice The caller is not allowed to do this to the payment (`expected` is the party who may, besides the
    /// payer for authorize and charge).
    error CofferEscrowUnauthorizedCaller(address caller, address expected);
    /**
     * @notice The operator sent an authorize or charge without the payer's valid signature of `digest` (the
     * `AuthorizePayment` or `ChargePayment` approval of this payment, see `getPayerApprovalDigest`), or for ETH.
     */
    error CofferEscrowInvalidPayerSignature(bytes32 digest, address payer);
    /// @notice The payment's times are not in order (pre-approval ≤ authorization ≤ refund).
    error CofferEscrowInvalidExpiries(uint48 preApprovalExpiry, uint48 authorizationExpiry, uint48 refundExpiry);
    /// @notice The fee bounds are inverted, exceed 10,000 bps, or a fee has no receiver.
    error CofferEscrowInvalidFeeBounds(uint16 minFeeBps, uint16 maxFeeBps, address feeReceiver);
    /// @notice The fee chosen lies outside the payment's bounds.
    error CofferEscrowFeeOutOfBounds(uint16 feeBps, uint16 minFeeBps, uint16 maxFeeBps);
    /// @notice Zero amount, or more than allowed.
    error CofferEscrowInvalidAmount(uint256 amount, uint256 maximum);
    /// @notice The time for this action has passed (`deadline` is exclusive).
    error CofferEscrowExpired(uint256 deadline, uint256 timestamp);
    /// @notice The time for this action has not come yet.
    error CofferEscrowNotYetExpired(uint256 expiry, uint256 timestamp);
    /// @notice The payment is disputed, or not in the state this action needs.
    error CofferEscrowInvalidStatus(bytes32 paymentId, PaymentStatus status);
    /// @notice The payment has no arbiter, so it cannot be disputed.
    error CofferEscrowNoArbiter(bytes32 paymentId);
    /// @notice ETH sent does not match what the call needs.
    error CofferEscrowWrongValue(uint256 sent, uint256 expected);
    /// @notice The token moved a different amount than asked (fee-on-transfer or another hostile token): into the
    /// receiver of a pull, or out of the escrow on a payout or withdrawal.
    error CofferEscrowTokenDeliveredWrongAmount(address token, uint256 expected, uint256 delivered);
    /// @notice A token transfer moved nothing: the token returned false, or reverted without a reason.
    error CofferEscrowTokenTransferFailed(address token, address from, address to, uint256 amount);
    /// @notice The token address holds no code.
    error CofferEscrowNotAToken(address token);
    /// @notice The compliance guard denies this account.
    error CofferEscrowDenied(address account);
    /// @notice The compliance guard reverted or ran out of gas.
    error CofferEscrowGuardFailed(address guard, address account);
    /// @notice The compliance guard to set has no code (a mistyped address would stop every new payment).
    error CofferEscrowGuardHasNoCode(address guard);
    /// @notice The invoice was paid before.
    error CofferEscrowInvoiceAlreadyPaid(bytes32 invoiceId);
    /// @notice The signature does not recover to the invoice's payee.
    error CofferEscrowInvalidInvoiceSignature(bytes32 invoiceId, address payee);
    /// @notice Nothing is held for the payment.
    error CofferEscrowNothingHeld(bytes32 paymentId);
    /// @notice Nothing is credited to the caller in this token.
    error CofferEscrowNothingToWithdraw(address account, address token);
    /// @notice A receiver chosen by the caller (a withdrawal's, or the payee of a payer's own payment) refused ETH.
    error CofferEscrowNativeTransferFailed(address to, uint256 amount);
    /// @notice The zero address was given where an account is needed.
    error CofferEscrowZeroAddress();

    // ─── Constants ───────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice Token address that stands for native ETH.
     * @return address(0).
     */
    function NATIVE_TOKEN() external view returns (address);

    /**
     * @notice Basis points in one whole: the highest fee rate a payment may allow.
     * @return 10,000.
     */
    function MAX_BPS() external view returns (uint16);

    /**
     * @notice Gas forwarded with an ETH payout out of escrow (capture, void, reclaim, resolve, an ETH refund); a
     * receiver that needs more is credited instead, to withdraw with {withdraw}.
     * @return 50,000.
     */
    function ETH_PAYOUT_GAS() external view returns (uint256);

    /**
     * @notice Gas the compliance guard may use per check; a guard that needs more makes the guarded call revert
     * with {CofferEscrowGuardFailed}.
     * @return 100,000.
     */
    function GUARD_GAS() external view returns (uint256);

    /**
     * @notice EIP-712 type of a payment; its struct hash, in this contract's domain, is the payment id.
     * @return `keccak256("Payment(address operator,address payer,address payee,address token,uint120 maxAmount,
     * uint48 preApprovalExpiry,uint48 authorizationExpiry,uint48 refundExpiry,uint16 minFeeBps,uint16 maxFeeBps,
     * address feeReceiver,address arbiter,bytes32 referenceId,uint256 salt)")` (one line, without the breaks).
     */
    function PAYMENT_TYPEHASH() external view returns (bytes32);

    /**
     * @notice EIP-712 type the payer signs to let the payment's operator hold the payment in escrow
     * ({authorize}, {authorizeWithPermit}): up to `payment.maxAmount`, captured later at a fee within the payment's
     * bounds. A signature of this type is refused by {charge}.
     * @return The hash of `AuthorizePayment(Payment payment)` followed by the `Payment` type.
     */
    function AUTHORIZE_PAYMENT_TYPEHASH() external view returns (bytes32);

    /**
     * @notice EIP-712 type the payer signs to let the payment's operator pay the payee at once ({charge},
     * {chargeWithPermit}): up to `payment.maxAmount`, at a fee within the payment's bounds, with no escrow and no
     * dispute. A signature of this type is refused by {authorize}.
     * @return The hash of `ChargePayment(Payment payment)` followed by the `Payment` type.
     */
    function CHARGE_PAYMENT_TYPEHASH() external view returns (bytes32);

    /**
     * @notice EIP-712 type of an invoice signed by its payee; its struct hash, in this contract's domain, is the
     * invoice id.
     * @return `keccak256("Invoice(address payee,address payer,address token,uint256 amount,uint48 expiry,
     * bytes32 referenceId,uint256 salt)")` (one line, without the breaks).
     */
    function INVOICE_TYPEHASH() external view returns (bytes32);

    // ─── Payments ────────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice Moves `amount` from the payer into escrow for `payment`. Sent by the payer itself, or by the
     * payment's operator with the payer's EIP-712 `AuthorizePayment` signature (a relayed, gasless payment; tokens
     * only). Pulls the payer's allowance, or takes `msg.value` for ETH (sent by the payer only).
     * @dev A token pull is judged by the balance that moved into this contract, not by what the token returns:
     * exactly `amount` received is success (even if the token returned false); nothing received reverts with
     * {CofferEscrowTokenTransferFailed} (a token that reverts keeps its own error, such as an insufficient
     * allowance); any other amount (a fee-on-transfer token) reverts with {CofferEscrowTokenDeliveredWrongAmount}.
     *
     * Requirements:
     * - The caller is the payer, or the operator ({CofferEscrowUnauthorizedCaller} otherwise, checked first); when
     *   the operator sends it, the token is not ETH and `payerSignature` is the payer's valid ECDSA or ERC-1271
     *   signature of `getPayerApprovalDigest(payment, false)` ({CofferEscrowInvalidPayerSignature}).
     * - The payment id was never authorized or charged ({CofferEscrowPaymentAlreadyExists}).
     * - `amount` is at least 1 and at most `payment.maxAmount` ({CofferEscrowInvalidAmount}).
     * - `block.timestamp` is before `payment.preApprovalExpiry` ({CofferEscrowExpired}).
     * - `preApprovalExpiry <= authorizationExpiry <= refundExpiry` ({CofferEscrowInvalidExpiries}).
     * - `minFeeBps <= maxFeeBps <= 10,000`, and a fee receiver is set when `maxFeeBps` is not zero
     *   ({CofferEscrowInvalidFeeBounds}).
     * - The operator and the payee are not address(0) ({CofferEscrowZeroAddress}).
     * - The compliance guard, if set, denies neither the payer nor the payee ({CofferEscrowDenied}) and answers
     *   properly ({CofferEscrowGuardFailed}).
     * - For ETH, `msg.value` equals `amount`; for a token, `msg.value` is zero ({CofferEscrowWrongValue}), the
     *   token has code ({CofferEscrowNotAToken}) and the payer's allowance covers `amount`.
     *
     * Emits a {PaymentAuthorized} event.
     * @param payment The payment.
     * @param amount Amount to hold, at least 1 and at most `payment.maxAmount`, in token units.
     * @param payerSignature The payer's signature (ECDSA or ERC-1271) of `getPayerApprovalDigest(payment, false)`;
     * empty when the payer sends the call.
     * @return paymentId The payment id (see {getPaymentId}).
     */
    function authorize(
        Payment calldata payment,
        uint256 amount,
        bytes calldata payerSignature
    ) external payable returns (bytes32 paymentId);

    /**
     * @notice {authorize} with an EIP-2612 permit for exactly `amount`. A permit already used (front-run) is
     * ignored: the payment goes through on the allowance it set. Sent by the payer, or by the operator with the
     * payer's `AuthorizePayment` signature. Tokens only (takes no ETH).
     * @dev A permit that fails for any reason is ignored; the pull that follows then fails on its own if the
     * allowance is short.
     *
     * Requirements: those of {authorize}, for a token (no `msg.value`), and the token has code
     * ({CofferEscrowNotAToken}).
     *
     * Emits a {PaymentAuthorized} event.
     * @param payment The payment.
     * @param amount Amount to hold, at least 1 and at most `payment.maxAmount`, in token units.
     * @param payerSignature The payer's signature of `getPayerApprovalDigest(payment, false)`; empty when the payer
     * sends the call.
     * @param permit The payer's permit for this contract, for `amount`.
     * @return paymentId The payment id.
     */
    function authorizeWithPermit(
        Payment calldata payment,
        uint256 amount,
        bytes calldata payerSignature,
        PermitSignature calldata permit
    ) external returns (bytes32 paymentId);

    /**
     * @notice Authorizes and captures at once (instant checkout): `amount - fee` goes straight from the payer to
     * the payee, `fee = floor(amount * feeBps / 10,000)` to the fee receiver; a leg of zero is skipped. Sent by the
     * payer itself, or by the payment's operator with the payer's EIP-712 `ChargePayment` signature (tokens only).
     * The payment is then refundable (up to `amount`) until its refund expiry, but cannot be disputed.
     * @dev Each token leg is judged by the balance the receiver gained, as in {authorize}. For ETH the legs are
     * sent with all gas, and a receiver that refuses reverts the whole charge
     * ({CofferEscrowNativeTransferFailed}).
     *
     * Requirements:
     * - Those of {authorize}, with the payer's signature of `getPayerApprovalDigest(payment, true)` when the
     *   operator sends it.
     * - `feeBps` lies within `[payment.minFeeBps, payment.maxFeeBps]` ({CofferEscrowFeeOutOfBounds}).
     * - For ETH, the payee and the fee receiver accept the ETH ({CofferEscrowNativeTransferFailed}).
     *
     * Emits a {PaymentCharged} event.
     * @param payment The payment.
     * @param amount Amount paid, fee included, at least 1 and at most `payment.maxAmount`, in token units.
     * @param feeBps Fee in basis points, within the payment's bounds.
     * @param payerSignature The payer's signature (ECDSA or ERC-1271) of `getPayerApprovalDigest(payment, true)`;
     * empty when the payer sends the call.
     * @return paymentId The payment id.
     */
    function charge(
        Payment calldata payment,
        uint256 amount,
        uint16 feeBps,
        bytes calldata payerSignature
    ) external payable returns (bytes32 paymentId);

    /**
     * @notice {charge} with an EIP-2612 permit for exactly `amount`; a front-run permit is ignored. Sent by the
     * payer, or by the operator with the payer's `ChargePayment` signature. Tokens only (takes no ETH).
     * @dev Requirements: those of {charge}, for a token (no `msg.value`), and the token has code
     * ({CofferEscrowNotAToken}).
     *
     * Emits a {PaymentCharged} event.
     * @param payment The payment.
     * @param amount Amount paid, fee included, at least 1 and at most `payment.maxAmount`, in token units.
     * @param feeBps Fee in basis points, within the payment's bounds.
     * @param payerSignature The payer's signature of `getPayerApprovalDigest(payment, true)`; empty when the payer
     * sends the call.
     * @param permit The payer's permit for this contract, for `amount`.
     * @return paymentId The payment id.
     */
    function chargeWithPermit(
        Payment calldata payment,
        uint256 amount,
        uint16 feeBps,
        bytes calldata payerSignature,
        PermitSignature calldata permit
    ) external returns (bytes32 paymentId);

    /**
     * @notice Captures part or all of what is held: `amount - fee` to the payee, `fee` to the fee receiver.
     * Operator only, before the authorization expiry, never while disputed. Repeatable up to what is held.
     * @dev The fee is the fee on what was held before the capture minus the fee on what is held after it, each
     * rounded down at this capture's rate: `fee = held * feeBps / 10,000 - (held - amount) * feeBps / 10,000`
     * (integer divisions). At one rate, the fees of any sequence of captures of a payment add up to exactly
     * `floor(captured in total * feeBps / 10,000)` when everything held is captured, however it is split (100
     * captures of 1 unit pay what one capture of 100 pays), and one capture's fee never exceeds its amount. Each
     * capture's rate is checked against the payment's bounds; the fee rounds in the operator's favour by at most one
     * unit per capture compared with `amount * feeBps / 10,000`. A payout that cannot be pushed (a blocklisted,
     * reverting or gas-burning receiver, a paused token) is credited to its receiver ({PayoutCredited}).
     *
     * Requirements:
     * - The caller is `payment.operator` ({CofferEscrowUnauthorizedCaller}).
     * - `block.timestamp` is before `payment.authorizationExpiry` ({CofferEscrowExpired}).
     * - The payment was authorized ({CofferEscrowPaymentNotFound}) and is neither disputed nor resolved
     *   ({CofferEscrowInvalidStatus}).
     * - `amount` is at least 1 and at most what is held ({CofferEscrowInvalidAmount}).
     * - `feeBps` lies within the payment's bounds ({CofferEscrowFeeOutOfBounds}).
     * - The compliance guard, if set, does not deny the payee ({CofferEscrowDenied}, {CofferEscrowGuardFailed}).
     *
     * Emits a {PaymentCaptured} event, and a {PayoutCredited} event for each payout that could not be pushed.
     * @param payment The payment.
     * @param amount Amount captured, fee included, at least 1 and at most what is held, in token units.
     * @param feeBps Fee in basis points, within the payment's bounds.
     */
    function capture(Payment calldata payment, uint256 amount, uint16 feeBps) external;

    /**
     * @notice Returns everything still held to the payer. Operator only, at any time, never while disputed. A
     * payout that cannot be pushed is credited to the payer.
     * @dev The compliance guard is not consulted: held funds can always go back.
     *
     * Requirements:
     * - The caller is `payment.operator` ({CofferEscrowUnauthorizedCaller}).
     * - The payment was authorized ({CofferEscrowPaymentNotFound}) and is neither disputed nor resolved
     *   ({CofferEscrowInvalidStatus}).
     * - Something is held ({CofferEscrowNothingHeld}).
     *
     * Emits a {PaymentVoided} event, and a {PayoutCredited} event if the payout could not be pushed.
     * @param payment The payment.
     */
    function void(Payment calldata payment) external;

    /**
     * @notice Takes back everything still held once the authorization has expired. Payer only, never while
     * disputed. A payout that cannot be pushed is credited to the payer.
     * @dev Requirements:
     * - The caller is `payment.payer` ({CofferEscrowUnauthorizedCaller}).
     * - `block.timestamp` is at or after `payment.authorizationExpiry` ({CofferEscrowNotYetExpired}).
     * - The payment was authorized ({CofferEscrowPaymentNotFound}) and is neither disputed nor resolved
     *   ({CofferEscrowInvalidStatus}).
     * - Something is held ({CofferEscrowNothingHeld}).
     *
     * Emits a {PaymentReclaimed} event, and a {PayoutCredited} event if the payout could not be pushed.
     * @param payment The payment.
     */
    function reclaim(Payment calldata payment) external;

    /**
     * @notice Returns up to what was captured (or charged, or paid to the payee by a resolution) and not yet
     * refunded to the payer, funded by the caller (the operator or the payee), before the refund expiry. For ETH,
     * send `amount` as value; it is pushed to the payer, or credited to it if the push fails. For a token, the
     * caller's allowance is pulled straight to the payer.
     * @dev Requirements:
     * - The caller is `payment.operator` or `payment.payee` ({CofferEscrowUnauthorizedCaller}).
     * - `block.timestamp` is before `payment.refundExpiry` ({CofferEscrowExpired}).
     * - The payment exists ({CofferEscrowPaymentNotFound}); it may be in any status.
     * - `amount` is at least 1 and at most what is refundable ({CofferEscrowInvalidAmount}).
     * - For ETH, `msg.value` equals `amount`; for a token, `msg.value` is zero ({CofferEscrowWrongValue}), the
     *   token has code ({CofferEscrowNotAToken}) and the payer receives exactly `amount`
     *   ({CofferEscrowTokenTransferFailed}, {CofferEscrowTokenDeliveredWrongAmount}).
     *
     * Emits a {PaymentRefunded} event, and a {PayoutCredited} event if an ETH refund could not be pushed.
     * @param payment The payment.
     * @param amount Amount refunded, in token units.
     */
    function refund(Payment calldata payment, uint256 amount) external payable;

    /**
     * @notice Freezes what is held until the arbiter resolves the dispute. Payer only, while funds are held and
     * before the authorization expiry; only payments with an arbiter can be disputed.
     * @dev Requirements:
     * - The caller is `payment.payer` ({CofferEscrowUnauthorizedCaller}).
     * - `payment.arbiter` is not address(0) ({CofferEscrowNoArbiter}).
     * - `block.timestamp` is before `payment.authorizationExpiry` ({CofferEscrowExpired}).
     * - The payment was authorized ({CofferEscrowPaymentNotFound}) and is neither disputed nor resolved
     *   ({CofferEscrowInvalidStatus}).
     * - Something is held ({CofferEscrowNothingHeld}).
     *
     * Emits a {PaymentDisputed} event.
     * @param payment The payment.
     */
    function dispute(Payment calldata payment) external;

    /**
     * @notice Settles a dispute by dividing the frozen funds: `payerAmount` back to the payer, the rest to the
     * payee, without fee. Arbiter only. Payouts that cannot be pushed are credited. What the payee receives
     * becomes refundable.
     * @dev The compliance guard is not consulted.
     *
     * Requirements:
     * - The caller is `payment.arbiter` ({CofferEscrowUnauthorizedCaller}).
     * - The payment exists ({CofferEscrowPaymentNotFound}) and is disputed ({CofferEscrowInvalidStatus}).
     * - `payerAmount` is at most what is frozen ({CofferEscrowInvalidAmount}).
     *
     * Emits a {PaymentResolved} event, and a {PayoutCredited} event for each payout that could not be pushed.
     * @param payment The payment.
     * @param payerAmount Amount returned to the payer, at most what is frozen, in token units.
     */
    function resolve(Payment calldata payment, uint256 payerAmount) external;

    // ─── Invoices ────────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice Pays a payee-signed invoice, exactly its amount, once, before its expiry. The caller pays (with an
     * allowance, or `msg.value` for ETH) straight to the payee, and must be the invoice's payer when one is named.
     * @dev Requirements:
     * - The invoice was not paid before ({CofferEscrowInvoiceAlreadyPaid}).
     * - `invoice.payer` is address(0) or the caller ({CofferEscrowUnauthorizedCaller}).
     * - `block.timestamp` is before `invoice.expiry` ({CofferEscrowExpired}).
     * - `invoice.amount` is not zero ({CofferEscrowInvalidAmount}).
     * - `payeeSignature` is the payee's valid ECDSA or ERC-1271 signature of the invoice id
     *   ({CofferEscrowInvalidInvoiceSignature}).
     * - The compliance guard, if set, denies neither the caller nor the payee ({CofferEscrowDenied},
     *   {CofferEscrowGuardFailed}).
     * - For ETH, `msg.value` equals `invoice.amount` and the payee accepts it ({CofferEscrowWrongValue},
     *   {CofferEscrowNativeTransferFailed}); for a token, `msg.value` is zero, the token has code
     *   ({CofferEscrowNotAToken}) and the payee receives exactly `invoice.amount`
     *   ({CofferEscrowTokenTransferFailed}, {CofferEscrowTokenDeliveredWrongAmount}).
     *
     * Emits an {InvoicePaid} event.
     * @param invoice The invoice.
     * @param payeeSignature The payee's EIP-712 signature of the invoice (ECDSA or ERC-1271).
     * @return invoiceId The invoice id (see {getInvoiceId}).
     */
    function payInvoice(
        Invoice calldata invoice,
        bytes calldata payeeSignature
    ) external payable returns (bytes32 invoiceId);

    /**
     * @notice {payInvoice} with the caller's EIP-2612 permit for exactly the invoice amount; a front-run permit
     * is ignored. Tokens only (takes no ETH).
     * @dev Requirements: those of {payInvoice}, for a token, and the token has code ({CofferEscrowNotAToken}).
     *
     * Emits an {InvoicePaid} event.
     * @param invoice The invoice.
     * @param payeeSignature The payee's EIP-712 signature of the invoice.
     * @param permit The caller's permit for this contract, for `invoice.amount`.
     * @return invoiceId The invoice id.
     */
    function payInvoiceWithPermit(
        Invoice calldata invoice,
        bytes calldata payeeSignature,
        PermitSignature calldata permit
    ) external returns (bytes32 invoiceId);

    // ─── Credits ─────────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice Withdraws everything credited to the caller in `token` (a payout that could not be pushed), to `to`,
     * which may differ from the caller (a blocklisted account sends elsewhere). A token transfer counts by the
     * escrow's balance: one that moved exactly the credit succeeds whatever the token returned (Tether Gold returns
     * false); one that moved nothing reverts with {CofferEscrowTokenTransferFailed} (or the token's own error)
     * and the credit stays; one that moved another amount reverts with {CofferEscrowTokenDeliveredWrongAmount}.
     * @dev For ETH, `to` gets all the remaining gas and must accept the payment.
     *
     * Requirements:
     * - `to` is not address(0) ({CofferEscrowZeroAddress}).
     * - The caller has a credit in `token` ({CofferEscrowNothingToWithdraw}).
     * - For ETH, `to` accepts it ({CofferEscrowNativeTransferFailed}); for a token, the escrow's balance falls by
     *   exactly the credit.
     *
     * Emits a {CreditWithdrawn} event.
     * @param token The token, address(0) for ETH.
     * @param to Receiver of the funds.
     */
    function withdraw(address token, address to) external;

    // ─── Admin ───────────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice Sets (or with address(0) removes) the compliance guard that screens payers and payees of new
     * payments, captures and invoices. Owner only; the guard must have code. The owner can never move funds.
     * @dev Requirements:
     * - The caller is the owner (OpenZeppelin's `OwnableUnauthorizedAccount`).
     * - `guard` is address(0) or has code ({CofferEscrowGuardHasNoCode}): a mistyped address would stop every
     *   new payment.
     *
     * Emits a {ComplianceGuardUpdated} event.
     * @param guard The new guard, address(0) for none.
     */
    function setComplianceGuard(IComplianceGuard guard) external;

    // ─── Views ───────────────────────────────────────────────────────────────────────────────────────────

    /**
     * @notice The id of a payment: its EIP-712 hash in this contract's domain (chain id and address included).
     * @param payment The payment.
     * @return The payment id, carried by every event of the payment.
     */
    function getPaymentId(Payment calldata payment) external view returns (bytes32);

    /**
     * @notice The EIP-712 digest a payer signs to let the payment's operator act for it: `AuthorizePayment` (hold
     * in escrow, for {authorize} and {authorizeWithPermit}) or `ChargePayment` (pay at once, for {charge} and
     * {chargeWithPermit}), each nesting the whole `Payment`, in this contract's domain.
     * @param payment The payment.
     * @param isCharge True for the `ChargePayment` digest, false for the `AuthorizePayment` digest.
     * @return The digest the payer's signature must recover to (or that its ERC-1271 wallet must accept).
     */
    function getPayerApprovalDigest(Payment calldata payment, bool isCharge) external view returns (bytes32);

    /**
     * @notice The id of an invoice: its EIP-712 hash in this contract's domain, which the payee signs.
     * @param invoice The invoice.
     * @return The invoice id.
     */
    function getInvoiceId(Invoice calldata invoice) external view returns (bytes32);

    /**
     * @notice The state of a payment.
     * @param paymentId The payment id.
     * @return The amounts held and refundable, in token units, and the status (all zero, `None`, when the payment
     * was never authorized).
     */
    function getPaymentState(bytes32 paymentId) external view returns (PaymentState memory);

    /**
     * @notice Whether an invoice was paid.
     * @param invoiceId The invoice id.
     * @return True once paid.
     */
    function isInvoicePaid(bytes32 invoiceId) external view returns (bool);

    /**
     * @notice What `account` can withdraw in `token` with {withdraw}.
     * @param account The account.
     * @param token The token, address(0) for ETH.
     * @return The amount credited, in token units.
     */
    function creditOf(address account, address token) external view returns (uint256);

    /**
     * @notice The compliance guard, address(0) for none.
     * @return The guard.
     */
    function complianceGuard() external view returns (IComplianceGuard);
}
