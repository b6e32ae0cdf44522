import { isWebhookEventName, WEBHOOK_EVENT_TYPES } from "@coffer/sdk/webhooks";
import { z } from "zod";
import { FILTER_KINDS, type EndpointFilters } from "./filters";

/** Whether `value` is an http(s) URL; the message names the value. */
const webhookUrl = z.string().superRefine((value, context) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    context.addIssue({ code: z.ZodIssueCode.custom, message: `${JSON.stringify(value)} is not a URL` });
    return;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    context.addIssue({
      code: z.ZodIssueCode.custom,
      message: `${value} is not an http(s) URL (scheme ${url.protocol})`,
    });
  }
  if (url.username !== "" || url.password !== "") {
    context.addIssue({ code: z.ZodIssueCode.custom, message: `${url.host}: credentials in the URL are not accepted` });
  }
});

const eventTypes = z.array(
  z.string().refine(isWebhookEventName, (value) => ({
    message: `unknown event type ${JSON.stringify(value)} (known: ${WEBHOOK_EVENT_TYPES.join(", ")}, and each with .reverted)`,
  })),
);

const address = z
  .string()
  .refine(
    (value) => /^0x[0-9a-fA-F]{40}$/.test(value),
    (value) => ({ message: `${JSON.stringify(value)} is not an address` }),
  )
  .transform((value) => value.toLowerCase());

const filters = z
  .object(
    Object.fromEntries(FILTER_KINDS.map((kind) => [kind, z.array(address).optional()])) as Record<
      (typeof FILTER_KINDS)[number],
      z.ZodOptional<z.ZodArray<typeof address>>
    >,
  )
  .strict();

/** The body of `POST /v1/endpoints`. */
export const createEndpointSchema = z
  .object({
    url: webhookUrl,
    eventTypes: eventTypes.default([]),
    filters: filters.default({}),
    description: z.string().max(500).default(""),
  })
  .strict();
/** A parsed `POST /v1/endpoints` body. */
export type CreateEndpointInput = z.output<typeof createEndpointSchema> & { filters: EndpointFilters };

/** The body of `PATCH /v1/endpoints/:id`: any of these. */
export const updateEndpointSchema = z
  .object({
    url: webhookUrl.optional(),
    eventTypes: eventTypes.optional(),
    filters: filters.optional(),
    description: z.string().max(500).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
/** A parsed `PATCH /v1/endpoints/:id` body. */
export type UpdateEndpointInput = z.output<typeof updateEndpointSchema>;

/** The first problem of a failed parse, as one line naming the field and the value. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return "invalid input";
  const where = issue.path.join(".");
  return where === "" ? issue.message : `${where}: ${issue.message}`;
}
