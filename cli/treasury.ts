import { treasury } from "@coffer/sdk";
import { Command } from "commander";
import { ethers } from "ethers";
import { z } from "zod";
import {
  checkSameDeployment,
  ensureNewFile,
  formatAmount,
  parseAmount,
  print,
  readCommand,
  readJsonFile,
  resolveToken,
  rows,
  sendCommand,
  tokenInfo,
  txJson,
  txLine,
  withSession,
  writeJsonFile,
  type ChainOptions,
  type Session,
} from "./common";
import { parseAddress, UsageError, type CliIo } from "./io";

/**
 * The queued-transfer file (`coffer-queued-transfer/2`), written by `coffer treasury queue` and read by
 * `execute` and `status`: the module's `QueuedTransfer` struct (integers as decimal strings) and its id. Version 2
 * added `queuedAt`.
 */
export const QUEUED_FORMAT = "coffer-queued-transfer/2";

const address = z.string().refine((value) => ethers.isAddress(value), "not an address");
const uint = z.string().regex(/^(0|[1-9][0-9]*)$/, "not a whole number");
const queuedFileSchema = z.object({
  format: z.literal(QUEUED_FORMAT),
  chainId: z.number().int(),
  module: address,
  transferId: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
  transfer: z.object({
    safe: address,
    token: address,
    to: address,
    amount: uint,
    operator: address,
    queuedAt: uint,
    eta: uint,
    nonce: uint,
  }),
});

interface SafeOption extends ChainOptions {
  safe?: string;
}

/** `--safe`, else the chain's treasury Safe from the deployment manifest. */
function safeOf(session: Session, options: SafeOption): string {
  if (options.safe !== undefined) return parseAddress(options.safe, "--safe");
  const treasurySafe = session.client.manifest.treasurySafe;
  if (treasurySafe === undefined) {
    throw new UsageError(`no --safe given and no treasury Safe in the deployment manifest of chain ${session.chainId}`);
  }
  return treasurySafe.address;
}

const withSafe = (command: Command) =>
  command.option("--safe <address>", "the Safe (default: the treasury Safe of the deployment manifest)");

async function readQueued(session: Session, file: string) {
  const data = readJsonFile(file, queuedFileSchema, QUEUED_FORMAT);
  checkSameDeployment(file, data.chainId, data.module, session, await session.client.treasury.getAddress());
  const t = data.transfer;
  const transfer: treasury.QueuedTransfer = {
    safe: ethers.getAddress(t.safe),
    token: ethers.getAddress(t.token),
    to: ethers.getAddress(t.to),
    amount: BigInt(t.amount),
    operator: ethers.getAddress(t.operator),
    queuedAt: BigInt(t.queuedAt),
    eta: BigInt(t.eta),
    nonce: BigInt(t.nonce),
  };
  const transferId = await session.client.treasury.getTransferId(transfer);
  if (transferId !== data.transferId) throw new UsageError(`${file} was altered: its transfer hashes to ${transferId}`);
  return { transfer, transferId };
}

const QUEUED_STATUS = ["unknown", "queued", "executed", "cancelled"] as const;

/** A whole number of seconds from a CLI option. */
function parseSeconds(value: string, what: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(value) || Number(value) > 0xffffffff) {
    throw new UsageError(`${what} ${value} is not a number of seconds`);
  }
  return Number(value);
}

const isoTime = (seconds: bigint | number): string => new Date(Number(seconds) * 1000).toISOString();

/** Prints a policy call for the Safe's owners to propose with `coffer safe propose call`. */
function printPolicy(session: Session, what: string, call: treasury.PolicyCall) {
  print(session, { what, to: call.to, value: call.value, data: call.data }, () => [
    `Policy call for the treasury Safe: ${what}`,
    ...rows([
      ["to", call.to],
      ["data", call.data],
    ]),
    `Propose it with: coffer safe propose call --to ${call.to} --data ${call.data}`,
  ]);
}

