/** The treasury Safe (SafeL2): its executions, from `SafeMultiSigTransaction` and `ExecutionSuccess`/`ExecutionFailure`. */
import { ponder, type Context } from "ponder:registry";
import { safeExecution, safeState } from "ponder:schema";
import { decodeAbiParameters } from "viem";
import { ZERO, lc, record, type Hex, type EventMeta } from "./ledger";
import { notify } from "./notifications";

ponder.on("TreasurySafe:SafeMultiSigTransaction", async ({ event, context }) => {
  const safe = lc(event.log.address);
  const [nonce, sender, threshold] = decodeAbiParameters(
    [{ type: "uint256" }, { type: "address" }, { type: "uint256" }],
    event.args.additionalInfo,
  );
  await context.db.insert(safeExecution).values({
    chainId: context.chain.id,
    safe,
    nonce,
    safeTxHash: null,
    to: lc(event.args.to),
    value: event.args.value,
    data: event.args.data,
    callOperation: event.args.operation,
    sender: lc(sender),
    threshold,
    signatures: event.args.signatures,
    success: null,
    payment: null,
    transactionHash: event.transaction.hash,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
  });
  await context.db
    .insert(safeState)
    .values({ chainId: context.chain.id, safe, lastNonce: nonce, executions: 0 })
    .onConflictDoUpdate({ lastNonce: nonce });
});

async function executed(context: Context, event: EventMeta, safeTxHash: Hex, paid: bigint, success: boolean) {
  const safe = lc(event.log.address);
  const state = await context.db.find(safeState, { chainId: context.chain.id, safe });
  if (state === null) throw new Error(`Safe ${safe} executed without a SafeMultiSigTransaction event`);
  const key = { chainId: context.chain.id, safe, nonce: state.lastNonce };
  const row = await context.db.find(safeExecution, key);
  await context.db.update(safeExecution, key).set({ safeTxHash, success, payment: paid });
  await notify(context, event, "safe.transaction_executed", {
    safe,
    safeTxHash,
    nonce: state.lastNonce.toString(),
    success,
    to: row?.to ?? null,
    // The call's value is in the chain's native token (as amounts are); the gas refund, in base units of the
    // transaction's gas token, is left unformatted.
    token: ZERO,
    value: row?.value ?? 0n,
    gasPayment: paid.toString(),
  });
  await context.db.update(safeState, { chainId: context.chain.id, safe }).set({ executions: state.executions + 1 });
  const reference = state.lastNonce.toString();
  await record(context, event, success ? "safe_execution" : "safe_execution_failed", [
    { account: safe, amount: 0n, counterparty: row?.to ?? null, reference, role: "safe" },
    ...(row === null || row.sender === safe
      ? []
      : [{ account: row.sender, amount: 0n, counterparty: safe, reference, role: "executor" as const }]),
  ]);
}

ponder.on("TreasurySafe:ExecutionSuccess", async ({ event, context }) => {
  await executed(context, event, event.args.txHash, event.args.payment, true);
});

ponder.on("TreasurySafe:ExecutionFailure", async ({ event, context }) => {
  await executed(context, event, event.args.txHash, event.args.payment, false);
});
