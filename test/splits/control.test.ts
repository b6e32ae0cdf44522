import { expect } from "chai";
import { ethers } from "ethers";
import hre from "hardhat";
import {
  MAX_PUSH_RECIPIENTS,
  addressesOf,
  configOf,
  createSplit,
  entryOf,
  equalConfig,
  fund,
  hashConfig,
  loadSplits,
  type SplitsFixture,
} from "./fixture";

/** A pull-only split of alice and bob (60/40) controlled by the treasury Safe, with credits in USDC. */
async function mutableSplit() {
  const f = await loadSplits();
  const config = configOf(
    [
      { account: f.alice.address, allocation: 600_000n },
      { account: f.bob.address, allocation: 400_000n },
    ],
    { pullOnly: true },
  );
  const split = await createSplit(f, config, f.safe);
  const address = await split.getAddress();
  const usdc = await f.usdc.getAddress();
  await fund(f, usdc, address, 1_000n);
  await split.distribute(config, usdc, ethers.ZeroAddress);
  /** Calls the split as the Safe, with two owners' signatures. */
  const asController = (data: string) => f.asSafe(address, data);
  return { f, config, split, address, usdc, asController };
}

/** Everyone in the fixture who is not the controller: recipients, a Safe owner, the keeper, a stranger. */
const others = (f: SplitsFixture) => [f.alice, f.bob, f.owners[0]!, f.keeper, f.stranger, f.deployer];

