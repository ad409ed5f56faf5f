// Validates the Strimzi custom resources of a rendered overlay (JSON, one document per line on
// stdin) against Strimzi's CRD schemas, as the API server checks them (types, enums, required
// fields; unknown fields are pruned there, so they are not errors here). The schemas come as
// compiled validators in the pinned @kubernetes-models/strimzi-kafka-operator package.
import { createInterface } from "node:readline";

let checked = 0;
let failed = 0;
for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const doc = JSON.parse(line);
  const [group, version] = String(doc.apiVersion ?? "").split("/");
  if (!group.endsWith("strimzi.io")) continue;
  const name = `${doc.kind}/${doc.metadata?.name}`;
  let mod;
  try {
    mod = await import(`@kubernetes-models/strimzi-kafka-operator/${group}/${version}/${doc.kind}`);
  } catch {
    console.error(`strimzi: ${name}: no schema for ${doc.apiVersion} ${doc.kind}`);
    failed++;
    continue;
  }
  try {
    new mod[doc.kind](doc).validate();
    checked++;
  } catch (err) {
    console.error(`strimzi: ${name} is invalid: ${err.message}`);
    failed++;
  }
}
if (failed || !checked) {
  console.error(`strimzi: ${failed} invalid, ${checked} valid`);
  process.exit(1);
}
console.log(`strimzi: ${checked} resources valid against Strimzi's CRD schemas`);
