import { Option, type Command } from "commander";
import { parseCount, rpcUrlFrom, UsageError, type CliIo } from "../../io";
import { printResult, withJson, withRpc, type ChainOptions } from "./shared";

/** `coffer safe serve`: the signature-collection service. */
export function addServeCommand(safe: Command, io: CliIo): void {
  withRpc(withJson(safe.command("serve")))
    .description(
      "run the signature-collection service: proposals and signatures over HTTP, kept on disk, verified; " +
        "also the Safe Transaction Service API at /api (api-kit's txServiceUrl: <url>/api)",
    )
    .requiredOption("--dir <dir>", "where transactions are kept (one JSON file per safeTxHash)")
    .addOption(new Option("--port <port>", "the port (0: any free one)").default("8547"))
    .option("--host <host>", "the interface to listen on", "127.0.0.1")
    .action(async (options: ChainOptions & { dir: string; port: string; host: string }) => {
      const port = parseCount(options.port, "--port");
      if (port > 65_535) throw new UsageError(`--port ${port} is not a port`);
      const rpcUrl = rpcUrlFrom(options.rpcUrl, io.env);
      const { startSignatureService } = await import("../../safe-approval-server");
      const { default: pino } = await import("pino");
      const logger = pino({ level: io.env.COFFER_LOG_LEVEL ?? "info" }, pino.destination(2));
      const service = await startSignatureService({ directory: options.dir, rpcUrl, host: options.host, port, logger });
      const txServiceUrl = `${service.url}/api`;
      printResult(
        io,
        options.json,
        { ok: true, url: service.url, txServiceUrl, chainId: service.chainId, dir: options.dir },
        () => [
          `Coffer signature service for chain ${service.chainId} on ${service.url} (transactions in ${options.dir})`,
          `  Safe Transaction Service API: ${txServiceUrl} (api-kit's txServiceUrl, or --tx-service ${service.url})`,
        ],
      );
      const stop = () => {
        void service.close().then(() => process.exit(0));
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
