/** Day 2, 13:00: the keeper sweeps the treasury's TestUSDC above its cap to cold storage. */
import * as treasury from "../../../sdk/src/treasury";
import type { ScenarioContext } from "./context";
import { SWEEP_CAP } from "./policy";

/** What the sweep moved. */
export interface Sweep {
  readonly amount: bigint;
  readonly transactionHash: string;
}

export async function sweepToColdStorage(context: ScenarioContext): Promise<Sweep> {
  const { safeAddress, tokens, show } = context;
  await context.clock(2, "13:00");
  const swept = await treasury.sweep(await context.client("keeper"), safeAddress, tokens.TestUSDC);
  const sweptEvent = swept.events.find((event) => event.name === "Swept");
  const sweptAmount = (sweptEvent?.args["amount"] as bigint | undefined) ?? 0n;
  context.step(
    `The keeper sweeps ${show(tokens.TestUSDC, sweptAmount)} from the treasury Safe to cold storage ` +
      `(${show(tokens.TestUSDC, SWEEP_CAP)} stays hot)`,
  );
  return { amount: sweptAmount, transactionHash: swept.transactionHash };
}
