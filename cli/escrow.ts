import {
  ensureAllowance,
  escrow,
  getChainTime,
  NATIVE_TOKEN,
  randomSalt,
  toReferenceId,
  type CofferReceipt,
  type Invoice,
  type Payment,
} from "@coffer/sdk";
import { Command } from "commander";
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
  reportApproval,
  readCommand,
  readJsonFile,
  resolveToken,
  rows,
  sendCommand,
  signerOf,
  tokenInfo,
  txJson,
  txLine,
  usageFrom,
  withSession,
  writeJsonFile,
  type ChainOptions,
  type Session,
  type TokenInfo,
} from "./common";
import { parseAddress, UsageError, type CliIo } from "./io";

/**
 * The payment file (`coffer-payment/1`), written by `coffer escrow authorize|charge` and read by every other
 * `coffer escrow` command: the escrow's `Payment` struct, integers as decimal strings, with the chain, the escrow
 * and the payment id it hashes to (checked on read).
 */
export const PAYMENT_FORMAT = "coffer-payment/1";
/** The invoice file (`coffer-invoice/1`): the `Invoice` struct, its id and the payee's EIP-712 signature. */
export const INVOICE_FORMAT = "coffer-invoice/1";

const address = z.string().refine((value) => ethers.isAddress(value), "not an address");
const uint = z.string().regex(/^(0|[1-9][0-9]*)$/, "not a whole number");
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "not 32 bytes of hex");
const smallInt = z.number().int().min(0).max(10_000);

const paymentFileSchema = z.object({
  format: z.literal(PAYMENT_FORMAT),
  chainId: z.number().int(),
  escrow: address,
  paymentId: bytes32,
  payment: z.object({
    operator: address,
    payer: address,
    payee: address,
    token: address,
    maxAmount: uint,
    preApprovalExpiry: uint,
    authorizationExpiry: uint,
    refundExpiry: uint,
    minFeeBps: smallInt,
    maxFeeBps: smallInt,
    feeReceiver: address,
    arbiter: address,
    referenceId: bytes32,
    salt: uint,
  }),
  /** Written by `coffer escrow sign`: the payer's approval that the operator submits with `coffer escrow relay`. */
  approval: z
    .object({
      action: z.enum(["authorize", "charge"]),
      amount: uint,
      feeBps: smallInt,
      digest: bytes32,
      signature: z.string().regex(/^0x[0-9a-fA-F]+$/, "not hex"),
    })
    .optional(),
});

const invoiceFileSchema = z.object({
  format: z.literal(INVOICE_FORMAT),
  chainId: z.number().int(),
  escrow: address,
  invoiceId: bytes32,
  invoice: z.object({
    payee: address,
    payer: address,
    token: address,
    amount: uint,
    expiry: uint,
    referenceId: bytes32,
    salt: uint,
  }),
  signature: z.string().regex(/^0x[0-9a-fA-F]+$/, "not hex"),
});

