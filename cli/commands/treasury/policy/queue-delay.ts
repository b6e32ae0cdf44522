import { treasury } from "@coffer/sdk";
import type { Command } from "commander";
import { readCommand, withSession, type ChainOptions } from "../../../common";
import { UsageError, type CliIo } from "../../../io";
import { parseSeconds, printPolicy } from "../shared";

/** `coffer treasury policy queue-delay`: the delay between queueing a transfer and its earliest execution. */
export function addQueueDelayCommand(policy: Command, io: CliIo): void {
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
}
