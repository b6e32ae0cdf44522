import { escrow, getChainTime, randomSalt, toReferenceId, type CofferReceipt, type Payment } from "@coffer/sdk";
import type { Command } from "commander";
import { ethers } from "ethers";
import { z } from "zod";
import {
  checkSameDeployment,
  ensureNewFile,
  formatAmount,
  parseAmount,
  parseBps,
  parseDuration,
  print,
  readJsonFile,
  reportApproval,
  resolveToken,
  rows,
  sendCommand,
  tokenInfo,
  txJson,
  txLine,
  withSession,
  writeJsonFile,
  zAddress,
  zBytes32,
  zHex,
  zUint,
  type ChainOptions,
  type Session,
  type TokenInfo,
} from "../../common";
import { parseAddress, UsageError, type CliIo } from "../../io";

/**
 * The payment file (`coffer-payment/1`), written by `coffer escrow authorize|charge` and read by every other
 * `coffer escrow` command: the escrow's `Payment` struct, integers as decimal strings, with the chain, the escrow
 * and the payment id it hashes to (checked on read).
 */
export const PAYMENT_FORMAT = "coffer-payment/1";

const smallInt = z.number().int().min(0).max(10_000);

const paymentFileSchema = z.object({
  format: z.literal(PAYMENT_FORMAT),
  chainId: z.number().int(),
  escrow: zAddress,
  paymentId: zBytes32,
  payment: z.object({
    operator: zAddress,
    payer: zAddress,
    payee: zAddress,
    token: zAddress,
    maxAmount: zUint,
    preApprovalExpiry: zUint,
    authorizationExpiry: zUint,
    refundExpiry: zUint,
    minFeeBps: smallInt,
    maxFeeBps: smallInt,
    feeReceiver: zAddress,
    arbiter: zAddress,
    referenceId: zBytes32,
    salt: zUint,
  }),
  /** Written by `coffer escrow sign`: the payer's approval that the operator submits with `coffer escrow relay`. */
  approval: z
    .object({
      action: z.enum(["authorize", "charge"]),
      amount: zUint,
      feeBps: smallInt,
      digest: zBytes32,
      signature: zHex,
    })
    .optional(),
});

/** The payer's approval in a payment file written by `coffer escrow sign`. */
export type PaymentFileApproval = z.infer<typeof paymentFileSchema>["approval"];

/** Reads a payment file and checks it against the chain's escrow and its own id. */
export async function readPayment(
  session: Session,
  file: string,
): Promise<{ payment: Payment; paymentId: string; approval?: PaymentFileApproval }> {
  const data = readJsonFile(file, paymentFileSchema, PAYMENT_FORMAT);
  const escrowAddress = await session.client.escrow.getAddress();
  checkSameDeployment(file, data.chainId, data.escrow, session, escrowAddress);
  const p = data.payment;
  const payment: Payment = {
    ...p,
    operator: ethers.getAddress(p.operator),
    payer: ethers.getAddress(p.payer),
    payee: ethers.getAddress(p.payee),
    token: ethers.getAddress(p.token),
    feeReceiver: ethers.getAddress(p.feeReceiver),
    arbiter: ethers.getAddress(p.arbiter),
    maxAmount: BigInt(p.maxAmount),
    preApprovalExpiry: BigInt(p.preApprovalExpiry),
    authorizationExpiry: BigInt(p.authorizationExpiry),
    refundExpiry: BigInt(p.refundExpiry),
    salt: BigInt(p.salt),
  };
  const paymentId = escrow.getPaymentId(payment, { chainId: session.chainId, escrow: escrowAddress });
  if (paymentId !== data.paymentId) {
    throw new UsageError(`${file} was altered: its payment hashes to ${paymentId}, not to ${data.paymentId}`);
  }
  return { payment, paymentId, approval: data.approval };
}

/** The payment's state on chain, for JSON and for people. */
export async function stateOf(session: Session, paymentId: string, token: TokenInfo) {
  const state = await escrow.getPaymentState(session.client, paymentId);
  return {
    json: { paymentId, status: state.status, capturable: state.capturable, refundable: state.refundable },
    lines: [
      ["status", state.status],
      ["capturable", formatAmount(state.capturable, token)],
      ["refundable", formatAmount(state.refundable, token)],
    ] as [string, string][],
  };
}

/** Options of the commands that start a payment: authorize, charge, sign. */
export interface NewPaymentOptions extends ChainOptions {
  payee: string;
  token: string;
  amount: string;
  maxAmount?: string;
  operator?: string;
  feeReceiver?: string;
  minFee: string;
  maxFee: string;
  fee?: string;
  arbiter?: string;
  reference?: string;
  preApprovalExpiry: string;
  authorizationExpiry: string;
  refundExpiry: string;
  out: string;
}

