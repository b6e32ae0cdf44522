import { expect } from "chai";
import { ethers } from "ethers";
import hre from "hardhat";
import {
  addressesOf,
  balancesOf,
  configOf,
  createSplit,
  equalConfig,
  fund,
  loadSplits,
  sortAddresses,
} from "./fixture";

const REENTRANT_CALL = ethers.id("ReentrancyGuardReentrantCall()").slice(0, 10);

/**
 * A split of two fresh addresses (50/50) holding 1,000 of a ReentrantToken. The recipients already hold the token,
 * and one callback has already run, so the mock's bookkeeping slots are warm and non-zero: its hook then fits a
 * push's 50,000-gas stipend, and what stops a nested call is the split's guard, not gas.
 */
async function setUp(pullOnly = false) {
  const f = await loadSplits();
  const recipients = sortAddresses(addressesOf(`reentrancy ${pullOnly}`, 2));
  const config = equalConfig(recipients, { pullOnly });
  const split = await createSplit(f, config);
  const address = await split.getAddress();
  const token = await hre.ethers.deployContract("ReentrantToken");
  const tokenAddress = await token.getAddress();
  await token.mint(address, 1_000n);
  await token.mint(f.stranger.address, 2n);
  await token.connect(f.stranger).transfer(recipients[1]!, 1n);
  // A callback outside any distribution: withdraw to address(0) reverts with a 4-byte error, as the guard will.
  await token.arm(address, split.interface.encodeFunctionData("withdraw", [tokenAddress, ethers.ZeroAddress]));
  await token.connect(f.stranger).transfer(recipients[0]!, 1n);
  expect(await token.callbackCount()).to.equal(1n);
  return { f, recipients, config, split, address, token, tokenAddress };
}

