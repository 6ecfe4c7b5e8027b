// A signed write and a signed read against `vledger serve`, with nothing but
// Node's built-in crypto and fetch (Node 20+). See docs/decisions/0049.
//
//   node docs/examples/signed-request.mjs --server http://127.0.0.1:8000 --key bureau.json \
//     --command issue_voucher --path /v1/vouchers --target <new uuid> \
//     --body '{"trainee": "...", "occupation": "6-31-01-03", "level": 4, "valid_until": "2027-06-01"}' \
//     --read /v1/vouchers/<the same uuid>
//
// The key file is the party's own (`{"actor", "key_id", "public_key", "private_key"}`, base64 seed).
// It prints one JSON line per step: the write's result, the read's body, and whether the latest
// checkpoint's signature verifies with the ledger's key. Exit 1 when the server refuses.

import { createPrivateKey, createPublicKey, randomBytes, randomUUID, sign, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    server: { type: "string" }, key: { type: "string" }, command: { type: "string" },
    path: { type: "string" }, target: { type: "string" }, body: { type: "string", default: "{}" },
    read: { type: "string" },
  },
});
for (const name of ["server", "key", "command", "path", "target", "read"]) {
  if (!args[name]) { console.error(`missing --${name}`); process.exit(2); }
}

const keyFile = JSON.parse(readFileSync(args.key, "utf8"));
const b64url = (b64) => Buffer.from(b64, "base64").toString("base64url");
const privateKey = createPrivateKey({
  key: { kty: "OKP", crv: "Ed25519", d: b64url(keyFile.private_key), x: b64url(keyFile.public_key) },
  format: "jwk",
});

// RFC 8785 for the values an envelope holds (strings, whole numbers, booleans, null, lists, objects):
// keys sorted by UTF-16 code units (JavaScript's default sort), JSON.stringify's escapes.
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  }
  if (typeof value === "number" && !Number.isSafeInteger(value)) throw new Error("only whole numbers");
  return JSON.stringify(value);
}

async function answer(response) {
  const body = await response.json();
  if (!response.ok) {
    console.log(JSON.stringify({ refused: response.status, problem: body }));
    process.exit(1);
  }
  return body;
}

// RFC 9421: Signature-Input and Signature over @method @authority @path @query, with created,
// keyid, nonce, alg and tag; the signature base is built exactly as in section 2.5.
function signRead(method, url) {
  const created = Math.floor(Date.now() / 1000);
  const nonce = randomBytes(18).toString("base64url");
  const params = `("@method" "@authority" "@path" "@query");created=${created};keyid="${keyFile.key_id}"` +
    `;nonce="${nonce}";alg="ed25519";tag="vledger-read"`;
  const base = [
    `"@method": ${method}`,
    `"@authority": ${url.host}`,
    `"@path": ${url.pathname}`,
    `"@query": ${url.search || "?"}`,
    `"@signature-params": ${params}`,
  ].join("\n");
  const signature = sign(null, Buffer.from(base, "ascii"), privateKey).toString("base64");
  return { "Signature-Input": `vledger=${params}`, "Signature": `vledger=:${signature}:` };
}

// C2SP signed note: the ledger's line `— <name> base64(4-byte key hash || Ed25519 signature)`.
function checkpointVerifies(note, ledgerPublicKeyB64, name) {
  const [text, signatures] = [note.slice(0, note.indexOf("\n\n") + 1), note.slice(note.indexOf("\n\n") + 2)];
  const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: b64url(ledgerPublicKeyB64) },
    format: "jwk" });
  return signatures.split("\n").filter((line) => line.startsWith(`— ${name} `)).some((line) => {
    const raw = Buffer.from(line.split(" ")[2], "base64");
    return raw.length === 68 && verify(null, Buffer.from(text, "utf8"), publicKey, raw.subarray(4));
  });
}

const server = args.server.replace(/\/$/, "");
const keys = await answer(await fetch(`${server}/v1/keys?limit=1`));  // public: the ledger's origin and key

const envelope = {
  command_id: randomUUID(), ledger: keys.origin, actor: keyFile.actor, key_id: keyFile.key_id,
  signed_at: new Date().toISOString(), command: args.command, target: args.target, body: JSON.parse(args.body),
};
const signature = sign(null, Buffer.from(canonical(envelope), "utf8"), privateKey).toString("base64");
const written = await answer(await fetch(server + args.path, {
  method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ envelope, signature }),
}));
console.log(JSON.stringify({ written }));

const readUrl = new URL(server + args.read);
const read = await answer(await fetch(readUrl, { headers: signRead("GET", readUrl) }));
console.log(JSON.stringify({ read }));

const latest = await fetch(`${server}/v1/checkpoints/latest`);
if (latest.ok) {
  const checkpoint = await latest.json();
  const name = checkpoint.vkey.split("+")[0];  // the note key's name: <name>+<hash>+<key>
  const verified = checkpointVerifies(checkpoint.note, keys.ledger_public_key, name);
  console.log(JSON.stringify({ checkpoint: { tree_size: checkpoint.tree_size, verified } }));
  if (!verified) process.exit(1);
}