/** A command that starts a payment, with the payment's options. */
export function newPaymentCommand(parent: Command, name: string, description: string): Command {
  return sendCommand(parent, name, description)
    .requiredOption("--payee <address>", "who is paid (the merchant)")
    .requiredOption("--token <token>", "ETH, a token address, or a token of the deployment manifest (e.g. TestUSDC)")
    .requiredOption("--amount <amount>", "the amount in the token's units, e.g. 12.50")
    .requiredOption("--out <file>", `write the payment file (${PAYMENT_FORMAT}) here; the other commands read it`)
    .option("--max-amount <amount>", "the most that may ever be authorized for this payment (default: --amount)")
    .option("--operator <address>", "who captures, voids and refunds (default: you)")
    .option("--min-fee <percent>", "the lowest fee the operator may take, in percent", "0")
    .option("--max-fee <percent>", "the highest fee the operator may take, in percent", "0")
    .option("--fee-receiver <address>", "who receives the fee (default: the operator when a fee is allowed)")
    .option("--arbiter <address>", "who resolves disputes (default: none, the payment cannot be disputed)")
    .option("--reference <text>", "the order or invoice number (hashed), or 32 bytes of hex (default: random)")
    .option("--pre-approval-expiry <duration>", "how long the payment may be authorized from now", "1h")
    .option("--authorization-expiry <duration>", "how long funds stay capturable (then the payer reclaims)", "7d")
    .option("--refund-expiry <duration>", "how long captured funds may be refunded", "30d");
}

/** The shortest expiry that can work: a transaction has to be mined, and an operator has to act, before it. */
const MIN_EXPIRY_SECONDS = 60n;

/**
 * The three expiries of the options, in seconds from now, checked before anything is sent: each at least a minute,
 * and in the contract's order (authorize, then capture, then refund).
 */
export function checkExpiries(
  options: Pick<NewPaymentOptions, "preApprovalExpiry" | "authorizationExpiry" | "refundExpiry">,
) {
  const entries = [
    ["--pre-approval-expiry", options.preApprovalExpiry, "authorized"],
    ["--authorization-expiry", options.authorizationExpiry, "captured"],
    ["--refund-expiry", options.refundExpiry, "refunded"],
  ] as const;
  const seconds = entries.map(([flag, value, what]) => {
    const duration = parseDuration(value, flag);
    if (duration < MIN_EXPIRY_SECONDS) {
      throw new UsageError(
        `${flag} ${value} is ${duration} seconds from now: the payment could not be ${what} in time; give at least 1m`,
      );
    }
    return duration;
  });
  const [preApproval, authorization, refund] = seconds as [bigint, bigint, bigint];
  if (authorization < preApproval) {
    throw new UsageError(
      `--authorization-expiry ${options.authorizationExpiry} ends before --pre-approval-expiry ${options.preApprovalExpiry}: ` +
        "funds could be authorized after they can no longer be captured",
    );
  }
  if (refund < authorization) {
    throw new UsageError(
      `--refund-expiry ${options.refundExpiry} ends before --authorization-expiry ${options.authorizationExpiry}: ` +
        "funds could be captured after they can no longer be refunded",
    );
  }
  return { preApproval, authorization, refund };
}

/**
 * The payee address; one typed in a single letter case carries no checksum, so a typo in it would go unnoticed:
 * warn (on stderr, also with --json) and show the checksummed form to compare.
 */
function checkedPayee(session: Session, value: string): string {
  const payee = parseAddress(value, "--payee");
  const digits = value.slice(2);
  if (/[a-f]/i.test(digits) && (digits === digits.toLowerCase() || digits === digits.toUpperCase())) {
    session.io.stderr(
      `coffer: warning: --payee ${value} has no checksum (one letter case), so a mistyped character would not be ` +
        `caught; check it against ${payee}\n`,
    );
  }
  return payee;
}

