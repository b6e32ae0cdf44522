/**
 * The payment's lifecycle on the page: one payment at a time (a second click while one is in flight does
 * nothing), its steps as the wallet performs them, its receipt, and when Coffer's indexer has recorded it.
 */
import type { CofferClient } from "@coffer/sdk";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Step } from "../shared/components/Steps";
import { formatAmount } from "../shared/format";
import { indexerClient } from "../shared/read-client";
import type { WebConfig } from "../shared/config";
import type { ActivityListener, WalletActivity } from "../wallet/activity";
import type { CheckoutDetails } from "./details";
import { pay, SUBSCRIPTION_PERIODS, type CheckoutResult } from "./flows";

export type PaymentPhase =
  | { readonly kind: "idle" }
  | { readonly kind: "paying" }
  | { readonly kind: "done"; readonly result: CheckoutResult; readonly paidAt: number }
  | { readonly kind: "failed"; readonly error: unknown };

function stepFor(activity: WalletActivity, details: CheckoutDetails): string {
  const covered = details.request.kind === "plan" ? details.amount * BigInt(SUBSCRIPTION_PERIODS) : details.amount;
  const amount = formatAmount(covered, details.token);
  if (activity.kind === "signature") return `Sign a permit for ${amount} in your wallet (no network fee)`;
  if (activity.kind === "approve") return `Approve ${amount} for Coffer in your wallet`;
  return "Send the payment from your wallet";
}

async function isRecorded(config: WebConfig, details: CheckoutDetails, id: string): Promise<boolean> {
  const indexer = indexerClient(config);
  if (details.request.kind === "invoice") return (await indexer.invoice(config.chainId, id)) !== null;
  if (details.request.kind === "order") return (await indexer.payment(config.chainId, id)) !== null;
  return (await indexer.subscription(config.chainId, BigInt(id))) !== null;
}

export function usePayment(config: WebConfig, details: CheckoutDetails | undefined) {
  const [phase, setPhase] = useState<PaymentPhase>({ kind: "idle" });
  const [steps, setSteps] = useState<Step[]>([]);
  const [recorded, setRecorded] = useState(false);
  const inFlight = useRef(false);

  const start = useCallback(
    async (
      client: CofferClient,
      account: string,
      permitSupported: boolean,
      subscribe: (listener: ActivityListener) => () => void,
    ) => {
      if (details === undefined || inFlight.current) return;
      inFlight.current = true;
      setPhase({ kind: "paying" });
      setSteps([{ label: "Check your balance and the terms", state: "active" }]);
      const finish = (state: Step["state"]) =>
        setSteps((current) => current.map((step) => (step.state === "active" ? { ...step, state } : step)));
      const unsubscribe = subscribe((activity) => {
        if (activity.stage === "requested") {
          setSteps((current) => [
            ...current.map((step) => (step.state === "active" ? { ...step, state: "done" as const } : step)),
            { label: stepFor(activity, details), state: "active" },
          ]);
        } else if (activity.stage === "failed") {
          finish("failed");
        } else {
          const detail = activity.stage === "sent" ? activity.hash : undefined;
          setSteps((current) =>
            current.map((step) => (step.state === "active" ? { ...step, state: "done", detail } : step)),
          );
          if (activity.kind !== "signature" && activity.stage === "sent") {
            setSteps((current) => [...current, { label: "Wait for the network to confirm it", state: "active" }]);
          }
        }
      });
      try {
        const result = await pay(client, details, account, permitSupported);
        setSteps((current) => [
          ...current.map((step) => (step.state === "active" ? { ...step, state: "done" as const } : step)),
          { label: `Confirmed in block ${result.blockNumber}`, state: "done" },
          { label: "Recorded by Coffer's indexer", state: "active" },
        ]);
        setPhase({ kind: "done", result, paidAt: Math.floor(Date.now() / 1000) });
      } catch (error) {
        finish("failed");
        setPhase({ kind: "failed", error });
        inFlight.current = false; // nothing was sent: the customer may try again
      } finally {
        unsubscribe();
      }
    },
    [details],
  );

  // Once paid, wait for the indexer to have it: the merchant's dashboard reads from there.
  useEffect(() => {
    if (phase.kind !== "done" || recorded || details === undefined) return;
    const timer = setInterval(() => {
      isRecorded(config, details, phase.result.id).then(
        (seen) => {
          if (!seen) return;
          setRecorded(true);
          setSteps((current) => current.map((step) => (step.state === "active" ? { ...step, state: "done" } : step)));
        },
        () => undefined, // the indexer may be restarting; keep asking
      );
    }, 1_000);
    return () => clearInterval(timer);
  }, [phase, recorded, config, details]);

  return { phase, steps, recorded, start, clearFailure: () => setPhase({ kind: "idle" }) };
}
