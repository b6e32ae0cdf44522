import { describeActionProblem, type ActionContext } from "../action-problems";

/** An action's error, readable, announced to screen readers: the shared banner's look with the escrow's words. */
export function ActionProblem(props: { error: unknown; context: ActionContext; onDismiss: () => void }) {
  if (props.error === undefined) return null;
  const problem = describeActionProblem(props.error, props.context);
  return (
    <div className="problem" role="alert" data-testid="problem">
      <strong className="problem-title">{problem.title}</strong>
      <p className="problem-detail">{problem.detail}</p>
      <button type="button" className="link" onClick={props.onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
