import type { indexer, TokenInfo } from "@coffer/sdk";
import { formatAmount, formatTime, shortAddress } from "../../shared/format";
import { ProblemBanner } from "../../shared/components/ProblemBanner";
import type { MerchantPlan } from "../data";
import type { Indexed } from "../use-indexed";
import { isIndexerDown } from "../use-live";
import { StateBadge } from "./StateBadge";

/** Which subscriptions need the merchant first: past due, then active, paused, and ended ones last. */
const STATUS_ORDER: Readonly<Record<indexer.IndexedSubscriptionStatus, number>> = {
  past_due: 0,
  active: 1,
  paused: 2,
  lapsed: 3,
  canceled: 4,
};

/** Past-due subscriptions first (longest overdue first), then by status and next charge. */
export function sortSubscriptions(list: readonly indexer.IndexedSubscription[]): indexer.IndexedSubscription[] {
  const never = BigInt(Number.MAX_SAFE_INTEGER);
  return [...list].sort((a, b) => {
    const byStatus = STATUS_ORDER[a.status] - STATUS_ORDER[b.status];
    if (byStatus !== 0) return byStatus;
    const [left, right] =
      a.status === "past_due" ? [a.pastDueSince, b.pastDueSince] : [a.nextChargeAt ?? never, b.nextChargeAt ?? never];
    return left < right ? -1 : left > right ? 1 : 0;
  });
}

/** The merchant's subscriptions, what they bring in and which need attention. */
export function Subscriptions(props: {
  subscriptions: Indexed<{ list: indexer.IndexedSubscription[]; plans: Map<bigint, MerchantPlan> }>;
  tokens: ReadonlyMap<string, TokenInfo>;
}) {
  const { data, error, loading } = props.subscriptions;
  const rows = data === undefined ? [] : sortSubscriptions(data.list);
  const pastDue = rows.filter((row) => row.status === "past_due").length;
  const money = (amount: bigint, planId: bigint) => {
    const plan = data?.plans.get(planId);
    const token = plan === undefined ? undefined : props.tokens.get(plan.token);
    return token ? formatAmount(amount, token) : amount.toString();
  };
  return (
    <section className="card" aria-labelledby="subscriptions-heading" data-testid="subscriptions">
      <h2 id="subscriptions-heading">Subscriptions</h2>
      {!isIndexerDown(error) && <ProblemBanner error={error} />}
      {data === undefined && isIndexerDown(error) && <p className="hint">Not loaded yet: waiting for the indexer.</p>}
      {loading && data === undefined && <p aria-busy="true">Loading subscriptions…</p>}
      {data !== undefined && rows.length === 0 && <p>No subscriptions to this merchant&apos;s plans yet.</p>}
      {pastDue > 0 && (
        <p className="hint" data-testid="past-due-count">
          {pastDue === 1 ? "1 subscription is past due." : `${pastDue} subscriptions are past due.`}
        </p>
      )}
      {rows.length > 0 && (
        <div className="table-scroll">
          <table>
            <caption className="visually-hidden">Subscriptions, past due first</caption>
            <thead>
              <tr>
                <th scope="col">Subscription</th>
                <th scope="col">Subscriber</th>
                <th scope="col">Status</th>
                <th scope="col">Next charge</th>
                <th scope="col" className="number">
                  Price
                </th>
                <th scope="col" className="number">
                  Charges
                </th>
                <th scope="col" className="number">
                  Total charged
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const plan = data?.plans.get(row.planId);
                return (
                  <tr key={row.id.toString()} data-testid="subscription-row" data-subscription={row.id.toString()}>
                    <td>
                      #{row.id.toString()} <span className="subtle">plan {row.planId.toString()}</span>
                    </td>
                    <td>
                      <code title={row.subscriber}>{shortAddress(row.subscriber)}</code>
                    </td>
                    <td>
                      <StateBadge state={row.status} />
                      {row.status === "past_due" && row.pastDueSince > 0n && (
                        <span className="subtle"> since {formatTime(row.pastDueSince)}</span>
                      )}
                    </td>
                    <td>{row.nextChargeAt === null ? "—" : formatTime(row.nextChargeAt)}</td>
                    <td className="number">{plan ? money(plan.amount, row.planId) : "…"}</td>
                    <td className="number">
                      {row.successfulCharges}
                      {row.failedCharges > 0 && <span className="subtle"> ({row.failedCharges} failed)</span>}
                    </td>
                    <td className="number">{money(row.totalCharged, row.planId)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
