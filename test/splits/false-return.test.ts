import { expect } from "chai";
import { ethers } from "ethers";
import hre from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { CofferSplit, SplitFalseReturnToken } from "../../typechain-types";
import { configOf, createSplit, loadSplits } from "./fixture";

/** Modes of SplitFalseReturnToken. */
const Mode = { Honest: 0, MovesThenFalse: 1, FalseWithoutMoving: 2, Overdraws: 3 } as const;
const MODE_NAMES = ["honest", "moves then false", "false without moving", "overdraws"];

/**
 * Three signers as recipients with 50/30/20% (sorted), a 5% distribution incentive (paid to the keeper, who
 * distributes), push or pull-only.
 */
async function setUp(pullOnly: boolean) {
  const f = await loadSplits();
  const recipients = [f.alice, f.bob, f.carol].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
  const allocations = [500_000n, 300_000n, 200_000n];
  const config = configOf(
    recipients.map((r, i) => ({ account: r.address, allocation: allocations[i]! })),
    { pullOnly, distributionIncentive: 50_000 },
  );
  const split = await createSplit(f, config);
  return { f, config, split, address: await split.getAddress(), recipients };
}

/** The split never owes more than it holds. */
async function expectSolvent(split: CofferSplit, token: { balanceOf(a: string): Promise<bigint> }, token_: string) {
  const balance = await token.balanceOf(await split.getAddress());
  const owed = await split.owed(token_);
  expect(balance, `balance ${balance} >= owed ${owed}`).to.be.at.least(owed);
}

