import {
  CofferContractError,
  CofferValidationError,
  ensureAllowance,
  getAllowance,
  getChainTime,
  NATIVE_TOKEN,
  signPermit,
  simulate,
  subscriptions,
  type PlanParams,
  type SubscriptionStatus,
} from "@coffer/sdk";
import { Command } from "commander";
import { ethers } from "ethers";
import {
  formatAmount,
  parseAmount,
  parseBps,
  parseDuration,
  parseId,
  print,
  readCommand,
  reportApproval,
  resolveToken,
  rows,
  sendCommand,
  signerOf,
  table,
  tokenInfo,
  txJson,
  txLine,
  withSession,
  type ChainOptions,
  type Session,
  type TokenInfo,
} from "./common";
import { parseAddress, parseCount, UsageError, type CliIo } from "./io";

/** The grace of a plan when `--grace` is not given, unless half the period is shorter: 3 days, in seconds. */
const DEFAULT_GRACE = 3n * 86_400n;
/** A subscription's status as the CLI prints it. */
const STATUS: Readonly<Record<SubscriptionStatus, string>> = {
  none: "none",
  active: "active",
  pastDue: "past due",
  paused: "paused",
  cancelled: "cancelled",
  lapsed: "lapsed",
};
const FAILURE = ["allowance too low", "balance too low", "transfer failed", "wrong amount delivered"] as const;

/** The plan's fields as JSON and its token. */
async function readPlan(session: Session, planId: bigint) {
  const plan = await subscriptions.getPlan(session.client, planId).catch((error: unknown) => {
    if (error instanceof CofferValidationError) throw new Error(`plan ${planId} does not exist`);
    throw error;
  });
  const token = await tokenInfo(session, plan.token);
  return {
    token,
    // The contract's integers, as the JSON has always carried them (decimal strings).
    json: {
      planId,
      merchant: plan.merchant,
      payee: plan.payee,
      token: plan.token,
      amount: plan.amount,
      period: BigInt(plan.period),
      trial: BigInt(plan.trial),
      grace: BigInt(plan.grace),
      feeBps: BigInt(plan.feeBps),
      feeReceiver: plan.feeReceiver,
      retired: plan.retired,
    },
    lines: [
      ["plan", `${planId}${plan.retired ? " (retired)" : ""}`],
      ["price", `${formatAmount(plan.amount, token)} every ${seconds(plan.period)}`],
      ["payee", plan.payee],
      ["trial", seconds(plan.trial)],
      ["grace", seconds(plan.grace)],
      ["fee", `${Number(plan.feeBps) / 100}%`],
    ] as [string, string][],
  };
}

const seconds = (value: bigint | number): string => {
  const n = Number(value);
  if (n === 0) return "none";
  for (const [unit, size] of [
    ["w", 604_800],
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
  ] as const) {
    if (n % size === 0) return `${n / size}${unit}`;
  }
  return `${n}s`;
};

/** The EIP-2612 functions that tell whether a token takes permits. */
const PERMIT_ABI = [
  "function nonces(address) view returns (uint256)",
  "function DOMAIN_SEPARATOR() view returns (bytes32)",
];

/** Whether a token takes EIP-2612 permits (answers `nonces` and `DOMAIN_SEPARATOR`). */
async function supportsPermit(session: Session, token: string): Promise<boolean> {
  const contract = new ethers.Contract(token, PERMIT_ABI, session.provider);
  try {
    await contract.getFunction("nonces")(session.account);
    await contract.getFunction("DOMAIN_SEPARATOR")();
    return true;
  } catch {
    return false;
  }
}

/** An EIP-2612 permit for `spender`, signed by the session's key, valid for an hour. */
async function permitFor(session: Session, token: string, spender: string, value: bigint) {
  const deadline = (await getChainTime(session.provider)) + 3_600n;
  return { ...(await signPermit(signerOf(session), token, spender, value, deadline)), value };
}

