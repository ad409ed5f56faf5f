// The events' contract, checked with the official AsyncAPI parser (@asyncapi/parser) and ajv.
//   node asyncapi.mjs DOC                 parse DOC; exit 1 and print the diagnostics on any error
//   node asyncapi.mjs DOC EVENTS.json     also validate each CloudEvent in EVENTS.json (a JSON array)
//                                         against the payload schema of the message of its `type`
import { readFile } from "node:fs/promises";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const [docPath, eventsPath] = process.argv.slice(2);
const text = await readFile(docPath, "utf8");
const { document, diagnostics } = await new Parser().parse(text, { source: docPath });
const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
for (const d of errors) console.log(`error ${d.code} ${d.path.join(".")}: ${d.message}`);
if (document === undefined || errors.length > 0) {
  console.error(`${docPath}: ${errors.length} error(s) from the AsyncAPI parser`);
  process.exit(1);
}
console.log(`${docPath}: valid AsyncAPI ${document.version()}, ${document.allMessages().length} messages`);

if (eventsPath !== undefined) {
  const raw = JSON.parse(text);
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(raw, "asyncapi");
  const byType = new Map();
  for (const [name, message] of Object.entries(raw.components.messages)) {
    byType.set(message.payload.properties.type.const, ajv.compile({ $ref: `asyncapi#/components/messages/${name}/payload` }));
  }
  const events = JSON.parse(await readFile(eventsPath, "utf8"));
  let bad = 0;
  for (const event of events) {
    const validate = byType.get(event.type);
    if (validate === undefined) {
      bad += 1;
      console.log(`event ${event.id}: type ${event.type} is not in ${docPath}`);
    } else if (!validate(event)) {
      bad += 1;
      console.log(`event ${event.id} (${event.type}): ${ajv.errorsText(validate.errors)}`);
    }
  }
  if (bad > 0) {
    console.error(`${bad} of ${events.length} event(s) do not match ${docPath}`);
    process.exit(1);
  }
  console.log(`${events.length} event(s) match their message schemas`);
}