describe("CofferSplit reentrancy", function () {
  describe("given a token whose transfer calls back into the split (ReentrantToken)", function () {
    for (const before of [false, true]) {
      it(`blocks a nested withdraw ${before ? "before" : "after"} the balances move; the push still succeeds`, async function () {
        const { recipients, config, split, address, token, tokenAddress } = await setUp();
        await token.setCallbackBeforeUpdate(before);
        await token.arm(address, split.interface.encodeFunctionData("withdraw", [tokenAddress, recipients[0]!]));
        await expect(split.distribute(config, tokenAddress, ethers.ZeroAddress)).to.not.emit(split, "PayoutCredited");
        expect(await token.callbackCount()).to.equal(2n);
        expect(await token.lastCallbackSucceeded()).to.equal(false);
        expect(await token.lastCallbackReturnData()).to.equal(REENTRANT_CALL);
        expect(await balancesOf(tokenAddress, recipients)).to.deep.equal([501n, 501n]);
        expect(await split.owed(tokenAddress)).to.equal(0n);
      });
    }

    it("blocks reads of credits and owed amounts mid-distribution (no read-only reentrancy)", async function () {
      const { f, config, split, address, token, tokenAddress } = await setUp();
      for (const data of [
        split.interface.encodeFunctionData("owed", [tokenAddress]),
        split.interface.encodeFunctionData("creditOf", [f.alice.address, tokenAddress]),
        split.interface.encodeFunctionData("distributable", [tokenAddress]),
      ]) {
        await fund(f, tokenAddress, address, 1_000n);
        await token.arm(address, data);
        await expect(split.distribute(config, tokenAddress, ethers.ZeroAddress)).to.not.emit(split, "PayoutCredited");
        expect(await token.lastCallbackSucceeded()).to.equal(false);
        expect(await token.lastCallbackReturnData()).to.equal(REENTRANT_CALL);
      }
    });

    it("credits the share when a hook needs more gas than the push stipend", async function () {
      const { recipients, config, split, address, token, tokenAddress } = await setUp();
      // A nested distribute carries the whole configuration: reading it alone costs the hook over 20,000 gas.
      await token.arm(
        address,
        split.interface.encodeFunctionData("distribute", [config, tokenAddress, ethers.ZeroAddress]),
      );
      await expect(split.distribute(config, tokenAddress, ethers.ZeroAddress))
        .to.emit(split, "PayoutCredited")
        .withArgs(recipients[0], tokenAddress, 500n);
    });

    it("credits the shares when the token bubbles the guard's revert, failing its own transfer", async function () {
      const { recipients, config, split, address, token, tokenAddress } = await setUp();
      await token.setBubbleRevert(true);
      await token.arm(address, split.interface.encodeFunctionData("withdraw", [tokenAddress, recipients[0]!]));
      // Every push reverts (the arming is rolled back with it), so both shares are credited.
      await expect(split.distribute(config, tokenAddress, ethers.ZeroAddress))
        .to.emit(split, "PayoutCredited")
        .withArgs(recipients[0], tokenAddress, 500n)
        .and.to.emit(split, "PayoutCredited")
        .withArgs(recipients[1], tokenAddress, 500n);
      expect(await split.owed(tokenAddress)).to.equal(1_000n);
      expect(await balancesOf(tokenAddress, recipients)).to.deep.equal([1n, 1n]);
    });

    it("blocks a nested withdraw from a recipient while it withdraws (pull-only)", async function () {
      const f = await loadSplits();
      const receiver = await hre.ethers.deployContract("ReentrantReceiver");
      const receiverAddress = await receiver.getAddress();
      const config = configOf([{ account: receiverAddress, allocation: 1_000_000n }], { pullOnly: true });
      const split = await createSplit(f, config);
      const address = await split.getAddress();
      const token = await hre.ethers.deployContract("ReentrantToken");
      const tokenAddress = await token.getAddress();
      await token.mint(address, 1_000n);
      await split.distribute(config, tokenAddress, ethers.ZeroAddress);
      // The token calls the receiver's `execute`, which withdraws again from the split as the recipient.
      const withdrawAgain = split.interface.encodeFunctionData("withdraw", [tokenAddress, receiverAddress]);
      await token.arm(receiverAddress, receiver.interface.encodeFunctionData("execute", [address, 0, withdrawAgain]));
      const withdraw = split.interface.encodeFunctionData("withdraw", [tokenAddress, f.dave.address]);
      await receiver.execute(address, 0, withdraw);
      expect(await token.lastCallbackSucceeded()).to.equal(false);
      expect(await token.lastCallbackReturnData()).to.equal(REENTRANT_CALL);
      expect(await token.balanceOf(f.dave.address)).to.equal(1_000n);
      expect(await token.balanceOf(receiverAddress)).to.equal(0n);
      expect(await split.owed(tokenAddress)).to.equal(0n);
    });
  });

  describe("given an ETH recipient that calls back into the split (ReentrantReceiver)", function () {
    it("credits it when its hook needs more than the ETH stipend, and blocks a nested call while it withdraws", async function () {
      const f = await loadSplits();
      const receiver = await hre.ethers.deployContract("ReentrantReceiver");
      const receiverAddress = await receiver.getAddress();
      const [other] = addressesOf("reentrant receiver", 1);
      const config = equalConfig([receiverAddress, other!]);
      const split = await createSplit(f, config);
      const address = await split.getAddress();
      await fund(f, ethers.ZeroAddress, address, 1_000n);
      const nested = split.interface.encodeFunctionData("distribute", [config, ethers.ZeroAddress, ethers.ZeroAddress]);
      await receiver.arm(address, nested);
      // Its hook cannot run within the 20,000-gas stipend: the push fails and the share is credited.
      await expect(split.distribute(config, ethers.ZeroAddress, ethers.ZeroAddress))
        .to.emit(split, "PayoutCredited")
        .withArgs(receiverAddress, ethers.ZeroAddress, 500n);
      expect(await hre.ethers.provider.getBalance(other!)).to.equal(500n);
      expect(await receiver.armed()).to.equal(true);

      // A withdrawal forwards all gas: the hook runs, and the split's guard rejects the nested distribute.
      await fund(f, ethers.ZeroAddress, address, 1_000n);
      const withdraw = split.interface.encodeFunctionData("withdraw", [ethers.ZeroAddress, receiverAddress]);
      await receiver.execute(address, 0, withdraw);
      expect(await receiver.lastCallbackSucceeded()).to.equal(false);
      expect(await receiver.lastCallbackReturnData()).to.equal(REENTRANT_CALL);
      expect(await hre.ethers.provider.getBalance(receiverAddress)).to.equal(500n);
      expect(await split.owed(ethers.ZeroAddress)).to.equal(0n);
      expect(await split.distributable(ethers.ZeroAddress)).to.equal(1_000n);
    });
  });
});
