import type { WebhookService } from "../../webhooks/service";
import type { WebhookStore } from "../../webhooks/store/database";

/**
 * Stops `service` (attempts under way finish) and closes `store` on the first SIGINT or SIGTERM, then exits 0:
 * what `coffer webhooks serve` and `coffer listen` do when they are stopped.
 */
export function stopOnSignal(service: WebhookService, store: WebhookStore): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void service
      .stop()
      .then(() => store.close())
      .then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
