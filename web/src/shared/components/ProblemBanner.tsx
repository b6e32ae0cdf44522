import { describeProblem, type ProblemContext } from "../messages";

/** An error, readable, announced to screen readers; `onDismiss` adds a close button. */
export function ProblemBanner(props: { error: unknown; context?: ProblemContext; onDismiss?: () => void }) {
  if (props.error === undefined) return null;
  const problem = describeProblem(props.error, props.context);
  return (
    <div className="problem" role="alert" data-testid="problem">
      <strong className="problem-title">{problem.title}</strong>
      <p className="problem-detail">{problem.detail}</p>
      {props.onDismiss && (
        <button type="button" className="link" onClick={props.onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}
