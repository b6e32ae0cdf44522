/** Day 2, 12:30: the treasury pays the green-bean importer, approved by two of its three signers. */
import { executeSafeTransaction, proposeSafeTransaction, signSafeTransaction } from "../../../sdk/src/safe";
import type { ScenarioContext } from "./context";
import { short, usdc } from "./format";
import type { SafeExecution } from "./policy";

/** Signer 1 proposes the transfer; signer 2 co-signs and executes it. */
export async function paySupplier(context: ScenarioContext): Promise<SafeExecution> {
  const { accounts, tokens } = context;
  const signer1 = await context.treasurySigner("treasurySigner1");
  const signer2 = await context.treasurySigner("treasurySigner2");
  await context.clock(2, "12:30");
  const payoutAmount = usdc("60");
  const proposed = await proposeSafeTransaction(
    signer1,
    { kind: "transfer", token: tokens.TestUSDC, to: accounts.supplier, amount: payoutAmount },
    { note: "Green beans, invoice GB-77" },
  );
  context.step(
    `Treasury signer 1 proposes paying the green-bean importer ${context.show(tokens.TestUSDC, payoutAmount)} (Safe tx ${short(proposed.safeTxHash)})`,
  );
  const { file } = await signSafeTransaction(signer2, proposed);
  const executed = await executeSafeTransaction(signer2, file, { executorApproves: false });
  context.step(`Treasury signer 2 co-signs and executes it: 2 of 3 signatures, paid in block ${executed.blockNumber}`);
  return { safeTxHash: executed.safeTxHash, transactionHash: executed.transactionHash };
}
