import type { GasFigures } from "./measure";

/** The differences that make a check fail: more gas, or an operation added or removed. */
export function compareToSnapshot(snapshot: GasFigures, measured: GasFigures): string[] {
  const problems: string[] = [];
  for (const [name, gas] of Object.entries(measured)) {
    const before = snapshot[name];
    if (before === undefined) problems.push(`${name}: not in the snapshot (now ${gas})`);
    else if (gas > before)
      problems.push(
        `${name}: ${before} → ${gas} (+${gas - before}, +${(((gas - before) / before) * 100).toFixed(2)}%)`,
      );
  }
  for (const name of Object.keys(snapshot)) {
    if (!(name in measured)) problems.push(`${name}: in the snapshot but no longer measured`);
  }
  return problems;
}
