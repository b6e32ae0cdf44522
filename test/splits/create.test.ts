import { expect } from "chai";
import { ethers } from "ethers";
import hre from "hardhat";
import {
  MAX_PULL_RECIPIENTS,
  MAX_PUSH_RECIPIENTS,
  SCALE,
  addressesOf,
  balanceOf,
  configOf,
  createSplit,
  entryOf,
  equalConfig,
  fund,
  hashConfig,
  loadSplits,
  predictOffChain,
  sortAddresses,
  type SplitConfig,
} from "./fixture";

describe("CofferSplitFactory.createSplit and predictSplitAddress", function () {
  describe("when the configuration is valid", function () {
    it("creates a clone at the predicted address, stores the hash and controller, and emits SplitCreated", async function () {
      const f = await loadSplits();
      const config = configOf([
        { account: f.alice.address, allocation: 700_000n },
        { account: f.bob.address, allocation: 300_000n },
      ]);
      const predicted = await f.factory.predictSplitAddress(config, f.safe);
      expect(predicted).to.equal(predictOffChain(f.factoryAddress, f.implementation, config, f.safe));
      expect(await hre.ethers.provider.getCode(predicted)).to.equal("0x");
      expect(await f.factory.createSplit.staticCall(config, f.safe)).to.equal(predicted);

      await expect(f.factory.createSplit(config, f.safe))
        .to.emit(f.factory, "SplitCreated")
        .withArgs(predicted, f.safe, hashConfig(config), [config.recipients, 0n, false]);
      const split = await hre.ethers.getContractAt("CofferSplit", predicted);
      expect(await split.configHash()).to.equal(hashConfig(config));
      expect(await f.factory.hashConfig(config)).to.equal(hashConfig(config));
      expect(await split.controller()).to.equal(f.safe);
      expect(await split.FACTORY()).to.equal(f.factoryAddress);
      // An ERC-1167 minimal clone of the implementation.
      const code = await hre.ethers.provider.getCode(predicted);
      expect(code).to.equal(
        `0x363d3d373d3d3d363d73${f.implementation.slice(2).toLowerCase()}5af43d82803e903d91602b57fd5bf3`,
      );
    });

    it("creates an immutable split when the controller is address(0)", async function () {
      const f = await loadSplits();
      const split = await createSplit(f, equalConfig([f.alice.address, f.bob.address]));
      expect(await split.controller()).to.equal(ethers.ZeroAddress);
    });

    it("derives the address from the configuration and the controller", async function () {
      const f = await loadSplits();
      const config = equalConfig([f.alice.address, f.bob.address]);
      const addresses = new Set([
        await f.factory.predictSplitAddress(config, ethers.ZeroAddress),
        await f.factory.predictSplitAddress(config, f.safe),
        await f.factory.predictSplitAddress({ ...config, pullOnly: true }, ethers.ZeroAddress),
        await f.factory.predictSplitAddress({ ...config, distributionIncentive: 1 }, ethers.ZeroAddress),
        await f.factory.predictSplitAddress(
          configOf([
            { account: f.alice.address, allocation: 500_001n },
            { account: f.bob.address, allocation: 499_999n },
          ]),
          ethers.ZeroAddress,
        ),
      ]);
      expect(addresses.size).to.equal(5);
    });

    it("accepts one recipient with the whole allocation", async function () {
      const f = await loadSplits();
      const split = await createSplit(f, configOf([{ account: f.alice.address, allocation: SCALE }]));
      expect(await split.configHash()).to.not.equal(ethers.ZeroHash);
    });

    it("accepts unequal shares and the largest incentive (5%)", async function () {
      const f = await loadSplits();
      const config = configOf(
        [
          { account: f.alice.address, allocation: 1n },
          { account: f.bob.address, allocation: 999_998n },
          { account: f.carol.address, allocation: 1n },
        ],
        { distributionIncentive: 50_000 },
      );
      const split = await createSplit(f, config);
      expect(await split.configHash()).to.equal(hashConfig(config));
    });

    for (const [mode, max] of [
      ["push", MAX_PUSH_RECIPIENTS],
      ["pull-only", MAX_PULL_RECIPIENTS],
    ] as const) {
      it(`accepts the maximum of ${max} recipients in ${mode} mode`, async function () {
        const f = await loadSplits();
        const config = equalConfig(addressesOf(`max ${mode}`, max), { pullOnly: mode === "pull-only" });
        const split = await createSplit(f, config);
        expect(await split.configHash()).to.equal(hashConfig(config));
      });
    }
  });

  describe("given the split already exists", function () {
    it("returns the existing split without creating or emitting anything", async function () {
      const f = await loadSplits();
      const config = equalConfig([f.alice.address, f.bob.address]);
      const split = await createSplit(f, config, f.safe);
      expect(await f.factory.createSplit.staticCall(config, f.safe)).to.equal(await split.getAddress());
      await expect(f.factory.connect(f.stranger).createSplit(config, f.safe)).to.not.emit(f.factory, "SplitCreated");
      expect(await split.controller()).to.equal(f.safe);
    });
  });

  describe("given funds were sent to the predicted address before creation", function () {
    it("distributes the ETH and tokens once the split exists", async function () {
      const f = await loadSplits();
      const [alice, bob] = addressesOf("before creation", 2);
      const config = configOf([
        { account: alice!, allocation: 250_000n },
        { account: bob!, allocation: 750_000n },
      ]);
      const predicted = await f.factory.predictSplitAddress(config, ethers.ZeroAddress);
      await fund(f, ethers.ZeroAddress, predicted, 1_000n);
      await fund(f, await f.usdc.getAddress(), predicted, 4_000n);

      const split = await createSplit(f, config);
      expect(await split.getAddress()).to.equal(predicted);
      await split.connect(f.keeper).distribute(config, ethers.ZeroAddress, ethers.ZeroAddress);
      await split.connect(f.keeper).distribute(config, await f.usdc.getAddress(), ethers.ZeroAddress);
      expect(await balanceOf(ethers.ZeroAddress, alice!)).to.equal(250n);
      expect(await balanceOf(ethers.ZeroAddress, bob!)).to.equal(750n);
      expect(await f.usdc.balanceOf(alice!)).to.equal(1_000n);
      expect(await f.usdc.balanceOf(bob!)).to.equal(3_000n);
    });
  });

  describe("when the configuration is invalid", function () {
    /** Expects both createSplit and predictSplitAddress to revert with `error(...args)`. */
    async function expectInvalid(config: SplitConfig, error: string, args: unknown[]) {
      const f = await loadSplits();
      await expect(f.factory.createSplit(config, f.safe))
        .to.be.revertedWithCustomError(f.factory, error)
        .withArgs(...args);
      await expect(f.factory.predictSplitAddress(config, f.safe))
        .to.be.revertedWithCustomError(f.factory, error)
        .withArgs(...args);
    }

    it("reverts with CofferSplitNoRecipients without recipients", async function () {
      await expectInvalid({ recipients: [], distributionIncentive: 0, pullOnly: false }, "CofferSplitNoRecipients", []);
    });

    for (const [mode, max] of [
      ["push", MAX_PUSH_RECIPIENTS],
      ["pull-only", MAX_PULL_RECIPIENTS],
    ] as const) {
      it(`reverts with CofferSplitTooManyRecipients above ${max} recipients in ${mode} mode`, async function () {
        const config = equalConfig(addressesOf("too many", max + 1), { pullOnly: mode === "pull-only" });
        await expectInvalid(config, "CofferSplitTooManyRecipients", [max + 1, max]);
      });
    }

    it("reverts with CofferSplitInvalidTotalAllocation when allocations sum to less than the scale", async function () {
      const [a, b] = sortAddresses(addressesOf("sum", 2));
      const config = configOf([
        { account: a!, allocation: 500_000n },
        { account: b!, allocation: 499_999n },
      ]);
      await expectInvalid(config, "CofferSplitInvalidTotalAllocation", [999_999n, SCALE]);
    });

    it("reverts with CofferSplitInvalidTotalAllocation when allocations sum to more than the scale", async function () {
      const [a, b] = sortAddresses(addressesOf("sum", 2));
      const config = configOf([
        { account: a!, allocation: SCALE },
        { account: b!, allocation: 1n },
      ]);
      await expectInvalid(config, "CofferSplitInvalidTotalAllocation", [SCALE + 1n, SCALE]);
    });

    it("reverts with CofferSplitInvalidTotalAllocation when one allocation is huge (no overflow)", async function () {
      const [a, b] = sortAddresses(addressesOf("sum", 2));
      const huge = (1n << 96n) - 1n;
      const config = { recipients: [entryOf(a!, huge), entryOf(b!, huge)], distributionIncentive: 0, pullOnly: false };
      await expectInvalid(config, "CofferSplitInvalidTotalAllocation", [2n * huge, SCALE]);
    });

    it("reverts with CofferSplitDuplicateRecipient when a recipient appears twice", async function () {
      const [a, b] = sortAddresses(addressesOf("dup", 2));
      const config = {
        recipients: [entryOf(a!, 300_000n), entryOf(b!, 300_000n), entryOf(b!, 400_000n)],
        distributionIncentive: 0,
        pullOnly: false,
      };
      await expectInvalid(config, "CofferSplitDuplicateRecipient", [b]);
    });

    it("reverts with CofferSplitRecipientsNotSorted when recipients are not ascending", async function () {
      const [a, b, c] = sortAddresses(addressesOf("unsorted", 3));
      const config = {
        recipients: [entryOf(a!, 300_000n), entryOf(c!, 300_000n), entryOf(b!, 400_000n)],
        distributionIncentive: 0,
        pullOnly: false,
      };
      await expectInvalid(config, "CofferSplitRecipientsNotSorted", [2n, c, b]);
    });

    it("reverts with CofferSplitZeroRecipient when the zero address is a recipient", async function () {
      const [a] = addressesOf("zero", 1);
      const config = configOf([
        { account: ethers.ZeroAddress, allocation: 500_000n },
        { account: a!, allocation: 500_000n },
      ]);
      await expectInvalid(config, "CofferSplitZeroRecipient", []);
    });

    it("reverts with CofferSplitZeroAllocation when a recipient has no allocation", async function () {
      const [a, b] = sortAddresses(addressesOf("zero allocation", 2));
      const config = configOf([
        { account: a!, allocation: SCALE },
        { account: b!, allocation: 0n },
      ]);
      await expectInvalid(config, "CofferSplitZeroAllocation", [b]);
    });

    it("reverts with CofferSplitIncentiveTooHigh above 5%", async function () {
      const [a] = addressesOf("incentive", 1);
      const config = configOf([{ account: a!, allocation: SCALE }], { distributionIncentive: 50_001 });
      await expectInvalid(config, "CofferSplitIncentiveTooHigh", [50_001n, 50_000n]);
    });
  });

  describe("initialize", function () {
    it("reverts with CofferSplitAlreadyInitialized for anyone but the factory, and for the factory's clones", async function () {
      const f = await loadSplits();
      const split = await createSplit(f, equalConfig([f.alice.address, f.bob.address]));
      const implementation = await hre.ethers.getContractAt("CofferSplit", f.implementation);
      for (const target of [split, implementation]) {
        await expect(target.connect(f.stranger).initialize(ethers.id("x"), f.stranger.address))
          .to.be.revertedWithCustomError(target, "CofferSplitAlreadyInitialized")
          .withArgs();
      }
      expect(await implementation.configHash()).to.equal(ethers.ZeroHash);
    });
  });
});