/** The payment of the options, the session's account paying; every expiry counts from the chain's time. */
export async function paymentOf(session: Session, options: NewPaymentOptions, token: TokenInfo): Promise<Payment> {
  const amount = parseAmount(options.amount, token);
  const maxAmount = options.maxAmount === undefined ? amount : parseAmount(options.maxAmount, token, "--max-amount");
  const operator = options.operator === undefined ? session.account : parseAddress(options.operator, "--operator");
  const minFeeBps = parseBps(options.minFee, "--min-fee");
  const maxFeeBps = parseBps(options.maxFee, "--max-fee");
  const expiries = checkExpiries(options);
  const time = await getChainTime(session.provider);
  return {
    operator,
    payer: session.account,
    payee: checkedPayee(session, options.payee),
    token: token.address,
    maxAmount,
    preApprovalExpiry: time + expiries.preApproval,
    authorizationExpiry: time + expiries.authorization,
    refundExpiry: time + expiries.refund,
    minFeeBps,
    maxFeeBps,
    feeReceiver:
      options.feeReceiver !== undefined
        ? parseAddress(options.feeReceiver, "--fee-receiver")
        : maxFeeBps > 0
          ? operator
          : ethers.ZeroAddress,
    arbiter: options.arbiter === undefined ? ethers.ZeroAddress : parseAddress(options.arbiter, "--arbiter"),
    referenceId:
      options.reference === undefined ? ethers.hexlify(ethers.randomBytes(32)) : toReferenceId(options.reference),
    salt: randomSalt(),
  };
}

/** What a command on an existing payment did: its transaction, the sentence to print, extra JSON fields. */
export interface PaymentActionResult {
  readonly result: CofferReceipt;
  readonly done: string;
  readonly extra?: Record<string, unknown>;
}

/**
 * Adds a command on an existing payment (`<payment>` file, then the action), which prints the payment's state
 * afterwards.
 */
export function addPaymentAction(
  group: Command,
  io: CliIo,
  name: string,
  description: string,
  configure: (command: Command) => Command,
  act: (
    session: Session,
    payment: Payment,
    token: TokenInfo,
    options: Record<string, string>,
  ) => Promise<PaymentActionResult>,
): void {
  configure(sendCommand(group, name, description))
    .argument("<payment>", `the payment file (${PAYMENT_FORMAT})`)
    .action(async (file: string, options: ChainOptions & Record<string, string>) => {
      await withSession(io, options, true, async (session) => {
        const { payment, paymentId } = await readPayment(session, file);
        const token = await tokenInfo(session, payment.token);
        const { result, done, extra } = await act(session, payment, token, options);
        const state = await stateOf(session, paymentId, token);
        print(session, { paymentId, ...extra, state: state.json, ...txJson(result) }, () => [
          done,
          ...rows([["payment", paymentId], ...state.lines, txLine(result)]),
        ]);
      });
    });
}

/** The `amount` argument of the first event named `name` in a transaction (0 when there is none). */
export function eventAmount(result: CofferReceipt, name: string, argument = "amount"): bigint {
  return (result.events.find((event) => event.name === name)?.args[argument] as bigint | undefined) ?? 0n;
}

/**
 * Adds `authorize` or `charge`: the payer opens a payment and writes its file. The SDK approves the escrow itself,
 * and only once the call is known to succeed but for the allowance.
 */
export function addOpenPayment(group: Command, io: CliIo, name: "authorize" | "charge", description: string): void {
  const command = newPaymentCommand(group, name, description);
  if (name === "charge") command.option("--fee <percent>", "the operator's fee taken now (default: --min-fee)");
  command.action(async (options: NewPaymentOptions) => {
    await withSession(io, options, true, async (session) => {
      const token = await resolveToken(session, options.token);
      const payment = await paymentOf(session, options, token);
      const amount = parseAmount(options.amount, token);
      const feeBps = options.fee === undefined ? payment.minFeeBps : parseBps(options.fee, "--fee");
      ensureNewFile(options.out);
      const escrowAddress = await session.client.escrow.getAddress();
      session.progress(`${name === "charge" ? "charging" : "authorizing"} ${formatAmount(amount, token)}`);
      const result =
        name === "charge"
          ? await escrow.charge(session.client, payment, amount, feeBps)
          : await escrow.authorize(session.client, payment, amount);
      reportApproval(session, result, amount, token, escrowAddress);
      writeJsonFile(
        options.out,
        {
          format: PAYMENT_FORMAT,
          chainId: session.chainId,
          escrow: escrowAddress,
          paymentId: result.paymentId,
          payment,
        },
        true,
      );
      const state = await stateOf(session, result.paymentId, token);
      print(
        session,
        { paymentId: result.paymentId, file: options.out, amount, payment, state: state.json, ...txJson(result) },
        () => [
          `${name === "charge" ? "Charged" : "Authorized"} ${formatAmount(amount, token)} from ${payment.payer} to ${payment.payee}`,
          ...rows([["payment", result.paymentId], ["file", options.out], ...state.lines, txLine(result)]),
        ],
      );
    });
  });
}
