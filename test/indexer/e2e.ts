import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { ethers } from "ethers";
import { CofferEscrow__factory, CofferSubscriptions__factory } from "../../typechain-types";
import { readManifest } from "../../deploy/manifest";
import { startIndexer, type IndexerDatabase, type RunningIndexer } from "../../scripts/lib/indexer-process";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { expectNamedPartiesSeeTheirEvents } from "./activity-parties";
import { driveChannels, itIndexesChannels } from "./channels";
import { allRows, expectIndexEqualsChain, gql, gqlRaw, psqlIn, runActivity } from "./helpers";
import { itServesWebhookEvents } from "./webhook-events";

const lc = (value: string) => value.toLowerCase();
const DAY = 86_400n;
/** Blocks behind the head that Ponder treats as final on a 31337 chain. */
const FINALITY = 32;

/** The settlement of `merchant` in `token` per UTC day, folded straight from the chain's logs. */
async function settlementFromLogs(
  provider: ethers.JsonRpcProvider,
  deploymentsDir: string,
  merchant: string,
  token: string,
  toBlock: number,
): Promise<Map<string, { gross: bigint; fees: bigint; refunds: bigint; entries: number }>> {
  const manifest = readManifest(deploymentsDir, 31337);
  const escrow = CofferEscrow__factory.connect(manifest?.contracts["CofferEscrow"]?.address ?? "", provider);
  const subscriptions = CofferSubscriptions__factory.connect(
    manifest?.contracts["CofferSubscriptions"]?.address ?? "",
    provider,
  );
  const ours = new Set<string>();
  for (const log of [
    ...(await escrow.queryFilter(escrow.filters.PaymentAuthorized(), 0, toBlock)),
    ...(await escrow.queryFilter(escrow.filters.PaymentCharged(), 0, toBlock)),
  ]) {
    if (lc(log.args.payment.payee) === merchant && lc(log.args.payment.token) === token) ours.add(log.args.paymentId);
  }
  const days = new Map<string, { gross: bigint; fees: bigint; refunds: bigint; entries: number }>();
  const add = async (blockNumber: number, gross: bigint, fees: bigint, refunds: bigint) => {
    const block = await provider.getBlock(blockNumber);
    const day = new Date(Number((BigInt(block?.timestamp ?? 0) / DAY) * DAY) * 1000).toISOString().slice(0, 10);
    const totals = days.get(day) ?? { gross: 0n, fees: 0n, refunds: 0n, entries: 0 };
    totals.gross += gross;
    totals.fees += fees;
    totals.refunds += refunds;
    totals.entries += 1;
    days.set(day, totals);
  };
  for (const log of await escrow.queryFilter(escrow.filters.PaymentCharged(), 0, toBlock)) {
    if (ours.has(log.args.paymentId)) await add(log.blockNumber, log.args.amount, log.args.fee, 0n);
  }
  for (const log of await escrow.queryFilter(escrow.filters.PaymentCaptured(), 0, toBlock)) {
    if (ours.has(log.args.paymentId)) await add(log.blockNumber, log.args.amount, log.args.fee, 0n);
  }
  for (const log of await escrow.queryFilter(escrow.filters.PaymentResolved(), 0, toBlock)) {
    if (ours.has(log.args.paymentId)) await add(log.blockNumber, log.args.payeeAmount, 0n, 0n);
  }
  for (const log of await escrow.queryFilter(escrow.filters.PaymentRefunded(), 0, toBlock)) {
    if (ours.has(log.args.paymentId)) await add(log.blockNumber, 0n, 0n, log.args.amount);
  }
  for (const log of await escrow.queryFilter(escrow.filters.InvoicePaid(), 0, toBlock)) {
    if (lc(log.args.payee) === merchant && lc(log.args.token) === token) {
      await add(log.blockNumber, log.args.amount, 0n, 0n);
    }
  }
  // Subscription income counts for the plan's payee (who received it), not the plan's merchant.
  const payees = new Map<bigint, string>();
  for (const log of await subscriptions.queryFilter(subscriptions.filters.PlanCreated(), 0, toBlock)) {
    payees.set(log.args.planId, lc(log.args.plan.payee));
  }
  for (const log of await subscriptions.queryFilter(subscriptions.filters.SubscriptionCharged(), 0, toBlock)) {
    if (payees.get(log.args.planId) === merchant && lc(log.args.token) === token) {
      await add(log.blockNumber, log.args.amount, log.args.fee, 0n);
    }
  }
  return days;
}