/**
 * Approves the subscription contract for `wanted` of the plan's token, but only once Coffer is known to accept the
 * subscription but for the allowance: a simulated `subscribe` that succeeds (a trial: nothing charged yet), or
 * whose only failure is the first charge's allowance. Anything else (a retired plan, a balance too low) throws
 * its decoded error with nothing approved.
 *
 * The SDK's `subscribe({ periods })` means to do this, but takes `CofferSubscriptionsFirstChargeFailed` for a
 * Coffer rule rather than the token's refusal, and so never approves a plan without a trial.
 */
async function approveForPlan(session: Session, planId: bigint, token: TokenInfo, spender: string, wanted: bigint) {
  try {
    await simulate(session.client, { contract: session.client.subscriptions, method: "subscribe", args: [planId] });
  } catch (error) {
    const allowanceTooLow =
      error instanceof CofferContractError &&
      error.errorName === "CofferSubscriptionsFirstChargeFailed" &&
      BigInt(error.args["reason"] as bigint) === BigInt(FAILURE.indexOf("allowance too low"));
    if (!allowanceTooLow) throw error;
  }
  return ensureAllowance(session.client, token.address, spender, wanted);
}

/** `coffer subs …`: plans, subscriptions, keepers' charges. */
export function subscriptionsCommand(io: CliIo): Command {
  const group = new Command("subs").description("subscription billing: plans, subscribe, charge what is due, cancel");

  sendCommand(group, "plan-create", "publish a plan (you are its merchant)")
    .requiredOption("--token <token>", "ETH, a token address, or a token of the deployment manifest (e.g. TestUSDC)")
    .requiredOption("--amount <amount>", "the price of one period, in the token's units")
    .requiredOption("--period <duration>", "the billing period (e.g. 30d, 1w, 3600)")
    .option("--payee <address>", "who is paid (default: you)")
    .option("--trial <duration>", "a free trial before the first charge", "0")
    .option(
      "--grace <duration>",
      "how long a failed charge may be retried before the subscription lapses; shorter than the period " +
        "(default: 3d, or half the period when that is shorter)",
    )
    .option("--fee <percent>", "a fee taken from each charge, in percent", "0")
    .option("--fee-receiver <address>", "who receives the fee (required with a fee)")
    .action(
      async (
        options: ChainOptions & {
          token: string;
          amount: string;
          period: string;
          payee?: string;
          trial: string;
          grace?: string;
          fee: string;
          feeReceiver?: string;
        },
      ) => {
        await withSession(io, options, true, async (session) => {
          const token = await resolveToken(session, options.token);
          const period = parseDuration(options.period, "--period");
          // The contract refuses a grace of a period or more (a subscriber could skip every other period).
          const grace =
            options.grace === undefined
              ? period / 2n < DEFAULT_GRACE
                ? period / 2n
                : DEFAULT_GRACE
              : parseDuration(options.grace, "--grace");
          if (grace >= period) {
            throw new UsageError(`--grace ${options.grace ?? ""} must be shorter than --period ${options.period}`);
          }
          const params: PlanParams = {
            payee: options.payee === undefined ? session.account : parseAddress(options.payee, "--payee"),
            token: token.address,
            amount: parseAmount(options.amount, token),
            period: Number(period),
            trial: Number(parseDuration(options.trial, "--trial")),
            grace: Number(grace),
            feeBps: parseBps(options.fee, "--fee"),
            feeReceiver:
              options.feeReceiver === undefined
                ? ethers.ZeroAddress
                : parseAddress(options.feeReceiver, "--fee-receiver"),
          };
          const result = await subscriptions.createPlan(session.client, params);
          const plan = await readPlan(session, result.planId);
          print(session, { planId: result.planId, plan: plan.json, ...txJson(result) }, () => [
            `Created plan ${result.planId}`,
            ...rows([...plan.lines, txLine(result)]),
          ]);
        });
      },
    );

  sendCommand(group, "subscribe", "subscribe to a plan; without a trial the first period is charged at once")
    .requiredOption("--plan <id>", "the plan")
    .option("--periods <n>", "how many periods the token allowance (or permit) covers", "12")
    .option("--no-permit", "approve with a transaction even when the token takes EIP-2612 permits")
    .option("--deposit <amount>", "for an ETH plan: ETH to deposit for the charges (default: one period)")
    .action(async (options: ChainOptions & { plan: string; periods: string; permit: boolean; deposit?: string }) => {
      const planId = parseId(options.plan, "--plan");
      const periods = parseCount(options.periods, "--periods");
      await withSession(io, options, true, async (session) => {
        const plan = await readPlan(session, planId);
        const token = plan.token;
        const price = plan.json.amount;
        const spender = await session.client.subscriptions.getAddress();
        let method: "deposit" | "permit" | "approve" | "allowance";
        let result: Awaited<ReturnType<typeof subscriptions.subscribe>>;
        if (token.address === NATIVE_TOKEN) {
          const value = options.deposit === undefined ? price : parseAmount(options.deposit, token, "--deposit");
          method = "deposit";
          result = await subscriptions.subscribe(session.client, planId, { value });
        } else {
          const covered = Math.max(periods, 1);
          const wanted = price * BigInt(covered);
          const allowance = await getAllowance(session.client, token.address, session.account, spender);
          if (allowance >= price) {
            method = "allowance";
            result = await subscriptions.subscribe(session.client, planId, { approve: false });
          } else if (options.permit && (await supportsPermit(session, token.address))) {
            method = "permit";
            session.progress(`signing a permit of ${formatAmount(wanted, token)} (${periods} periods)`);
            const permit = await permitFor(session, token.address, spender, wanted);
            result = await subscriptions.subscribe(session.client, planId, { permit });
          } else {
            method = "approve";
            const approval = await approveForPlan(session, planId, token, spender, wanted);
            result = { ...(await subscriptions.subscribe(session.client, planId, { approve: false })), approval };
            reportApproval(session, result, wanted, token, spender);
          }
        }
        const charged = result.events.some((event) => event.name === "SubscriptionCharged");
        print(session, { subscriptionId: result.subscriptionId, planId, method, charged, ...txJson(result) }, () => [
          `Subscribed to plan ${planId}: subscription ${result.subscriptionId}`,
          ...rows([
            ["first charge", charged ? formatAmount(price, token) : "after the trial"],
            ["allowance", method],
            txLine(result),
          ]),
        ]);
      });
    });

  sendCommand(group, "charge-due", "charge every due subscription among --ids, or of --plan (anyone: a keeper)")
    .option("--ids <ids>", "subscription ids, comma-separated")
    .option("--plan <id>", "every subscription of this plan (found in the chain's events)")
    .action(async (options: ChainOptions & { ids?: string; plan?: string }) => {
      if ((options.ids === undefined) === (options.plan === undefined)) {
        throw new UsageError("give --ids <ids> or --plan <id>");
      }
      const ids = options.ids?.split(",").map((id) => parseId(id.trim(), "--ids"));
      const planOption = options.plan === undefined ? undefined : parseId(options.plan, "--plan");
      await withSession(io, options, true, async (session) => {
        let candidates = ids;
        if (candidates === undefined) {
          const contract = session.client.subscriptions;
          const start = session.client.manifest.contracts["CofferSubscriptions"]?.deploymentBlock ?? 0;
          const events = await contract.queryFilter(
            contract.filters.SubscriptionCreated(undefined, planOption),
            start,
            "latest",
          );
          candidates = events.map((event) => event.args.subscriptionId);
        }
        session.progress(`checking ${candidates.length} subscription(s)`);
        const due = await subscriptions.dueSubscriptions(session.client, candidates);
        if (due.length === 0) {
          print(session, { due: [], charged: [], failed: [], skipped: [], lapsed: [] }, () => [
            `Nothing due among ${candidates.length} subscription(s).`,
          ]);
          return;
        }
        session.progress(`charging ${due.length} due subscription(s)`);
        const outcome = await subscriptions.chargeDue(session.client, due);
        const failed = outcome.failed.map((failure) => ({
          subscriptionId: failure.subscriptionId,
          reason: FAILURE[Number(failure.reason)] ?? `reason ${failure.reason}`,
        }));
        print(
          session,
          {
            due,
            charged: outcome.charged,
            failed,
            skipped: outcome.skipped,
            lapsed: outcome.lapsed,
            ...txJson(outcome),
          },
          () => [
            `Charged ${outcome.charged.length} of ${due.length} due subscription(s)`,
            ...table(
              ["subscription", "outcome"],
              [
                ...outcome.charged.map((id) => [`${id}`, "charged"]),
                ...failed.map((failure) => [`${failure.subscriptionId}`, `failed: ${failure.reason}`]),
                ...outcome.skipped.map((id) => [`${id}`, "skipped"]),
                ...outcome.lapsed.map((id) => [`${id}`, "lapsed"]),
              ],
            ),
            ...rows([txLine(outcome)]),
          ],
        );
      });
    });

  sendCommand(group, "cancel", "cancel a subscription for good (subscriber or merchant)")
    .argument("<subscription>", "the subscription id")
    .action(async (id: string, options: ChainOptions) => {
      const subscriptionId = parseId(id, "subscription");
      await withSession(io, options, true, async (session) => {
        const result = await subscriptions.cancel(session.client, subscriptionId);
        const status = STATUS[(await subscriptions.getSubscription(session.client, subscriptionId)).status];
        print(session, { subscriptionId, status, ...txJson(result) }, () => [
          `Cancelled subscription ${subscriptionId}`,
          ...rows([txLine(result)]),
        ]);
      });
    });

  readCommand(group, "status", "show a subscription (and its plan), or a plan with --plan")
    .argument("[subscription]", "the subscription id")
    .option("--plan <id>", "show this plan instead")
    .action(async (id: string | undefined, options: ChainOptions & { plan?: string }) => {
      if ((id === undefined) === (options.plan === undefined))
        throw new UsageError("give a subscription id or --plan <id>");
      const planOption = options.plan === undefined ? undefined : parseId(options.plan, "--plan");
      await withSession(io, options, false, async (session) => {
        if (id === undefined || planOption !== undefined) {
          const plan = await readPlan(session, planOption ?? 0n);
          print(session, { plan: plan.json }, () => [`Plan ${options.plan}`, ...rows(plan.lines)]);
          return;
        }
        const subscriptionId = parseId(id, "subscription");
        const state = await subscriptions.getSubscription(session.client, subscriptionId).catch((error: unknown) => {
          if (error instanceof CofferValidationError) throw new Error(`subscription ${subscriptionId} does not exist`);
          throw error;
        });
        const plan = await readPlan(session, state.planId);
        const { due, dueAt } = state;
        const status = STATUS[state.status];
        const token: TokenInfo = plan.token;
        print(
          session,
          {
            subscriptionId,
            subscriber: state.subscriber,
            planId: state.planId,
            status,
            anchor: state.anchor,
            nextPeriod: BigInt(state.nextPeriod),
            due,
            dueAt,
            plan: plan.json,
          },
          () => [
            `Subscription ${subscriptionId}: ${status}`,
            ...rows([
              ["subscriber", state.subscriber],
              ["price", `${formatAmount(plan.json.amount, token)} every ${seconds(plan.json.period)}`],
              ["next charge", due ? "due now" : new Date(Number(dueAt) * 1000).toISOString()],
              ...plan.lines.slice(0, 1),
            ]),
          ],
        );
      });
    });
  return group;
}
