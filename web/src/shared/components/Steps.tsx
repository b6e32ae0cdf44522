/** One step of an action, as the progress list shows it. */
export interface Step {
  readonly label: string;
  readonly state: "pending" | "active" | "done" | "skipped" | "failed";
  /** A transaction hash or other detail once known. */
  readonly detail?: string;
}

const MARK: Record<Step["state"], string> = { pending: "○", active: "◔", done: "●", skipped: "–", failed: "✕" };

/** The steps of an action and where it stands, announced politely to screen readers. */
export function Steps(props: { steps: readonly Step[] }) {
  if (props.steps.length === 0) return null;
  return (
    <ol className="steps" aria-live="polite" data-testid="steps">
      {props.steps.map((step) => (
        <li key={step.label} className={`step step-${step.state}`} data-state={step.state}>
          <span aria-hidden="true">{MARK[step.state]}</span> {step.label}
          <span className="visually-hidden"> ({step.state})</span>
          {step.detail && <code className="step-detail">{step.detail}</code>}
        </li>
      ))}
    </ol>
  );
}
