import http from "node:http";
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generate } from "@graphql-codegen/cli";
import { ethers } from "ethers";
import { buildClientSchema, getIntrospectionQuery, isObjectType, type IntrospectionQuery } from "graphql";
import { MockERC20__factory } from "../../typechain-types";
import { startIndexer, type RunningIndexer } from "../../scripts/lib/indexer-process";
import { createIndexerClient } from "../../sdk/src/indexer";
import { startDeployedLocalChain, type DeployedLocalChain } from "../helpers/local-chain";
import { ROLES, wallet } from "./drive";
import { freshPglite, gqlRaw } from "./helpers";

/** Blocks behind the head that Ponder treats as final on a local chain. */
const FINALITY = 32;

/** The SDK's payments query (sdk/src/indexer.ts), as a frontend would hand it to codegen. */
const PAYMENTS_DOCUMENT = `query Payments($where: paymentFilter, $limit: Int!, $after: String) {
  payments(where: $where, orderBy: "createdAt", orderDirection: "desc", limit: $limit, after: $after) {
    items { id payer payee token state capturable createdAt }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Queries the web app sends (web/src/dashboard/data.ts and web/src/treasury/policy-data.ts). */
const WEB_DOCUMENTS = [
  `query DashboardPayments($chainId: Int!, $payee: String!, $limit: Int!) {
    payments(where: { chainId: $chainId, payee: $payee }, orderBy: "createdBlock", orderDirection: "desc",
             limit: $limit) { items { id operator payer payee token state } }
  }`,
  `query DashboardPlans($chainId: Int!, $merchant: String!) {
    plans(where: { chainId: $chainId, merchant: $merchant }, limit: 1000) { items { id token amount period retired } }
  }`,
  `query TreasuryPolicy($chainId: Int!, $safe: String!) {
    budgets(where: { chainId: $chainId, safe: $safe }, limit: 200) {
      items { operator token amount period spentInPeriod spentPeriodIndex totalSpent }
    }
    queueLimits(where: { chainId: $chainId, safe: $safe }, limit: 200) {
      items { operator token amount period totalQueued }
    }
    queuedTransfers(where: { chainId: $chainId, safe: $safe }, orderBy: "queuedAt", orderDirection: "desc", limit: 200) {
      items { id token to amount operator eta nonce status queuedAt closedAt }
    }
  }`,
];

async function post(indexer: RunningIndexer, body: string, contentType = "application/json") {
  const response = await fetch(indexer.graphqlUrl, { method: "POST", headers: { "content-type": contentType }, body });
  const text = await response.text();
  return { status: response.status, text };
}

/**
 * POSTs a body over the limit with Node's http on a connection of its own (not fetch's shared pool): the server
 * answers and closes while the client still writes, which would leave a pooled connection broken for the next
 * request. The answer is reported even when the write then fails.
 */
function postOverLimit(url: string, body: string, chunked: boolean): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const bytes = Buffer.from(body);
    const request = http.request(url, {
      method: "POST",
      agent: false,
      headers: {
        "content-type": "application/json",
        ...(chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(bytes.length) }),
      },
    });
    request.on("response", (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
      response.on("error", () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE" && error.code !== "ECONNRESET") reject(error);
      else setTimeout(() => reject(new Error(`the connection closed (${error.code}) with no answer`)), 2_000);
    });
    for (let at = 0; at < bytes.length; at += 65_536) request.write(bytes.subarray(at, at + 65_536));
    request.end();
  });
}

function firstMessage(body: { errors?: { message: string }[] }): string {
  return body.errors?.[0]?.message ?? `(no error in ${JSON.stringify(body).slice(0, 200)})`;
}

describe("the indexer's GraphQL with standard tooling, within limits", function () {
  this.timeout(170_000);
  let local: DeployedLocalChain;
  let indexer: RunningIndexer;
  let cleanup: () => void = () => undefined;
  let alice: string;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-codegen-"));

  before(async function () {
    local = await startDeployedLocalChain();
    const usdc = MockERC20__factory.connect(
      local.first.manifest.contracts["TestUSDC"]?.address ?? "",
      wallet(local.chain.provider, 0),
    );
    alice = wallet(local.chain.provider, ROLES.alice).address.toLowerCase();
    for (const amount of [111n, 222n, 333n]) await (await usdc.mint(alice, amount)).wait();
    await local.chain.provider.send("anvil_mine", [ethers.toQuantity(FINALITY)]);
    const head = await local.chain.provider.getBlockNumber();
    const made = freshPglite();
    cleanup = made.cleanup;
    indexer = await startIndexer({
      chainId: 31337,
      rpcUrl: local.chain.url,
      deploymentsDir: local.deploymentsDir,
      database: made.database,
    });
    await indexer.waitForBlock(head, 150_000);
  });

  after(async function () {
    await indexer?.stop();
    await local?.stop();
    cleanup();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("answers graphql-js's standard introspection query, and buildClientSchema loads the schema", async function () {
    const { status, body } = await gqlRaw(indexer, getIntrospectionQuery());
    expect({ status, errors: body.errors }).to.deep.equal({ status: 200, errors: undefined });
    const schema = buildClientSchema(body.data as IntrospectionQuery);
    for (const name of ["payment", "paymentStep", "notification", "tokenBalance", "paymentFilter"]) {
      expect(schema.getType(name), name).to.not.equal(undefined);
    }
    const payment = schema.getType("payment");
    if (!isObjectType(payment)) throw new Error("payment is not an object type");
    expect(Object.keys(payment.getFields())).to.include.members(["id", "payer", "payee", "state", "steps"]);

    // GraphiQL's variant (descriptions, deprecated input values, …) passes too.
    const full = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
    });
    expect((await gqlRaw(indexer, full)).status).to.equal(200);
  });

  it("runs graphql-codegen against the live /graphql with the SDK's payments query", async function () {
    const document = path.join(workDir, "payments.graphql");
    fs.writeFileSync(document, PAYMENTS_DOCUMENT);
    const files = (await generate(
      {
        schema: indexer.graphqlUrl,
        documents: document,
        silent: true,
        generates: {
          [path.join(workDir, "types.ts")]: {
            plugins: ["typescript", "typescript-operations"],
            config: { scalars: { BigInt: "string" } },
          },
        },
      },
      false,
    )) as { filename: string; content: string }[];
    const content = files.map((file) => file.content).join("\n");
    expect(content).to.match(/export type PaymentsQuery = /);
    expect(content).to.match(/export type PaymentsQueryVariables = /);
    expect(content).to.match(/export type PaymentFilter = /);
    expect(content).to.match(/capturable: string/);
  });

  it("keeps the depth limit of 8 for queries, and bounds introspection's own nesting", async function () {
    let deep = "id";
    for (let level = 0; level < 3; level += 1) deep = `payeeAccount { paymentsAsPayee { items { ${deep} } } }`;
    const nine = await gqlRaw(indexer, `{ payments { items { ${deep} } } }`);
    expect(nine.status).to.equal(400);
    expect(firstMessage(nine.body)).to.equal("Query depth limit of 8 exceeded, found 12.");
    // Introspection mixed into an ordinary query does not lift the limit.
    const mixed = await gqlRaw(
      indexer,
      "{ payments { totalCount } __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } }",
    );
    expect(mixed.status).to.equal(400);
    expect(firstMessage(mixed.body)).to.match(/Query depth limit of 8 exceeded/);
    // An introspection query deeper than getIntrospectionQuery() needs.
    let ofType = "name";
    for (let level = 0; level < 15; level += 1) ofType = `ofType { ${ofType} }`;
    const tooDeep = await gqlRaw(indexer, `{ __schema { types { fields { type { ${ofType} } } } } }`);
    expect(tooDeep.status).to.equal(400);
    expect(firstMessage(tooDeep.body)).to.equal("Query depth limit of 15 exceeded, found 20.");
    // Lists of types in lists of types: the answer would grow with each level.
    const explode = await gqlRaw(
      indexer,
      "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
    );
    expect(explode.status).to.equal(400);
    expect(firstMessage(explode.body)).to.match(/Introspection nests 3 or more lists of types/);
  });

  it("refuses a query asking for more rows than the cost limit, naming both", async function () {
    const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: tokenBalances(limit: 1000) { items { balance } }`);
    const costly = await gqlRaw(indexer, `{ ${aliases.join(" ")} }`);
    expect(costly.status).to.equal(400);
    expect(firstMessage(costly.body)).to.match(/^Query cost of 30000 rows exceeds the limit of 5000 /);
    // Through a variable and nested lists: 100 payments × (1 + 100 steps).
    const nested = await gqlRaw(
      indexer,
      `query ($n: Int = 100) { payments(limit: $n) { items { steps(limit: $n) { items { id } } } } }`,
    );
    expect(nested.status).to.equal(400);
    expect(firstMessage(nested.body)).to.match(/^Query cost of 10100 rows exceeds the limit of 5000 /);
    const aliasCount = Array.from({ length: 31 }, (_, i) => `b${i}: __typename`);
    const tooManyAliases = await gqlRaw(indexer, `{ ${aliasCount.join(" ")} }`);
    expect(tooManyAliases.status).to.equal(400);
    expect(firstMessage(tooManyAliases.body)).to.equal("Aliases limit of 30 exceeded, found 31.");
    const tokens = await gqlRaw(indexer, `{ ${"__typename ".repeat(2_001)} }`);
    expect(tokens.status).to.equal(400);
    expect(firstMessage(tokens.body)).to.equal(
      "The query has more than 2000 tokens (names, punctuation, values): that is the limit",
    );
  });

  it("serves the queries the SDK and the web app send", async function () {
    const client = createIndexerClient({ url: indexer.url });
    const balances = await client.balances(31337, alice);
    expect(balances.map((row) => row.balance)).to.deep.equal([666n]);
    const activity = await client.activity(31337, alice, { limit: 2 });
    expect(activity.items).to.have.length(2);
    const next = await client.activity(31337, alice, { limit: 2, after: activity.endCursor ?? undefined });
    expect(next.items).to.have.length(1);
    expect((await client.payments(31337, { payee: alice })).items).to.deep.equal([]);
    expect(await client.payment(31337, ethers.ZeroHash)).to.equal(null);
    expect(await client.subscription(31337, 1n)).to.equal(null);
    expect((await client.subscriptions(31337, { merchant: alice })).items).to.deep.equal([]);
    const variables = { chainId: 31337, payee: alice, merchant: alice, safe: alice, limit: 100 };
    for (const query of WEB_DOCUMENTS) {
      const { status, body } = await gqlRaw(indexer, query, variables);
      expect({ status, errors: body.errors }, query).to.deep.equal({ status: 200, errors: undefined });
    }
  });

  it("refuses a body over 256 KiB with a 413, and a body that is not application/json with a 415", async function () {
    const big = JSON.stringify({ query: "{ payments { totalCount } }", variables: { pad: "x".repeat(300_000) } });
    // With a content-length, and without one (a chunked body: the limit holds as the body is read).
    const tooBig = await postOverLimit(indexer.graphqlUrl, big, false);
    expect(tooBig.status).to.equal(413);
    expect(firstMessage(JSON.parse(tooBig.text))).to.equal(
      "The request body is larger than the limit of 262144 bytes (256 KiB)",
    );
    expect((await postOverLimit(indexer.graphqlUrl, big, true)).status).to.equal(413);
    const plain = await post(indexer, JSON.stringify({ query: "{ payments { totalCount } }" }), "text/plain");
    expect(plain.status).to.equal(415);
    expect(firstMessage(JSON.parse(plain.text))).to.equal(
      'The request body must be sent as content-type application/json, got "text/plain"',
    );
    const charset = await post(
      indexer,
      JSON.stringify({ query: "{ payments { totalCount } }" }),
      "application/json; charset=utf-8",
    );
    expect(charset.status).to.equal(200);
  });

  it("answers bad page arguments with a 400 naming the argument", async function () {
    const cases: [string, string][] = [
      [`{ tokenBalances(limit: -1) { items { balance } } }`, `"limit" must be an integer from 0 to 1000, got -1`],
      [`{ tokenBalances(limit: 1001) { items { balance } } }`, `"limit" must be an integer from 0 to 1000, got 1001`],
      [`{ tokenBalances(offset: -5) { items { balance } } }`, `"offset" must be a non-negative integer, got -5`],
      [
        `{ tokenBalances(orderBy: "balance", orderDirection: "sideways") { items { balance } } }`,
        `"orderDirection" must be "asc" or "desc", got "sideways"`,
      ],
      [
        `{ tokenBalances(after: "bm90IGpzb24=") { items { balance } } }`,
        `"after" is not a cursor from this API: pass a pageInfo.endCursor of the same query, got "bm90IGpzb24="`,
      ],
      [
        `{ tokenBalances(before: "%%%") { items { balance } } }`,
        `"before" is not a cursor from this API: pass a pageInfo.startCursor of the same query, got "%%%"`,
      ],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await gqlRaw(indexer, query);
      expect({ status, message: firstMessage(body) }, query).to.deep.equal({ status: 400, message });
    }
    // Cursors of this API page, ordered by the key or by a bigint column.
    for (const orderBy of ["id", "amount"]) {
      const query = `query ($c: String) { activitys(orderBy: "${orderBy}", limit: 1, after: $c) {
        items { id } pageInfo { endCursor } } }`;
      const first = await gqlRaw(indexer, query, { c: null });
      const cursor = (first.body.data as { activitys: { pageInfo: { endCursor: string } } }).activitys.pageInfo
        .endCursor;
      const page = await gqlRaw(indexer, query, { c: cursor });
      expect({ status: page.status, errors: page.body.errors }, orderBy).to.deep.equal({
        status: 200,
        errors: undefined,
      });
    }
    // A cursor of another ordering, and well-formed superjson without the right columns, are refused.
    const byId = await gqlRaw(indexer, `{ activitys(limit: 1) { pageInfo { endCursor } } }`);
    const idCursor = (byId.body.data as { activitys: { pageInfo: { endCursor: string } } }).activitys.pageInfo
      .endCursor;
    const other = await gqlRaw(
      indexer,
      `query ($c: String) { activitys(orderBy: "amount", after: $c) { items { id } } }`,
      {
        c: idCursor,
      },
    );
    expect(other.status).to.equal(400);
    expect(firstMessage(other.body)).to.match(/^"after" is a cursor of another ordering: it holds no "amount"/);
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64");
    for (const crafted of [{ json: {} }, { json: { chainId: "x", id: "1" } }, { json: { chainId: 31337 } }]) {
      const { status, body } = await gqlRaw(indexer, `query ($c: String) { activitys(after: $c) { items { id } } }`, {
        c: encode(crafted),
      });
      expect({ status, message: firstMessage(body) }, JSON.stringify(crafted)).to.deep.equal({
        status: 400,
        message: `"after" is not a cursor from this API: pass a pageInfo.endCursor of the same query, got "${encode(crafted)}"`,
      });
    }
  });

  it("checks the ids of single-row lookups and every hex column of the schema in filters", async function () {
    const cases: [string, string][] = [
      [`{ payment(chainId: 31337, id: "0x12") { id } }`, `"id" must be a 0x-prefixed 32-byte hex value, got "0x12"`],
      [
        `{ tokenBalance(chainId: 31337, account: "0xnothex", token: "${ethers.ZeroAddress}") { balance } }`,
        `"account" must be a 0x-prefixed 20-byte hex address, got "0xnothex"`,
      ],
      [
        `{ split(chainId: 31337, address: "alice") { address } }`,
        `"address" must be a 0x-prefixed 20-byte hex address, got "alice"`,
      ],
      // `paymentStep.actor` was missing from the hand-written list: the schema names it.
      [
        `{ paymentSteps(where: { actor: "0x1234" }) { items { id } } }`,
        `"actor" must be a 0x-prefixed 20-byte hex address, got "0x1234"`,
      ],
      [
        `{ notifications(where: { OR: [{ blockHash_in: ["0xabc"] }] }) { items { id } } }`,
        `"blockHash_in" must be a 0x-prefixed 32-byte hex value, got "0xabc"`,
      ],
      [
        `{ safeExecutions(where: { data: "0x123" }) { items { nonce } } }`,
        `"data" must be 0x-prefixed hex bytes, got "0x123"`,
      ],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await gqlRaw(indexer, query);
      expect({ status, message: firstMessage(body) }, query).to.deep.equal({ status: 400, message });
    }
    // A text `id` (paymentStep) and a partial match are not hex checks.
    const fine = await gqlRaw(
      indexer,
      `{ paymentStep(chainId: 31337, id: "anything") { id } paymentSteps(where: { actor_starts_with: "0xab" }) { totalCount } }`,
    );
    expect({ status: fine.status, errors: fine.body.errors }).to.deep.equal({ status: 200, errors: undefined });
  });
});