/** `coffer treasury policy …`: the Safe's own policy calls, encoded for `coffer safe propose call`. */
function policyCommand(io: CliIo): Command {
  const policy = new Command("policy").description(
    "encode a policy call of the treasury Safe (no key: propose the printed call with `coffer safe propose call`)",
  );
  readCommand(policy, "queue-limit", "the most an operator may queue of a token per period (nothing until set)")
    .requiredOption("--operator <address>", "the operator")
    .requiredOption("--token <token>", "ETH, a token address, or a token of the deployment manifest")
    .requiredOption("--amount <amount>", "most per period, in the token's units (0: nothing)")
    .requiredOption("--period <seconds>", "period length in seconds (e.g. 86400 for a day)")
    .action(async (options: ChainOptions & { operator: string; token: string; amount: string; period: string }) => {
      await withSession(io, options, false, async (session) => {
        const operator = parseAddress(options.operator, "--operator");
        const token = await resolveToken(session, options.token);
        const amount = parseAmount(options.amount, token);
        const period = parseSeconds(options.period, "--period");
        if (period === 0) throw new UsageError("--period must be at least 1 second");
        const call = await treasury.policy.setQueueLimit(session.client, operator, token.address, amount, period);
        printPolicy(session, `queue limit of ${operator}: ${formatAmount(amount, token)} per ${period} s`, call);
      });
    });
  readCommand(policy, "queue-delay", "the delay between queueing a transfer and its earliest execution")
    .requiredOption(
      "--delay <seconds>",
      `seconds, from ${treasury.MIN_QUEUE_DELAY} to ${treasury.MAX_QUEUE_DELAY} (e.g. 86400 for a day)`,
    )
    .action(async (options: ChainOptions & { delay: string }) => {
      await withSession(io, options, false, async (session) => {
        const delay = parseSeconds(options.delay, "--delay");
        if (delay < treasury.MIN_QUEUE_DELAY || delay > treasury.MAX_QUEUE_DELAY) {
          throw new UsageError(
            `--delay must be from ${treasury.MIN_QUEUE_DELAY} to ${treasury.MAX_QUEUE_DELAY} seconds`,
          );
        }
        printPolicy(session, `queue delay ${delay} s`, await treasury.policy.setQueueDelay(session.client, delay));
      });
    });
  for (const [name, paused] of [
    ["pause", true],
    ["unpause", false],
  ] as const) {
    readCommand(
      policy,
      name,
      `${paused ? "stop" : "resume"} budget transfers, queueing, queued executions and sweeps (the delay stays)`,
    ).action(async (options: ChainOptions) => {
      await withSession(io, options, false, async (session) => {
        printPolicy(session, paused ? "pause" : "unpause", await treasury.policy.setPaused(session.client, paused));
      });
    });
  }
  return policy;
}

