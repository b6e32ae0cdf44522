import { Command } from "commander";
import type { CliIo } from "../../io";
import { addEndpointCommands } from "./endpoints";
import { listenCommand } from "./listen";
import { addServeCommand } from "./serve";
import { addTriggerCommand } from "./trigger";

/** `coffer webhooks …`: the service, the endpoints, their deliveries, samples. */
export function webhooksCommand(io: CliIo): Command {
  const webhooks = new Command("webhooks").description(
    "merchant notifications: run the webhook service, register endpoints, read the delivery log, send samples",
  );
  addServeCommand(webhooks, io);
  addEndpointCommands(webhooks, io);
  addTriggerCommand(webhooks, io);
  return webhooks;
}

export { listenCommand };
