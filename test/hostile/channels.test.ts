import { CHANNEL_FLOWS } from "./channels-flows";
import { SHELF } from "./shelf";

/**
 * CofferChannels against the whole hostile shelf (`test/hostile/shelf.ts`), on every fund-moving entry point: open,
 * top up, redeem, redeemMany, close, the payer's exit and the withdrawal of credits. Each call works exactly or
 * reverts with the channel contract's error; the contract stays solvent (its balance covers the open channel and
 * every credit) and every credit is withdrawn at the end.
 */
describe("hostile shelf: CofferChannels", function () {
  for (const entry of SHELF) {
    describe(`with a token that ${entry.label}`, function () {
      for (const [flow, run] of Object.entries(CHANNEL_FLOWS)) {
        it(`${flow}: works exactly or reverts with the contract's error, and nothing gets stuck`, async function () {
          await run(entry);
        });
      }
    });
  }
});
