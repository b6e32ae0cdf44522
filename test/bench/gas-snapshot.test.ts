import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { compareToSnapshot } from "../../bench/gas/snapshot";

describe("gas snapshot check", function () {
  const snapshot = { "escrow.capture": 54_479, "baseline.erc20.transfer": 34_178 };

  it("passes when nothing costs more (cheaper is fine)", function () {
    expect(compareToSnapshot(snapshot, { "escrow.capture": 54_000, "baseline.erc20.transfer": 34_178 })).to.deep.equal(
      [],
    );
  });

  it("fails with the before and after figures when an operation costs more", function () {
    expect(compareToSnapshot(snapshot, { "escrow.capture": 54_491, "baseline.erc20.transfer": 34_178 })).to.deep.equal([
      "escrow.capture: 54479 → 54491 (+12, +0.02%)",
    ]);
  });

  it("fails when an operation appears or disappears", function () {
    expect(compareToSnapshot(snapshot, { "escrow.capture": 54_479, "escrow.void": 49_958 })).to.deep.equal([
      "escrow.void: not in the snapshot (now 49958)",
      "baseline.erc20.transfer: in the snapshot but no longer measured",
    ]);
  });

  it("the committed snapshot holds every key the issues name", function () {
    const committed = JSON.parse(
      fs.readFileSync(path.join(__dirname, "..", "..", "bench", "gas-snapshot.json"), "utf8"),
    );
    for (const key of [
      "baseline.erc20.transfer",
      "baseline.erc20.transferToNew",
      "baseline.erc20.transferFrom",
      "baseline.safe2of3.erc20Transfer",
      "escrow.charge.noFee",
      "escrow.charge.fee",
      "escrow.authorize",
      "escrow.capture",
      "escrow.void",
      "escrow.reclaim",
      "escrow.refund",
      "escrow.payInvoice",
      "subscriptions.subscribe",
      "subscriptions.charge",
      "subscriptions.chargeMany50.perSubscription",
      "treasury.budgetTransfer",
      "treasury.queue",
      "treasury.executeQueued",
      "treasury.sweep",
      "splits.create.2",
      "splits.create.10",
      "splits.create.100",
      ...["push", "pull"].flatMap((mode) =>
        ["2", "10", "100", "max"].map((n) => `splits.distribute.${mode}.${n}.perRecipient`),
      ),
    ]) {
      expect(committed, key).to.have.property(key).that.is.a("number");
    }
  });
});