/** `coffer treasury …`: operators' budgets, queued transfers and sweeps of a Safe with Coffer's module. */
export function treasuryCommand(io: CliIo): Command {
  const group = new Command("treasury").description(
    "treasury Safe operations by its operators: budget transfers, queued transfers, sweeps (policy changes go through `coffer safe propose call`)",
  );

  withSafe(sendCommand(group, "budget-transfer", "pay from the Safe within your budget (operator)"))
    .requiredOption("--token <token>", "ETH, a token address, or a token of the deployment manifest")
    .requiredOption("--to <address>", "the recipient")
    .requiredOption("--amount <amount>", "the amount in the token's units")
    .action(async (options: SafeOption & { token: string; to: string; amount: string }) => {
      await withSession(io, options, true, async (session) => {
        const safe = safeOf(session, options);
        const token = await resolveToken(session, options.token);
        const amount = parseAmount(options.amount, token);
        const to = parseAddress(options.to, "--to");
        const result = await treasury.budgetTransfer(session.client, safe, token.address, to, amount);
        const [, remaining] = await session.client.treasury.getBudget(safe, session.account, token.address);
        print(session, { safe, token: token.address, to, amount, remaining, ...txJson(result) }, () => [
          `Paid ${formatAmount(amount, token)} from ${safe} to ${to}`,
          ...rows([["budget left", formatAmount(remaining, token)], txLine(result)]),
        ]);
      });
    });

  withSafe(sendCommand(group, "queue", "queue a transfer from the Safe behind its delay (operator)"))
    .requiredOption("--token <token>", "ETH, a token address, or a token of the deployment manifest")
    .requiredOption("--to <address>", "the recipient")
    .requiredOption("--amount <amount>", "the amount in the token's units")
    .requiredOption("--out <file>", `write the queued transfer (${QUEUED_FORMAT}) here, for execute`)
    .action(async (options: SafeOption & { token: string; to: string; amount: string; out: string }) => {
      ensureNewFile(options.out);
      await withSession(io, options, true, async (session) => {
        const safe = safeOf(session, options);
        const token = await resolveToken(session, options.token);
        const amount = parseAmount(options.amount, token);
        const to = parseAddress(options.to, "--to");
        const result = await treasury.queueTransfer(session.client, safe, token.address, to, amount);
        writeJsonFile(options.out, {
          format: QUEUED_FORMAT,
          chainId: session.chainId,
          module: await session.client.treasury.getAddress(),
          transferId: result.transferId,
          transfer: result.transfer,
        });
        const { earliest } = await treasury.getExecutionWindow(session.client, result.transfer);
        print(
          session,
          { transferId: result.transferId, file: options.out, transfer: result.transfer, ...txJson(result) },
          () => [
            `Queued ${formatAmount(amount, token)} from ${safe} to ${to}`,
            ...rows([
              ["transfer", result.transferId],
              ["executable", isoTime(earliest)],
              ["file", options.out],
              txLine(result),
            ]),
          ],
        );
      });
    });

  sendCommand(group, "execute", "execute a queued transfer once its delay has passed (anyone)")
    .argument("<transfer>", `the queued-transfer file (${QUEUED_FORMAT})`)
    .action(async (file: string, options: ChainOptions) => {
      await withSession(io, options, true, async (session) => {
        const { transfer, transferId } = await readQueued(session, file);
        const token = await tokenInfo(session, String(transfer.token));
        const result = await treasury.executeQueued(session.client, transfer);
        print(session, { transferId, amount: transfer.amount, to: transfer.to, ...txJson(result) }, () => [
          `Executed transfer ${transferId}: ${formatAmount(BigInt(transfer.amount), token)} to ${String(transfer.to)}`,
          ...rows([txLine(result)]),
        ]);
      });
    });

  group.addCommand(policyCommand(io));

  withSafe(sendCommand(group, "sweep", "send the Safe's excess of a token above its cap to its cold address (anyone)"))
    .requiredOption("--token <token>", "ETH, a token address, or a token of the deployment manifest")
    .action(async (options: SafeOption & { token: string }) => {
      await withSession(io, options, true, async (session) => {
        const safe = safeOf(session, options);
        const token = await resolveToken(session, options.token);
        const result = await treasury.sweep(session.client, safe, token.address);
        const event = result.events.find((candidate) => candidate.name === "Swept");
        const amount = (event?.args["amount"] as bigint | undefined) ?? 0n;
        const cold = (event?.args["cold"] as string | undefined) ?? ethers.ZeroAddress;
        print(session, { safe, token: token.address, amount, cold, ...txJson(result) }, () => [
          `Swept ${formatAmount(amount, token)} from ${safe} to ${cold}`,
          ...rows([txLine(result)]),
        ]);
      });
    });

  withSafe(
    readCommand(group, "status", "a Safe's module settings, an operator's standing and budget, a queued transfer"),
  )
    .option("--operator <address>", "show this operator's standing, budget and queue limit")
    .option("--token <token>", "the token of the budget, queue limit and sweep rule", "ETH")
    .option("--transfer <file>", `show the status of a queued transfer (${QUEUED_FORMAT})`)
    .action(async (options: SafeOption & { operator?: string; token: string; transfer?: string }) => {
      await withSession(io, options, false, async (session) => {
        const module = session.client.treasury;
        const safe = safeOf(session, options);
        const token = await resolveToken(session, options.token);
        const settings = await module.getSafeSettings(safe);
        const rule = await module.getSweepRule(safe, token.address);
        const result: Record<string, unknown> = {
          safe,
          token: token.address,
          paused: settings.paused,
          delay: settings.delay,
          sweepRule: { cold: rule.cold, cap: rule.cap },
        };
        const lines: [string, string][] = [
          ["safe", `${safe}${settings.paused ? " (paused)" : ""}`],
          ["queue delay", settings.delay === 0n ? "none set: nothing can be queued" : `${settings.delay} s`],
          [
            `sweep ${token.symbol}`,
            rule.cold === ethers.ZeroAddress ? "no rule" : `above ${formatAmount(rule.cap, token)} to ${rule.cold}`,
          ],
        ];
        if (options.operator !== undefined) {
          const operator = parseAddress(options.operator, "--operator");
          const standing = await module.getOperator(safe, operator);
          const [budget, remaining] = await module.getBudget(safe, operator, token.address);
          const queueLimit = await treasury.getQueueLimit(session.client, safe, operator, token.address);
          result.operator = {
            address: operator,
            enabled: standing.enabled,
            paused: standing.paused,
            restricted: standing.restricted,
            budget: { amount: budget.amount, period: budget.period, remaining },
            queueLimit,
          };
          lines.push(
            [
              "operator",
              `${operator} ${standing.enabled ? "enabled" : "disabled"}${standing.paused ? ", paused" : ""}${standing.restricted ? ", restricted recipients" : ""}`,
            ],
            [
              "budget",
              budget.period === 0n
                ? "none"
                : `${formatAmount(budget.amount, token)} per ${budget.period} s, ${formatAmount(remaining, token)} left`,
            ],
            [
              "queue limit",
              queueLimit.period === 0
                ? "none: nothing can be queued"
                : `${formatAmount(queueLimit.amount, token)} per ${queueLimit.period} s, ${formatAmount(queueLimit.remaining, token)} left`,
            ],
          );
        }
        if (options.transfer !== undefined) {
          const { transferId, transfer } = await readQueued(session, options.transfer);
          const status = QUEUED_STATUS[Number(await module.getQueuedStatus(transferId))] ?? "unknown";
          const settingsDelay = settings.delay;
          const window = settingsDelay === 0n ? undefined : await treasury.getExecutionWindow(session.client, transfer);
          result.queued = {
            transferId,
            status,
            eta: transfer.eta,
            queuedAt: transfer.queuedAt,
            ...(window === undefined ? {} : { executableFrom: window.earliest, executableUntil: window.deadline }),
          };
          lines.push([
            "queued",
            window === undefined
              ? `${transferId} ${status}, the Safe has no queue delay`
              : `${transferId} ${status}, executable from ${isoTime(window.earliest)} until before ${isoTime(window.deadline)}`,
          ]);
        }
        print(session, result, () => ["Treasury", ...rows(lines)]);
      });
    });
  return group;
}

