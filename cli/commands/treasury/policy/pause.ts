import { treasury } from "@coffer/sdk";
import type { Command } from "commander";
import { readCommand, withSession, type ChainOptions } from "../../../common";
import type { CliIo } from "../../../io";
import { printPolicy } from "../shared";

/** `coffer treasury policy pause` and `unpause`: stop or resume everything the module does for the Safe. */
export function addPauseCommands(policy: Command, io: CliIo): void {
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
}
