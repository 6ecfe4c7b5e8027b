// The one module that signs envelopes in the browser (ledger/envelope.py's
// sign_command, in JavaScript). At login (login.js) the party's private key
// is imported as a NON-extractable Web Crypto key and kept in IndexedDB with
// its actor and key id; it is deleted at logout. signAndSend builds the
// envelope, canonicalises it as RFC 8785 (ledger/signing.py canonical_json),
// signs it with Ed25519 and POSTs it to the step's route, whose paths the
// server embeds in the page (#vledger-routes, from api/http/paths.py).
"use strict";
(function (root) {
  if (root.VledgerEnvelope) return;  // loaded once per page
  // The page's words (static/words.js, loaded before this file); run alone (tests/js), the English.
  const t = root.VledgerWords || function (text, values) {
    return Object.entries(values || {}).reduce((out, [name, value]) => out.split("{" + name + "}").join(String(value)), text);
  };
  const DATABASE = "vledger-signer";
  const STORE = "keys";
  const SLOT = "signer";

  // -- RFC 8785 for the values an envelope holds -----------------------------
  // strings, safe integers, booleans, null, arrays, objects: JSON.stringify's
  // escapes are RFC 8785's, and object keys sort by UTF-16 code units, which
  // is JavaScript's default sort. Fractions are refused: money is integer fen.
  function canonicalJson(value, path) {
    path = path || "envelope";
    if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
    if (typeof value === "number") {
      if (!Number.isSafeInteger(value)) throw new Error(t("{path} is not a whole number; amounts are integer fen", { path }));
      return JSON.stringify(value);
    }
    if (Array.isArray(value)) return "[" + value.map((item, i) => canonicalJson(item, path + "[" + i + "]")).join(",") + "]";
    if (typeof value === "object") {
      return "{" + Object.keys(value).sort().map(
        (key) => JSON.stringify(key) + ":" + canonicalJson(value[key], path + "." + key)).join(",") + "}";
    }
    throw new Error(t("{path} has a value of type {type}, which JSON cannot hold", { path, type: typeof value }));
  }

  // ISO 8601 UTC with microseconds and a Z, as ledger/envelope.py iso() writes it.
  function isoNow(now) {
    return (now || new Date()).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
  }

  function base64(bytes) {
    let text = "";
    new Uint8Array(bytes).forEach((b) => { text += String.fromCharCode(b); });
    return btoa(text);
  }

  // -- the key kept in IndexedDB ----------------------------------------------
  function openDatabase() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DATABASE, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function inStore(mode, action) {
    const database = await openDatabase();
    try {
      return await new Promise((resolve, reject) => {
        const transaction = database.transaction(STORE, mode);
        const request = action(transaction.objectStore(STORE));
        transaction.oncomplete = () => resolve(request.result);
        transaction.onerror = () => reject(transaction.error);
        transaction.onabort = () => reject(transaction.error);
      });
    } finally {
      database.close();
    }
  }

  // Keeps a non-extractable signing key (a CryptoKey) with the party's actor and key id.
  function keepSigner(key, actor, keyId) {
    if (key.extractable) throw new Error(t("the signing key must be non-extractable"));
    return inStore("readwrite", (store) => store.put({ key, actor, key_id: keyId }, SLOT));
  }

  function signer() {
    return inStore("readonly", (store) => store.get(SLOT));
  }

  function forgetSigner() {
    return inStore("readwrite", (store) => store.delete(SLOT));
  }

  // -- signing and sending ------------------------------------------------------
  function routes() {
    const element = document.getElementById("vledger-routes");
    if (!element) throw new Error(t("this page carries no routes to send commands to"));
    return JSON.parse(element.textContent);
  }

  function pathFor(command, target, body) {
    const template = routes()[command];
    if (!template) throw new Error(t("no route for the step {command}", { command }));
    return template.replace(/\{(\w+)\}/g, (_, name) =>
      encodeURIComponent(name === "key_id" ? String(body.key_id || "") : target));
  }

  let origin = null;
  async function ledgerOrigin() {
    if (origin === null) {
      const reply = await fetch("/v1/keys?limit=1", { credentials: "same-origin" });
      if (!reply.ok) throw new Error(t("GET /v1/keys answered {status}", { status: reply.status }));
      origin = (await reply.json()).origin;
      if (typeof origin !== "string" || !origin) throw new Error(t("GET /v1/keys names no ledger origin"));
    }
    return origin;
  }

  function buildEnvelope(fields) {
    return { command_id: fields.command_id, ledger: fields.ledger, actor: fields.actor, key_id: fields.key_id,
             signed_at: fields.signed_at, command: fields.command, target: fields.target, body: fields.body };
  }

  // Signs `command` on `target` with `body`: {envelope, signature}, or throws with a sentence.
  async function sign(command, target, body) {
    const kept = await signer();
    if (!kept) throw new Error(t("no signing key is kept in this browser: log in again with your key file (a private window may not keep it)"));
    const expected = document.body.dataset.viewer;
    if (expected && kept.actor !== expected) throw new Error(t("the key kept in this browser belongs to another party: log in again"));
    const envelope = buildEnvelope({ command_id: crypto.randomUUID(), ledger: await ledgerOrigin(), actor: kept.actor,
                                     key_id: kept.key_id, signed_at: isoNow(), command, target, body });
    const bytes = new TextEncoder().encode(canonicalJson(envelope));
    return { envelope, signature: base64(await crypto.subtle.sign({ name: "Ed25519" }, kept.key, bytes)) };
  }

  // POSTs a signed envelope to its step's route; `extra` adds fields beside it (e.g. a
  // trainee's `personal` data). Sending the same signed envelope again records it once
  // (command_id is the idempotency key). Returns {ok, status, result} with the WriteResult,
  // or {ok: false, status, problem} with the RFC 9457 problem; throws when no answer came.
  async function send(signed, extra) {
    const { envelope } = signed;
    const reply = await fetch(pathFor(envelope.command, envelope.target, envelope.body), {
      method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(Object.assign({}, extra || {}, { envelope, signature: signed.signature })),
    });
    let answer = null;
    try { answer = await reply.json(); } catch (error) { answer = { detail: t("the server answered {status}", { status: reply.status }) }; }
    return reply.ok ? { ok: true, status: reply.status, result: answer, envelope }
                    : { ok: false, status: reply.status, problem: answer, envelope };
  }

  async function signAndSend(command, target, body, extra) {
    let signed;
    try {
      signed = await sign(command, target, body);
    } catch (error) {
      return { ok: false, status: 0, problem: { detail: error.message } };
    }
    return send(signed, extra);
  }

  // Logging out forgets the key first.
  function forgetAtLogout() {
    document.querySelectorAll('form[action="/logout"]').forEach((form) => {
      form.addEventListener("submit", async (event) => {
        if (form.dataset.forgotten) return;
        event.preventDefault();
        try { await forgetSigner(); } catch (error) { /* nothing kept */ }
        form.dataset.forgotten = "yes";
        form.submit();
      });
    });
  }

  root.VledgerEnvelope = { canonicalJson, isoNow, buildEnvelope, keepSigner, signer, forgetSigner, sign, send,
                           signAndSend, pathFor };
  // A page served without a session (logged out, expired, the login page) forgets the key:
  // it lives in this browser only while a session does.
  function onLoad() {
    forgetAtLogout();
    if (!document.body.dataset.viewer) forgetSigner().catch(() => {});
  }
  if (typeof document !== "undefined") {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onLoad);
    else onLoad();
  }
})(typeof window !== "undefined" ? window : globalThis);
