import { formatAmount, formatTime } from "../shared/format";
import type { CheckoutDetails } from "./details";
import type { CheckoutResult } from "./flows";

const DONE = { invoice: "Invoice paid", order: "Order placed", plan: "Subscribed" } as const;
const ID_LABEL = { invoice: "Invoice id", order: "Payment id", plan: "Subscription" } as const;

/** The receipt: what was paid, where it is on chain, and whether Coffer's indexer has it. */
export function Receipt(props: {
  details: CheckoutDetails;
  result: CheckoutResult;
  recorded: boolean;
  paidAt: number;
}) {
  const { details, result } = props;
  const kind = details.request.kind;
  return (
    <section className="card notice" aria-labelledby="receipt-heading" data-testid="receipt">
      <h2 id="receipt-heading">{DONE[kind]}</h2>
      <dl className="summary">
        <dt>Amount</dt>
        <dd>{formatAmount(kind === "plan" && details.plan?.trial ? 0n : details.amount, details.token)}</dd>
        <dt>{ID_LABEL[kind]}</dt>
        <dd>
          <code data-testid="receipt-id">{result.id}</code>
        </dd>
        <dt>Transaction</dt>
        <dd>
          <code data-testid="receipt-tx">{result.transactionHash}</code>
        </dd>
        <dt>Block</dt>
        <dd data-testid="receipt-block">{result.blockNumber}</dd>
        <dt>When</dt>
        <dd>{formatTime(props.paidAt)}</dd>
        <dt>Authorised with</dt>
        <dd>
          {result.usedPermit
            ? "a permit signature"
            : result.approvalHash
              ? "an approval transaction"
              : "an existing allowance or ETH"}
        </dd>
        <dt>Coffer&apos;s records</dt>
        <dd data-testid="receipt-recorded">{props.recorded ? "Recorded" : "Waiting for the indexer…"}</dd>
      </dl>
    </section>
  );
}
