// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/**
 * @title ICofferEscrow
 * @notice Types, events and errors of Coffer's checkout and escrow contract.
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
}
