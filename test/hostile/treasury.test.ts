import { SHELF } from "./shelf";
import { QUEUE_FLOWS, TREASURY_FLOWS } from "./treasury-flows";

/**
 * CofferTreasuryModule against the whole hostile shelf (`test/hostile/shelf.ts`): an operator's budget `transfer`
 * and `sweep`, through the Safe's allowance and through a call from the Safe, and a queued transfer executed after
 * the delay under the operator's queue limit (set in `allowQueue`). Each call works exactly or reverts with the
 * module's error; the module never keeps a token.
 */
describe("hostile shelf: CofferTreasuryModule", function () {
  for (const entry of SHELF) {
    describe(`with a token that ${entry.label}`, function () {
      for (const [flow, run] of Object.entries({ ...TREASURY_FLOWS, ...QUEUE_FLOWS })) {
        it(`${flow}: works exactly or reverts with the module's error`, async function () {
          await run(entry);
        });
      }
    });
  }
});
