import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "ethers";
import { MONTH, loadTreasury, type TreasuryFixture } from "../treasury/fixture";
import { balanceIn, deployEntry, runStep, type Deployed, type Ledger, type ShelfEntry } from "./shelf";

/**
 * The treasury module's fund-moving entry points, run with one shelf token: an operator's budget `transfer` and
 * `sweep`, each through both ways the module pays (the Safe's allowance to the module, or a call through the Safe),
 * and the queue in its own flow (see `QUEUE_FLOWS`). The module never holds the token: its balance stays 0, and the
 * Safe loses exactly what was paid.
 */

export interface TreasuryRun extends Ledger {
  f: TreasuryFixture;
}

/** The Safe holds 1,000 units; the operator has a budget of 100 a month; with `allowance`, the Safe approved the module. */
export async function startTreasuryRun(entry: ShelfEntry, allowance: boolean): Promise<TreasuryRun> {
  const f = await loadTreasury();
  const d: Deployed = await deployEntry(entry);
  const module = await f.module.getAddress();
  await (await d.token.getFunction("mint")(f.safe, 1_000n * d.unit)).wait();
  await f.policy(
    f.module.interface.encodeFunctionData("setBudget", [f.operator.address, d.address, 100n * d.unit, MONTH]),
  );
  if (allowance) {
    await f.asSafe(d.address, d.token.interface.encodeFunctionData("approve", [module, ethers.MaxUint256]));
  }
  return {
    f,
    d,
    module: f.module,
    prefix: "CofferTreasury",
    turned: false,
    parties: [f.safe, f.vendor.address, f.cold.address, f.operator.address, f.stranger.address],
    credit: async () => 0n,
    solvent: async (label) => {
      expect(await balanceIn(d, module), `${label}: tokens stuck in the treasury module`).to.equal(0n);
    },
  };
}

async function turn(run: TreasuryRun): Promise<void> {
  if (run.d.entry.turn === undefined) return;
  await run.d.entry.turn(run.d.token, { victim: run.f.vendor.address });
  run.turned = true;
}

/** The operator pays the vendor 30 units from its budget. */
async function budgetTransfer(run: TreasuryRun, label: string): Promise<boolean> {
  const module = run.f.module.connect(run.f.operator);
  const amount = 30n * run.d.unit;
  const args = [run.f.safe, run.d.address, run.f.vendor.address, amount] as const;
  const worked = await runStep(
    run,
    label,
    (s) => (s ? module.transfer.staticCall(...args) : module.transfer(...args)),
    [
      [run.f.safe, -amount],
      [run.f.vendor.address, amount],
    ],
  );
  return worked;
}

/** Anyone sweeps what exceeds a cap of 100 units to the cold address. */
async function sweep(run: TreasuryRun, label: string): Promise<boolean> {
  const module = run.f.module.connect(run.f.stranger);
  const excess = (await balanceIn(run.d, run.f.safe)) - 100n * run.d.unit;
  return runStep(
    run,
    label,
    (s) => (s ? module.sweep.staticCall(run.f.safe, run.d.address) : module.sweep(run.f.safe, run.d.address)),
    [
      [run.f.safe, -excess],
      [run.f.cold.address, excess],
    ],
  );
}

/** A budget transfer, the turn, another, then (restored) one more within the budget. */
async function transfers(run: TreasuryRun): Promise<void> {
  await budgetTransfer(run, "transfer 30 from the budget");
  await turn(run);
  await budgetTransfer(run, "transfer 30 once turned");
  await run.d.entry.restore?.(run.d.token, { victim: run.f.vendor.address });
  if (run.d.entry.restore !== undefined) run.turned = false;
  await budgetTransfer(run, "transfer 30 once restored");
}

/** A sweep rule with a cap of 100 units; the turn; a sweep; then (restored) more income and another sweep. */
async function sweeps(run: TreasuryRun): Promise<void> {
  await run.f.policy(
    run.f.module.interface.encodeFunctionData("setSweepRule", [run.d.address, run.f.cold.address, 100n * run.d.unit]),
  );
  await turn(run);
  await sweep(run, "sweep once turned");
  await run.d.entry.restore?.(run.d.token, { victim: run.f.vendor.address });
  if (run.d.entry.restore !== undefined) run.turned = false;
  await (await run.d.token.getFunction("mint")(run.f.safe, 50n * run.d.unit)).wait();
  await sweep(run, "sweep once restored");
}

/** The treasury flows (budget transfer and sweep): name → what runs. */
export const TREASURY_FLOWS: Record<string, (entry: ShelfEntry) => Promise<void>> = {
  "transfer via the Safe": async (entry) => transfers(await startTreasuryRun(entry, false)),
  "transfer via the allowance": async (entry) => transfers(await startTreasuryRun(entry, true)),
  "sweep via the Safe": async (entry) => sweeps(await startTreasuryRun(entry, false)),
  "sweep via the allowance": async (entry) => sweeps(await startTreasuryRun(entry, true)),
};

/**
 * Lets the operator queue `amount` of the run's token: the Safe sets the operator's queue limit in that token (the
 * fixture's Safe already has a 2-day delay; no limit means no queueing).
 */
export async function allowQueue(run: TreasuryRun, amount: bigint): Promise<void> {
  await run.f.policy(
    run.f.module.interface.encodeFunctionData("setQueueLimit", [run.f.operator.address, run.d.address, amount, MONTH]),
  );
}

/** The operator queues 200 units to the vendor; the token turns; after the delay anyone executes it. */
async function queued(run: TreasuryRun): Promise<void> {
  const amount = 200n * run.d.unit;
  await allowQueue(run, amount);
  const operator = run.f.module.connect(run.f.operator);
  const receipt = await (await operator.queueTransfer(run.f.safe, run.d.address, run.f.vendor.address, amount)).wait();
  const event = receipt!.logs
    .map((log) => run.f.module.interface.parseLog(log))
    .find((parsed) => parsed?.name === "TransferQueued");
  // A plain copy: ethers' decoded result is read-only, and the call encodes its argument in place.
  const transfer = (event!.args.getValue("transfer") as ethers.Result).toObject() as {
    safe: string;
    token: string;
    to: string;
    amount: bigint;
    operator: string;
    eta: bigint;
    queuedAt: bigint;
    nonce: bigint;
  };
  await turn(run);
  await time.increaseTo(transfer.eta);
  const module = run.f.module.connect(run.f.stranger);
  await runStep(
    run,
    "execute the queued 200",
    (s) => (s ? module.executeQueued.staticCall(transfer) : module.executeQueued(transfer)),
    [
      [run.f.safe, -amount],
      [run.f.vendor.address, amount],
    ],
  );
}

/** The queue flows (queueTransfer, then executeQueued by anyone): name → what runs. */
export const QUEUE_FLOWS: Record<string, (entry: ShelfEntry) => Promise<void>> = {
  "queued via the Safe": async (entry) => queued(await startTreasuryRun(entry, false)),
  "queued via the allowance": async (entry) => queued(await startTreasuryRun(entry, true)),
};
