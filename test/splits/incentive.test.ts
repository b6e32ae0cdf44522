import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "ethers";
import hre from "hardhat";
import { SCALE, addressesOf, configOf, createSplit, equalConfig, loadSplits, splitOf } from "./fixture";

/** The largest incentive, 5%, in millionths. */
const MAX_INCENTIVE = 50_000;

/** A split of 100 recipients at 1% each with a 5% incentive, and a 2-decimal token (1.00 = 100 units). */
async function dustSetUp(pullOnly: boolean) {
  const f = await loadSplits();
  const config = equalConfig(addressesOf(`dust ${pullOnly}`, 100), { distributionIncentive: MAX_INCENTIVE, pullOnly });
  const split = await createSplit(f, config);
  const token = await hre.ethers.deployContract("MockERC20", ["Cents", "CENT", 2]);
  return { f, config, split, address: await split.getAddress(), token, tokenAddress: await token.getAddress() };
}

describe("CofferSplit distribution incentive", function () {
  for (const pullOnly of [false, true]) {
    describe(`given 1.00 of a 2-decimal token in a ${pullOnly ? "pull-only" : "push"} split of 100 recipients at 1% with a 5% incentive`, function () {
      it("pays no incentive on dust: 41 distributions (each share rounds to 0) all revert with CofferSplitDustOnly and the funds stay in the split", async function () {
        const { f, config, split, address, token, tokenAddress } = await dustSetUp(pullOnly);
        await token.mint(address, 100n);
        // Before the fix each of these calls paid the distributor 5% of what was left and nobody else anything:
        // after 41 calls the distributor had taken 81 of the 100 units.
        for (let call = 0; call < 41; call++) {
          await expect(split.connect(f.keeper).distribute(config, tokenAddress, ethers.ZeroAddress))
            .to.be.revertedWithCustomError(split, "CofferSplitDustOnly")
            .withArgs(tokenAddress, 100n);
        }
        expect(await token.balanceOf(f.keeper.address)).to.equal(0n);
        expect(await token.balanceOf(address)).to.equal(100n);
        expect(await split.owed(tokenAddress)).to.equal(0n);
        // The view still reports the dust: it is divided once enough arrives.
        expect(await split.distributable(tokenAddress)).to.equal(100n);
      });

      it("once every share reaches a unit, pays the incentive on what the recipients received only", async function () {
        const { f, config, split, address, token, tokenAddress } = await dustSetUp(pullOnly);
        // 1.20: 5% would be 6, leaving 114, of which each recipient gets 1 (100 in all). The incentive is at most
        // 5% of what leaves the split: 100 * 5 / 95 = 5.26, so 5 (not 6), and 15 stay for the next distribution.
        await token.mint(address, 120n);
        await expect(split.connect(f.keeper).distribute(config, tokenAddress, ethers.ZeroAddress))
          .to.emit(split, "Distributed")
          .withArgs(tokenAddress, f.keeper.address, 114n, 5n);
        expect(await token.balanceOf(f.keeper.address)).to.equal(5n);
        expect(await split.distributable(tokenAddress)).to.equal(15n);
        expect(splitOf(config, 120n)).to.include({ incentive: 5n, distributed: 100n, remainder: 15n });
      });
    });
  }

  it("pays the whole incentive when the shares divide exactly", async function () {
    const f = await loadSplits();
    const config = equalConfig(addressesOf("exact", 4), { distributionIncentive: MAX_INCENTIVE });
    const split = await createSplit(f, config);
    await f.usdc.mint(await split.getAddress(), 1_000_000n);
    await expect(split.connect(f.keeper).distribute(config, await f.usdc.getAddress(), ethers.ZeroAddress))
      .to.emit(split, "Distributed")
      .withArgs(await f.usdc.getAddress(), f.keeper.address, 950_000n, 50_000n);
  });

  it("trims the incentive by a unit when rounding keeps back more than it allows (3 thirds, 1,000 units: 49, not 50)", async function () {
    const f = await loadSplits();
    const config = configOf(
      addressesOf("thirds", 3).map((account, i) => ({ account, allocation: i === 0 ? 333_334n : 333_333n })),
      { distributionIncentive: MAX_INCENTIVE },
    );
    const split = await createSplit(f, config);
    const usdc = await f.usdc.getAddress();
    await f.usdc.mint(await split.getAddress(), 1_000n);
    // 950 divided: 316 + 316 + 316 = 948 reach the recipients; 948 * 5 / 95 = 49.9, so 49.
    await expect(split.connect(f.keeper).distribute(config, usdc, ethers.ZeroAddress))
      .to.emit(split, "Distributed")
      .withArgs(usdc, f.keeper.address, 950n, 49n);
    expect(await split.distributable(usdc)).to.equal(1_000n - 948n - 49n);
  });

  it("with no incentive, a dust distribution reverts too (nothing would reach anyone)", async function () {
    const f = await loadSplits();
    const config = equalConfig(addressesOf("dust no incentive", 10));
    const split = await createSplit(f, config);
    const usdc = await f.usdc.getAddress();
    await f.usdc.mint(await split.getAddress(), 9n);
    await expect(split.distribute(config, usdc, ethers.ZeroAddress))
      .to.be.revertedWithCustomError(split, "CofferSplitDustOnly")
      .withArgs(usdc, 9n);
    // One more unit: each of the 10 recipients (100,000 millionths) gets 1.
    await f.usdc.mint(await split.getAddress(), 1n);
    const [caller] = await hre.ethers.getSigners();
    await expect(split.distribute(config, usdc, ethers.ZeroAddress))
      .to.emit(split, "Distributed")
      .withArgs(usdc, caller!.address, 10n, 0n);
  });

  it("property: the incentive is min(available * rate, shares * rate / (1 - rate)), so never more than its rate of what leaves the split, and a dust distribution reverts", async function () {
    const f = await loadSplits();
    const usdc = await f.usdc.getAddress();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }).chain((n) =>
          fc.record({
            cuts: fc.uniqueArray(fc.integer({ min: 1, max: Number(SCALE) - 1 }), {
              minLength: n - 1,
              maxLength: n - 1,
            }),
            incentive: fc.oneof(fc.constant(MAX_INCENTIVE), fc.integer({ min: 0, max: MAX_INCENTIVE })),
            pullOnly: fc.boolean(),
            // Mostly small amounts, where rounding matters; some large.
            available: fc.oneof(fc.bigInt({ min: 1n, max: 5_000n }), fc.bigInt({ min: 1n, max: 10n ** 24n })),
          }),
        ),
        async ({ cuts, incentive, pullOnly, available }) => {
          const points = [0, ...cuts.sort((a, b) => a - b), Number(SCALE)];
          const accounts = addressesOf(`incentive property ${++run}`, points.length - 1);
          const config = configOf(
            accounts.map((account, i) => ({ account, allocation: BigInt(points[i + 1]! - points[i]!) })),
            { distributionIncentive: incentive, pullOnly },
          );
          const split = await createSplit(f, config);
          await f.usdc.mint(await split.getAddress(), available);
          const model = splitOf(config, available);
          const tx = split.connect(f.keeper).distribute(config, usdc, ethers.ZeroAddress);
          if (model.dust) {
            await expect(tx).to.be.revertedWithCustomError(split, "CofferSplitDustOnly").withArgs(usdc, available);
            return;
          }
          await expect(tx)
            .to.emit(split, "Distributed")
            .withArgs(usdc, f.keeper.address, model.amount, model.incentive);
          const rate = BigInt(incentive);
          // The incentive is at most its rate of everything that left the split (incentive + shares)...
          expect(model.incentive * SCALE).to.be.at.most((model.incentive + model.distributed) * rate);
          // ...and never more than the rate of what the split held.
          expect(model.incentive * SCALE).to.be.at.most(available * rate);
          expect(await split.distributable(usdc)).to.equal(model.remainder);
        },
      ),
      { numRuns: 80 },
    );
  });
});
