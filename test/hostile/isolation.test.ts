import { time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { ethers } from "ethers";
import { createPlan } from "../subscriptions/fixture";
import { SHELF } from "./shelf";
import { startSplitRun } from "./splits-flows";
import { startSubscriptionRun } from "./subscriptions-flows";

/**
 * No party's funds are frozen by another's hostile token: where one call or one contract handles several tokens
 * (a split holds any token sent to it; `chargeMany` charges subscriptions in different tokens), a hostile token, at
 * its worst (turned), leaves a standard token's distribution, withdrawal and charges exact.
 */

const HOSTILE = SHELF.filter((entry) => entry.turn !== undefined || !entry.supported);

describe("hostile shelf: a hostile token freezes no one else's funds", function () {
  for (const entry of HOSTILE) {
    describe(`next to a token that ${entry.label}`, function () {
      it("a split still distributes and pays out a standard token exactly", async function () {
        const run = await startSplitRun(entry, false);
        const split = await run.split.getAddress();
        const usdc = run.f.usdc;
        await (await run.d.token.getFunction("mint")(split, 100n * run.d.unit)).wait();
        await usdc.mint(split, 1_000_000n);
        await run.d.entry.turn?.(run.d.token, { victim: run.f.alice.address });
        // The hostile token's distribution may go either way; it must not touch the standard token.
        await run.split
          .connect(run.f.keeper)
          .distribute(run.config, run.d.address, ethers.ZeroAddress)
          .catch(() => undefined);
        await expect(
          run.split.connect(run.f.keeper).distribute(run.config, await usdc.getAddress(), ethers.ZeroAddress),
        ).to.changeTokenBalances(usdc, [run.f.alice, run.f.bob, run.f.keeper], [594_000n, 396_000n, 10_000n]);
        expect(await run.split.owed(await usdc.getAddress())).to.equal(0n);
        expect(await usdc.balanceOf(split)).to.equal(0n);
      });

      it("chargeMany still charges a standard-token subscription exactly", async function () {
        const run = await startSubscriptionRun(entry);
        const [hostileSubscriber] = run.subscribers;
        const usdcSubscriber = run.f.subscribers[2]!;
        const usdcPlan = await createPlan(run.f);
        // The hostile subscription may fail to open; the standard one must not care.
        const ids: bigint[] = [];
        try {
          ids.push(await run.f.subscriptions.connect(hostileSubscriber!).subscribe.staticCall(run.planId));
          await run.f.subscriptions.connect(hostileSubscriber!).subscribe(run.planId);
        } catch {
          // Refused at the first charge, with the module's error (see subscriptions.test.ts).
        }
        const usdcId = await run.f.subscriptions.connect(usdcSubscriber).subscribe.staticCall(usdcPlan);
        await run.f.subscriptions.connect(usdcSubscriber).subscribe(usdcPlan);
        ids.push(usdcId);
        await run.d.entry.turn?.(run.d.token, { victim: run.f.payee.address });
        await time.increase(30 * 86_400);
        await expect(run.f.subscriptions.connect(run.f.keeper).chargeMany(ids)).to.changeTokenBalances(
          run.f.usdc,
          [usdcSubscriber, run.f.payee],
          [-10_000_000n, 10_000_000n],
        );
        expect((await run.f.subscriptions.getSubscription(usdcId)).nextPeriod).to.equal(2n);
      });
    });
  }
});
