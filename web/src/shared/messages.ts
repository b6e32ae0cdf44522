/**
 * Errors as a customer or merchant should read them: what happened, in words, with the values that matter, and
 * whether anything was sent. Every error the pages show goes through {@link describeProblem}.
 */
import {
  CofferContractError,
  CofferInsufficientBalanceError,
  CofferRpcError,
  CofferValidationError,
  indexer,
} from "@coffer/sdk";
import { formatAmount, formatTime } from "./format";

/** A problem to show: a short title and a sentence. */
export interface Problem {
  readonly title: string;
  readonly detail: string;
}

/** What the page knows about the token of the action, to write amounts in its units. */
export interface ProblemContext {
  readonly token?: { symbol: string; decimals: number };
}

/** Walks an error and its causes (ethers and the SDK wrap wallet errors). */
function* chain(error: unknown): Generator<unknown> {
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    yield current;
    const next = current as { cause?: unknown; error?: unknown; info?: { error?: unknown } };
    current = next.cause ?? next.error ?? next.info?.error;
  }
}

/** True when the reader refused a request in the wallet (EIP-1193 code 4001, ethers' ACTION_REJECTED). */
export function isUserRejection(error: unknown): boolean {
  for (const link of chain(error)) {
    const { code, message } = link as { code?: unknown; message?: unknown };
    if (code === 4001 || code === "ACTION_REJECTED") return true;
    if (typeof message === "string" && /user (rejected|denied)/i.test(message)) return true;
  }
  return false;
}

const CONTRACT_PROBLEMS: Record<string, (error: CofferContractError, context: ProblemContext) => Problem> = {
  CofferEscrowInvoiceAlreadyPaid: () => ({
    title: "This invoice is already paid",
    detail: "The merchant has received this payment. Nothing was sent; you will not be charged again.",
  }),
  CofferEscrowExpired: (error) => ({
    title: "This payment request has expired",
    detail: `It could be paid until ${formatTime(error.args.deadline as bigint)}. Ask the merchant for a new link. Nothing was sent.`,
  }),
  CofferEscrowInvalidInvoiceSignature: () => ({
    title: "This invoice is not signed by the merchant",
    detail: "The link was changed or is not from the merchant it names. Nothing was sent.",
  }),
  CofferEscrowPaymentAlreadyExists: () => ({
    title: "This order is already placed",
    detail: "A payment for this order from your account exists already. Nothing was sent.",
  }),
  CofferSubscriptionsPlanRetired: () => ({
    title: "This plan is no longer offered",
    detail: "The merchant retired it. Nothing was sent.",
  }),
  CofferSubscriptionsPlanNotFound: () => ({
    title: "This plan does not exist",
    detail: "Check the link with the merchant. Nothing was sent.",
  }),
};

/** The readable form of any error a page meets. */
export function describeProblem(error: unknown, context: ProblemContext = {}): Problem {
  if (isUserRejection(error)) {
    return { title: "You declined in your wallet", detail: "Nothing was signed or sent. You can try again." };
  }
  for (const link of chain(error)) {
    if (link instanceof CofferInsufficientBalanceError) {
      const token = context.token;
      const held = token ? formatAmount(link.balance, token) : link.balance.toString();
      const needed = token ? formatAmount(link.needed, token) : link.needed.toString();
      return {
        title: "Your balance is too low",
        detail: `This payment needs ${needed} and your account holds ${held}. Nothing was approved or sent.`,
      };
    }
    if (link instanceof CofferContractError) {
      const specific = CONTRACT_PROBLEMS[link.errorName];
      if (specific !== undefined) return specific(link, context);
      return { title: "The contract refused this", detail: `${link.message}. Nothing was sent.` };
    }
    if (link instanceof indexer.IndexerUnavailableError) {
      return {
        title: "Coffer's indexer is unreachable",
        detail: `${link.url} does not answer (${link.reason}). Payments can't be checked until it is back; nothing was sent.`,
      };
    }
    // Behind the app's gateway a stopped indexer answers 502-504.
    if (link instanceof indexer.IndexerHttpError && [502, 503, 504].includes(link.status)) {
      return {
        title: "Coffer's indexer is unreachable",
        detail: `${link.url} does not answer (HTTP ${link.status}). Payments can't be checked until it is back; nothing was sent.`,
      };
    }
    if (link instanceof indexer.IndexerError)
      return { title: "The indexer answered with an error", detail: link.message };
    if (link instanceof CofferValidationError) return { title: "This request is not valid", detail: link.message };
    if (link instanceof CofferRpcError) return { title: "The network did not answer", detail: link.message };
    if (link instanceof Error && link.name === "WrongChainError")
      return { title: "Wrong network", detail: link.message };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { title: "Something went wrong", detail: message };
}
