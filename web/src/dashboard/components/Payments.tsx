import type { CofferClient, indexer, TokenInfo } from "@coffer/sdk";
import { Fragment, useRef, useState } from "react";
import { formatAmount, formatTime, shortAddress } from "../../shared/format";
import { ProblemBanner } from "../../shared/components/ProblemBanner";
import type { ActivityListener } from "../../wallet/activity";
import { ROW_LIMIT, type MerchantPayment } from "../data";
import type { Indexed } from "../use-indexed";
import { isIndexerDown } from "../use-live";
import { PaymentAction, type ActionKind } from "./PaymentAction";
import { StateBadge } from "./StateBadge";

/** What the connected wallet may do with a payment now: it must be its operator, and the state must allow it. */
export function allowedActions(payment: MerchantPayment, account: string | undefined, now: number): ActionKind[] {
  if (account === undefined || account.toLowerCase() !== payment.operator.toLowerCase()) return [];
  const actions: ActionKind[] = [];
  const held = payment.status === "authorized" && payment.capturable > 0n;
  if (held && BigInt(now) < payment.authorizationExpiry) actions.push("capture");
  if (held) actions.push("void");
  if (payment.refundable > 0n && BigInt(now) < payment.refundExpiry) actions.push("refund");
  return actions;
}

const COLUMNS = 8;
const ACTION_LABELS: Record<ActionKind, string> = { capture: "Capture", void: "Void", refund: "Refund" };

/** The merchant's payments, newest first, with the operator's actions on each. */
export function Payments(props: {
  payments: Indexed<MerchantPayment[]>;
  tokens: ReadonlyMap<string, TokenInfo>;
  /** The connected wallet's account and client, when it is on the app's chain. */
  wallet: { account: string; client: CofferClient; subscribe: (listener: ActivityListener) => () => void } | undefined;
  indexer: indexer.IndexerClient;
  chainId: number;
  /** The chain's time as of the last indexed block. */
  now: number;
}) {
  const { data, error, loading } = props.payments;
  const [open, setOpen] = useState<{ id: string; kind: ActionKind }>();
  // The button that opened the form gets the focus back when it closes.
  const opener = useRef<HTMLButtonElement | null>(null);
  const close = () => {
    setOpen(undefined);
    const button = opener.current;
    requestAnimationFrame(() => button?.focus());
  };
  const amount = (value: bigint, token: string) => {
    const info = props.tokens.get(token);
    return info ? formatAmount(value, info) : "…";
  };
  return (
    <section className="card" aria-labelledby="payments-heading" data-testid="payments">
      <h2 id="payments-heading">Payments</h2>
      {!isIndexerDown(error) && <ProblemBanner error={error} />}
      {data === undefined && isIndexerDown(error) && <p className="hint">Not loaded yet: waiting for the indexer.</p>}
      {loading && data === undefined && <p aria-busy="true">Loading payments…</p>}
      {data !== undefined && data.length === 0 && <p data-testid="no-payments">No payments to this merchant yet.</p>}
      {data !== undefined && data.length > 0 && (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Payments to the merchant, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Customer</th>
                <th scope="col">State</th>
                <th scope="col" className="number">
                  Authorized
                </th>
                <th scope="col" className="number">
                  Captured
                </th>
                <th scope="col" className="number">
                  Fees
                </th>
                <th scope="col" className="number">
                  Refunded
                </th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {data.map((payment) => {
                const actions = allowedActions(payment, props.wallet?.account, props.now);
                const token = props.tokens.get(payment.token);
                const opened = open?.id === payment.id ? open.kind : undefined;
                return (
                  <Fragment key={payment.id}>
                    <tr data-testid="payment-row" data-payment={payment.id}>
                      <td>
                        <time dateTime={new Date(Number(payment.createdAt) * 1000).toISOString()}>
                          {formatTime(payment.createdAt)}
                        </time>
                        <code className="subtle" title={`Payment ${payment.id}, reference ${payment.referenceId}`}>
                          {shortAddress(payment.id)}
                        </code>
                      </td>
                      <td>
                        <code title={payment.payer}>{shortAddress(payment.payer)}</code>
                      </td>
                      <td>
                        <StateBadge state={payment.state} />
                      </td>
                      <td className="number" data-testid="payment-authorized">
                        {amount(payment.authorized, payment.token)}
                      </td>
                      <td className="number" data-testid="payment-captured">
                        {amount(payment.captured, payment.token)}
                      </td>
                      <td className="number" data-testid="payment-fees">
                        {amount(payment.fees, payment.token)}
                      </td>
                      <td className="number" data-testid="payment-refunded">
                        {amount(payment.refunded, payment.token)}
                      </td>
                      <td>
                        <div className="actions">
                          {actions.map((kind) => (
                            <button
                              key={kind}
                              type="button"
                              className={opened === kind ? undefined : "secondary"}
                              aria-expanded={opened === kind}
                              aria-label={`${ACTION_LABELS[kind]} payment ${shortAddress(payment.id)}`}
                              disabled={token === undefined || open !== undefined}
                              onClick={(event) => {
                                opener.current = event.currentTarget;
                                setOpen({ id: payment.id, kind });
                              }}
                              data-testid={`${kind}-button`}
                            >
                              {ACTION_LABELS[kind]}
                            </button>
                          ))}
                        </div>
                      </td>
                    </tr>
                    {opened !== undefined && token !== undefined && props.wallet !== undefined && (
                      <tr className="action-row">
                        <td colSpan={COLUMNS}>
                          <PaymentAction
                            key={`${payment.id}-${opened}`}
                            kind={opened}
                            payment={payment}
                            token={token}
                            client={props.wallet.client}
                            subscribe={props.wallet.subscribe}
                            indexer={props.indexer}
                            chainId={props.chainId}
                            onClose={close}
                          />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {data !== undefined && data.length >= ROW_LIMIT && (
        <p className="hint">Showing the newest {ROW_LIMIT} payments.</p>
      )}
      {data !== undefined && data.length > 0 && props.wallet === undefined && (
        <p className="hint">Connect the operator&apos;s wallet to capture, void or refund payments.</p>
      )}
      {data !== undefined &&
        data.length > 0 &&
        props.wallet !== undefined &&
        !data.some((payment) => payment.operator.toLowerCase() === props.wallet?.account.toLowerCase()) && (
          <p className="hint" data-testid="not-operator">
            Your wallet ({shortAddress(props.wallet.account)}) operates none of these payments: capture, void and refund
            are offered to each payment&apos;s operator only.
          </p>
        )}
    </section>
  );
}
