import { describeTreasuryProblem } from "./problems";

/** A treasury error, readable, announced to screen readers. */
export function TreasuryProblem(props: { error: unknown; onDismiss?: () => void }) {
  if (props.error === undefined) return null;
  const problem = describeTreasuryProblem(props.error);
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
