import { expect } from "chai";
import { ethers } from "ethers";
import { configOf, createSplit, loadSplits, splitOf, type SplitConfig, type SplitsFixture } from "../splits/fixture";
import type { CofferSplit } from "../../typechain-types";
import { balanceIn, deployEntry, expectReceived, runStep, type Deployed, type Ledger, type ShelfEntry } from "./shelf";

/**
 * A split's fund-moving entry points, run with one shelf token: income arrives, `distribute` (push or pull-only,
 * with a distributor incentive) divides it, then every recipient withdraws its credit. Solvency: the split's balance
 * always covers what it owes (`owed`).
 */

export interface SplitRun extends Ledger {
  f: SplitsFixture;
  split: CofferSplit;
  config: SplitConfig;
}

/** A split of 60% to alice and 40% to bob with a 1% distributor incentive, in push or pull-only mode. */
export async function startSplitRun(entry: ShelfEntry, pullOnly: boolean): Promise<SplitRun> {
  const f = await loadSplits();
  const d: Deployed = await deployEntry(entry);
  const config = configOf(
    [
      { account: f.alice.address, allocation: 600_000n },
      { account: f.bob.address, allocation: 400_000n },
    ],
    { distributionIncentive: 10_000, pullOnly },
  );
  const split = await createSplit(f, config);
  const address = await split.getAddress();
  return {
    f,
    d,
    split,
    config,
    module: split,
    prefix: "CofferSplit",
    turned: false,
    parties: [f.alice.address, f.bob.address, f.keeper.address, f.stranger.address],
    credit: (account) => split.creditOf(account, d.address),
    solvent: async (label) => {
      const held = await balanceIn(d, address);
      const owed = await split.owed(d.address);
      expect(held >= owed, `${label}: the split holds ${held} but owes ${owed}`).to.equal(true);
    },
  };
}

/** Income of `amount` arrives (minted to the split: no fee on the way in). */
async function income(run: SplitRun, amount: bigint): Promise<void> {
  await (await run.d.token.getFunction("mint")(await run.split.getAddress(), amount)).wait();
}

/**
 * The keeper distributes whatever is available, with the incentive to itself; `mustWork` as in `runStep` (by
 * default, whenever the token is supported and not turned).
 */
async function distribute(run: SplitRun, label: string, mustWork?: boolean): Promise<boolean> {
  const token = run.d.address;
  const available = await run.split.distributable(token);
  const { incentive, shares } = splitOf(run.config, available);
  const split = run.split.connect(run.f.keeper);
  const moves: Array<[string, bigint]> = [...shares.entries()];
  moves.push([run.f.keeper.address, incentive]);
  return runStep(
    run,
    `${label} (${available} available)`,
    (s) =>
      s
        ? split.distribute.staticCall(run.config, token, ethers.ZeroAddress)
        : split.distribute(run.config, token, ethers.ZeroAddress),
    moves,
    mustWork,
  );
}

/** Undoes the turn, then every party withdraws its credit, exactly. */
async function drain(run: SplitRun): Promise<void> {
  await run.d.entry.restore?.(run.d.token, { victim: run.f.alice.address });
  // A token that cannot be turned back (a fee, a rebase) stays hostile.
  if (run.d.entry.restore !== undefined) run.turned = false;
  for (const signer of [run.f.alice, run.f.bob, run.f.keeper]) {
    const credit = await run.split.creditOf(signer.address, run.d.address);
    if (credit === 0n) continue;
    const before = await balanceIn(run.d, signer.address);
    await run.split.connect(signer).withdraw(run.d.address, signer.address);
    const label = `withdraw the ${credit} credited to ${signer.address.slice(0, 8)}`;
    expectReceived(label, run.d, (await balanceIn(run.d, signer.address)) - before, 0n, credit, run.turned);
    expect(await run.split.creditOf(signer.address, run.d.address)).to.equal(0n);
    await run.solvent(label);
  }
}

/** Two incomes, the token turning hostile between them, each distributed; then the credits are withdrawn. */
async function twoIncomes(run: SplitRun): Promise<void> {
  await income(run, 100n * run.d.unit);
  await distribute(run, "distribute the first income");
  await income(run, 50n * run.d.unit);
  if (run.d.entry.turn !== undefined) {
    await run.d.entry.turn(run.d.token, { victim: run.f.alice.address });
    run.turned = true;
  }
  await distribute(run, "distribute the second income");
  await drain(run);
  // Nothing stays locked: the next income distributes in full.
  await income(run, 10n * run.d.unit);
  await distribute(run, "distribute the next income");
  await drain(run);
}

/** The split flows: name → what runs. */
export const SPLIT_FLOWS: Record<string, (entry: ShelfEntry) => Promise<void>> = {
  push: async (entry) => twoIncomes(await startSplitRun(entry, false)),
  "pull-only": async (entry) => twoIncomes(await startSplitRun(entry, true)),
  /**
   * Income so small that every share rounds down to 0: the distribution is refused (`CofferSplitDustOnly`), so no
   * incentive is paid for moving nothing; the dust stays and is divided with the next income.
   */
  dust: async (entry) => {
    const run = await startSplitRun(entry, false);
    await income(run, 1n);
    const worked = await distribute(run, "distribute 1 unit", false);
    expect(worked, "a distribution of dust only must be refused").to.equal(false);
    await income(run, 10n * run.d.unit);
    await distribute(run, "distribute the dust with the next income");
    await drain(run);
  },
};
