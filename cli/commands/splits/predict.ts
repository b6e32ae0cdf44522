import { splits } from "@coffer/sdk";
import type { Command } from "commander";
import { print, readCommand, withSession } from "../../common";
import type { CliIo } from "../../io";
import { configLines, configOf, withConfig, type ConfigOptions } from "./shared";

/** `coffer splits predict`: the address a split will have (no key). */
export function addPredictCommand(group: Command, io: CliIo): void {
  withConfig(
    readCommand(group, "predict", "the address a split will have (funds may be sent there before it exists)"),
  ).action(async (options: ConfigOptions) => {
    const { config, controller } = configOf(options);
    await withSession(io, options, false, async (session) => {
      const split = await splits.predictSplitAddress(session.client, config, controller);
      const exists = (await session.provider.getCode(split)) !== "0x";
      print(session, { split, exists, controller, configHash: splits.hashSplitConfig(config) }, () => [
        `Split address ${split}${exists ? " (created)" : " (not created yet)"}`,
        ...configLines(config),
      ]);
    });
  });
}
