import {
  executeSafeTransactionFile,
  signSafeTransactionFile,
  type SafeExecution,
  type SafeInfo,
  type SignatureServiceClient,
} from "@coffer/sdk/safe-tx";
import type { ethers } from "ethers";
import { Steps } from "../shared/components/Steps";
import { formatAmount, shortAddress } from "../shared/format";
import type { PendingTransaction as Pending } from "./queue-data";
import { TreasuryProblem } from "./TreasuryProblem";
import { useAction } from "./use-action";

const SIGN = "Sign in your wallet";
const SHARE = "Share the signature with the approval service";
const SEND = "Check, simulate and send from your wallet";
const MINED = "Executed on chain";

/**
 * One pending Safe transaction: what it does, its nonce, its confirmations and who signed; Sign for an owner
 * who has not, Execute once the threshold is met, it is the Safe's next nonce and the Safe holds what it sends
 * (otherwise the shortfall is shown, from the SDK's `readSafeFunds`).
 */
export function PendingTransaction(props: {
  pending: Pending;
  info: SafeInfo;
  /** The connected account and its signer, when the wallet is connected on the app's chain. */
  account?: string;
  signer?: ethers.Signer;
  service: SignatureServiceClient;
  onSigned: () => void;
  onExecuted: (execution: SafeExecution, pending: Pending) => void;
}) {
  const { file, summary } = props.pending;
  const { info, account, signer } = props;
  const action = useAction();
  const confirmations = file.signatures.filter((signature) => info.owners.includes(signature.signer));
  const signed = account !== undefined && confirmations.some((signature) => signature.signer === account);
  const isOwner = account !== undefined && info.owners.includes(account);
  const enough = confirmations.length >= info.threshold;
  const isNext = file.transaction.nonce === info.nonce;
  const shortBy = props.pending.shortfalls
    .map((s) => (s.label === undefined ? `${s.short} base units of ${s.token}` : formatAmount(s.short, s.label)))
    .join(", ");
  const headingId = `tx-${file.safeTxHash}`;

  const sign = () =>
    action.run([SIGN, SHARE], async (step) => {
      if (signer === undefined) return;
      const signature = await step(SIGN, () => signSafeTransactionFile(signer, file));
      await step(SHARE, () => props.service.addSignature(file.safeTxHash, signature));
      props.onSigned();
    });
  const execute = () =>
    action.run([SEND, MINED], async (step) => {
      if (signer === undefined) return;
      // The SDK checks and simulates before the wallet is asked, and returns once the execution is mined.
      const execution = await step(SEND, () => executeSafeTransactionFile(signer, file));
      await step(
        MINED,
        async () => execution,
        (result) => result.transactionHash,
      );
      props.onExecuted(execution, props.pending);
    });

  return (
    <li
      className="card pending-tx"
      data-testid="safe-tx"
      data-safe-tx-hash={file.safeTxHash}
      aria-labelledby={headingId}
    >
      <div className="pending-tx-head">
        <span className="badge" data-testid="nonce">
          Nonce {file.transaction.nonce}
        </span>
        <h3 id={headingId} data-testid="tx-title">
          {summary.title}
        </h3>
        <span className={`badge ${enough ? "badge-ok" : "badge-warn"}`} data-testid="confirmations">
          {confirmations.length} of {info.threshold}
          <span className="visually-hidden"> confirmations</span>
        </span>
      </div>
      <ul className="tx-lines" data-testid="tx-lines">
        {summary.lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      <p className="signed-by">
        <span>Signed by: </span>
        {confirmations.length === 0 ? (
          "nobody yet"
        ) : (
          <span data-testid="signers">
            {confirmations.map((signature, index) => (
              <span key={signature.signer} title={signature.signer} data-signer={signature.signer}>
                {index > 0 && ", "}
                <code>{shortAddress(signature.signer)}</code>
                {signature.signer === account && " (you)"}
              </span>
            ))}
          </span>
        )}
      </p>
      {file.note && <p className="note">Note from the proposer: {file.note}</p>}
      <div className="actions">
        {!enough && isOwner && !signed && (
          <button
            type="button"
            onClick={() => void sign()}
            disabled={action.busy || signer === undefined}
            data-testid="sign"
          >
            {action.busy ? "Signing…" : "Sign"}
            <span className="visually-hidden"> transaction {file.transaction.nonce}</span>
          </button>
        )}
        {enough && (
          <button
            type="button"
            onClick={() => void execute()}
            disabled={action.busy || signer === undefined || !isNext || shortBy !== ""}
            aria-describedby={shortBy !== "" ? `${headingId}-short` : !isNext ? `${headingId}-wait` : undefined}
            data-testid="execute"
          >
            {action.busy ? "Executing…" : "Execute"}
            <span className="visually-hidden"> transaction {file.transaction.nonce}</span>
          </button>
        )}
      </div>
      {shortBy !== "" && (
        <p id={`${headingId}-short`} className="problem" data-testid="shortfall">
          Not executable: short by {shortBy}. The Safe holds less than this transaction sends.
        </p>
      )}
      {enough && !isNext && (
        <p id={`${headingId}-wait`} className="hint">
          The Safe is at nonce {info.nonce}: the transactions before this one go first.
        </p>
      )}
      {!enough && signed && (
        <p className="hint" data-testid="awaiting">
          You signed; waiting for {info.threshold - confirmations.length} more owner
          {info.threshold - confirmations.length === 1 ? "" : "s"}.
        </p>
      )}
      <Steps steps={action.steps} />
      <TreasuryProblem error={action.error} onDismiss={action.clearError} />
    </li>
  );
}
