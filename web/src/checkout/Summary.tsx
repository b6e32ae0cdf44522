import { formatAmount, formatBps, formatTime, shortAddress } from "../shared/format";
import { merchantName, type WebConfig } from "../shared/config";
import type { CheckoutDetails } from "./details";

const KIND_LABEL = { invoice: "Invoice", order: "Order (held in escrow)", plan: "Subscription" } as const;

function duration(seconds: number): string {
  const days = seconds / 86_400;
  if (Number.isInteger(days)) return days === 1 ? "day" : `${days} days`;
  const hours = seconds / 3_600;
  if (Number.isInteger(hours)) return hours === 1 ? "hour" : `${hours} hours`;
  return `${seconds} seconds`;
}

function feeText(details: CheckoutDetails): string {
  const { minBps, maxBps } = details.fee;
  if (maxBps === 0) return "No fee";
  const range = minBps === maxBps ? formatBps(maxBps) : `${formatBps(minBps)} to ${formatBps(maxBps)}`;
  return `${range}, paid by the merchant from the amount`;
}

/** What the customer is asked to pay, to whom, until when, at what fee. */
export function Summary(props: { config: WebConfig; details: CheckoutDetails }) {
  const { details, config } = props;
  const name = merchantName(config, details.payee);
  const request = details.request;
  return (
    <section className="card" aria-labelledby="summary-heading">
      <h2 id="summary-heading">{KIND_LABEL[request.kind]}</h2>
      <p className="amount-large" data-testid="amount">
        {formatAmount(details.amount, details.token)}
        {details.plan && ` every ${duration(details.plan.period)}`}
      </p>
      <dl className="summary">
        <dt>Merchant</dt>
        <dd data-testid="merchant">
          {name ? `${name} ` : ""}
          <code title={details.payee}>{name ? `(${shortAddress(details.payee)})` : details.payee}</code>
        </dd>
        <dt>Token</dt>
        <dd>
          {details.token.symbol} <code title={details.token.address}>{shortAddress(details.token.address)}</code>
        </dd>
        {details.expiry !== undefined && (
          <>
            <dt>{request.kind === "invoice" ? "Pay by" : "Place by"}</dt>
            <dd data-testid="expiry">{formatTime(details.expiry)}</dd>
          </>
        )}
        {request.kind === "order" && (
          <>
            <dt>Held until</dt>
            <dd>
              {formatTime(request.terms.authorizationExpiry)}; if the merchant has not captured it by then, you can take
              it back
            </dd>
          </>
        )}
        {details.plan && details.plan.trial > 0 && (
          <>
            <dt>Free trial</dt>
            <dd>{duration(details.plan.trial)}, then the first charge</dd>
          </>
        )}
        <dt>Fee</dt>
        <dd data-testid="fee">{feeText(details)}</dd>
        {request.kind === "invoice" && (
          <>
            <dt>Invoice</dt>
            <dd>
              <code>{request.invoiceId}</code>
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
