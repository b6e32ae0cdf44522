import { splits } from "@coffer/sdk";
import type { Command } from "commander";
import { ethers } from "ethers";
import { print, rows, sendCommand, txJson, txLine, withSession } from "../../common";
import type { CliIo } from "../../io";
import { configJson, configLines, configOf, withConfig, type ConfigOptions } from "./shared";

/** `coffer splits create`: creates a split, or finds it if that configuration exists already. */
export function addCreateCommand(group: Command, io: CliIo): void {
  withConfig(sendCommand(group, "create", "create a split (or find it, if that configuration exists already)")).action(
    async (options: ConfigOptions) => {
      const { config, controller } = configOf(options);
      await withSession(io, options, true, async (session) => {
        const result = await splits.createSplit(session.client, config, controller);
        print(
          session,
          {
            split: result.split,
            created: result.created,
            controller,
            configHash: result.configHash,
            config: configJson(config),
            ...txJson(result),
          },
          () => [
            `${result.created ? "Created" : "Found existing"} split ${result.split}`,
            ...configLines(config),
            ...rows([
              ["controller", controller === ethers.ZeroAddress ? "none (immutable)" : controller],
              txLine(result),
            ]),
          ],
        );
      });
    },
  );
}