/** Reads a payment file and checks it against the chain's escrow and its own id. */
async function readPayment(
  session: Session,
  file: string,
): Promise<{ payment: Payment; paymentId: string; approval?: z.infer<typeof paymentFileSchema>["approval"] }> {
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
async function stateOf(session: Session, paymentId: string, token: TokenInfo) {
  const state = await escrow.getPaymentState(session.client, paymentId);
  const status = state.status;
  return {
    json: { paymentId, status, capturable: state.capturable, refundable: state.refundable },
    lines: [
      ["status", status],
      ["capturable", formatAmount(state.capturable, token)],
      ["refundable", formatAmount(state.refundable, token)],
    ] as [string, string][],
  };
}

interface NewPaymentOptions extends ChainOptions {
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

function newPaymentCommand(parent: Command, name: string, description: string): Command {
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

async function buildPayment(session: Session, options: NewPaymentOptions, token: TokenInfo): Promise<Payment> {
  const amount = parseAmount(options.amount, token);
  const maxAmount = options.maxAmount === undefined ? amount : parseAmount(options.maxAmount, token, "--max-amount");
  const operator = options.operator === undefined ? session.account : parseAddress(options.operator, "--operator");
  const minFeeBps = parseBps(options.minFee, "--min-fee");
  const maxFeeBps = parseBps(options.maxFee, "--max-fee");
  const time = await getChainTime(session.provider);
  return {
    operator,
    payer: session.account,
    payee: parseAddress(options.payee, "--payee"),
    token: token.address,
    maxAmount,
    preApprovalExpiry: time + parseDuration(options.preApprovalExpiry, "--pre-approval-expiry"),
    authorizationExpiry: time + parseDuration(options.authorizationExpiry, "--authorization-expiry"),
    refundExpiry: time + parseDuration(options.refundExpiry, "--refund-expiry"),
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

/** `coffer escrow …`: authorize, charge, capture, void, reclaim, refund, dispute, resolve, status. */
export function escrowCommand(io: CliIo): Command {
  const group = new Command("escrow").description(
    `checkout and escrow payments; a payment is a JSON file (${PAYMENT_FORMAT}) written by authorize or charge`,
  );

  const startPayment = (name: "authorize" | "charge", description: string) => {
    const command = newPaymentCommand(group, name, description);
    if (name === "charge") command.option("--fee <percent>", "the operator's fee taken now (default: --min-fee)");
    command.action(async (options: NewPaymentOptions) => {
      await withSession(io, options, true, async (session) => {
        const token = await resolveToken(session, options.token);
        const payment = await buildPayment(session, options, token);
        const amount = parseAmount(options.amount, token);
        const feeBps = options.fee === undefined ? payment.minFeeBps : parseBps(options.fee, "--fee");
        ensureNewFile(options.out);
        const escrowAddress = await session.client.escrow.getAddress();
        // The SDK approves the escrow itself, only once the call is known to succeed but for the allowance.
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
  };
  startPayment("authorize", "hold a payment in escrow (you are the payer); writes the payment file");
  startPayment("charge", "pay at once: authorize and capture in one transaction (you are the payer)");

  // Relayed (gasless) checkout: the payer signs, the operator submits and pays the gas.
  newPaymentCommand(
    group,
    "sign",
    "sign a payment for the operator to submit (you are the payer): <action> is authorize (hold) or charge (pay at once); writes the payment file with your approval",
  )
    .argument("<action>", "authorize or charge: what the operator may do, and nothing else")
    .option("--fee <percent>", "for charge: the operator's fee taken now (default: --min-fee)")
    .action(async (action: string, options: NewPaymentOptions) => {
      if (action !== "authorize" && action !== "charge") {
        throw new UsageError(`<action> must be authorize or charge, not ${action}`);
      }
      await withSession(io, options, true, async (session) => {
        const token = await resolveToken(session, options.token);
        if (token.address === NATIVE_TOKEN) {
          throw new UsageError("an ETH payment is sent by its payer: use coffer escrow authorize|charge");
        }
        if (options.operator === undefined) throw new UsageError("--operator is required: who will submit it");
        const payment = await buildPayment(session, options, token);
        const amount = parseAmount(options.amount, token);
        const feeBps = options.fee === undefined ? payment.minFeeBps : parseBps(options.fee, "--fee");
        ensureNewFile(options.out);
        const escrowAddress = await session.client.escrow.getAddress();
        // The operator's relayed call pulls from the payer: the allowance must be there before it is submitted.
        if (await ensureAllowance(session.client, token.address, escrowAddress, amount)) {
          session.progress(`approved ${formatAmount(amount, token)} for ${escrowAddress}`);
        }
        const domain = { chainId: session.chainId, escrow: escrowAddress };
        const digest = escrow.getPayerApprovalDigest(payment, domain, action);
        const signature = await escrow.signPaymentApproval(signerOf(session), payment, domain, action);
        const paymentId = escrow.getPaymentId(payment, domain);
        const approval = { action, amount, feeBps, digest, signature };
        writeJsonFile(options.out, {
          format: PAYMENT_FORMAT,
          chainId: session.chainId,
          escrow: escrowAddress,
          paymentId,
          payment,
          approval,
        });
        print(session, { paymentId, file: options.out, approval }, () => [
          `Signed: ${payment.operator} may ${action === "charge" ? "charge" : "hold"} ${formatAmount(amount, token)} of yours for ${payment.payee}`,
          ...rows([
            ["payment", paymentId],
            ["file", options.out],
            ["digest", digest],
          ]),
        ]);
      });
    });

  sendCommand(group, "relay", "submit a payment the payer signed with coffer escrow sign (you are its operator)")
    .argument("<payment>", `the payment file (${PAYMENT_FORMAT}) with the payer's approval`)
    .action(async (file: string, options: ChainOptions) => {
      await withSession(io, options, true, async (session) => {
        const { payment, paymentId, approval } = await readPayment(session, file);
        if (approval === undefined)
          throw new UsageError(`${file} holds no payer approval: the payer signs it with coffer escrow sign`);
        const token = await tokenInfo(session, payment.token);
        const amount = BigInt(approval.amount);
        const options_ = { payerSignature: approval.signature };
        session.progress(
          `${approval.action === "charge" ? "charging" : "authorizing"} ${formatAmount(amount, token)} for ${payment.payer}`,
        );
        const result =
          approval.action === "charge"
            ? await escrow.charge(session.client, payment, amount, approval.feeBps, options_)
            : await escrow.authorize(session.client, payment, amount, options_);
        const state = await stateOf(session, paymentId, token);
        print(session, { paymentId, amount, action: approval.action, state: state.json, ...txJson(result) }, () => [
          `${approval.action === "charge" ? "Charged" : "Authorized"} ${formatAmount(amount, token)} from ${payment.payer} to ${payment.payee}, for the payer`,
          ...rows([["payment", paymentId], ...state.lines, txLine(result)]),
        ]);
      });
    });

  /** A command on an existing payment: `<payment>` file, then the action. */
  const onPayment = (
    name: string,
    description: string,
    configure: (command: Command) => Command,
    act: (
      session: Session,
      payment: Payment,
      token: TokenInfo,
      options: Record<string, string>,
    ) => Promise<{ result: CofferReceipt; done: string; extra?: Record<string, unknown> }>,
  ) => {
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
  };

  onPayment(
    "capture",
    "move held funds to the payee, minus the fee (operator)",
    (command) =>
      command
        .requiredOption("--amount <amount>", "how much to capture, in the token's units")
        .option("--fee <percent>", "the fee, within the payment's bounds (default: its minimum)"),
    async (session, payment, token, options) => {
      const amount = parseAmount(options.amount ?? "", token);
      const feeBps = options.fee === undefined ? payment.minFeeBps : parseBps(options.fee, "--fee");
      const result = await escrow.capture(session.client, payment, amount, feeBps);
      return {
        result,
        done: `Captured ${formatAmount(amount, token)} for ${payment.payee}`,
        extra: { amount, feeBps },
      };
    },
  );
  onPayment(
    "void",
    "return everything held to the payer (operator)",
    (command) => command,
    async (session, payment, token) => {
      const result = await escrow.voidPayment(session.client, payment);
      const amount = (result.events.find((event) => event.name === "PaymentVoided")?.args["amount"] as bigint) ?? 0n;
      return { result, done: `Voided: ${formatAmount(amount, token)} back to ${payment.payer}`, extra: { amount } };
    },
  );
  onPayment(
    "reclaim",
    "take back what is held once the authorization expired (payer)",
    (command) => command,
    async (session, payment, token) => {
      const result = await escrow.reclaim(session.client, payment);
      const amount = (result.events.find((event) => event.name === "PaymentReclaimed")?.args["amount"] as bigint) ?? 0n;
      return { result, done: `Reclaimed ${formatAmount(amount, token)}`, extra: { amount } };
    },
  );
  onPayment(
    "refund",
    "give captured funds back to the payer, paid by you (operator or payee)",
    (command) => command.requiredOption("--amount <amount>", "how much to refund, in the token's units"),
    async (session, payment, token, options) => {
      const amount = parseAmount(options.amount ?? "", token);
      // The SDK approves the escrow for the refund only once the refund is known to succeed but for it.
      const result = await escrow.refund(session.client, payment, amount);
      reportApproval(session, result, amount, token, await session.client.escrow.getAddress());
      return { result, done: `Refunded ${formatAmount(amount, token)} to ${payment.payer}`, extra: { amount } };
    },
  );
  onPayment(
    "dispute",
    "freeze what is held until the arbiter resolves (payer)",
    (command) => command,
    async (session, payment, token) => {
      const result = await escrow.dispute(session.client, payment);
      const amount = (result.events.find((event) => event.name === "PaymentDisputed")?.args["amount"] as bigint) ?? 0n;
      return { result, done: `Disputed: ${formatAmount(amount, token)} frozen`, extra: { amount } };
    },
  );
  onPayment(
    "resolve",
    "divide disputed funds: --payer-amount back to the payer, the rest to the payee (arbiter)",
    (command) => command.requiredOption("--payer-amount <amount>", "what the payer gets back, in the token's units"),
    async (session, payment, token, options) => {
      const payerAmount = parseAmount(options.payerAmount ?? "", token, "--payer-amount");
      const result = await escrow.resolve(session.client, payment, payerAmount);
      const event = result.events.find((candidate) => candidate.name === "PaymentResolved");
      const payeeAmount = (event?.args["payeeAmount"] as bigint) ?? 0n;
      return {
        result,
        done: `Resolved: ${formatAmount(payerAmount, token)} to the payer, ${formatAmount(payeeAmount, token)} to the payee`,
        extra: { payerAmount, payeeAmount },
      };
    },
  );

  readCommand(group, "status", "show a payment and what is held, captured and refundable")
    .argument("<payment>", `the payment file (${PAYMENT_FORMAT})`)
    .action(async (file: string, options: ChainOptions) => {
      await withSession(io, options, false, async (session) => {
        const { payment, paymentId } = await readPayment(session, file);
        const token = await tokenInfo(session, payment.token);
        const state = await stateOf(session, paymentId, token);
        const date = (seconds: bigint) => new Date(Number(seconds) * 1000).toISOString();
        print(session, { ...state.json, payment }, () => [
          `Payment ${paymentId}`,
          ...rows([
            ["payer", payment.payer],
            ["payee", payment.payee],
            ["operator", payment.operator],
            ["token", `${token.symbol} ${token.address}`],
            ["max amount", formatAmount(payment.maxAmount, token)],
            ["capture by", date(payment.authorizationExpiry)],
            ["refund by", date(payment.refundExpiry)],
            ["arbiter", payment.arbiter === ethers.ZeroAddress ? "none" : payment.arbiter],
            ...state.lines,
          ]),
        ]);
      });
    });
  return group;
}

// ─── Invoices ────────────────────────────────────────────────────────────────────────────────────────────────

async function readInvoice(session: Session, file: string) {
  const data = readJsonFile(file, invoiceFileSchema, INVOICE_FORMAT);
  const escrowAddress = await session.client.escrow.getAddress();
  checkSameDeployment(file, data.chainId, data.escrow, session, escrowAddress);
  const i = data.invoice;
  const invoice: Invoice = {
    ...i,
    payee: ethers.getAddress(i.payee),
    payer: ethers.getAddress(i.payer),
    token: ethers.getAddress(i.token),
    amount: BigInt(i.amount),
    expiry: BigInt(i.expiry),
    salt: BigInt(i.salt),
  };
  const domain = { chainId: session.chainId, escrow: escrowAddress };
  const invoiceId = escrow.getInvoiceId(invoice, domain);
  return {
    invoice,
    invoiceId,
    signature: data.signature,
    idMatches: invoiceId === data.invoiceId,
    signatureValid: escrow.verifyInvoice(invoice, data.signature, domain),
  };
}

/** `coffer invoice create|verify|pay`: payee-signed invoices as JSON files. */
export function invoiceCommand(io: CliIo): Command {
  const group = new Command("invoice").description(
    `merchant-signed invoices (${INVOICE_FORMAT} files): create and sign, verify, pay`,
  );

  sendCommand(group, "create", "create an invoice and sign it as its payee (you); nothing is sent to the chain")
    .requiredOption("--token <token>", "ETH, a token address, or a token of the deployment manifest (e.g. TestUSDC)")
    .requiredOption("--amount <amount>", "the amount in the token's units, e.g. 12.50")
    .requiredOption("--reference <text>", "the invoice number (hashed), or 32 bytes of hex")
    .requiredOption("--out <file>", "where to write the signed invoice")
    .option("--payer <address>", "the only account that may pay it (default: anyone)")
    .option("--expiry <duration>", "how long it may be paid from now", "30d")
    .action(
      async (
        options: ChainOptions & {
          token: string;
          amount: string;
          reference: string;
          out: string;
          payer?: string;
          expiry: string;
        },
      ) => {
        await withSession(io, options, true, async (session) => {
          const token = await resolveToken(session, options.token);
          const amount = parseAmount(options.amount, token);
          const payWithin = parseDuration(options.expiry, "--expiry");
          const { invoice, invoiceId, signature } = await escrow
            .createInvoice(session.client, signerOf(session), {
              token: token.address,
              amount,
              payWithin,
              now: await getChainTime(session.provider),
              reference: options.reference,
              payer: options.payer === undefined ? undefined : parseAddress(options.payer, "--payer"),
            })
            .catch(usageFrom);
          const expiry = invoice.expiry;
          writeJsonFile(options.out, {
            format: INVOICE_FORMAT,
            chainId: session.chainId,
            escrow: await session.client.escrow.getAddress(),
            invoiceId,
            invoice,
            signature,
          });
          print(session, { invoiceId, file: options.out, invoice, signature }, () => [
            `Invoice ${invoiceId} for ${formatAmount(amount, token)} to ${invoice.payee}, signed`,
            ...rows([
              ["payer", invoice.payer === ethers.ZeroAddress ? "anyone" : invoice.payer],
              ["expires", new Date(Number(expiry) * 1000).toISOString()],
              ["file", options.out],
            ]),
          ]);
        });
      },
    );

  readCommand(group, "verify", "check an invoice: its id, the payee's signature, expiry, and whether it is paid")
    .argument("<invoice>", `the invoice file (${INVOICE_FORMAT})`)
    .action(async (file: string, options: ChainOptions) => {
      await withSession(io, options, false, async (session) => {
        const { invoice, invoiceId, idMatches, signatureValid } = await readInvoice(session, file);
        const token = await tokenInfo(session, invoice.token);
        const paid = await escrow.isInvoicePaid(session.client, invoiceId);
        const expired = (await getChainTime(session.provider)) >= invoice.expiry;
        const contractPayee = (await session.provider.getCode(invoice.payee)) !== "0x";
        // A contract payee signs with ERC-1271, which only the escrow checks (when paying).
        const valid = idMatches && (signatureValid || contractPayee);
        const status = paid ? "paid" : expired ? "expired" : "payable";
        if (!valid) {
          throw new Error(
            `invoice ${invoiceId} does not verify: ${idMatches ? "the signature is not the payee's" : "the file was altered (its id does not match)"}`,
          );
        }
        const result = { invoiceId, status, valid, idMatches, signatureValid, paid, expired, invoice };
        print(session, result, () => [
          `Invoice ${invoiceId}: ${status}`,
          ...rows([
            ["amount", formatAmount(invoice.amount, token)],
            ["payee", invoice.payee],
            ["signature", signatureValid ? "valid" : "checked by the escrow when paid (contract payee)"],
            ["expires", new Date(Number(invoice.expiry) * 1000).toISOString()],
          ]),
        ]);
      });
    });

  sendCommand(group, "pay", "pay an invoice, exactly its amount (approves the escrow first when needed)")
    .argument("<invoice>", `the invoice file (${INVOICE_FORMAT})`)
    .action(async (file: string, options: ChainOptions) => {
      await withSession(io, options, true, async (session) => {
        const { invoice, invoiceId, signature, idMatches } = await readInvoice(session, file);
        if (!idMatches) throw new UsageError(`${file} was altered: its invoice does not hash to its id`);
        const token = await tokenInfo(session, invoice.token);
        // The SDK approves the escrow only once the payment is known to succeed but for the allowance: a paid,
        // expired or wrongly signed invoice is refused with nothing approved.
        session.progress(`paying ${formatAmount(invoice.amount, token)} to ${invoice.payee}`);
        const result = await escrow.payInvoice(session.client, invoice, signature);
        reportApproval(session, result, invoice.amount, token, await session.client.escrow.getAddress());
        print(session, { invoiceId, amount: invoice.amount, payee: invoice.payee, ...txJson(result) }, () => [
          `Paid invoice ${invoiceId}: ${formatAmount(invoice.amount, token)} to ${invoice.payee}`,
          ...rows([txLine(result)]),
        ]);
      });
    });
  return group;
}
