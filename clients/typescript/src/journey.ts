// The portal journey of docs/portal-guide.md in TypeScript: compiled with `tsc --strict` in CI (not
// run), so a change of the API that breaks a portal's code breaks this file first.
import { createItpClient, fieldErrors, type Schemas } from "./index";

export async function journey(baseUrl: string, apiKey: string, body: Schemas["DemandCreate"]): Promise<string> {
  const itp = createItpClient({ baseUrl, apiKey });

  // Create (and submit) with an Idempotency-Key: a retry answers the stored result.
  const created = await itp.POST("/api/v1/demands", {
    params: { header: { "Idempotency-Key": crypto.randomUUID() } },
    body,
  });
  if (created.error) {
    throw new Error(`${created.error.status}: ${JSON.stringify(fieldErrors(created.error))}`);
  }
  const demand: Schemas["DemandOut"] = created.data;

  // The composed view, and its ETag for If-Match.
  const path = { demand_id: demand.id };
  const view = await itp.GET("/api/v1/demands/{demand_id}", { params: { path } });
  if (view.error) throw new Error(view.error.detail);
  const title: string = view.data.title;
  let etag = view.response.headers.get("ETag") ?? "";

  // Update with If-Match; on 412 read again and retry once.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const updated = await itp.PATCH("/api/v1/demands/{demand_id}", {
      params: { path, header: { "If-Match": etag } },
      body: { title: `${title}（二期）` },
    });
    if (updated.data) return updated.data.status;
    if (updated.response.status !== 412) throw new Error(updated.error.detail);
    const fresh = await itp.GET("/api/v1/demands/{demand_id}", { params: { path } });
    etag = fresh.response.headers.get("ETag") ?? "";
  }
  throw new Error("the demand kept changing");
}
