import type { SafeExecution } from "@coffer/sdk/safe-tx";
import type { ethers } from "ethers";
import { useCallback, useState } from "react";
import { shortAddress } from "../shared/format";
import { PendingTransaction } from "./PendingTransaction";
import { loadQueue, type PendingTransaction as Pending } from "./queue-data";
import type { TreasuryReaders } from "./read-client";
import { TreasuryProblem } from "./TreasuryProblem";
import { usePolling } from "./use-polling";

/** An execution made from this page, shown once its transaction left the queue. */
interface Executed {
  readonly execution: SafeExecution;
  readonly title: string;
  readonly nonce: number;
}

/** The Safe's transaction queue: pending transactions by nonce, each to sign or execute. */
export function QueueSection(props: {
  readers: TreasuryReaders;
  chainId: number;
  safe: string;
  account?: string;
  signer?: ethers.Signer;
  /** Bumped by the page when it proposed something, to reload at once. */
  reloadKey: number;
}) {
  const { readers, chainId, safe, account, signer, reloadKey } = props;
  // A new reloadKey makes a new loader, which loads at once.
  const load = useCallback(() => loadQueue(readers, chainId, safe), [readers, chainId, safe, reloadKey]);
  const queue = usePolling(load, 4_000);
  const [executed, setExecuted] = useState<Executed[]>([]);
  const onExecuted = (execution: SafeExecution, pending: Pending) => {
    setExecuted((list) => [
      { execution, title: pending.summary.title, nonce: pending.file.transaction.nonce },
      ...list,
    ]);
    void queue.refresh();
  };
  const info = queue.data?.info;
  const pending = queue.data?.pending ?? [];
  const service = readers.service;

  return (
    <section className="card" aria-labelledby="queue-heading" data-testid="queue">
      <h2 id="queue-heading">Transaction queue</h2>
      {info && (
        <p data-testid="safe-info">
          {info.threshold} of {info.owners.length} owners must sign. Next nonce: {info.nonce}. Owners:{" "}
          {info.owners.map((owner, index) => (
            <span key={owner} title={owner}>
              {index > 0 && ", "}
              <code>{shortAddress(owner)}</code>
            </span>
          ))}
          .
        </p>
      )}
      {info && account !== undefined && !info.owners.includes(account) && (
        <p className="hint" data-testid="not-owner">
          Your account {shortAddress(account)} is not an owner of this Safe: it can execute transactions that have
          enough signatures, but not sign them.
        </p>
      )}
      {account === undefined && <p className="hint">Connect an owner&apos;s wallet to sign or execute.</p>}
      {readers.service === undefined && (
        <p className="problem" role="alert">
          No Safe approval service is configured for this app (safeServiceUrl in config.json): pending transactions
          can&apos;t be shown.
        </p>
      )}
      <TreasuryProblem error={queue.error ?? queue.data?.serviceError} />
      {executed.map((item) => (
        <div className="notice" role="status" key={item.execution.transactionHash} data-testid="executed">
          Executed nonce {item.nonce}: {item.title}. Transaction <code>{item.execution.transactionHash}</code>
        </div>
      ))}
      {queue.loading && queue.data === undefined && queue.error === undefined && (
        <p aria-busy="true">Loading the queue…</p>
      )}
      {queue.data !== undefined && pending.length === 0 && <p data-testid="queue-empty">No pending transactions.</p>}
      {info && pending.length > 0 && service && (
        <ol className="pending-list" aria-label="Pending transactions">
          {pending.map((item) => (
            <PendingTransaction
              key={item.file.safeTxHash}
              pending={item}
              info={info}
              account={account}
              signer={signer}
              service={service}
              onSigned={() => void queue.refresh()}
              onExecuted={onExecuted}
            />
          ))}
        </ol>
      )}
    </section>
  );
}
