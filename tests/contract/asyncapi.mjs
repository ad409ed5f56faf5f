// docs/asyncapi.json through the official AsyncAPI parser (@asyncapi/parser): exit 1 and print the
// diagnostics on any error.  Usage: node asyncapi.mjs DOC
import { readFile } from "node:fs/promises";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";

const docPath = process.argv[2];
const text = await readFile(docPath, "utf8");
const { document, diagnostics } = await new Parser().parse(text, { source: docPath });
const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
for (const d of errors) console.log(`error ${d.code} ${d.path.join(".")}: ${d.message}`);
if (document === undefined || errors.length > 0) {
  console.error(`${docPath}: ${errors.length} error(s) from the AsyncAPI parser`);
  process.exit(1);
}
console.log(`${docPath}: valid AsyncAPI ${document.version()}, ${document.allMessages().length} messages`);
