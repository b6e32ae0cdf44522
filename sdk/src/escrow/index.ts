/**
 * Checkout and escrow: build a payment or an invoice, sign the payer's approval or the payee's invoice, and act
 * on payments (authorize, capture, void, refund, reclaim, dispute, resolve, pay an invoice).
 */
export * from "./typed-data";
export * from "./builders";
export * from "./actions";
export * from "./reads";
export type { PermitSignature } from "../tokens";
export { NATIVE_TOKEN } from "../tokens";
