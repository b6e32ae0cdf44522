import { escrow, type CofferClient, type CofferReceipt, type indexer, type TokenInfo } from "@coffer/sdk";
import { useEffect, useId, useRef, useState } from "react";
import { formatAmount, formatBps, formatUnits } from "../../shared/format";
import { Steps, type Step } from "../../shared/components/Steps";
import type { ActivityListener } from "../../wallet/activity";
import { amountForInput, parseAmount } from "../amount-input";
import { paymentStruct, type MerchantPayment } from "../data";
import { ActionProblem } from "./ActionProblem";
import { StateBadge } from "./StateBadge";

/** The operator's actions on a held or captured payment. */
export type ActionKind = "capture" | "void" | "refund";

const VERB: Record<ActionKind, string> = { capture: "Capture", void: "Void", refund: "Refund" };

/** Why `amount` cannot be sent, or undefined when it can. */
function amountProblem(
  amount: bigint | undefined,
  maximum: bigint,
  token: TokenInfo,
  what: string,
): string | undefined {
  if (amount === undefined)
    return `Enter an amount in ${token.symbol}, e.g. ${formatUnits(1_250n, 2)} (at most ${token.decimals} decimals).`;
  if (amount <= 0n) return "The amount must be more than zero.";
  if (amount > maximum) return `At most ${formatAmount(maximum, token)} can be ${what}.`;
  return undefined;
}

