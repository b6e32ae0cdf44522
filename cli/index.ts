import { CofferContractError } from "@coffer/sdk";
import { Command, CommanderError } from "commander";
import { channelsCommand } from "./commands/channels";
import { deploymentsCommand } from "./commands/deployments";
import { escrowCommand } from "./commands/escrow";
import { faucetCommand } from "./commands/faucet";
import { indexerCommands } from "./commands/indexer";
import { invoiceCommand } from "./commands/invoice";
import { safeCommand } from "./commands/safe";
import { splitsCommand } from "./commands/splits";
import { subscriptionsCommand } from "./commands/subscriptions";
import { treasuryCommand } from "./commands/treasury";
import { listenCommand, webhooksCommand } from "./commands/webhooks";
import {
  EXIT_FAILURE,
  EXIT_OK,
  EXIT_USAGE,
  oneLine,
  processIo,
  ReportedFailure,
  toJson,
  UsageError,
  type CliIo,
} from "./io";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION: string = require("../package.json").version;

const EXIT_CODES_HELP = `
Keys come only from the environment (COFFER_PRIVATE_KEY) or an encrypted JSON keystore (--keystore <file>,
password in COFFER_KEYSTORE_PASSWORD); the RPC URL from --rpc-url or COFFER_RPC_URL; the indexer's URL (balances,
history, payments, report) from --indexer or COFFER_INDEXER_URL (default http://127.0.0.1:42069).

Exit codes: 0 done; 1 the command failed (does not verify, signatures missing, node or service error);
2 usage error (bad command line, no key or RPC URL configured), nothing was done.
With --json, results are one JSON object on stdout, and a failure also prints {"ok":false,"error":{...}} there;
errors are always one readable line on stderr.`;

/** Builds the `coffer` program, writing to `io`. */
export function buildProgram(io: CliIo): Command {
  const program = new Command("coffer")
    .description("Coffer's command line")
    .version(VERSION)
    .exitOverride()
    // Parser errors are printed by `main` in the house style (and as JSON with --json), not by Commander.
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      outputError: () => undefined,
    })
    .showSuggestionAfterError(true)
    .addHelpText("after", EXIT_CODES_HELP);
  program.addCommand(safeCommand(io).copyInheritedSettings(program), { isDefault: false });
  for (const command of [
    escrowCommand(io),
    invoiceCommand(io),
    subscriptionsCommand(io),
    splitsCommand(io),
    channelsCommand(io),
    treasuryCommand(io),
    deploymentsCommand(io),
    faucetCommand(io),
    ...indexerCommands(io),
    webhooksCommand(io),
    listenCommand(io),
  ]) {
    program.addCommand(command.copyInheritedSettings(program));
  }
  // Subcommands added before copyInheritedSettings keep their defaults: apply the program's to every one.
  const inherit = (command: Command) => {
    for (const sub of command.commands) {
      sub.copyInheritedSettings(program);
      inherit(sub);
    }
  };
  inherit(program);
  return program;
}

/**
 * Runs `coffer` with `argv` (as `process.argv`: node, script, arguments…) and resolves to the exit code, or to
 * `"serving"` when a long-running command (`coffer safe serve`) keeps the process alive.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number | "serving"> {
  const json = argv.includes("--json");
  let serving = false;
  const program = buildProgram(io);
  program.hook("preAction", (_program, action) => {
    serving = action.name() === "serve" || action.name() === "listen";
  });
  try {
    await program.parseAsync([...argv]);
    return serving ? "serving" : EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; a command group without its subcommand has printed its help: usage errors.
      if (error.exitCode === 0) return EXIT_OK;
      if (error.code === "commander.help" || error.code === "commander.helpDisplayed") return EXIT_USAGE;
      // The parser's own errors ("error: unknown option …", with a suggestion on the next line) in the house style.
      const message = error.message
        .replace(/^error: /, "")
        .replace(/\s*\n\s*/g, " ")
        .trim();
      io.stderr(`coffer: ${message} (see --help)\n`);
      if (json) io.stdout(`${toJson({ ok: false, error: { name: "UsageError", message } })}\n`);
      return EXIT_USAGE;
    }
    const usage = error instanceof UsageError;
    const message = oneLine(error);
    io.stderr(`coffer: ${message}${usage ? " (see --help)" : ""}\n`);
    if (json && !(error instanceof ReportedFailure)) {
      const name = error instanceof Error ? error.name : "Error";
      const decoded =
        error instanceof CofferContractError ? { errorName: error.errorName, args: error.args } : undefined;
      io.stdout(`${toJson({ ok: false, error: { name, message, ...decoded } })}\n`);
    }
    if (io.env.COFFER_DEBUG === "1" && error instanceof Error && error.stack !== undefined)
      io.stderr(`${error.stack}\n`);
    return usage ? EXIT_USAGE : EXIT_FAILURE;
  }
}

/** The `coffer` bin: runs {@link main} on the process and exits with its code once the output is flushed. */
export function run(): void {
  void main(process.argv).then((code) => {
    if (code === "serving") return;
    process.exitCode = code;
    process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
  });
}
