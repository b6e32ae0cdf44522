import { SHELF } from "./shelf";
import { SUBSCRIPTION_FLOWS } from "./subscriptions-flows";

/**
 * CofferSubscriptions against the whole hostile shelf (`test/hostile/shelf.ts`): subscribe (its first charge),
 * subscribeWithPermit, charge, chargeMany and cancel, with the token turning hostile between charges. Each call works
 * exactly or reverts with the module's error (a failed renewal is recorded, nothing moves); no token is ever left in
 * the module.
 */
describe("hostile shelf: CofferSubscriptions", function () {
  for (const entry of SHELF) {
    describe(`with a token that ${entry.label}`, function () {
      for (const [flow, run] of Object.entries(SUBSCRIPTION_FLOWS)) {
        it(`${flow}: works exactly or reverts with the module's error, and nothing gets stuck`, async function () {
          await run(entry);
        });
      }
    });
  }
});
