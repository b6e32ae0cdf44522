import type { SafeTransactionFile } from "@coffer/sdk/safe-tx";
import type { ethers } from "ethers";
import { useCallback } from "react";
import { formatAmount, shortAddress } from "../shared/format";
import { formatDuration } from "./durations";
import { loadPolicy } from "./policy-data";
import { QueuedTransferRow } from "./QueuedTransferRow";
import type { TreasuryReaders } from "./read-client";
import { TreasuryProblem } from "./TreasuryProblem";
import { usePolling } from "./use-polling";

/** Operator budgets, queue limits and queued transfers of the Safe, live from the indexer. */
export function PolicySection(props: {
  readers: TreasuryReaders;
  chainId: number;
  safe: string;
  signer?: ethers.Signer;
  onProposed: (file: SafeTransactionFile) => void;
}) {
  const { readers, chainId, safe } = props;
  const load = useCallback(() => loadPolicy(readers, chainId, safe), [readers, chainId, safe]);
  const policy = usePolling(load, 4_000);
  const data = policy.data;

  return (
    <>
      <section className="card" aria-labelledby="budgets-heading" data-testid="budgets">
        <h2 id="budgets-heading">Operator budgets</h2>
        <TreasuryProblem error={policy.error} />
        {data && data.budgets.length === 0 && <p>No operator has a budget on this Safe.</p>}
        {data && data.budgets.length > 0 && (
          <table>
            <caption className="visually-hidden">Budget per operator and token, and what was spent this period</caption>
            <thead>
              <tr>
                <th scope="col">Operator</th>
                <th scope="col" className="number">
                  Budget
                </th>
                <th scope="col">Period</th>
                <th scope="col" className="number">
                  Spent this period
                </th>
                <th scope="col" className="number">
                  Left
                </th>
              </tr>
            </thead>
            <tbody>
              {data.budgets.map((budget) => (
                <tr key={`${budget.operator}:${budget.token}`} data-testid="budget" data-operator={budget.operator}>
                  <td>
                    <code title={budget.operator}>{shortAddress(budget.operator)}</code>
                  </td>
                  <td className="number">{formatAmount(budget.amount, budget.tokenInfo)}</td>
                  <td>{formatDuration(budget.period)}</td>
                  <td className="number" data-testid="budget-spent">
                    {formatAmount(budget.spentNow, budget.tokenInfo)}
                  </td>
                  <td className="number">
                    {formatAmount(
                      budget.amount > budget.spentNow ? budget.amount - budget.spentNow : 0n,
                      budget.tokenInfo,
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {data && data.queueLimits.length > 0 && (
          <>
            <h3>Queue limits</h3>
            <ul data-testid="queue-limits">
              {data.queueLimits.map((limit) => (
                <li key={`${limit.operator}:${limit.token}`}>
                  Operator <code title={limit.operator}>{shortAddress(limit.operator)}</code> may queue{" "}
                  {formatAmount(limit.amount, limit.tokenInfo)} per {formatDuration(limit.period)} (queued in all:{" "}
                  {formatAmount(limit.totalQueued, limit.tokenInfo)})
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
      <section className="card" aria-labelledby="queued-heading" data-testid="queued-transfers">
        <h2 id="queued-heading">Queued transfers</h2>
        {data && data.queued.length === 0 && <p>No queued transfers.</p>}
        {data && data.queued.length > 0 && (
          <table>
            <caption className="visually-hidden">Transfers operators queued behind the Safe&apos;s delay</caption>
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col" className="number">
                  Amount
                </th>
                <th scope="col">To</th>
                <th scope="col">Operator</th>
                <th scope="col">Executable after</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {data.queued.map((transfer) => (
                <QueuedTransferRow
                  key={transfer.id}
                  transfer={transfer}
                  now={data.now}
                  safe={safe}
                  readers={readers}
                  service={readers.service}
                  signer={props.signer}
                  onProposed={(file) => {
                    props.onProposed(file);
                    void policy.refresh();
                  }}
                />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
