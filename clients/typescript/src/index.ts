// The ITP platform's typed client for portals: openapi-fetch over the types openapi-typescript
// generates from docs/openapi.json (schema.d.ts; regenerate with clients/generate.sh).
//
//   const itp = createItpClient({ baseUrl: "https://itp.example", apiKey: process.env.ITP_API_KEY });
//   const { data, error, response } = await itp.GET("/api/v1/demands/{demand_id}", {
//     params: { path: { demand_id: id } },
//   });
//   if (error) console.log(error.status, error.errors);   // a typed Problem (application/problem+json)
import createClient, { type Client } from "openapi-fetch";
import type { components, operations, paths } from "./schema";

export type { components, operations, paths };
export type Schemas = components["schemas"];
export type Problem = components["schemas"]["Problem"];

export interface ItpClientOptions {
  /** The gateway's origin, e.g. https://itp.example (the paths carry /api/v1). */
  baseUrl: string;
  /** A bearer access token (a user's, or one from POST /api/v1/oauth/token). */
  accessToken?: string;
  /** A portal back end's API key, sent as X-API-Key. */
  apiKey?: string;
  fetch?: (input: Request) => Promise<Response>;
}

export type ItpClient = Client<paths>;

export function createItpClient(options: ItpClientOptions): ItpClient {
  const headers: Record<string, string> = {};
  if (options.accessToken !== undefined) headers["Authorization"] = `Bearer ${options.accessToken}`;
  if (options.apiKey !== undefined) headers["X-API-Key"] = options.apiKey;
  return createClient<paths>({
    baseUrl: options.baseUrl,
    headers,
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
  });
}

/** A 422's field errors keyed by dotted field path, e.g. {"contact.email": ["..."]}. */
export function fieldErrors(problem: Problem): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of problem.errors ?? []) {
    (out[e.field] ??= []).push(e.message);
  }
  return out;
}
