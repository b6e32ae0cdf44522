import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "ethers";
import hre from "hardhat";
import { SCALE, addressesOf, configOf, createSplit, loadSplits, splitOf } from "./fixture";

/** Allocations of `n` recipients: the gaps between n - 1 distinct cut points of the scale, so each is at least 1. */
const allocationsArbitrary = (n: number) =>
  fc.uniqueArray(fc.integer({ min: 1, max: Number(SCALE) - 1 }), { minLength: n - 1, maxLength: n - 1 }).map((cuts) => {
    const points = [0, ...cuts.sort((a, b) => a - b), Number(SCALE)];
    return points.slice(1).map((point, i) => BigInt(point - points[i]!));
  });

/** A split of 1 to `max` recipients: allocations, which of them are blocklisted, the incentive and the mode. */
const splitArbitrary = (max: number) =>
  fc.integer({ min: 1, max }).chain((n) =>
    fc.record({
      allocations: allocationsArbitrary(n),
      blocked: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      incentive: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50_000 })),
      pullOnly: fc.boolean(),
    }),
  );

let run = 0;

/**
 * Deploys a USDC-like blocklist token and the split of a generated case, blocklisting the chosen recipients: fresh
 * addresses, or signers 10 to 19 (who can withdraw) when `signers` is set.
 */
async function deploy(
  generated: { allocations: bigint[]; blocked: boolean[]; incentive: number; pullOnly: boolean },
  signers = false,
) {
  const f = await loadSplits();
  const n = generated.allocations.length;
  const accounts = signers
    ? (await hre.ethers.getSigners()).slice(10, 10 + n).map((signer) => signer.address)
    : addressesOf(`property ${++run}`, n);
  const config = configOf(
    accounts.map((account, i) => ({ account, allocation: generated.allocations[i]! })),
    { distributionIncentive: generated.incentive, pullOnly: generated.pullOnly },
  );
  const split = await createSplit(f, config);
  const token = await hre.ethers.deployContract("BlocklistToken");
  const blocked = new Set(accounts.filter((_, i) => generated.blocked[i]));
  for (const account of blocked) await token.blocklist(account);
  return { f, accounts, config, split, token, tokenAddress: await token.getAddress(), blocked };
}

