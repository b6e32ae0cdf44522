import { expect } from "chai";
import { ethers } from "ethers";
import { activityRowId, newestActivityQuery } from "../../bench/indexer";
import { TRANSFER_TOPIC, emptyTally, percentile, tallyLogs } from "../../bench/indexer/stats";

describe("indexer benchmark helpers", function () {
  describe("percentile (nearest rank)", function () {
    it("picks the smallest value with at least p % of the values at or below it", function () {
      const values = [50, 10, 40, 20, 30, 100, 90, 80, 70, 60];
      expect(percentile(values, 50)).to.equal(50);
      expect(percentile(values, 95)).to.equal(100);
      expect(percentile(values, 90)).to.equal(90);
      expect(percentile(values, 10)).to.equal(10);
      expect(percentile(values, 100)).to.equal(100);
      expect(percentile(values, 1)).to.equal(10);
    });

    it("does not reorder its input and handles one value and ties", function () {
      const values = [3, 1, 2];
      expect(percentile(values, 50)).to.equal(2);
      expect(values).to.deep.equal([3, 1, 2]);
      expect(percentile([7], 99)).to.equal(7);
      expect(percentile([5, 5, 5, 9], 75)).to.equal(5);
      expect(percentile([5, 5, 5, 9], 76)).to.equal(9);
    });

    it("refuses no values and a p outside (0, 100]", function () {
      expect(() => percentile([], 50)).to.throw("no values");
      expect(() => percentile([1], 0)).to.throw("not in (0, 100]");
      expect(() => percentile([1], 101)).to.throw("not in (0, 100]");
      expect(() => percentile([1], Number.NaN)).to.throw("not in (0, 100]");
    });
  });

  describe("tallyLogs", function () {
    const escrow = "0x5332839e893b98b171560d1ba45F5038286253dF";
    const usdc = "0xD05Fe94F4bE799E4fd0b5944AdD06E9CeB392DA5";
    const elsewhere = "0x000000000000000000000000000000000000dEaD";
    const approval = ethers.id("Approval(address,address,uint256)");
    const contracts = { coffer: new Set([escrow]), tokens: new Set([usdc]) };

    it("counts Coffer logs, token Transfers and the rest, addresses in any case", function () {
      const tally = tallyLogs(
        [
          { address: escrow.toLowerCase(), topics: [ethers.id("PaymentCharged()")] },
          { address: escrow.toUpperCase().replace("0X", "0x"), topics: [TRANSFER_TOPIC] },
          { address: usdc.toLowerCase(), topics: [TRANSFER_TOPIC] },
          { address: usdc, topics: [TRANSFER_TOPIC.toUpperCase().replace("0X", "0x")] },
          { address: usdc, topics: [approval] },
          { address: usdc, topics: [] },
          { address: elsewhere, topics: [TRANSFER_TOPIC] },
        ],
        contracts,
      );
      // A Transfer-shaped log of a Coffer contract is a Coffer event; a Transfer of an unfollowed token is other.
      expect(tally).to.deep.equal({ coffer: 2, transfers: 2, other: 3 });
    });

    it("adds to the tally it is given", function () {
      const tally = emptyTally();
      tallyLogs([{ address: escrow, topics: [] }], contracts, tally);
      const again = tallyLogs([{ address: usdc, topics: [TRANSFER_TOPIC] }], contracts, tally);
      expect(again).to.equal(tally);
      expect(tally).to.deep.equal({ coffer: 1, transfers: 1, other: 0 });
    });
  });

  describe("queries", function () {
    it("names the activity row of a log as the indexer does", function () {
      expect(activityRowId(123, 4)).to.equal("000000000123-000004-01");
    });

    it("asks for an account's 20 newest activity rows, the address lower-cased", function () {
      const query = newestActivityQuery(31337, "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65");
      expect(query).to.contain('account: "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65"');
      expect(query).to.contain("chainId: 31337");
      expect(query).to.contain('orderBy: "id", orderDirection: "desc", limit: 20');
    });
  });
});