describe("CofferSplit with a token that returns false (judged by the balance that moved)", function () {
  describe("given a token that moves the funds and then returns false (Tether Gold: FalseAfterTransferToken)", function () {
    async function withToken(pullOnly: boolean) {
      const s = await setUp(pullOnly);
      const token = await hre.ethers.deployContract("FalseAfterTransferToken");
      return { ...s, token, tokenAddress: await token.getAddress() };
    }

    it("push mode: pays every share and the incentive once, credits nothing, and the next income of the same size distributes the same", async function () {
      const { f, config, split, address, recipients, token, tokenAddress } = await withToken(false);
      for (let round = 1n; round <= 2n; round++) {
        await token.mint(address, 1_000n);
        await expect(split.connect(f.keeper).distribute(config, tokenAddress, ethers.ZeroAddress))
          .to.emit(split, "Distributed")
          .withArgs(tokenAddress, f.keeper.address, 950n, 50n)
          .and.not.to.emit(split, "PayoutCredited");
        await expectSolvent(split, token, tokenAddress);
        expect(await split.owed(tokenAddress)).to.equal(0n);
        expect(await token.balanceOf(address)).to.equal(0n);
        expect(await Promise.all(recipients.map((r) => token.balanceOf(r.address)))).to.deep.equal([
          475n * round,
          285n * round,
          190n * round,
        ]);
        expect(await token.balanceOf(f.keeper.address)).to.equal(50n * round);
      }
    });

    it("pull-only mode: credits the shares, pays the incentive once, every credit is withdrawable, and the next income distributes and withdraws the same", async function () {
      const { f, config, split, address, recipients, token, tokenAddress } = await withToken(true);
      for (let round = 1n; round <= 2n; round++) {
        await token.mint(address, 1_000n);
        await expect(split.connect(f.keeper).distribute(config, tokenAddress, ethers.ZeroAddress))
          .to.emit(split, "Distributed")
          .withArgs(tokenAddress, f.keeper.address, 950n, 50n)
          .and.not.to.emit(split, "PayoutCredited");
        expect(await token.balanceOf(f.keeper.address)).to.equal(50n * round);
        expect(await split.owed(tokenAddress)).to.equal(950n);
        await expectSolvent(split, token, tokenAddress);
        const shares = [475n, 285n, 190n];
        for (const [i, recipient] of recipients.entries()) {
          await expect(split.connect(recipient).withdraw(tokenAddress, recipient.address))
            .to.emit(split, "Withdrawn")
            .withArgs(recipient.address, tokenAddress, recipient.address, shares[i]!);
          expect(await split.creditOf(recipient.address, tokenAddress)).to.equal(0n);
          expect(await token.balanceOf(recipient.address)).to.equal(shares[i]! * round);
          await expectSolvent(split, token, tokenAddress);
        }
        expect(await split.owed(tokenAddress)).to.equal(0n);
        expect(await token.balanceOf(address)).to.equal(0n);
      }
    });

    it("withdraws a credit made while the token was honest after it turns to returning false (a credit is always withdrawable)", async function () {
      const { f, config, split, address, recipients, token, tokenAddress } = await withToken(true);
      await token.setHonest(true);
      await token.mint(address, 1_000n);
      await split.connect(f.keeper).distribute(config, tokenAddress, ethers.ZeroAddress);
      await token.setHonest(false);
      await expect(split.connect(recipients[0]!).withdraw(tokenAddress, f.dave.address))
        .to.emit(split, "Withdrawn")
        .withArgs(recipients[0]!.address, tokenAddress, f.dave.address, 475n);
      expect(await token.balanceOf(f.dave.address)).to.equal(475n);
      expect(await split.owed(tokenAddress)).to.equal(475n);
      await expectSolvent(split, token, tokenAddress);
    });
  });

  describe("given a token whose false return means moved, not moved, or something else, per receiver", function () {
    async function withToken(pullOnly: boolean) {
      const s = await setUp(pullOnly);
      const token = (await hre.ethers.deployContract("SplitFalseReturnToken")) as unknown as SplitFalseReturnToken;
      return { ...s, token, tokenAddress: await token.getAddress() };
    }
    const setModes = async (token: SplitFalseReturnToken, recipients: HardhatEthersSigner[], modes: number[]) => {
      for (const [i, mode] of modes.entries()) await (await token.setMode(recipients[i]!.address, mode)).wait();
    };

    for (const order of [
      [Mode.MovesThenFalse, Mode.FalseWithoutMoving, Mode.Honest],
      [Mode.FalseWithoutMoving, Mode.MovesThenFalse, Mode.MovesThenFalse],
      [Mode.Honest, Mode.FalseWithoutMoving, Mode.FalseWithoutMoving],
    ]) {
      it(`push mode (${order.map((mode) => MODE_NAMES[mode]).join(", ")}): credits exactly the shares that did not move, pays the others once, and stays solvent`, async function () {
        const { f, config, split, address, recipients, token, tokenAddress } = await withToken(false);
        await setModes(token, recipients, order);
        // The keeper's incentive push moves nothing and returns false: it is credited.
        await token.setMode(f.keeper.address, Mode.FalseWithoutMoving);
        await token.mint(address, 1_000n);
        const shares = [475n, 285n, 190n];
        const tx = split.connect(f.keeper).distribute(config, tokenAddress, ethers.ZeroAddress);
        await expect(tx).to.emit(split, "PayoutCredited").withArgs(f.keeper.address, tokenAddress, 50n);
        let credited = 50n;
        for (const [i, mode] of order.entries()) {
          const unmoved = mode === Mode.FalseWithoutMoving;
          expect(await token.balanceOf(recipients[i]!.address)).to.equal(unmoved ? 0n : shares[i]);
          expect(await split.creditOf(recipients[i]!.address, tokenAddress)).to.equal(unmoved ? shares[i] : 0n);
          if (unmoved) credited += shares[i]!;
        }
        expect(await split.owed(tokenAddress)).to.equal(credited);
        expect(await token.balanceOf(address)).to.equal(credited);
        await expectSolvent(split, token, tokenAddress);

        // Once transfers work, every credit is withdrawable and the split ends empty.
        for (const account of [...recipients, f.keeper]) {
          await token.setMode(account.address, Mode.Honest);
          if ((await split.creditOf(account.address, tokenAddress)) !== 0n) {
            await split.connect(account).withdraw(tokenAddress, account.address);
          }
          await expectSolvent(split, token, tokenAddress);
        }
        expect(await split.owed(tokenAddress)).to.equal(0n);
        expect(await token.balanceOf(address)).to.equal(0n);
      });
    }

    it("push mode: the incentive that moves and returns false is paid, not credited, and the shares after it are judged from what it left", async function () {
      const { f, config, split, address, recipients, token, tokenAddress } = await withToken(false);
      await setModes(token, recipients, [Mode.FalseWithoutMoving, Mode.MovesThenFalse, Mode.FalseWithoutMoving]);
      await token.setMode(f.keeper.address, Mode.MovesThenFalse);
      await token.mint(address, 1_000n);
      await split.connect(f.keeper).distribute(config, tokenAddress, ethers.ZeroAddress);
      expect(await token.balanceOf(f.keeper.address)).to.equal(50n);
      expect(await split.creditOf(f.keeper.address, tokenAddress)).to.equal(0n);
      expect(await split.owed(tokenAddress)).to.equal(475n + 190n);
      expect(await token.balanceOf(address)).to.equal(475n + 190n);
    });

    it("push mode: reverts with CofferSplitUnexpectedBalance when a false return leaves a balance it cannot explain", async function () {
      const { f, config, split, address, recipients, token, tokenAddress } = await withToken(false);
      await setModes(token, recipients, [Mode.MovesThenFalse, Mode.FalseWithoutMoving, Mode.Overdraws]);
      await token.mint(address, 1_000n);
      // The incentive (50) is paid first, then the first share (475, paid: false after moving), the second credited
      // (nothing moved): before the third push the split holds 1,000 - 50 - 475 = 475; the third moves 190 and
      // burns 1 more: 284, neither 475 (nothing moved) nor 285 (paid).
      await expect(split.connect(f.keeper).distribute(config, tokenAddress, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(split, "CofferSplitUnexpectedBalance")
        .withArgs(tokenAddress, recipients[2]!.address, 190n, 475n, 284n);
    });

    it("reverts with CofferSplitUnexpectedBalance when the incentive's false return leaves a balance it cannot explain", async function () {
      const { f, config, split, address, token, tokenAddress } = await withToken(true);
      await token.setMode(f.keeper.address, Mode.Overdraws);
      await token.mint(address, 1_000n);
      await expect(split.connect(f.keeper).distribute(config, tokenAddress, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(split, "CofferSplitUnexpectedBalance")
        .withArgs(tokenAddress, f.keeper.address, 50n, 1_000n, 949n);
    });

    it("pull-only mode: a withdrawal that moves then returns false succeeds, one that moves nothing reverts and keeps the credit, one that cannot be explained reverts", async function () {
      const { f, config, split, address, recipients, token, tokenAddress } = await withToken(true);
      await token.mint(address, 1_000n);
      await split.connect(f.keeper).distribute(config, tokenAddress, ethers.ZeroAddress);
      await token.setMode(f.dave.address, Mode.MovesThenFalse);
      await token.setMode(f.stranger.address, Mode.FalseWithoutMoving);
      await token.setMode(recipients[2]!.address, Mode.Overdraws);

      await expect(split.connect(recipients[0]!).withdraw(tokenAddress, f.dave.address))
        .to.emit(split, "Withdrawn")
        .withArgs(recipients[0]!.address, tokenAddress, f.dave.address, 475n);
      expect(await token.balanceOf(f.dave.address)).to.equal(475n);

      await expect(split.connect(recipients[1]!).withdraw(tokenAddress, f.stranger.address))
        .to.be.revertedWithCustomError(split, "SafeERC20FailedOperation")
        .withArgs(tokenAddress);
      expect(await split.creditOf(recipients[1]!.address, tokenAddress)).to.equal(285n);

      await expect(split.connect(recipients[2]!).withdraw(tokenAddress, recipients[2]!.address))
        .to.be.revertedWithCustomError(split, "CofferSplitUnexpectedBalance")
        .withArgs(tokenAddress, recipients[2]!.address, 190n, 475n, 284n);
      expect(await split.owed(tokenAddress)).to.equal(285n + 190n);
      await expectSolvent(split, token, tokenAddress);
    });
  });
});