/**
 * The end-to-end suite, run once per database by `pglite.e2e.test.ts` and `postgres.e2e.test.ts`: a local chain
 * with Coffer deployed, the scenario and payment channels (`channels.ts`), then `FINALITY` empty blocks so that the scenario lies in Ponder's backfill
 * (the last 30 blocks of a 31337 chain are indexed one by one after `/ready`); the indexer on a fresh database,
 * waited for until `/status` reaches the chain head; then every answer checked against the chain.
 */
export function describeEndToEnd(
  name: string,
  make: () => { database: IndexerDatabase; cleanup(): void } | undefined,
): void {
  describe(`indexer end to end on ${name} (a scenario on a local chain, then the API against the chain)`, function () {
    this.timeout(170_000);
    let local: DeployedLocalChain;
    let head: number;
    let indexer: RunningIndexer;
    let cleanup: () => void = () => undefined;
    let database: IndexerDatabase;

    before(async function () {
      const made = make();
      if (made === undefined) throw new Error(`${name} is not available on this machine`);
      ({ database, cleanup } = made);
      local = await startDeployedLocalChain();
      await runActivity({ rpcUrl: local.chain.url, deploymentsDir: local.deploymentsDir });
      await driveChannels({ rpcUrl: local.chain.url, deploymentsDir: local.deploymentsDir });
      await local.chain.provider.send("anvil_mine", [ethers.toQuantity(FINALITY)]);
      head = await local.chain.provider.getBlockNumber();
      const started = Date.now();
      indexer = await startIndexer({
        chainId: 31337,
        rpcUrl: local.chain.url,
        deploymentsDir: local.deploymentsDir,
        database,
      });
      await indexer.waitForBlock(head, 150_000);
      console.log(`      (${name}: indexer started and reached block ${head} in ${Date.now() - started} ms)`);
    });

    after(async function () {
      await indexer?.stop();
      await local?.stop();
      cleanup();
    });

    it("serves balances, payments, escrowed funds, subscriptions, credits, queued transfers and Safe executions equal to the chain", async function () {
      const facts = await expectIndexEqualsChain(indexer, local.chain.provider, local.deploymentsDir, head);
      expect(facts).to.be.greaterThan(20);
    });

    it("gives each token movement of a Coffer payment one activity row per side, with the payment's meaning", async function () {
      const manifest = readManifest(local.deploymentsDir, 31337);
      const subscriptions = CofferSubscriptions__factory.connect(
        manifest?.contracts["CofferSubscriptions"]?.address ?? "",
        local.chain.provider,
      );
      // Token charges (an ETH charge pays from the deposit the subscriber made before).
      const charges = (await subscriptions.queryFilter(subscriptions.filters.SubscriptionCharged(), 0, head)).filter(
        (log) => log.args.token !== ethers.ZeroAddress,
      );
      expect(charges.length).to.be.greaterThan(0);
      for (const charge of charges) {
        const { activitys } = await gql<{
          activitys: { items: { account: string; kind: string; reference: string; amount: string }[] };
        }>(
          indexer,
          `query ($tx: String!) { activitys(where: { transactionHash: $tx }, limit: 100) { items { account kind reference amount } } }`,
          { tx: lc(charge.transactionHash) },
        );
        // Money rows only: the subscription's creation may share the transaction (amount 0 rows).
        const ours = activitys.items.filter(
          (row) => row.reference === charge.args.subscriptionId.toString() && row.amount !== "0",
        );
        const { amount, fee } = charge.args;
        // The subscriber pays the payee and the fee receiver: two transfers, two rows each, and nothing else.
        expect(ours.map((row) => row.kind)).to.deep.equal(Array(fee === 0n ? 2 : 4).fill("subscription_charged"));
        expect(ours.reduce((sum, row) => sum + BigInt(row.amount), 0n)).to.equal(0n);
        const subscriber = lc(charge.args.subscriber);
        const paid = ours
          .filter((row) => row.account === subscriber)
          .reduce((sum, row) => sum + BigInt(row.amount), 0n);
        expect(paid).to.equal(-amount);
        expect(activitys.items.filter((row) => row.kind === "transfer")).to.deep.equal([]);
      }
    });

    it("shows every account a Coffer event names that event, with its role (operator, arbiter, fee receiver, a split's merchant)", async function () {
      const counts = await expectNamedPartiesSeeTheirEvents(indexer, local.chain.provider, local.deploymentsDir, head);
      // The story has them all: orders operated by the shop for its revenue split, with an arbiter and a
      // processor's fee, and plans paid to the split, one of whose renewals fails.
      expect(counts.operatorSteps, "payment steps with an operator of its own").to.be.greaterThan(0);
      expect(counts.arbiterSteps, "payment steps with an arbiter").to.be.greaterThan(0);
      expect(counts.feeReceiverSteps, "payment steps with a fee receiver").to.be.greaterThan(0);
      expect(counts.chargesToAnotherPayee, "charges of plans paid to a split").to.be.greaterThan(0);
      expect(counts.failuresToAnotherPayee, "failed charges of plans paid to a split").to.be.greaterThan(0);
    });

    it("relates accounts to their balances and payments, and payments to each step", async function () {
      const payments = await allRows<{ id: string; payer: string }>(indexer, "payments", "id payer");
      const first = payments[0];
      if (first === undefined) throw new Error("no payments indexed");
      const data = await gql<{
        account: {
          balances: { items: unknown[] };
          paymentsAsPayer: { items: { id: string; steps: { items: { kind: string }[] } }[] };
        };
      }>(
        indexer,
        `query ($payer: String!) { account(chainId: 31337, address: $payer) {
             balances { items { token balance } }
             paymentsAsPayer { items { id steps(orderBy: "id") { items { kind } } } } } }`,
        { payer: ethers.getAddress(first.payer) },
      );
      const mine = data.account.paymentsAsPayer.items.find((row) => row.id === first.id);
      expect(mine?.steps.items[0]?.kind).to.be.oneOf(["authorized", "charged"]);
      expect(data.account.balances.items.length).to.be.greaterThan(0);
    });

    it("lists an account's activity newest first, the same whole or page by page", async function () {
      const [top] = (
        await gql<{ activitys: { items: { account: string }[] } }>(
          indexer,
          `{ activitys(where: { kind: "transfer" }, limit: 1) { items { account } } }`,
        )
      ).activitys.items;
      if (top === undefined) throw new Error("no activity");
      const where = `{ chainId: 31337, account: "${top.account}" }`;
      const whole = await allRows<{ id: string; blockNumber: string }>(indexer, "activitys", "id blockNumber", {
        where,
        orderBy: "id",
        orderDirection: "desc",
      });
      const paged = await allRows<{ id: string; blockNumber: string }>(indexer, "activitys", "id blockNumber", {
        where,
        orderBy: "id",
        orderDirection: "desc",
        limit: 3,
      });
      expect(paged).to.deep.equal(whole);
      expect(whole.length).to.be.greaterThan(3);
      const blocks = whole.map((row) => BigInt(row.blockNumber));
      expect(blocks).to.deep.equal([...blocks].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
      const { activitys } = await gql<{ activitys: { totalCount: number } }>(
        indexer,
        `{ activitys(where: ${where}) { totalCount } }`,
      );
      expect(activitys.totalCount).to.equal(whole.length);
    });

    it("reports a merchant's settlement per day as JSON and CSV, equal to the chain's events", async function () {
      const [payment] = await allRows<{ payee: string; token: string }>(indexer, "payments", "payee token", {
        orderBy: "createdBlock",
      });
      if (payment === undefined) throw new Error("no payments");
      const expected = await settlementFromLogs(
        local.chain.provider,
        local.deploymentsDir,
        payment.payee,
        payment.token,
        head,
      );
      const query = `merchant=${payment.payee}&token=${payment.token}&from=0&to=99999999999`;
      const response = await fetch(`${indexer.url}/reports/settlement?${query}`);
      expect(response.status).to.equal(200);
      const report = (await response.json()) as {
        totals: { gross: string; fees: string; refunds: string; net: string; entries: number };
        days: { date: string; gross: string; fees: string; refunds: string; net: string; entries: number }[];
      };
      expect(report.days).to.deep.equal(
        [...expected.entries()].sort().map(([date, t]) => ({
          date,
          gross: t.gross.toString(),
          fees: t.fees.toString(),
          refunds: t.refunds.toString(),
          net: (t.gross - t.fees - t.refunds).toString(),
          entries: t.entries,
        })),
      );
      expect(report.totals.entries).to.be.greaterThan(0);
      expect(BigInt(report.totals.net)).to.equal(
        BigInt(report.totals.gross) - BigInt(report.totals.fees) - BigInt(report.totals.refunds),
      );

      const csv = await (await fetch(`${indexer.url}/reports/settlement?${query}&format=csv`)).text();
      const lines = csv.trim().split("\n");
      expect(lines[0]).to.equal("date,gross,fees,refunds,net,entries");
      expect(lines.slice(1, -1)).to.deep.equal(
        report.days.map((d) => [d.date, d.gross, d.fees, d.refunds, d.net, d.entries].join(",")),
      );
      const t = report.totals;
      expect(lines.at(-1)).to.equal(["total", t.gross, t.fees, t.refunds, t.net, t.entries].join(","));

      // A range after the last block holds nothing.
      const empty = (await (
        await fetch(
          `${indexer.url}/reports/settlement?merchant=${payment.payee}&token=${payment.token}&from=99999999998&to=99999999999`,
        )
      ).json()) as { days: unknown[]; totals: { gross: string } };
      expect(empty.days).to.deep.equal([]);
      expect(empty.totals.gross).to.equal("0");
    });

    it("finds ids and references in any letter case, literal or in variables", async function () {
      const [payment] = await allRows<{ id: string; payee: string }>(indexer, "payments", "id payee", { limit: 1 });
      if (payment === undefined) throw new Error("no payments");
      const upper = `0x${payment.id.slice(2).toUpperCase()}`;
      const count = async (reference: string, asVariable: boolean) => {
        const { data } = await gql<{ activitys: { totalCount: number } }>(
          indexer,
          asVariable
            ? `query ($reference: String!) { activitys(where: { reference: $reference }) { totalCount } }`
            : `{ activitys(where: { reference: "${reference}" }) { totalCount } }`,
          asVariable ? { reference } : {},
        ).then((result) => ({ data: result }));
        return data.activitys.totalCount;
      };
      const expected = await count(payment.id, false);
      expect(expected).to.be.greaterThan(0);
      expect(await count(upper, false)).to.equal(expected);
      expect(await count(upper, true)).to.equal(expected);
      const { payment: found } = await gql<{ payment: { id: string } | null }>(
        indexer,
        `query ($id: String!) { payment(chainId: 31337, id: $id) { id } }`,
        { id: upper },
      );
      expect(found?.id).to.equal(payment.id);
    });

    it("knows the symbol and decimals of every token it has seen, as each token reports them", async function () {
      const tokens = await allRows<{ address: string; symbol: string | null; decimals: number | null }>(
        indexer,
        "tokens",
        "address symbol decimals",
      );
      const known = new Map(tokens.map((row) => [row.address, row]));
      const seen = new Set([
        ...(await allRows<{ token: string }>(indexer, "payments", "token")).map((row) => row.token),
        ...(await allRows<{ token: string }>(indexer, "tokenBalances", "token")).map((row) => row.token),
        ...(await allRows<{ token: string }>(indexer, "plans", "token")).map((row) => row.token),
      ]);
      expect(seen.size).to.be.greaterThan(1);
      for (const address of seen) {
        const row = known.get(address);
        expect(row, `token ${address}`).to.not.equal(undefined);
        if (address === ethers.ZeroAddress) {
          expect(row).to.deep.include({ symbol: "ETH", decimals: 18 });
          continue;
        }
        const contract = new ethers.Contract(
          address,
          ["function symbol() view returns (string)", "function decimals() view returns (uint8)"],
          local.chain.provider,
        );
        expect(row, `token ${address}`).to.deep.include({
          symbol: await contract.getFunction("symbol")(),
          decimals: Number(await contract.getFunction("decimals")()),
        });
      }
    });

    it("counts subscription income under the account that received it: a plan's payee that is not its merchant", async function () {
      const plans = await allRows<{ merchant: string; payee: string; token: string }>(
        indexer,
        "plans",
        "merchant payee token",
      );
      const paidElsewhere = plans.filter((plan) => plan.payee !== plan.merchant);
      expect(paidElsewhere, "the scenario has a plan that pays another account").to.not.deep.equal([]);
      for (const plan of paidElsewhere) {
        const expected = await settlementFromLogs(
          local.chain.provider,
          local.deploymentsDir,
          plan.payee,
          plan.token,
          head,
        );
        const query = `merchant=${plan.payee}&token=${plan.token}&from=0&to=99999999999`;
        const report = (await (await fetch(`${indexer.url}/reports/settlement?${query}`)).json()) as {
          totals: { gross: string; entries: number };
        };
        const gross = [...expected.values()].reduce((sum, day) => sum + day.gross, 0n);
        expect(report.totals.gross, plan.payee).to.equal(gross.toString());
        expect(report.totals.entries, plan.payee).to.be.greaterThan(0);
      }
    });

    itIndexesChannels(() => ({
      indexer,
      provider: local.chain.provider,
      deploymentsDir: local.deploymentsDir,
      head,
    }));

    itServesWebhookEvents(() => ({
      indexer,
      provider: local.chain.provider,
      deploymentsDir: local.deploymentsDir,
      head,
    }));

    it("reconciles every indexed balance with balanceOf and finds no difference", async function () {
      const response = await fetch(`${indexer.url}/reports/reconciliation`);
      expect(response.status).to.equal(200);
      const report = (await response.json()) as {
        ok: boolean;
        chains: { chainId: number; block: number; checked: number; differences: unknown[] }[];
      };
      expect(report.chains[0]?.differences).to.deep.equal([]);
      expect(report.ok).to.equal(true);
      expect(report.chains[0]?.block).to.be.at.least(head);
      expect(report.chains[0]?.checked).to.be.greaterThan(10);
    });

    it("answers the example queries of indexer/README.md", async function () {
      const [payment] = await allRows<{ payee: string }>(indexer, "payments", "payee", { limit: 1 });
      if (payment === undefined) throw new Error("no payments");
      const readme = fs.readFileSync(path.join(__dirname, "..", "..", "indexer", "README.md"), "utf8");
      const queries = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)]
        .flatMap((match) => (match[1] ?? "").split(/\n(?=#)/))
        .map((block) => block.replace(/^#.*\n/, "").replaceAll('"0x…"', `"${payment.payee}"`))
        .filter((query) => query.trim() !== "");
      expect(queries.length).to.be.at.least(4);
      for (const query of queries) {
        const { status, body } = await gqlRaw(indexer, query);
        expect({ status, errors: body.errors }, query).to.deep.equal({ status: 200, errors: undefined });
      }
    });

    it("answers bad queries with a clear 400 and keeps serving", async function () {
      const unknown = await gqlRaw(indexer, "{ payments { items { nope } } }");
      expect(unknown.status).to.equal(400);
      expect(unknown.body.errors?.[0]?.message).to.match(/nope/);

      let deep = "id";
      for (let level = 0; level < 6; level += 1) deep = `payeeAccount { paymentsAsPayee { items { ${deep} } } }`;
      const tooDeep = await gqlRaw(indexer, `{ payments { items { ${deep} } } }`);
      expect(tooDeep.status).to.equal(400);
      expect(tooDeep.body.errors?.[0]?.message).to.match(/depth/i);

      const malformed = await gqlRaw(indexer, `{ tokenBalances(where: { account: "0x12zz" }) { items { balance } } }`);
      expect(malformed.status).to.equal(400);
      expect(malformed.body.errors?.[0]?.message).to.match(/"account" must be a 0x-prefixed 20-byte hex address/);
      // The same query text, parsed once and remembered, is checked against each request's own variables.
      const byVariable = `query ($who: String) { activitys(where: { OR: [{ account: $who }] }) { items { id } } }`;
      const wellFormed = await gqlRaw(indexer, byVariable, { who: ethers.ZeroAddress });
      expect(wellFormed.status).to.equal(200);
      const malformedVariable = await gqlRaw(indexer, byVariable, { who: "0x1234" });
      expect(malformedVariable.status).to.equal(400);
      expect(malformedVariable.body.errors?.[0]?.message).to.match(/"account" must be/);

      const notJson = await fetch(indexer.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{ this is not json",
      });
      expect(notJson.status).to.equal(400);
      const syntax = await gqlRaw(indexer, "{ payments { items { id }");
      expect(syntax.status).to.equal(400);

      const report = await fetch(`${indexer.url}/reports/settlement?merchant=0x1234&token=${ethers.ZeroAddress}`);
      expect(report.status).to.equal(400);
      expect(((await report.json()) as { errors: { message: string }[] }).errors[0]?.message).to.match(/merchant/);
      const format = await fetch(
        `${indexer.url}/reports/settlement?merchant=${ethers.ZeroAddress}&token=${ethers.ZeroAddress}&format=xml`,
      );
      expect(format.status).to.equal(400);

      expect((await fetch(`${indexer.url}/health`)).status).to.equal(200);
      const ok = await gql<{ payments: { totalCount: number } }>(indexer, "{ payments { totalCount } }");
      expect(ok.payments.totalCount).to.be.greaterThan(0);
    });

    if (name === "PostgreSQL") {
      it("reports a balance that differs from the chain, with both values", async function () {
        const schema = (database as { schema: string }).schema;
        const [row] = await allRows<{ account: string; token: string; balance: string }>(
          indexer,
          "tokenBalances",
          "account token balance",
          { where: `{ balance_gt: "0" }`, limit: 1 },
        );
        if (row === undefined) throw new Error("no balance");
        psqlIn(
          database,
          `SET session_replication_role = replica; UPDATE "${schema}".token_balance SET balance = balance + 7 WHERE account = '${row.account}' AND token = '${row.token}'`,
        );
        const report = (await (await fetch(`${indexer.url}/reports/reconciliation`)).json()) as {
          ok: boolean;
          chains: {
            differences: { check: string; account: string; indexed: string; onChain: string; difference: string }[];
          }[];
        };
        expect(report.ok).to.equal(false);
        expect(report.chains[0]?.differences).to.deep.include({
          chainId: 31337,
          check: "balance",
          account: row.account,
          token: row.token,
          indexed: (BigInt(row.balance) + 7n).toString(),
          onChain: row.balance,
          difference: "7",
        });
      });

      it("reports the channels contract holding other than its open channels and credits, with both values", async function () {
        const schema = (database as { schema: string }).schema;
        const [open] = await allRows<{ id: string; token: string }>(indexer, "channels", "id token", {
          where: `{ status_in: ["open", "exiting"] }`,
          limit: 1,
        });
        if (open === undefined) throw new Error("no open channel");
        const channels = lc(readManifest(local.deploymentsDir, 31337)?.contracts["CofferChannels"]?.address ?? "");
        const held = await new ethers.Contract(
          open.token,
          ["function balanceOf(address) view returns (uint256)"],
          local.chain.provider,
        ).getFunction("balanceOf")(channels);
        psqlIn(
          database,
          `SET session_replication_role = replica; UPDATE "${schema}".channel SET deposit = deposit + 5 WHERE id = '${open.id}'`,
        );
        const report = (await (await fetch(`${indexer.url}/reports/reconciliation`)).json()) as {
          chains: { differences: Record<string, unknown>[] }[];
        };
        expect(report.chains[0]?.differences).to.deep.include({
          chainId: 31337,
          check: "channels",
          account: channels,
          token: open.token,
          indexed: (held + 5n).toString(),
          onChain: held.toString(),
          difference: "5",
        });
      });
    }
  });
}
