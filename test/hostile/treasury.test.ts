import { SHELF, isPending } from "./shelf";
import { QUEUE_FLOWS, TREASURY_FLOWS } from "./treasury-flows";

/**
 * CofferTreasuryModule against the whole hostile shelf (`test/hostile/shelf.ts`): an operator's budget `transfer`
 * and `sweep`, through the Safe's allowance and through a call from the Safe, and a queued transfer executed after
 * the delay (its set-up is in `allowQueue`, the one place to adapt when the Safe must set a queue limit). Each call
 * works exactly or reverts with the module's error; the module never keeps a token. Runs that fail today because of
 * a bug are in `pending-fixes.test.ts`.
 */
describe("hostile shelf: CofferTreasuryModule", function () {
  for (const entry of SHELF) {
    describe(`with a token that ${entry.label}`, function () {
      for (const [flow, run] of Object.entries({ ...TREASURY_FLOWS, ...QUEUE_FLOWS })) {
        if (isPending("treasury", flow, entry)) continue;
        it(`${flow}: works exactly or reverts with the module's error`, async function () {
          await run(entry);
        });
      }
    });
  }
});
