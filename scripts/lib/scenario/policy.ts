/** Day 1, 08:30: the treasury's policy, approved by two of its three signers. */
import { executeSafeTransaction, proposeSafeTransaction, signSafeTransaction } from "../../../sdk/src/safe";
import * as treasury from "../../../sdk/src/treasury";
import type { ScenarioContext } from "./context";
import { short, usdc } from "./format";
import { HOUR, TREASURY_QUEUE_DELAY } from "./model";

/** An executed Safe transaction. */
export interface SafeExecution {
  readonly safeTxHash: string;
  readonly transactionHash: string;
}

/** The TestUSDC that the treasury Safe keeps; the keeper sweeps the rest to cold storage. */
export const SWEEP_CAP = usdc("100");

/**
 * Enables the treasury module (unless the deployment did), keeps {@link SWEEP_CAP} of TestUSDC hot and sweeps the
 * rest to cold storage, and delays queued transfers by {@link TREASURY_QUEUE_DELAY}: one batch, signed by signers 1
 * and 2.
 */
export async function approveTreasuryPolicy(context: ScenarioContext): Promise<SafeExecution> {
  const { accounts, safeAddress, tokens, show } = context;
  await context.clock(1, "08:30");
  const signer1 = await context.treasurySigner("treasurySigner1");
  const signer2 = await context.treasurySigner("treasurySigner2");
  const keeperClient = await context.client("keeper");
  const enable = await treasury.policy.enableModule(keeperClient, safeAddress);
  const sweepRule = await treasury.policy.setSweepRule(keeperClient, tokens.TestUSDC, accounts.coldWallet, SWEEP_CAP);
  // A day's delay before any queued transfer can leave, so that the signers can cancel it. The shop has no
  // operators: no queue limit is set, and so nobody can queue (the module's default).
  const queueDelay = await treasury.policy.setQueueDelay(keeperClient, TREASURY_QUEUE_DELAY);
  const safe = signer1.safeContract(safeAddress);
  const moduleEnabled = (await safe.getFunction("isModuleEnabled")(
    context.contractAddress("CofferTreasuryModule"),
  )) as boolean;
  const proposed = await proposeSafeTransaction(signer1, {
    kind: "batch",
    calls: moduleEnabled ? [sweepRule, queueDelay] : [enable, sweepRule, queueDelay],
  });
  const { file } = await signSafeTransaction(signer2, proposed);
  const executed = await executeSafeTransaction(signer2, file, { executorApproves: false });
  const policy = { safeTxHash: executed.safeTxHash, transactionHash: executed.transactionHash };
  context.step(
    `Treasury signers 1 and 2 approve the Safe's policy: treasury module enabled, ` +
      `${show(tokens.TestUSDC, SWEEP_CAP)} kept hot, the rest swept to cold storage, ` +
      `a ${TREASURY_QUEUE_DELAY / HOUR}-hour delay on queued transfers (Safe tx ${short(policy.safeTxHash)})`,
  );
  return policy;
}
