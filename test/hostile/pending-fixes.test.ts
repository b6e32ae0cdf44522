import { ESCROW_FLOWS, startEscrowRun } from "./escrow-flows";
import { PENDING, SHELF } from "./shelf";
import { SPLIT_FLOWS } from "./splits-flows";
import { SUBSCRIPTION_FLOWS } from "./subscriptions-flows";

/**
 * Runs of the hostile shelf that fail today because of bugs other changes are fixing (listed in `PENDING` of
 * `shelf.ts`, with the reason). Written as the modules should behave, with the same flows as the main suites: once
 * the fixes land, these pass and their keys can leave `PENDING`.
 */

/** The shelf entries of `PENDING` for a module and flow. */
const pendingFor = (module: string, flow: string) =>
  SHELF.filter((entry) => PENDING.has(`${module}:${flow}:${entry.id}`));

describe("hostile shelf, pending fixes: CofferEscrow", function () {
  for (const [flow, run] of Object.entries(ESCROW_FLOWS)) {
    for (const entry of pendingFor("escrow", flow)) {
      it(`${flow} with a token that ${entry.label}: works exactly or reverts with the escrow's error`, async function () {
        await run(await startEscrowRun(entry));
      });
    }
  }
});

describe("hostile shelf, pending fixes: CofferSplit", function () {
  for (const [flow, run] of Object.entries(SPLIT_FLOWS)) {
    for (const entry of pendingFor("splits", flow)) {
      it(`${flow} with a token that ${entry.label}: works exactly or reverts with the split's error`, async function () {
        await run(entry);
      });
    }
  }
});

describe("hostile shelf, pending fixes: CofferSubscriptions", function () {
  for (const [flow, run] of Object.entries(SUBSCRIPTION_FLOWS)) {
    for (const entry of pendingFor("subscriptions", flow)) {
      it(`${flow} with a token that ${entry.label}: works exactly or reverts with the module's error`, async function () {
        await run(entry);
      });
    }
  }
});
