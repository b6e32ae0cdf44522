import { isWebhookEventName, type WebhookEventName } from "@coffer/sdk/webhooks";
import type { Command } from "commander";
import { toJson, UsageError, type CliIo } from "../../io";
import { apiClient, type ApiCommandOptions } from "./client";

interface TriggerOptions extends ApiCommandOptions {
  forwardTo?: string;
  secret?: string;
  endpoint?: string;
  timeout: string;
}

/**
 * `coffer webhooks trigger <type>`: a signed sample event, either straight to `--forward-to <url>` signed with
 * `--secret` (or $COFFER_WEBHOOK_SECRET; no service needed), or through the service to `--endpoint <id>`
 * (queued, signed with the endpoint's secret, logged like any delivery).
 */
export function addTriggerCommand(webhooks: Command, io: CliIo): void {
  webhooks
    .command("trigger")
    .description(
      "send a signed sample event: to --forward-to <url> with --secret, or through the service to --endpoint",
    )
    .argument("<event-type>", "e.g. payment.captured")
    .option("--forward-to <url>", "send it straight to this URL")
    .option("--secret <whsec>", "sign with this secret (default: $COFFER_WEBHOOK_SECRET)")
    .option("--endpoint <id>", "queue it through the webhook service to this endpoint instead")
    .option("--api <url>", "the webhook service, with --endpoint (default: $COFFER_WEBHOOKS_URL)")
    .option("--timeout <ms>", "the request's time limit", "10000")
    .option("--json", "print machine-readable JSON on stdout")
    .action(async (type: string, options: TriggerOptions) => {
      if (!isWebhookEventName(type)) throw new UsageError(`unknown event type ${type}`);
      if ((options.forwardTo === undefined) === (options.endpoint === undefined)) {
        throw new UsageError("give either --forward-to <url> (with --secret) or --endpoint <id>");
      }
      if (options.endpoint !== undefined) {
        const { eventId } = await apiClient(options, io).request<{ eventId: string }>(
          "POST",
          `/v1/endpoints/${encodeURIComponent(options.endpoint)}/test`,
          { type },
        );
        io.stdout(
          options.json
            ? `${toJson({ ok: true, eventId, endpoint: options.endpoint })}\n`
            : `queued ${type} ${eventId} to ${options.endpoint}\n`,
        );
        return;
      }
      const url = options.forwardTo ?? "";
      if (!/^https?:\/\/[^/]/.test(url)) throw new UsageError(`--forward-to ${url} is not an http(s) URL`);
      const secret = options.secret ?? (io.env.COFFER_WEBHOOK_SECRET || undefined);
      if (secret === undefined || !secret.startsWith("whsec_")) {
        throw new UsageError("no signing secret: pass --secret whsec_… or set COFFER_WEBHOOK_SECRET");
      }
      const { sampleEvent } = await import("../../webhooks/samples");
      const { sendWebhook } = await import("../../webhooks/http-send");
      const event = sampleEvent(type as WebhookEventName);
      const outcome = await sendWebhook({
        url,
        messageId: event.id,
        body: JSON.stringify(event),
        secrets: [secret],
        timeoutMs: Number(options.timeout),
      });
      io.stdout(
        options.json
          ? `${toJson({ eventId: event.id, ...outcome })}\n`
          : `→ ${type} ${event.id} ${outcome.statusCode ?? "---"} ${outcome.responseMs} ms${outcome.error === null ? "" : `  ${outcome.error}`}\n`,
      );
      if (!outcome.ok) throw new Error(`the receiver did not accept it: ${outcome.error}`);
    });
}
