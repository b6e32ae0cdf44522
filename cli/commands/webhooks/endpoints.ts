import type { Command } from "commander";
import type { DeliveryView } from "../../webhooks/deliveries";
import type { EndpointView } from "../../webhooks/endpoints";
import { FILTER_KINDS } from "../../webhooks/filters";
import { createEndpointSchema, firstIssue } from "../../webhooks/validation";
import { toJson, UsageError, type CliIo } from "../../io";
import { apiClient, apiCommand, type ApiCommandOptions } from "./client";

const print = (io: CliIo, json: boolean | undefined, value: unknown, lines: () => string[]) =>
  io.stdout(json ? `${toJson(value)}\n` : `${lines().join("\n")}\n`);

const collect = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== ""),
];

/** One line per endpoint. */
export function describeEndpoint(endpoint: EndpointView): string[] {
  const filters = Object.entries(endpoint.filters)
    .filter(([, values]) => values !== undefined && values.length > 0)
    .map(([kind, values]) => `${kind}=${(values as string[]).join("|")}`);
  return [
    `${endpoint.id}  ${endpoint.enabled ? "enabled " : "DISABLED"}  ${endpoint.url}`,
    `  events: ${endpoint.eventTypes.length === 0 ? "all" : endpoint.eventTypes.join(", ")}${filters.length > 0 ? `; filters: ${filters.join(" ")}` : ""}`,
    ...(endpoint.disabledReason === null ? [] : [`  disabled: ${endpoint.disabledReason}`]),
  ];
}

type AddOptions = ApiCommandOptions & { events?: string[]; description?: string } & Partial<
    Record<(typeof FILTER_KINDS)[number], string[]>
  >;

