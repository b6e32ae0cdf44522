import { treasury, type indexer } from "@coffer/sdk";
import {
  buildSafeTransactionFile,
  mergeSignatures,
  signSafeTransactionFile,
  type SafeTransactionFile,
  type SignatureServiceClient,
} from "@coffer/sdk/safe-tx";
import type { ethers } from "ethers";
import { useState } from "react";
import { Steps } from "../shared/components/Steps";
import { formatAmount, formatTime, shortAddress } from "../shared/format";
import { stateLabel } from "../shared/states";
import type { IndexedQueuedTransfer } from "./policy-data";
import type { TreasuryReaders } from "./read-client";
import { TreasuryProblem } from "./TreasuryProblem";
import { useAction } from "./use-action";

const SIGN = "Sign the cancel proposal in your wallet";
const SHARE = "Propose it to the other owners through the approval service";

const STATUS_BADGE: Readonly<Record<indexer.IndexedQueuedTransferStatus, string>> = {
  queued: "badge-warn",
  executed: "badge-ok",
  canceled: "badge-bad",
};

/**
 * A queued transfer; a queued one can be canceled, which is a Safe transaction: the connected owner signs the
 * proposal here, and the other owners sign and execute it from the queue like any other.
 */
export function QueuedTransferRow(props: {
  transfer: IndexedQueuedTransfer;
  now: bigint;
  safe: string;
  readers: TreasuryReaders;
  service: SignatureServiceClient | undefined;
  signer?: ethers.Signer;
  onProposed: (file: SafeTransactionFile) => void;
}) {
  const { transfer, now, readers, service, signer } = props;
  const action = useAction();
  const [proposed, setProposed] = useState<SafeTransactionFile>();
  const amount = formatAmount(transfer.amount, transfer.tokenInfo);

  const cancel = () =>
    action.run([SIGN, SHARE], async (step) => {
      if (signer === undefined || service === undefined) return;
      const signed = await step(SIGN, async () => {
        const call = await treasury.policy.cancelQueued(readers.client, transfer.struct);
        const file = await buildSafeTransactionFile({
          runner: signer,
          safeAddress: props.safe,
          call,
          store: service,
          proposer: await signer.getAddress(),
          note: `Cancel the queued transfer of ${amount} to ${transfer.to}`,
        });
        return mergeSignatures(file, [await signSafeTransactionFile(signer, file)]);
      });
      const stored = await step(
        SHARE,
        () => service.add(signed),
        (file) => `Nonce ${file.transaction.nonce}`,
      );
      setProposed(stored);
      props.onProposed(stored);
    });

  const ready = transfer.window !== undefined && transfer.window.earliest <= now;
  return (
    <tr data-testid="queued-transfer" data-transfer-id={transfer.id}>
      <td>
        <span
          className={`badge ${STATUS_BADGE[transfer.status]}`}
          data-testid="queued-status"
          data-status={transfer.status}
        >
          {stateLabel(transfer.status)}
        </span>
      </td>
      <td className="number">{amount}</td>
      <td>
        <code title={transfer.to}>{shortAddress(transfer.to)}</code>
      </td>
      <td>
        <code title={transfer.operator}>{shortAddress(transfer.operator)}</code>
      </td>
      <td data-testid="executable-after">
        {transfer.window === undefined ? "—" : `${formatTime(transfer.window.earliest)}${ready ? " (ready)" : ""}`}
      </td>
      <td>
        {transfer.status === "queued" &&
          (proposed ? (
            <span data-testid="cancel-proposed">
              Cancel proposed as nonce {proposed.transaction.nonce}: other owners sign it in the queue.
            </span>
          ) : (
            <button
              type="button"
              className="secondary"
              onClick={() => void cancel()}
              disabled={action.busy || signer === undefined || service === undefined}
              data-testid="cancel-queued"
            >
              {action.busy ? "Proposing…" : "Cancel"}
              <span className="visually-hidden">
                {" "}
                the queued transfer of {amount} to {transfer.to}
              </span>
            </button>
          ))}
        <Steps steps={action.steps} />
        <TreasuryProblem error={action.error} onDismiss={action.clearError} />
      </td>
    </tr>
  );
}