/** Waits until the indexer has indexed `block`, then returns the payment as it now stands. */
async function indexedPayment(
  client: indexer.IndexerClient,
  chainId: number,
  paymentId: string,
  block: number,
): Promise<indexer.IndexedPaymentWithSteps | null> {
  for (let attempt = 0; attempt < 120; attempt++) {
    const indexed = await client.indexedBlock(chainId).catch(() => undefined);
    if (indexed !== undefined && indexed >= block) return client.payment(chainId, paymentId);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return null;
}

/**
 * One action's form, progress and outcome: the amount (and fee rate for a capture) with its bounds, the steps
 * while the wallet signs and the chain and then the indexer confirm, and the payment's new state. The button is
 * disabled from the first click until the action settles, so nothing is ever sent twice.
 */
export function PaymentAction(props: {
  kind: ActionKind;
  payment: MerchantPayment;
  token: TokenInfo;
  client: CofferClient;
  /** Hears what the page asks of the wallet, for the steps. */
  subscribe: (listener: ActivityListener) => () => void;
  indexer: indexer.IndexerClient;
  chainId: number;
  onClose: () => void;
}) {
  const { kind, payment, token } = props;
  const id = useId();
  const maximum = kind === "refund" ? payment.refundable : payment.capturable;
  const [amountText, setAmountText] = useState(amountForInput(maximum, token.decimals));
  const [feeText, setFeeText] = useState(String(payment.minFeeBps));
  const [steps, setSteps] = useState<Step[]>([]);
  const [error, setError] = useState<unknown>();
  /** The mined transaction, and the payment's state once the indexer has it. */
  const [result, setResult] = useState<{ state: indexer.IndexedPaymentState | undefined; receipt: CofferReceipt }>();
  const [running, setRunning] = useState(false);
  const inFlight = useRef(false);
  const firstControl = useRef<HTMLInputElement & HTMLButtonElement>(null);
  // Opened from a row's button: take the reader (and the keyboard) straight to the form.
  useEffect(() => firstControl.current?.focus(), []);

  const amount = kind === "void" ? payment.capturable : parseAmount(amountText, token.decimals);
  const amountError =
    kind === "void" ? undefined : amountProblem(amount, maximum, token, kind === "refund" ? "refunded" : "captured");
  const feeBps = Number(feeText);
  const feeError =
    kind !== "capture"
      ? undefined
      : !/^\d+$/.test(feeText.trim()) || feeBps < payment.minFeeBps || feeBps > payment.maxFeeBps
        ? `The fee must be a whole number of basis points from ${payment.minFeeBps} to ${payment.maxFeeBps}.`
        : undefined;
  const invalid = amountError !== undefined || feeError !== undefined;

  const submit = async () => {
    if (inFlight.current || invalid || amount === undefined) return;
    inFlight.current = true;
    setRunning(true);
    setError(undefined);
    setResult(undefined);
    // The steps follow what the wallet is really asked: a refund may need an approval first, the SDK decides.
    const settle = (state: Step["state"], detail?: string) => (current: Step[]) =>
      current.map((step) => (step.state === "active" ? { ...step, state, detail: detail ?? step.detail } : step));
    const then = (label: string) => (current: Step[]) => [
      ...settle("done")(current),
      { label, state: "active" as const },
    ];
    setSteps([{ label: "Check with the escrow contract", state: "active" }]);
    const unsubscribe = props.subscribe((activity) => {
      if (activity.stage === "requested") {
        setSteps(
          then(
            activity.kind === "approve"
              ? `Approve ${formatAmount(amount, token)} for the refund in your wallet`
              : `Confirm the ${kind} in your wallet`,
          ),
        );
      } else if (activity.stage === "failed") {
        setSteps(settle("failed"));
      } else if (activity.stage === "sent") {
        setSteps((current) => [
          ...settle("done", activity.hash)(current),
          {
            label: activity.kind === "approve" ? "Wait for the approval to confirm" : "Wait for the network to confirm",
            state: "active",
          },
        ]);
      }
    });
    try {
      const struct = paymentStruct(payment);
      const receipt =
        kind === "capture"
          ? await escrow.capture(props.client, struct, amount, feeBps)
          : kind === "void"
            ? await escrow.voidPayment(props.client, struct)
            : await escrow.refund(props.client, struct, amount);
      unsubscribe();
      setSteps((current) => [
        ...settle("done")(current),
        { label: `Confirmed in block ${receipt.blockNumber}`, state: "done" },
        { label: "Recorded by Coffer's indexer", state: "active" },
      ]);
      // Sent and mined: from here on a slow or unreachable indexer only delays the list, it fails nothing.
      const indexed = await indexedPayment(props.indexer, props.chainId, payment.id, receipt.blockNumber).catch(
        () => null,
      );
      setSteps(
        settle(
          indexed ? "done" : "skipped",
          indexed ? undefined : "Not recorded yet: the list shows the new state when it is.",
        ),
      );
      setResult({ state: indexed?.state, receipt });
    } catch (thrown) {
      setError(thrown);
      setSteps(settle("failed"));
    } finally {
      unsubscribe();
      inFlight.current = false;
      setRunning(false);
    }
  };

  const verb = VERB[kind];
  const busyLabel = kind === "capture" ? "Capturing…" : kind === "void" ? "Voiding…" : "Refunding…";
  return (
    <form
      className="action-form"
      aria-label={`${verb} payment`}
      data-testid={`${kind}-form`}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape" && !running) props.onClose();
      }}
    >
      {kind === "void" ? (
        <p>
          Return everything held, {formatAmount(payment.capturable, token)}, to the customer. The payment can no longer
          be captured.
        </p>
      ) : (
        <div className="field">
          <label htmlFor={`${id}-amount`}>
            Amount to {kind} ({token.symbol})
          </label>
          <input
            id={`${id}-amount`}
            name="amount"
            inputMode="decimal"
            autoComplete="off"
            value={amountText}
            disabled={running || result !== undefined}
            aria-invalid={amountError !== undefined}
            aria-describedby={`${id}-amount-hint`}
            onChange={(event) => setAmountText(event.target.value)}
            ref={firstControl}
            data-testid="action-amount"
          />
          <p id={`${id}-amount-hint`} className={amountError ? "field-error" : "hint"}>
            {amountError ?? `Up to ${formatAmount(maximum, token)}.`}
          </p>
        </div>
      )}
      {kind === "capture" && (
        <div className="field">
          <label htmlFor={`${id}-fee`}>Fee (basis points)</label>
          <input
            id={`${id}-fee`}
            name="feeBps"
            inputMode="numeric"
            autoComplete="off"
            value={feeText}
            disabled={running || result !== undefined || payment.minFeeBps === payment.maxFeeBps}
            aria-invalid={feeError !== undefined}
            aria-describedby={`${id}-fee-hint`}
            onChange={(event) => setFeeText(event.target.value)}
            data-testid="action-fee"
          />
          <p id={`${id}-fee-hint`} className={feeError ? "field-error" : "hint"}>
            {feeError ??
              `From ${payment.minFeeBps} to ${payment.maxFeeBps} (${formatBps(payment.minFeeBps)}–${formatBps(payment.maxFeeBps)}); ` +
                `${feeBps} is ${formatBps(feeBps)}.`}
          </p>
        </div>
      )}
      <Steps steps={steps} />
      <ActionProblem error={error} context={{ kind, token }} onDismiss={() => setError(undefined)} />
      {result !== undefined && (
        <p className="notice" role="status" data-testid="action-result">
          {result.state !== undefined ? (
            <>
              Done: the payment is now <StateBadge state={result.state} />
            </>
          ) : (
            `Done: confirmed in block ${result.receipt.blockNumber}. The indexer has not caught up yet; the list shows the new state when it does.`
          )}
        </p>
      )}
      <div className="actions">
        {result === undefined && (
          <button
            type="submit"
            disabled={running || invalid}
            ref={kind === "void" ? firstControl : undefined}
            data-testid="action-submit"
          >
            {running
              ? busyLabel
              : kind === "void"
                ? "Void payment"
                : `${verb} ${amount !== undefined && !amountError ? formatAmount(amount, token) : ""}`.trim()}
          </button>
        )}
        <button type="button" className="secondary" onClick={props.onClose} disabled={running}>
          {result === undefined ? "Cancel" : "Close"}
        </button>
      </div>
    </form>
  );
}