/** `coffer webhooks add|list|get|enable|disable|rotate-secret|delete|deliveries|redeliver`. */
export function addEndpointCommands(webhooks: Command, io: CliIo): void {
  const add = apiCommand(
    webhooks,
    "add",
    "register an endpoint: its URL, the event types it wants (default all), filters",
  )
    .argument("<url>", "the receiver's URL (http or https)")
    .option(
      "--events <types>",
      "comma-separated event types (payment.captured also selects payment.captured.reverted)",
      collect,
    )
    .option("--description <text>", "a note for people");
  for (const kind of FILTER_KINDS) {
    add.option(
      `--${kind} <addresses>`,
      `only events whose ${kind === "token" ? "token" : kind} is one of these (comma-separated, repeatable)`,
      collect,
    );
  }
  add.action(async (url: string, options: AddOptions) => {
    const filters = Object.fromEntries(
      FILTER_KINDS.filter((kind) => options[kind] !== undefined).map((kind) => [kind, options[kind]]),
    );
    const parsed = createEndpointSchema.safeParse({
      url,
      eventTypes: options.events ?? [],
      filters,
      description: options.description ?? "",
    });
    if (!parsed.success) throw new UsageError(firstIssue(parsed.error));
    const { endpoint } = await apiClient(options, io).request<{ endpoint: EndpointView & { secret: string } }>(
      "POST",
      "/v1/endpoints",
      parsed.data,
    );
    print(io, options.json, { ok: true, endpoint }, () => [
      ...describeEndpoint(endpoint),
      `  secret: ${endpoint.secret}   (shown once: verify webhooks with it)`,
    ]);
  });

  apiCommand(webhooks, "list", "list your endpoints").action(async (options: ApiCommandOptions) => {
    const { endpoints } = await apiClient(options, io).request<{ endpoints: EndpointView[] }>("GET", "/v1/endpoints");
    print(io, options.json, { ok: true, endpoints }, () =>
      endpoints.length === 0 ? ["no endpoints"] : endpoints.flatMap(describeEndpoint),
    );
  });

  apiCommand(webhooks, "get", "show an endpoint")
    .argument("<id>", "the endpoint (ep_…)")
    .action(async (id: string, options: ApiCommandOptions) => {
      const { endpoint } = await apiClient(options, io).request<{ endpoint: EndpointView }>(
        "GET",
        `/v1/endpoints/${encodeURIComponent(id)}`,
      );
      print(io, options.json, { ok: true, endpoint }, () => [
        ...describeEndpoint(endpoint),
        `  created ${endpoint.createdAt}, ${endpoint.consecutiveFailures} failures in a row`,
      ]);
    });

  for (const [name, enabled] of [
    ["enable", true],
    ["disable", false],
  ] as const) {
    apiCommand(
      webhooks,
      name,
      `${name} an endpoint${enabled ? " (its pending deliveries resume)" : " (deliveries wait until it is enabled)"}`,
    )
      .argument("<id>", "the endpoint (ep_…)")
      .action(async (id: string, options: ApiCommandOptions) => {
        const { endpoint } = await apiClient(options, io).request<{ endpoint: EndpointView }>(
          "PATCH",
          `/v1/endpoints/${encodeURIComponent(id)}`,
          { enabled },
        );
        print(io, options.json, { ok: true, endpoint }, () => describeEndpoint(endpoint));
      });
  }

  apiCommand(webhooks, "rotate-secret", "give an endpoint a new secret (the old one keeps signing beside it for 24 h)")
    .argument("<id>", "the endpoint (ep_…)")
    .action(async (id: string, options: ApiCommandOptions) => {
      const { endpoint } = await apiClient(options, io).request<{ endpoint: EndpointView & { secret: string } }>(
        "POST",
        `/v1/endpoints/${encodeURIComponent(id)}/rotate-secret`,
      );
      print(io, options.json, { ok: true, endpoint }, () => [
        `${endpoint.id}: new secret ${endpoint.secret}`,
        `  the previous secret also signs until ${endpoint.previousSecretExpiresAt}`,
      ]);
    });

  apiCommand(webhooks, "delete", "delete an endpoint and its delivery log")
    .argument("<id>", "the endpoint (ep_…)")
    .action(async (id: string, options: ApiCommandOptions) => {
      await apiClient(options, io).request("DELETE", `/v1/endpoints/${encodeURIComponent(id)}`);
      print(io, options.json, { ok: true, deleted: id }, () => [`deleted ${id}`]);
    });

  apiCommand(webhooks, "deliveries", "an endpoint's delivery log: each delivery with its attempts")
    .argument("<endpoint-id>", "the endpoint (ep_…)")
    .option("--status <status>", "only pending, succeeded, failed or canceled deliveries")
    .action(async (id: string, options: ApiCommandOptions & { status?: string }) => {
      const query = options.status === undefined ? "" : `?status=${encodeURIComponent(options.status)}`;
      const { deliveries } = await apiClient(options, io).request<{ deliveries: DeliveryView[] }>(
        "GET",
        `/v1/endpoints/${encodeURIComponent(id)}/deliveries${query}`,
      );
      print(io, options.json, { ok: true, deliveries }, () =>
        deliveries.length === 0
          ? ["no deliveries"]
          : deliveries.flatMap((delivery) => [
              `${delivery.id}  ${delivery.status.padEnd(9)} ${delivery.eventType} ${delivery.eventId}`,
              ...delivery.attempts.map(
                (attempt) =>
                  `  ${attempt.at}  ${attempt.statusCode ?? "---"}  ${attempt.responseMs} ms${attempt.error === null ? "" : `  ${attempt.error}`}`,
              ),
            ]),
      );
    });

  apiCommand(webhooks, "redeliver", "send a delivery again (same event id and body), or an endpoint's failed ones")
    .argument("<id>", "a delivery (dlv_…), or an endpoint (ep_…) with --since")
    .option("--since <time>", "with an endpoint: its failed deliveries created since this ISO time")
    .action(async (id: string, options: ApiCommandOptions & { since?: string }) => {
      const client = apiClient(options, io);
      if (id.startsWith("ep_")) {
        if (options.since === undefined || Number.isNaN(Date.parse(options.since))) {
          throw new UsageError("redeliver <endpoint-id> needs --since <ISO time>");
        }
        const { redelivered } = await client.request<{ redelivered: number }>(
          "POST",
          `/v1/endpoints/${encodeURIComponent(id)}/redeliver`,
          { since: new Date(options.since).toISOString() },
        );
        print(io, options.json, { ok: true, redelivered }, () => [
          `${redelivered} failed deliveries of ${id} queued again`,
        ]);
        return;
      }
      await client.request("POST", `/v1/deliveries/${encodeURIComponent(id)}/redeliver`);
      print(io, options.json, { ok: true, redelivered: id }, () => [`${id} queued again`]);
    });
}
