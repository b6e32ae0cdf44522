/**
 * The escrow's refusals of an operator's capture, void or refund, in words: what changed, with amounts in the
 * token's units and times in the reader's. Anything else is left to the app-wide `describeProblem`.
 */
import { CofferContractError, type TokenInfo } from "@coffer/sdk";
import { formatAmount, formatTime, shortAddress } from "../shared/format";
import { describeProblem, type Problem } from "../shared/messages";

/** What the action was, to word its problem. */
export interface ActionContext {
  readonly kind: "capture" | "void" | "refund";
  readonly token: TokenInfo;
}

const PAST: Record<ActionContext["kind"], string> = { capture: "captured", void: "voided", refund: "refunded" };
const STALE = "The payment changed since this page showed it; the list now shows where it stands.";

type Describe = (args: Readonly<Record<string, unknown>>, context: ActionContext) => Problem;

const ESCROW_PROBLEMS: Record<string, Describe> = {
  CofferEscrowInvalidAmount: (args, { kind, token }) => {
    const maximum = args["maximum"] as bigint;
    return maximum === 0n
      ? { title: `Nothing is left to be ${PAST[kind]}`, detail: `${STALE} Nothing was sent.` }
      : {
          title: `That is more than can be ${PAST[kind]}`,
          detail: `At most ${formatAmount(maximum, token)} can be ${PAST[kind]} now. ${STALE} Nothing was sent.`,
        };
  },
  CofferEscrowNothingHeld: () => ({
    title: "Nothing is held for this payment any more",
    detail: `It was captured in full, voided or reclaimed by the customer meanwhile. ${STALE} Nothing was sent.`,
  }),
  CofferEscrowExpired: (args, { kind }) => ({
    title: kind === "refund" ? "The refund window has closed" : "The capture window has closed",
    detail: `It closed at ${formatTime(args["deadline"] as bigint)}. Nothing was sent.`,
  }),
  CofferEscrowUnauthorizedCaller: (args) => ({
    title: "Only the payment's operator can do this",
    detail:
      `The operator is ${shortAddress(String(args["expected"]))}; your wallet is ${shortAddress(String(args["caller"]))}. ` +
      "Switch to the operator's account. Nothing was sent.",
  }),
  CofferEscrowFeeOutOfBounds: (args) => ({
    title: "The fee is outside what the customer agreed to",
    detail: `It must be from ${String(args["minFeeBps"])} to ${String(args["maxFeeBps"])} basis points. Nothing was sent.`,
  }),
  CofferEscrowInvalidStatus: () => ({
    title: "The payment is disputed or resolved",
    detail: `Its arbiter decides what happens to the funds now. ${STALE} Nothing was sent.`,
  }),
  CofferEscrowTokenTransferFailed: (args, { token }) => ({
    title: "The token refused the transfer",
    detail: `Moving ${formatAmount(args["amount"] as bigint, token)} from ${shortAddress(String(args["from"]))} failed: check that account's balance and allowance. Nothing was sent.`,
  }),
};

/** The readable form of an error met by an operator's action. */
export function describeActionProblem(error: unknown, context: ActionContext): Problem {
  let link: unknown = error;
  for (let depth = 0; link !== undefined && link !== null && depth < 8; depth++) {
    if (link instanceof CofferContractError) {
      const specific = ESCROW_PROBLEMS[link.errorName];
      if (specific !== undefined) return specific(link.args, context);
      break;
    }
    link = (link as { cause?: unknown }).cause;
  }
  return describeProblem(error, { token: context.token });
}
