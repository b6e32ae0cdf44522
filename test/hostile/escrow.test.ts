import { ESCROW_FLOWS, startEscrowRun } from "./escrow-flows";
import { SHELF } from "./shelf";

/**
 * CofferEscrow against the whole hostile shelf (`test/hostile/shelf.ts`), on every fund-moving entry point:
 * authorize, capture, void, dispute/resolve, reclaim, refund, charge, payInvoice, their permit forms and the
 * withdrawal of credits. Each call works exactly or reverts with the escrow's error; the escrow stays solvent
 * (its balance covers what it holds and every credit) and every credit is withdrawn at the end.
 */
describe("hostile shelf: CofferEscrow", function () {
  for (const entry of SHELF) {
    describe(`with a token that ${entry.label}`, function () {
      for (const [flow, run] of Object.entries(ESCROW_FLOWS)) {
        it(`${flow}: works exactly or reverts with the escrow's error, and nothing gets stuck`, async function () {
          await run(await startEscrowRun(entry));
        });
      }
    });
  }
});
