import { SPLIT_FLOWS } from "./splits-flows";
import { SHELF } from "./shelf";

/**
 * CofferSplit against the whole hostile shelf (`test/hostile/shelf.ts`): income, `distribute` in push and
 * pull-only modes with a distributor incentive, dust, and the withdrawal of credits. Each call works exactly or
 * reverts with the split's error; the split never owes more than it holds, and nothing stays locked.
 */
describe("hostile shelf: CofferSplit", function () {
  for (const entry of SHELF) {
    describe(`with a token that ${entry.label}`, function () {
      for (const [flow, run] of Object.entries(SPLIT_FLOWS)) {
        it(`${flow}: works exactly or reverts with the split's error, and nothing gets stuck`, async function () {
          await run(entry);
        });
      }
    });
  }
});
