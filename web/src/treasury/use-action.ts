import { useCallback, useRef, useState } from "react";
import type { Step } from "../shared/components/Steps";

/** A step runner of an action: its label, then the work; the step is marked done or failed. */
export type RunStep = <T>(
  label: string,
  work: () => Promise<T>,
  detail?: (result: T) => string | undefined,
) => Promise<T>;

/**
 * One action at a time (a signature, an execution, a cancel): its steps as they progress, its error, and a lock
 * so a second click while it runs does nothing, and nothing is signed or sent twice.
 */
export function useAction() {
  const [steps, setSteps] = useState<Step[]>([]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const running = useRef(false);

  const run = useCallback(async (labels: readonly string[], action: (step: RunStep) => Promise<void>) => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setError(undefined);
    setSteps(labels.map((label) => ({ label, state: "pending" })));
    const mark = (label: string, state: Step["state"], detail?: string) =>
      setSteps((current) => current.map((step) => (step.label === label ? { ...step, state, detail } : step)));
    const step: RunStep = async (label, work, detail) => {
      mark(label, "active");
      try {
        const result = await work();
        mark(label, "done", detail?.(result));
        return result;
      } catch (thrown) {
        mark(label, "failed");
        throw thrown;
      }
    };
    try {
      await action(step);
    } catch (thrown) {
      setError(thrown);
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);

  return { steps, error, busy, run, clearError: () => setError(undefined) };
}