describe("CofferSplit control", function () {
  describe("updateSplit", function () {
    describe("when the controller (a 2-of-3 Safe) updates the configuration", function () {
      it("stores the new hash, emits SplitUpdated with the full configuration, and keeps the credits", async function () {
        const { f, config, split, address, usdc, asController } = await mutableSplit();
        const next = configOf(
          [
            { account: f.bob.address, allocation: 500_000n },
            { account: f.carol.address, allocation: 500_000n },
          ],
          { distributionIncentive: 10_000 },
        );
        const receipt = await asController(split.interface.encodeFunctionData("updateSplit", [next]));
        const updated = receipt.logs
          .filter((log) => log.address === address)
          .map((log) => split.interface.parseLog(log))
          .find((event) => event?.name === "SplitUpdated");
        expect(updated?.args.configHash).to.equal(hashConfig(next));
        expect(updated?.args.config.recipients).to.deep.equal(next.recipients);
        expect(updated?.args.config.distributionIncentive).to.equal(10_000n);
        expect(updated?.args.config.pullOnly).to.equal(false);
        expect(await split.configHash()).to.equal(hashConfig(next));

        // The old configuration no longer distributes; the new one does, and alice keeps her credit.
        await fund(f, usdc, address, 1_000n);
        await expect(split.distribute(config, usdc, ethers.ZeroAddress))
          .to.be.revertedWithCustomError(split, "CofferSplitConfigMismatch")
          .withArgs(hashConfig(config), hashConfig(next));
        const carolBefore = await f.usdc.balanceOf(f.carol.address);
        await split.connect(f.keeper).distribute(next, usdc, ethers.ZeroAddress);
        expect((await f.usdc.balanceOf(f.carol.address)) - carolBefore).to.equal(495n);
        expect(await split.creditOf(f.alice.address, usdc)).to.equal(600n);
        const aliceBefore = await f.usdc.balanceOf(f.alice.address);
        await split.connect(f.alice).withdraw(usdc, f.alice.address);
        expect((await f.usdc.balanceOf(f.alice.address)) - aliceBefore).to.equal(600n);
      });

      it("rejects an invalid configuration (the Safe transaction reverts)", async function () {
        const { split, asController } = await mutableSplit();
        const invalid = equalConfig(addressesOf("too many", MAX_PUSH_RECIPIENTS + 1));
        await expect(asController(split.interface.encodeFunctionData("updateSplit", [invalid]))).to.be.rejected;
      });
    });

    describe("given an EOA controller", function () {
      it("validates the new configuration as at creation, and refuses the split as its own recipient", async function () {
        const f = await loadSplits();
        const split = await createSplit(
          f,
          configOf([{ account: f.bob.address, allocation: 1_000_000n }]),
          f.alice.address,
        );
        const tooMany = equalConfig(addressesOf("too many", MAX_PUSH_RECIPIENTS + 1));
        await expect(split.connect(f.alice).updateSplit(tooMany))
          .to.be.revertedWithCustomError(split, "CofferSplitTooManyRecipients")
          .withArgs(MAX_PUSH_RECIPIENTS + 1, MAX_PUSH_RECIPIENTS);
        const [a, b] = [f.bob.address, f.carol.address].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
        const unsorted = {
          recipients: [entryOf(b!, 500_000n), entryOf(a!, 500_000n)],
          distributionIncentive: 0,
          pullOnly: false,
        };
        await expect(split.connect(f.alice).updateSplit(unsorted))
          .to.be.revertedWithCustomError(split, "CofferSplitRecipientsNotSorted")
          .withArgs(1n, b, a);
        const self = equalConfig([f.bob.address, await split.getAddress()]);
        await expect(split.connect(f.alice).updateSplit(self))
          .to.be.revertedWithCustomError(split, "CofferSplitSelfRecipient")
          .withArgs();
      });
    });

    describe("when someone else calls", function () {
      it("reverts with CofferSplitUnauthorizedCaller for everyone but the controller", async function () {
        const { f, config, split } = await mutableSplit();
        for (const caller of others(f)) {
          await expect(split.connect(caller).updateSplit(config))
            .to.be.revertedWithCustomError(split, "CofferSplitUnauthorizedCaller")
            .withArgs(caller.address, f.safe);
        }
      });
    });
  });

  describe("transferControl and acceptControl", function () {
    it("hands control over in two steps", async function () {
      const { f, config, split, asController } = await mutableSplit();
      const offer = await asController(split.interface.encodeFunctionData("transferControl", [f.dave.address]));
      const started = offer.logs
        .map((log) => split.interface.parseLog(log))
        .find((e) => e?.name === "ControlTransferStarted");
      expect(started?.args.toArray()).to.deep.equal([f.safe, f.dave.address]);
      expect(await split.pendingController()).to.equal(f.dave.address);
      expect(await split.controller()).to.equal(f.safe);

      // Until accepted, only the pending controller may accept, and the Safe keeps control.
      for (const caller of others(f)) {
        await expect(split.connect(caller).acceptControl())
          .to.be.revertedWithCustomError(split, "CofferSplitUnauthorizedCaller")
          .withArgs(caller.address, f.dave.address);
      }
      await expect(split.connect(f.dave).updateSplit(config))
        .to.be.revertedWithCustomError(split, "CofferSplitUnauthorizedCaller")
        .withArgs(f.dave.address, f.safe);

      await expect(split.connect(f.dave).acceptControl())
        .to.emit(split, "ControlTransferred")
        .withArgs(f.safe, f.dave.address);
      expect(await split.controller()).to.equal(f.dave.address);
      expect(await split.pendingController()).to.equal(ethers.ZeroAddress);
      await expect(split.connect(f.dave).updateSplit(config)).to.emit(split, "SplitUpdated");
      await expect(asController(split.interface.encodeFunctionData("updateSplit", [config]))).to.be.rejected;
    });

    it("withdraws a pending offer with address(0)", async function () {
      const { f, split, asController } = await mutableSplit();
      await asController(split.interface.encodeFunctionData("transferControl", [f.dave.address]));
      await asController(split.interface.encodeFunctionData("transferControl", [ethers.ZeroAddress]));
      expect(await split.pendingController()).to.equal(ethers.ZeroAddress);
      await expect(split.connect(f.dave).acceptControl())
        .to.be.revertedWithCustomError(split, "CofferSplitUnauthorizedCaller")
        .withArgs(f.dave.address, ethers.ZeroAddress);
    });

    it("transferControl reverts with CofferSplitUnauthorizedCaller for everyone but the controller", async function () {
      const { f, split } = await mutableSplit();
      for (const caller of others(f)) {
        await expect(split.connect(caller).transferControl(caller.address))
          .to.be.revertedWithCustomError(split, "CofferSplitUnauthorizedCaller")
          .withArgs(caller.address, f.safe);
      }
    });
  });

  describe("renounceControl", function () {
    it("makes the split immutable for ever", async function () {
      const { f, config, split, asController } = await mutableSplit();
      await asController(split.interface.encodeFunctionData("transferControl", [f.dave.address]));
      await asController(split.interface.encodeFunctionData("renounceControl"));
      expect(await split.controller()).to.equal(ethers.ZeroAddress);
      expect(await split.pendingController()).to.equal(ethers.ZeroAddress);
      await expect(split.connect(f.dave).acceptControl())
        .to.be.revertedWithCustomError(split, "CofferSplitUnauthorizedCaller")
        .withArgs(f.dave.address, ethers.ZeroAddress);
      await expect(asController(split.interface.encodeFunctionData("updateSplit", [config]))).to.be.rejected;
    });

    it("reverts with CofferSplitUnauthorizedCaller for everyone but the controller", async function () {
      const { f, split } = await mutableSplit();
      for (const caller of others(f)) {
        await expect(split.connect(caller).renounceControl())
          .to.be.revertedWithCustomError(split, "CofferSplitUnauthorizedCaller")
          .withArgs(caller.address, f.safe);
      }
    });
  });

  describe("given an immutable split", function () {
    it("every privileged function reverts for everyone, the factory's deployer included", async function () {
      const f = await loadSplits();
      const config = equalConfig([f.alice.address, f.bob.address]);
      const split = await createSplit(f, config);
      for (const caller of [...others(f), f.owners[1]!]) {
        for (const call of [
          () => split.connect(caller).updateSplit(config),
          () => split.connect(caller).transferControl(caller.address),
          () => split.connect(caller).renounceControl(),
          () => split.connect(caller).acceptControl(),
        ]) {
          await expect(call())
            .to.be.revertedWithCustomError(split, "CofferSplitUnauthorizedCaller")
            .withArgs(caller.address, ethers.ZeroAddress);
        }
      }
      const safeCall = f.asSafe(await split.getAddress(), split.interface.encodeFunctionData("updateSplit", [config]));
      await expect(safeCall).to.be.rejected;
      expect(await hre.ethers.provider.getCode(await split.getAddress())).to.not.equal("0x");
    });
  });
});
