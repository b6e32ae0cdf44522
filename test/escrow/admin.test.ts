import { expect } from "chai";
import { loadEscrow } from "./fixture";

describe("CofferEscrow administration", function () {
  it("is owned by the treasury Safe from deployment", async function () {
    const f = await loadEscrow();
    expect(await f.escrow.owner()).to.equal(f.treasurySafe);
  });

  describe("when anyone but the owner calls an owner function", function () {
    it("reverts with OwnableUnauthorizedAccount for transferOwnership, renounceOwnership and setComplianceGuard", async function () {
      const f = await loadEscrow();
      for (const caller of [f.owners[0]!, f.operator, f.payer, f.stranger]) {
        const escrow = f.escrow.connect(caller);
        await expect(escrow.transferOwnership(caller.address))
          .to.be.revertedWithCustomError(f.escrow, "OwnableUnauthorizedAccount")
          .withArgs(caller.address);
        await expect(escrow.renounceOwnership())
          .to.be.revertedWithCustomError(f.escrow, "OwnableUnauthorizedAccount")
          .withArgs(caller.address);
        await expect(escrow.setComplianceGuard(caller.address))
          .to.be.revertedWithCustomError(f.escrow, "OwnableUnauthorizedAccount")
          .withArgs(caller.address);
      }
    });
  });
});