describe("CofferSplit properties", function () {
  it("payouts + credits + incentive + remainder = the amount distributed; remainder < recipients; nobody gets more than its share", async function () {
    await fc.assert(
      fc.asyncProperty(splitArbitrary(12), fc.bigInt({ min: 1n, max: 10n ** 30n }), async (generated, deposit) => {
        const { f, accounts, config, split, token, tokenAddress, blocked } = await deploy(generated);
        const address = await split.getAddress();
        await token.mint(address, deposit);
        const keeperBefore = await token.balanceOf(f.keeper.address);
        const { incentive, shares, distributed, dust } = splitOf(config, deposit);
        if (dust) {
          // No share reaches a unit: nothing is distributed and no incentive paid.
          await expect(split.connect(f.keeper).distribute(config, tokenAddress, ethers.ZeroAddress))
            .to.be.revertedWithCustomError(split, "CofferSplitDustOnly")
            .withArgs(tokenAddress, deposit);
          return;
        }
        await expect(split.connect(f.keeper).distribute(config, tokenAddress, ethers.ZeroAddress))
          .to.emit(split, "Distributed")
          .withArgs(
            tokenAddress,
            f.keeper.address,
            deposit - (deposit * BigInt(generated.incentive)) / SCALE,
            incentive,
          );
        // The incentive is at most its rate of what left the split (incentive + shares), and at most its rate of
        // what the split held.
        const rate = BigInt(generated.incentive);
        expect(incentive * (SCALE - rate)).to.be.at.most(distributed * rate);
        expect(incentive * SCALE).to.be.at.most(deposit * rate);

        let paid = 0n;
        let credited = 0n;
        for (const account of accounts) {
          const got = await token.balanceOf(account);
          const credit = await split.creditOf(account, tokenAddress);
          // Exactly its share, rounded down: pushed, or credited when blocklisted or pull-only.
          expect(got + credit).to.equal(shares.get(account));
          if (generated.pullOnly || blocked.has(account)) expect(got).to.equal(0n);
          else expect(credit).to.equal(0n);
          paid += got;
          credited += credit;
        }
        expect((await token.balanceOf(f.keeper.address)) - keeperBefore).to.equal(incentive);
        const remainder = (await token.balanceOf(address)) - (await split.owed(tokenAddress));
        expect(await split.owed(tokenAddress)).to.equal(credited);
        expect(paid + credited + incentive + remainder).to.equal(deposit);
        // Rounding keeps less than a unit per recipient, plus what the incentive's bound kept back.
        expect(remainder).to.be.lessThan(BigInt(accounts.length) + (deposit * rate) / SCALE - incentive);
        expect(remainder).to.be.at.least(0n);
      }),
      { numRuns: 40 },
    );
  });

  it("over any sequence of deposits, distributions, withdrawals, blocks and pauses, credits stay covered, and every recipient gets exactly the sum of its shares", async function () {
    const action = fc.oneof(
      fc.record({ kind: fc.constant("deposit" as const), amount: fc.bigInt({ min: 1n, max: 10n ** 12n }) }),
      fc.record({ kind: fc.constant("distribute" as const) }),
      fc.record({ kind: fc.constant("withdraw" as const), who: fc.nat() }),
      fc.record({ kind: fc.constant("toggleBlock" as const), who: fc.nat() }),
      fc.record({ kind: fc.constant("togglePause" as const) }),
    );
    await fc.assert(
      fc.asyncProperty(
        splitArbitrary(10),
        fc.array(action, { minLength: 1, maxLength: 15 }),
        async (generated, actions) => {
          const { f, accounts, config, split, token, tokenAddress, blocked } = await deploy(generated, true);
          const address = await split.getAddress();
          const signers = await hre.ethers.getSigners();
          const signerOf = new Map(signers.map((signer) => [signer.address, signer]));
          // The model: what each recipient is entitled to in total, and what it withdrew elsewhere.
          const entitled = new Map(accounts.map((account) => [account, 0n]));
          const withdrawnElsewhere = new Map(accounts.map((account) => [account, 0n]));
          const elsewhere = addressesOf("elsewhere", 1)[0]!;
          let paused = false;
          for (const step of actions) {
            if (step.kind === "deposit") {
              if (!paused) await token.mint(address, step.amount);
            } else if (step.kind === "distribute") {
              const available = (await token.balanceOf(address)) - (await split.owed(tokenAddress));
              if (available === 0n) continue;
              const outcome = splitOf(config, available);
              if (outcome.dust) {
                await expect(split.connect(f.keeper).distribute(config, tokenAddress, ethers.ZeroAddress))
                  .to.be.revertedWithCustomError(split, "CofferSplitDustOnly")
                  .withArgs(tokenAddress, available);
                continue;
              }
              await split.connect(f.keeper).distribute(config, tokenAddress, ethers.ZeroAddress);
              for (const [account, share] of outcome.shares) {
                entitled.set(account, entitled.get(account)! + share);
              }
            } else if (step.kind === "withdraw") {
              // A recipient withdraws its credit: to itself, or elsewhere when it is blocklisted.
              const account = accounts[step.who % accounts.length]!;
              const credit = await split.creditOf(account, tokenAddress);
              if (paused || credit === 0n) continue;
              const to = blocked.has(account) ? elsewhere : account;
              await split.connect(signerOf.get(account)!).withdraw(tokenAddress, to);
              if (to === elsewhere) withdrawnElsewhere.set(account, withdrawnElsewhere.get(account)! + credit);
            } else if (step.kind === "toggleBlock") {
              const account = accounts[step.who % accounts.length]!;
              if (blocked.has(account)) {
                await token.unblocklist(account);
                blocked.delete(account);
              } else {
                await token.blocklist(account);
                blocked.add(account);
              }
            } else {
              if (paused) await token.unpause();
              else await token.pause();
              paused = !paused;
            }
            // Invariants after every step: each recipient has received or is owed exactly the sum of its shares,
            // owed is the sum of the credits (the keeper's credited incentives included), and the split covers it.
            const owed = await split.owed(tokenAddress);
            let credits = await split.creditOf(f.keeper.address, tokenAddress);
            for (const account of accounts) {
              const credit = await split.creditOf(account, tokenAddress);
              credits += credit;
              const received = (await token.balanceOf(account)) + withdrawnElsewhere.get(account)!;
              expect(received + credit).to.equal(entitled.get(account));
            }
            expect(owed).to.equal(credits);
            expect(await token.balanceOf(address)).to.be.at.least(owed);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
