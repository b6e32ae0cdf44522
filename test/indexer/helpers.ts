/** Shared parts of the indexer tests: databases, the scenario, GraphQL, and the index-equals-chain checks. */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ethers } from "ethers";
import {
  CofferChannels__factory,
  CofferEscrow__factory,
  CofferSplit__factory,
  CofferSubscriptions__factory,
  CofferTreasuryModule__factory,
  MockERC20__factory,
} from "../../typechain-types";
import { readManifest, type DeploymentManifest } from "../../deploy/manifest";
import {
  PAYMENT_STATES,
  PAYMENT_STATUSES,
  QUEUED_TRANSFER_STATUSES,
  SUBSCRIPTION_STATUSES,
} from "../../sdk/src/indexer";
import type { IndexerDatabase, RunningIndexer } from "../../scripts/lib/indexer-process";
import { driveCoffer } from "./drive";

// ─── PostgreSQL ──────────────────────────────────────────────────────────────────────────────────────────

const PG_HOST = "127.0.0.1";
let pgUser: string | null | undefined;

/** The PostgreSQL user that trust auth accepts here (`postgres` or `root`), or null without a server. */
export function postgresUser(): string | null {
  if (pgUser !== undefined) return pgUser;
  pgUser = null;
  for (const user of ["postgres", "root"]) {
    try {
      execFileSync("psql", ["-h", PG_HOST, "-U", user, "-d", "postgres", "-Atc", "select 1"], { stdio: "pipe" });
      pgUser = user;
      break;
    } catch {
      // try the next user
    }
  }
  return pgUser;
}

