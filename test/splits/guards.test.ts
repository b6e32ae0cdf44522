import { expect } from "chai";
import { impersonateAccount, setBalance, stopImpersonatingAccount } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "ethers";
import hre from "hardhat";
import { SCALE, configOf, createSplit, equalConfig, fund, hashConfig, loadSplits } from "./fixture";

/**
 * The guards of `CofferSplit` that the behaviour suites leave untouched: `initialize` called a second time by the
 * factory itself, the self-recipient lookup when the split's address sorts after the middle recipient, and the
 * reentrancy guard on `updateSplit` (reached from the controller's own wallet while it receives a withdrawal).
 */

const REENTRANT_CALL = ethers.id("ReentrancyGuardReentrantCall()").slice(0, 10);

/** Fixed addresses far below any contract address the chain gives out (so they sort before a split). */
const LOW = ["0x00000000000000000000000000000000000C0fFe", "0x00000000000000000000000000000000000c0FFf"].map((a) =>
  ethers.getAddress(a.toLowerCase()),
);

describe("CofferSplit guards", function () {
  describe("initialize", function () {
    describe("when the factory itself calls it again on a clone it created", function () {
      it("reverts with CofferSplitAlreadyInitialized: the configuration and controller stay", async function () {
        const f = await loadSplits();
        const config = equalConfig([f.alice.address, f.bob.address]);
        const split = await createSplit(f, config, f.safe);
        expect(await split.FACTORY()).to.equal(f.factoryAddress);
        // The factory never does this; impersonating it shows that the clone's own check refuses it.
        await impersonateAccount(f.factoryAddress);
        await setBalance(f.factoryAddress, ethers.parseEther("1"));
        const factory = await hre.ethers.getSigner(f.factoryAddress);
        try {
          await expect(split.connect(factory).initialize(ethers.id("other"), f.stranger.address))
            .to.be.revertedWithCustomError(split, "CofferSplitAlreadyInitialized")
            .withArgs();
        } finally {
          await stopImpersonatingAccount(f.factoryAddress);
        }
        expect(await split.configHash()).to.equal(hashConfig(config));
        expect(await split.controller()).to.equal(f.safe);
      });
    });
  });

  describe("updateSplit", function () {
    describe("when the split's address sorts after every new recipient", function () {
      it("finds no self-recipient in a list entirely below it and stores the new configuration (through the Safe)", async function () {
        const f = await loadSplits();
        const split = await createSplit(f, equalConfig([f.alice.address, f.bob.address]), f.safe);
        const address = await split.getAddress();
        for (const low of LOW) expect(BigInt(low) < BigInt(address)).to.equal(true);
        const next = equalConfig(LOW);
        await f.asSafe(address, split.interface.encodeFunctionData("updateSplit", [next]));
        expect(await split.configHash()).to.equal(hashConfig(next));
      });

      it("reverts with CofferSplitSelfRecipient when the split is the last of them", async function () {
        const f = await loadSplits();
        const split = await createSplit(f, equalConfig([f.alice.address, f.bob.address]), f.alice.address);
        const address = await split.getAddress();
        const self = configOf([
          { account: LOW[0]!, allocation: SCALE / 4n },
          { account: LOW[1]!, allocation: SCALE / 4n },
          { account: address, allocation: SCALE / 2n },
        ]);
        await expect(split.connect(f.alice).updateSplit(self))
          .to.be.revertedWithCustomError(split, "CofferSplitSelfRecipient")
          .withArgs();
        expect(await split.configHash()).to.equal(hashConfig(equalConfig([f.alice.address, f.bob.address])));
      });
    });

    describe("when the controller's wallet re-enters it while receiving an ETH withdrawal", function () {
      it("fails with ReentrancyGuardReentrantCall: the configuration stays, the withdrawal is paid", async function () {
        const f = await loadSplits();
        const wallet = await hre.ethers.deployContract("ReentrantReceiver");
        const walletAddress = await wallet.getAddress();
        const config = configOf([{ account: walletAddress, allocation: SCALE }], { pullOnly: true });
        const split = await createSplit(f, config, walletAddress);
        const address = await split.getAddress();
        await fund(f, ethers.ZeroAddress, address, 1_000n);
        await split.distribute(config, ethers.ZeroAddress, ethers.ZeroAddress);
        expect(await split.creditOf(walletAddress, ethers.ZeroAddress)).to.equal(1_000n);

        // Outside a withdrawal, the wallet (the controller) could make this update.
        const next = equalConfig([f.alice.address, f.bob.address]);
        await wallet.arm(address, split.interface.encodeFunctionData("updateSplit", [next]));
        const withdraw = split.interface.encodeFunctionData("withdraw", [ethers.ZeroAddress, walletAddress]);
        await expect(wallet.execute(address, 0n, withdraw)).to.changeEtherBalances(
          [address, walletAddress],
          [-1_000n, 1_000n],
        );
        expect(await wallet.callbackCount()).to.equal(1n);
        expect(await wallet.lastCallbackSucceeded()).to.equal(false);
        expect(await wallet.lastCallbackReturnData()).to.equal(REENTRANT_CALL);
        expect(await split.configHash()).to.equal(hashConfig(config));
        expect(await split.owed(ethers.ZeroAddress)).to.equal(0n);

        // Afterwards, the same call from the wallet goes through.
        await wallet.execute(address, 0n, split.interface.encodeFunctionData("updateSplit", [next]));
        expect(await split.configHash()).to.equal(hashConfig(next));
      });
    });
  });
});
