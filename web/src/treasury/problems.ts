/**
 * The treasury's errors as an owner should read them: Safe approvals (not an owner, signatures missing, the
 * approval service down) first, then every other error as the rest of the app words it.
 */
import { CofferContractError } from "@coffer/sdk";
import {
  SafeApprovalError,
  SafeExecutionError,
  SafeNonceNotNextError,
  SafeServiceError,
  SafeSignerNotOwnerError,
  SafeStaleTransactionError,
  SafeThresholdNotMetError,
} from "@coffer/sdk/safe-tx";
import { describeProblem, isUserRejection, type Problem } from "../shared/messages";

/** Walks an error and its causes. */
function* causes(error: unknown): Generator<unknown> {
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

/** Gateway statuses: the service behind the app's address did not answer. */
const UNREACHABLE = new Set([0, 502, 503, 504]);

/** The readable form of an error of the treasury page. */
export function describeTreasuryProblem(error: unknown): Problem {
  if (isUserRejection(error)) {
    return { title: "You declined in your wallet", detail: "Nothing was signed or sent. You can try again." };
  }
  for (const link of causes(error)) {
    if (link instanceof SafeServiceError && UNREACHABLE.has(link.status)) {
      return {
        title: "The Safe approval service is unreachable",
        detail:
          `${link.url} does not answer. Pending transactions and signatures can't be loaded or shared until it ` +
          "is back; nothing was shared or sent.",
      };
    }
    if (link instanceof SafeServiceError) {
      return { title: "The Safe approval service refused this", detail: `${link.serviceMessage}. Nothing was sent.` };
    }
    if (link instanceof SafeSignerNotOwnerError) {
      return {
        title: "Your account is not an owner of this Safe",
        detail: `${link.signer} cannot sign for ${link.safeAddress}; its owners are ${link.owners.join(", ")}. Connect an owner's wallet. Nothing was signed.`,
      };
    }
    if (link instanceof SafeThresholdNotMetError) {
      return {
        title: "More signatures are needed",
        detail: `This transaction has ${link.approvals.length} of the ${link.threshold} signatures it needs. Nothing was sent.`,
      };
    }
    if (link instanceof SafeNonceNotNextError) {
      return {
        title: "Earlier transactions go first",
        detail: `The Safe is at nonce ${link.safeNonce}; execute the transactions before nonce ${link.nonce} first. Nothing was sent.`,
      };
    }
    if (link instanceof SafeStaleTransactionError) {
      return {
        title: "This transaction is no longer pending",
        detail: `The Safe has moved on to nonce ${link.safeNonce}: it was executed, or another transaction took its nonce.`,
      };
    }
    if (link instanceof SafeExecutionError) {
      const inner = [...causes(link)].find((cause) => cause instanceof CofferContractError);
      if (inner instanceof CofferContractError && inner.errorName === "ERC20InsufficientBalance") {
        return {
          title: "The Safe's balance is too low",
          detail: "The token refused the transfer: the Safe holds less than this pays. Nothing was sent.",
        };
      }
      if (inner !== undefined) {
        const problem = describeProblem(inner);
        return { title: "The Safe's call would fail", detail: `${problem.detail}` };
      }
      return { title: "The Safe could not execute this", detail: link.reason };
    }
    if (link instanceof SafeApprovalError)
      return { title: "This Safe transaction does not check out", detail: link.message };
  }
  return describeProblem(error);
}
