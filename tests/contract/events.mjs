// Validates CloudEvents against the payload schema of the message of their `type` in an AsyncAPI
// document (ajv, JSON Schema).  Usage: node events.mjs DOC EVENTS.json   (EVENTS.json: a JSON array)
import { readFile } from "node:fs/promises";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const [docPath, eventsPath] = process.argv.slice(2);
const text = await readFile(docPath, "utf8");
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
