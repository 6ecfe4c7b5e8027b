// Reads a JSON list of values on stdin; prints, one per line, what envelope.js's
// canonicalJson gives for each (or "!error: <message>") (tests/test_envelope_js.py).
"use strict";
const fs = require("fs");
const vm = require("vm");
const source = fs.readFileSync(process.argv[2], "utf8");
vm.runInThisContext(source, { filename: "envelope.js" });
const values = JSON.parse(fs.readFileSync(0, "utf8"));
const out = values.map((value) => {
  try {
    return JSON.stringify(globalThis.VledgerEnvelope.canonicalJson(value));
  } catch (error) {
    return JSON.stringify("!error: " + error.message);
  }
});
process.stdout.write(out.join("\n") + "\n");