/** `coffer deployments`: Coffer's addresses on the node's chain. */
export function deploymentsCommand(io: CliIo): Command {
  return readCommand(
    new Command("coffer"),
    "deployments",
    "Coffer's contract addresses on the chain of --rpc-url",
  ).action(async (options: ChainOptions) => {
    await withSession(io, options, false, async (session) => {
      const manifest = session.client.manifest;
      const contracts = Object.fromEntries(
        Object.entries(manifest.contracts).map(([name, record]) => [name, record.address]),
      );
      const codes = await Promise.all(
        Object.values(contracts).map(async (value) => (await session.provider.getCode(value)) !== "0x"),
      );
      const missing = Object.keys(contracts).filter((_, index) => !codes[index]);
      print(
        session,
        {
          chainId: session.chainId,
          network: manifest.network,
          contracts,
          treasurySafe: manifest.treasurySafe?.address,
          missing,
        },
        () => [
          `Coffer on chain ${session.chainId} (${manifest.network})`,
          ...rows([
            ...Object.entries(contracts).map(
              ([name, value], index) => [name, `${value}${codes[index] ? "" : "  (NO CODE)"}`] as [string, string],
            ),
            ...(manifest.treasurySafe === undefined
              ? []
              : [["treasury Safe", manifest.treasurySafe.address] as [string, string]]),
          ]),
        ],
      );
    });
  });
}