/** Runs SQL through psql; returns its unaligned output. */
export function psql(sql: string): string {
  const user = postgresUser();
  if (user === null) throw new Error("No PostgreSQL at 127.0.0.1:5432");
  return execFileSync("psql", ["-h", PG_HOST, "-U", user, "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-Atc", sql], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** A fresh name for one run's schema or database (Ponder allows 45 characters). */
export function freshSchema(label: string): string {
  return `coffer_${label}_${process.pid}_${Date.now().toString(36)}`.slice(0, 45);
}

/**
 * A PostgreSQL database and schema of their own for one indexer run. Ponder keeps its RPC sync store in the
 * database-wide `ponder_sync` schema keyed by chain id, so two local 31337 chains indexed into one database would
 * mix their logs: each run gets a new database (with a fresh schema in it), dropped by `cleanup`.
 */
export function freshPostgres(label: string): { database: IndexerDatabase; cleanup(): void } {
  const user = postgresUser();
  if (user === null) {
    throw new Error(
      `This test needs PostgreSQL at ${PG_HOST}:5432 with trust auth (user postgres or root): none answered psql`,
    );
  }
  const name = freshSchema(label);
  psql(`CREATE DATABASE "${name}"`);
  return {
    database: { kind: "postgres", connectionString: `postgresql://${user}@${PG_HOST}:5432/${name}`, schema: name },
    cleanup: () => psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** A fresh PGlite folder for one indexer run (Ponder keeps its tables in schema `public`), removed by `cleanup`. */
export function freshPglite(): { database: IndexerDatabase; cleanup(): void } {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "coffer-pglite-"));
  return {
    database: { kind: "pglite", directory },
    cleanup: () => fs.rmSync(directory, { recursive: true, force: true }),
  };
}

/** Runs SQL in a database made by {@link freshPostgres}. */
export function psqlIn(database: IndexerDatabase, sql: string): string {
  if (database.kind !== "postgres") throw new Error("Not a PostgreSQL database");
  return execFileSync("psql", [database.connectionString, "-v", "ON_ERROR_STOP=1", "-Atc", sql], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

// ─── Scenario ────────────────────────────────────────────────────────────────────────────────────────────

const SCENARIO = path.join(__dirname, "..", "..", "scripts", "lib", "scenario.ts");

/**
 * Runs `runScenario` (scripts/lib/scenario.ts, "a realistic day of a small business") when it exists, else this
 * folder's `driveCoffer`; returns the block number at the end.
 */
export async function runActivity(options: { rpcUrl: string; deploymentsDir: string }): Promise<number> {
  if (fs.existsSync(SCENARIO)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const scenario = require(SCENARIO) as {
      runScenario(options: { rpcUrl: string; deploymentsDir: string }): Promise<{ blockNumber: number }>;
    };
    return (await scenario.runScenario(options)).blockNumber;
  }
  return (await driveCoffer(options)).blockNumber;
}

// ─── GraphQL ─────────────────────────────────────────────────────────────────────────────────────────────

export async function gqlRaw(indexer: RunningIndexer, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(indexer.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: unknown; errors?: { message: string }[] },
  };
}

export async function gql<T>(
  indexer: RunningIndexer,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const { status, body } = await gqlRaw(indexer, query, variables);
  if (status !== 200 || body.errors !== undefined) {
    throw new Error(`GraphQL ${status}: ${JSON.stringify(body.errors)}\n${query}`);
  }
  return body.data as T;
}

/** Every row of a table, read page by page through cursors (`limit` rows a page). */
export async function allRows<T>(
  indexer: RunningIndexer,
  plural: string,
  fields: string,
  options: { where?: string; orderBy?: string; orderDirection?: "asc" | "desc"; limit?: number } = {},
): Promise<T[]> {
  const rows: T[] = [];
  let after: string | null = null;
  const args = [
    options.where ? `where: ${options.where}` : "",
    options.orderBy ? `orderBy: "${options.orderBy}", orderDirection: "${options.orderDirection ?? "asc"}"` : "",
    `limit: ${options.limit ?? 1000}`,
    "after: $after",
  ]
    .filter((arg) => arg !== "")
    .join(", ");
  for (;;) {
    const data: Record<string, { items: T[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }> =
      await gql(
        indexer,
        `query ($after: String) { ${plural}(${args}) { items { ${fields} } pageInfo { hasNextPage endCursor } } }`,
        {
          after,
        },
      );
    const page = data[plural];
    if (page === undefined) throw new Error(`No ${plural} in the answer`);
    rows.push(...page.items);
    if (!page.pageInfo.hasNextPage) return rows;
    after = page.pageInfo.endCursor;
  }
}

// ─── Index equals chain ──────────────────────────────────────────────────────────────────────────────────

function manifestOf(deploymentsDir: string, chainId: number): DeploymentManifest {
  const manifest = readManifest(deploymentsDir, chainId);
  if (manifest === undefined) throw new Error("No manifest");
  return manifest;
}

const lc = (value: string) => value.toLowerCase();
// The contracts' enums by number, named as the indexer serves them.
const PAYMENT_STATUS = ["none", "authorized", "disputed", "resolved"];
const SUBSCRIPTION_STATUS = ["none", "active", "past_due", "paused", "canceled", "lapsed"];
const QUEUED_STATUS = ["none", "queued", "executed", "canceled"];

/** The one casing of every state and status the indexer serves. */
export const LOWER_SNAKE_CASE = /^[a-z]+(_[a-z]+)*$/;

/**
 * Expects a served state or status to be lower snake_case and one of the values the SDK's client accepts, so that
 * a contract enum name (`PastDue`, `Cancelled`) never reaches a reader again.
 */
export function expectServedValue(value: string, allowed: readonly string[], what: string): void {
  expect(value, `${what} is lower snake_case`).to.match(LOWER_SNAKE_CASE);
  expect(allowed, `${what} is one of the SDK's values`).to.include(value);
}

/** Accounts that ever sent or received `token` according to the chain's own logs. */
async function tokenHolders(provider: ethers.JsonRpcProvider, token: string, toBlock: number): Promise<Set<string>> {
  const contract = MockERC20__factory.connect(token, provider);
  const logs = await contract.queryFilter(contract.filters.Transfer(), 0, toBlock);
  const holders = new Set<string>();
  for (const log of logs) {
    for (const who of [log.args.from, log.args.to]) if (who !== ethers.ZeroAddress) holders.add(lc(who));
  }
  return holders;
}

/**
 * Checks, at `blockNumber`, that what the indexer serves equals what the chain says: every token balance
 * (`balanceOf`) of every account that ever held a token, every payment's state (`getPaymentState`), funds
 * escrowed per payer, every subscription (`getSubscription`), credits (`creditOf` of escrow and splits), queued
 * transfers (`getQueuedStatus`) and the treasury Safe's executions (its nonce). Returns how many facts matched.
 */
export async function expectIndexEqualsChain(
  indexer: RunningIndexer,
  provider: ethers.JsonRpcProvider,
  deploymentsDir: string,
  blockNumber: number,
  chainId = 31337,
): Promise<number> {
  const manifest = manifestOf(deploymentsDir, chainId);
  const where = `{ chainId: ${chainId} }`;
  const at = { blockTag: blockNumber };
  const address = (name: string) => manifest.contracts[name]?.address ?? "";
  const escrow = CofferEscrow__factory.connect(address("CofferEscrow"), provider);
  const subscriptions = CofferSubscriptions__factory.connect(address("CofferSubscriptions"), provider);
  const treasury = CofferTreasuryModule__factory.connect(address("CofferTreasuryModule"), provider);
  let facts = 0;

  // Token balances: the indexed rows are exactly the chain's holders, each with its balanceOf.
  const balances = await allRows<{ account: string; token: string; balance: string }>(
    indexer,
    "tokenBalances",
    "account token balance",
    { where, limit: 7 },
  );
  for (const name of ["TestUSDC", "TestDAI"]) {
    const token = lc(address(name));
    const holders = await tokenHolders(provider, token, blockNumber);
    const indexed = balances.filter((row) => row.token === token);
    expect(new Set(indexed.map((row) => row.account)), `${name} holders`).to.deep.equal(holders);
    const contract = MockERC20__factory.connect(token, provider);
    for (const row of indexed) {
      expect(row.balance, `${name} balance of ${row.account}`).to.equal(
        (await contract.balanceOf(row.account, at)).toString(),
      );
      facts += 1;
    }
  }

  // Activity: one row per movement of money, so an account's activity in a followed token sums to its balance
  // (and so to the chain's balanceOf, checked above) — a row repeating a transfer would break the sum.
  const activityRows = await allRows<{ account: string; token: string | null; amount: string }>(
    indexer,
    "activitys",
    "account token amount",
    { where },
  );
  for (const name of ["TestUSDC", "TestDAI"]) {
    const token = lc(address(name));
    const sums = new Map<string, bigint>();
    for (const row of activityRows) {
      if (row.token === token) sums.set(row.account, (sums.get(row.account) ?? 0n) + BigInt(row.amount));
    }
    const held = new Map(balances.filter((row) => row.token === token).map((row) => [row.account, row.balance]));
    for (const account of new Set([...sums.keys(), ...held.keys()])) {
      expect((sums.get(account) ?? 0n).toString(), `${name} activity sum of ${account}`).to.equal(
        held.get(account) ?? "0",
      );
      facts += 1;
    }
  }

  // Payments: one row per PaymentAuthorized/PaymentCharged log, each equal to getPaymentState.
  const opened = [
    ...(await escrow.queryFilter(escrow.filters.PaymentAuthorized(), 0, blockNumber)),
    ...(await escrow.queryFilter(escrow.filters.PaymentCharged(), 0, blockNumber)),
  ].map((log) => log.args.paymentId);
  const payments = await allRows<{
    id: string;
    payer: string;
    token: string;
    status: string;
    state: string;
    capturable: string;
    refundable: string;
    captured: string;
    refunded: string;
  }>(indexer, "payments", "id payer token status state capturable refundable captured refunded", {
    where,
    limit: 3,
  });
  expect(payments.map((row) => row.id).sort()).to.deep.equal(opened.map(lc).sort());
  const heldByPayer = new Map<string, bigint>();
  for (const row of payments) {
    // The state says what the payment holds now: funds still capturable come before any refund.
    const [capturable, captured, refundable, refunded] = [
      row.capturable,
      row.captured,
      row.refundable,
      row.refunded,
    ].map(BigInt) as [bigint, bigint, bigint, bigint];
    const expectedState =
      row.status === "disputed"
        ? "disputed"
        : row.status === "resolved"
          ? ["resolved", "refunded", "partially_refunded"]
          : capturable > 0n
            ? captured > 0n
              ? "partially_captured"
              : "authorized"
            : captured === 0n
              ? ["voided", "reclaimed"]
              : refundable === 0n
                ? "refunded"
                : refunded > 0n
                  ? "partially_refunded"
                  : "captured";
    expect([expectedState].flat(), `state of payment ${row.id}`).to.include(row.state);
    expectServedValue(row.state, PAYMENT_STATES, `state of payment ${row.id}`);
    expectServedValue(row.status, PAYMENT_STATUSES, `status of payment ${row.id}`);
    const state = await escrow.getPaymentState(row.id, at);
    expect(
      { status: row.status, capturable: row.capturable, refundable: row.refundable },
      `payment ${row.id}`,
    ).to.deep.equal({
      status: PAYMENT_STATUS[Number(state.status)],
      capturable: state.capturable.toString(),
      refundable: state.refundable.toString(),
    });
    const key = `${row.payer}:${row.token}`;
    heldByPayer.set(key, (heldByPayer.get(key) ?? 0n) + state.capturable);
    facts += 1;
  }
  const escrowed = await allRows<{ account: string; token: string; amount: string }>(
    indexer,
    "escrowBalances",
    "account token amount",
    { where },
  );
  for (const row of escrowed) {
    expect(row.amount, `escrowed by ${row.account}`).to.equal(
      (heldByPayer.get(`${row.account}:${row.token}`) ?? 0n).toString(),
    );
    facts += 1;
  }
  for (const [key, amount] of heldByPayer) {
    if (amount !== 0n)
      expect(
        escrowed.some((row) => `${row.account}:${row.token}` === key),
        key,
      ).to.equal(true);
  }

  // Subscriptions: one per SubscriptionCreated, each equal to getSubscription.
  const created = await subscriptions.queryFilter(subscriptions.filters.SubscriptionCreated(), 0, blockNumber);
  const subs = await allRows<{
    id: string;
    status: string;
    anchor: string;
    nextPeriod: string;
    pastDueSince: string;
    successfulCharges: number;
    failedCharges: number;
    totalCharged: string;
  }>(
    indexer,
    "subscriptions",
    "id status anchor nextPeriod pastDueSince successfulCharges failedCharges totalCharged",
    { where },
  );
  const charged = await subscriptions.queryFilter(subscriptions.filters.SubscriptionCharged(), 0, blockNumber);
  const failed = await subscriptions.queryFilter(subscriptions.filters.SubscriptionChargeFailed(), 0, blockNumber);
  expect(subs.map((row) => row.id).sort()).to.deep.equal(
    created.map((log) => log.args.subscriptionId.toString()).sort(),
  );
  for (const row of subs) {
    expectServedValue(row.status, SUBSCRIPTION_STATUSES, `status of subscription ${row.id}`);
    const s = await subscriptions.getSubscription(row.id, at);
    expect(row, `subscription ${row.id}`).to.deep.equal({
      id: row.id,
      status: SUBSCRIPTION_STATUS[Number(s.status)],
      anchor: s.anchor.toString(),
      nextPeriod: s.nextPeriod.toString(),
      pastDueSince: s.pastDueSince.toString(),
      successfulCharges: charged.filter((log) => log.args.subscriptionId === BigInt(row.id)).length,
      failedCharges: failed.filter((log) => log.args.subscriptionId === BigInt(row.id)).length,
      totalCharged: charged
        .filter((log) => log.args.subscriptionId === BigInt(row.id))
        .reduce((sum, log) => sum + log.args.amount, 0n)
        .toString(),
    });
    facts += 1;
  }

  // What a resume returns to: a status, or `none` before the first pause.
  for (const row of await allRows<{ id: string; statusBeforePause: string }>(
    indexer,
    "subscriptions",
    "id statusBeforePause",
    { where },
  )) {
    expectServedValue(row.statusBeforePause, ["none", ...SUBSCRIPTION_STATUSES], `subscription ${row.id} before pause`);
  }

  // Credits: escrow, split and channel credits equal creditOf; subscriptions' equal creditOf(account).
  const credits = await allRows<{ source: string; sourceKind: string; account: string; token: string; amount: string }>(
    indexer,
    "credits",
    "source sourceKind account token amount",
    { where },
  );
  for (const row of credits) {
    const onChain =
      row.sourceKind === "escrow"
        ? await escrow.creditOf(row.account, row.token, at)
        : row.sourceKind === "split"
          ? await CofferSplit__factory.connect(row.source, provider).creditOf(row.account, row.token, at)
          : row.sourceKind === "channels"
            ? await CofferChannels__factory.connect(row.source, provider).creditOf(row.account, row.token, at)
            : await subscriptions.creditOf(row.account, at);
    expect(row.amount, `${row.sourceKind} credit of ${row.account}`).to.equal(onChain.toString());
    facts += 1;
  }

  // Budgets: what remains in the current period equals getBudget's `remaining` at the block.
  const blockTime = BigInt((await provider.getBlock(blockNumber))?.timestamp ?? 0);
  const budgets = await allRows<{
    safe: string;
    operator: string;
    token: string;
    amount: string;
    spentInPeriod: string;
    remainingInPeriod: string;
    periodEndsAt: string | null;
  }>(indexer, "budgets", "safe operator token amount spentInPeriod remainingInPeriod periodEndsAt", { where });
  for (const row of budgets) {
    const [stored, remaining] = await treasury.getBudget(row.safe, row.operator, row.token, at);
    const indexedRemaining =
      row.periodEndsAt !== null && blockTime < BigInt(row.periodEndsAt) ? row.remainingInPeriod : row.amount;
    expect(indexedRemaining, `budget remaining of ${row.operator}`).to.equal(remaining.toString());
    expect(row.amount).to.equal(stored.amount.toString());
    facts += 1;
  }

  // Queued transfers and the Safe's executions.
  const queued = await allRows<{ id: string; status: string }>(indexer, "queuedTransfers", "id status", { where });
  for (const row of queued) {
    expectServedValue(row.status, QUEUED_TRANSFER_STATUSES, `status of queued transfer ${row.id}`);
    expect(row.status, `queued ${row.id}`).to.equal(QUEUED_STATUS[Number(await treasury.getQueuedStatus(row.id, at))]);
    facts += 1;
  }
  const limits = await allRows<{ safe: string; operator: string; token: string; amount: string; period: number }>(
    indexer,
    "queueLimits",
    "safe operator token amount period",
    { where },
  );
  for (const row of limits) {
    const [limit] = await treasury.getQueueLimit(row.safe, row.operator, row.token, at);
    expect([row.amount, row.period], `queue limit of ${row.operator}`).to.deep.equal([
      limit.amount.toString(),
      Number(limit.period),
    ]);
    facts += 1;
  }
  const safe = manifest.treasurySafe?.address;
  if (safe !== undefined) {
    const nonce = await new ethers.Contract(safe, ["function nonce() view returns (uint256)"], provider).getFunction(
      "nonce",
    )(at);
    const executions = await allRows<{ nonce: string; success: boolean | null }>(
      indexer,
      "safeExecutions",
      "nonce success",
      { where },
    );
    expect(executions.length, "Safe executions").to.equal(Number(nonce));
    expect(executions.every((row) => row.success !== null)).to.equal(true);
    facts += 1;
  }
  return facts;
}
