import { expect } from "chai";
import { ethers } from "ethers";
import { MONTH } from "../treasury/fixture";
import { startEscrowRun, paymentIn, expectSolvent } from "./escrow-flows";
import { SHELF, balanceIn, type ShelfEntry } from "./shelf";
import { startSplitRun } from "./splits-flows";
import { startSubscriptionRun } from "./subscriptions-flows";
import { startTreasuryRun } from "./treasury-flows";

/**
 * The amount-shaped kinds of d-xo/weird-erc20 at the bounds of each module: flash-mintable supplies (DAI: balances
 * near 2^256), more than 18 decimals (YAM-V2), 96-bit tokens (UNI, COMP) and a transfer of 2^256 - 1 that moves
 * only the balance (cUSDCv3). Every module bounds its amounts by its own types, so each bound either works exactly
 * or is refused with the module's error before the token is asked.
 */

const entry = (id: string): ShelfEntry => SHELF.find((e) => e.id === id)!;
const UINT96_MAX = 2n ** 96n - 1n;
const UINT120_MAX = 2n ** 120n - 1n;

describe("hostile shelf: amounts at each module's bounds", function () {
  it("escrow: a flash-mint-sized payer authorizes the uint120 maximum and the capture pays it exactly", async function () {
    const run = await startEscrowRun(entry("standard"));
    const { f } = run;
    await (await run.d.token.getFunction("mint")(f.payer.address, UINT120_MAX)).wait();
    const payment = await paymentIn(run, { maxAmount: UINT120_MAX });
    run.payments.push(payment);
    await f.escrow.connect(f.payer).authorize(payment, UINT120_MAX, "0x");
    await expectSolvent(run, "authorize the uint120 maximum");
    const fee = (UINT120_MAX * 200n) / 10_000n;
    const [payee, feeReceiver] = [
      await balanceIn(run.d, f.payee.address),
      await balanceIn(run.d, f.feeReceiver.address),
    ];
    await f.escrow.connect(f.operator).capture(payment, UINT120_MAX, 200);
    expect(await balanceIn(run.d, f.payee.address)).to.equal(payee + UINT120_MAX - fee);
    expect(await balanceIn(run.d, f.feeReceiver.address)).to.equal(feeReceiver + fee);
    await expectSolvent(run, "capture the uint120 maximum");
  });

  it("splits: a balance near 2^256 distributes at most MAX_DISTRIBUTION at a time, owing no more than it holds", async function () {
    const run = await startSplitRun(entry("standard"), true);
    const split = await run.split.getAddress();
    const cap = await run.split.MAX_DISTRIBUTION();
    await (await run.d.token.getFunction("mint")(split, 2n ** 255n)).wait();
    for (let i = 0; i < 2; i++) {
      const available = await run.split.distributable(run.d.address);
      expect(available).to.equal(cap);
      await run.split.connect(run.f.keeper).distribute(run.config, run.d.address, ethers.ZeroAddress);
      await run.solvent(`distribution ${i + 1}`);
    }
    const incentive = (cap * 10_000n) / 1_000_000n;
    expect(await run.split.creditOf(run.f.alice.address, run.d.address)).to.equal(
      2n * (((cap - incentive) * 600_000n) / 1_000_000n),
    );
    for (const signer of [run.f.alice, run.f.bob]) {
      const credit = await run.split.creditOf(signer.address, run.d.address);
      await expect(run.split.connect(signer).withdraw(run.d.address, signer.address)).to.changeTokenBalance(
        run.d.token,
        signer,
        credit,
      );
    }
    await run.solvent("after the withdrawals");
  });

  it("subscriptions: with 24 decimals a plan reaches the uint96 bound (79,228 whole tokens) and charges it exactly", async function () {
    const run = await startSubscriptionRun(entry("high-decimals"));
    const [subscriber] = run.subscribers;
    await (await run.d.token.getFunction("mint")(subscriber!.address, UINT96_MAX)).wait();
    const params = {
      payee: run.f.payee.address,
      token: run.d.address,
      amount: UINT96_MAX,
      period: 30 * 86_400,
      trial: 0,
      grace: 3 * 86_400,
      feeBps: 0,
      feeReceiver: ethers.ZeroAddress,
    };
    const planId = await run.f.subscriptions.connect(run.f.merchant).createPlan.staticCall(params);
    await run.f.subscriptions.connect(run.f.merchant).createPlan(params);
    await expect(run.f.subscriptions.connect(subscriber!).subscribe(planId)).to.changeTokenBalances(
      run.d.token,
      [subscriber!, run.f.payee],
      [-UINT96_MAX, UINT96_MAX],
    );
    await run.solvent("a uint96-maximum charge");
  });

  it("treasury: a budget transfer of 2^256 - 1 (all of the balance, for cUSDCv3) is refused as over budget", async function () {
    for (const allowance of [false, true]) {
      const run = await startTreasuryRun(entry("max-means-balance"), allowance);
      const remaining = 100n * run.d.unit;
      const safe = await balanceIn(run.d, run.f.safe);
      await expect(
        run.f.module
          .connect(run.f.operator)
          .transfer(run.f.safe, run.d.address, run.f.vendor.address, ethers.MaxUint256),
      )
        .to.be.revertedWithCustomError(run.f.module, "CofferTreasuryBudgetExceeded")
        .withArgs(run.f.safe, run.f.operator.address, run.d.address, ethers.MaxUint256, remaining);
      expect(await balanceIn(run.d, run.f.safe)).to.equal(safe);
    }
  });

  it("treasury: with a 96-bit token (UNI) the Safe's max approval reads back as 2^96 - 1 and still pays by allowance", async function () {
    const run = await startTreasuryRun(entry("uint96"), true);
    const module = await run.f.module.getAddress();
    const token = new ethers.Contract(
      run.d.address,
      ["function allowance(address,address) view returns (uint256)"],
      run.f.operator,
    );
    expect(await token.getFunction("allowance")(run.f.safe, module)).to.equal(UINT96_MAX);
    await await run.f.policy(
      run.f.module.interface.encodeFunctionData("setBudget", [
        run.f.operator.address,
        run.d.address,
        UINT96_MAX,
        MONTH,
      ]),
    );
    const amount = 1_000n * run.d.unit;
    await expect(
      run.f.module.connect(run.f.operator).transfer(run.f.safe, run.d.address, run.f.vendor.address, amount),
    ).to.changeTokenBalances(run.d.token, [run.f.safe, run.f.vendor.address], [-amount, amount]);
    // The allowance path never spent it (UNI's unlimited allowance).
    expect(await token.getFunction("allowance")(run.f.safe, module)).to.equal(UINT96_MAX);
  });
});
