// Checks, in this browser and without trusting the server, that each event of
// the page is in the ledger's Merkle tree at the latest checkpoint (RFC 9162),
// and that the checkpoint is signed by the ledger key (and its witnesses).
"use strict";
const VerifyLedger = (function () {
  const encoder = new TextEncoder();

  function hexToBytes(hex) {
    if (typeof hex !== "string" || !/^[0-9a-f]*$/.test(hex) || hex.length % 2) throw new Error("bad hex");
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
    return out;
  }
  function bytesToHex(bytes) {
    return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function base64ToBytes(text) { return Uint8Array.from(atob(text), (c) => c.charCodeAt(0)); }
  function bytesToBase64(bytes) {
    let text = "";
    new Uint8Array(bytes).forEach((b) => { text += String.fromCharCode(b); });
    return btoa(text);
  }
  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) { out.set(part, at); at += part.length; }
    return out;
  }
  async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)); }
  // RFC 9162 2.1.1: leaf = SHA-256(0x00 || entry), node = SHA-256(0x01 || left || right).
  function leafHash(entry) { return sha256(concat(new Uint8Array([0]), entry)); }
  function nodeHash(left, right) { return sha256(concat(new Uint8Array([1]), left, right)); }
  function equal(a, b) { return a.length === b.length && a.every((x, i) => x === b[i]); }

  // RFC 9162 2.1.3.2: the root an inclusion proof leads to, or null.
  async function rootFromInclusionProof(index, size, leaf, path) {
    if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size)) || index < 0 || index >= size) return null;
    let fn = index, sn = size - 1, r = leaf;
    for (const p of path) {
      if (sn === 0) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(p, r);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }

  // True, false, or null when this browser has no Ed25519 in Web Crypto.
  async function ed25519Verifies(publicKeyB64, message, signatureB64) {
    let key;
    try {
      key = await crypto.subtle.importKey("raw", base64ToBytes(publicKeyB64), { name: "Ed25519" }, false, ["verify"]);
    } catch (error) {
      if (error && error.name === "NotSupportedError") return null;
      return false;
    }
    try {
      return await crypto.subtle.verify({ name: "Ed25519" }, key, base64ToBytes(signatureB64), message);
    } catch (error) { return false; }
  }

  // The C2SP tlog-checkpoint note body that the ledger and witnesses sign.
  function checkpointBody(origin, treeSize, rootHex) {
    return `${origin}\n${treeSize}\n${bytesToBase64(hexToBytes(rootHex))}\n`;
  }

  async function checkSignatures(published) {
    const checkpoint = published.checkpoint;
    const body = encoder.encode(checkpointBody(checkpoint.origin, checkpoint.tree_size, checkpoint.root_hash));
    const keyId = bytesToHex(await sha256(base64ToBytes(published.ledger_public_key))).slice(0, 16);
    const ledger = await ed25519Verifies(published.ledger_public_key, body, checkpoint.signature);
    const witnesses = [];
    for (const c of checkpoint.cosignatures || []) {
      const witnessKeyId = bytesToHex(await sha256(base64ToBytes(c.public_key))).slice(0, 16);
      const ok = await ed25519Verifies(c.public_key, body, c.signature);
      witnesses.push({ name: c.name, ok: ok && witnessKeyId === c.key_id });
    }
    return { ledger, keyId, witnesses, originMatches: checkpoint.origin === published.origin };
  }

  async function checkEvent(eventHashHex, proof, checkpoint) {
    if (!proof || !proof.included) return "after";
    if (proof.tree_size !== checkpoint.tree_size) return "bad";
    try {
      const leaf = await leafHash(hexToBytes(eventHashHex));
      const path = proof.audit_path.map(hexToBytes);
      const root = await rootFromInclusionProof(proof.leaf_index, proof.tree_size, leaf, path);
      return root !== null && equal(root, hexToBytes(checkpoint.root_hash)) ? "ok" : "bad";
    } catch (error) { return "bad"; }
  }

  function mark(cell, state, text) {
    cell.dataset.state = state;
    cell.className = "proof-mark " + state;
    cell.textContent = text;
  }

  function setBadge(badge, state, text) {
    badge.dataset.state = state;
    badge.className = "badge " + state;
    badge.textContent = text;
  }

  // The latest checkpoint from the public API (/v1/checkpoints/latest) and the
  // ledger key from the public key log (/v1/keys); no checkpoint yet is a 404.
  async function latestCheckpoint(badge) {
    const options = { credentials: "same-origin" };
    const [checkpointReply, keysReply] = await Promise.all([
      fetch(badge.dataset.checkpointUrl, options), fetch(badge.dataset.keysUrl, options)]);
    if (!keysReply.ok) throw new Error(t("the public keys could not be fetched ({status})", { status: keysReply.status }));
    const keys = await keysReply.json();
    if (checkpointReply.status === 404) return { checkpoint: null };
    if (!checkpointReply.ok) throw new Error(t("the latest checkpoint could not be fetched ({status})", { status: checkpointReply.status }));
    return { checkpoint: await checkpointReply.json(), origin: keys.origin, ledger_public_key: keys.ledger_public_key };
  }

  async function run(badge) {
    const rows = Array.from(document.querySelectorAll("tr[data-sequence]"));
    const signatureNote = document.getElementById("signature-note");
    if (!window.crypto || !crypto.subtle) {
      setBadge(badge, "unavailable", t("This browser gives no Web Crypto here (open the page over 127.0.0.1, localhost or HTTPS): run vledger verify."));
      return;
    }
    try {
      const published = await latestCheckpoint(badge);
      if (!published.checkpoint) {
        setBadge(badge, "pending", t("No checkpoint yet: nothing to check these events against."));
        return;
      }
      const checkpoint = published.checkpoint;
      const url = `${badge.dataset.proofsUrl}?tree_size=${encodeURIComponent(checkpoint.tree_size)}`;
      const reply = await fetch(url, { credentials: "same-origin" });
      if (!reply.ok) throw new Error(t("the proofs could not be fetched ({status})", { status: reply.status }));
      const proofs = new Map((await reply.json()).proofs.map((p) => [p.notification_id, p]));
      const signatures = await checkSignatures(published);
      let ok = 0, bad = 0, after = 0;
      for (const row of rows) {
        const state = await checkEvent(row.dataset.eventHash, proofs.get(Number(row.dataset.sequence)), checkpoint);
        const cell = row.querySelector(".proof-mark");
        if (state === "ok") { ok++; mark(cell, "ok", t("✓ in tree")); }
        else if (state === "after") { after++; mark(cell, "after", t("after checkpoint")); }
        else { bad++; mark(cell, "bad", t("✗ proof fails")); }
      }
      const witnessText = signatures.witnesses.map((w) => `${w.name} ${w.ok === true ? "✓" : "✗"}`).join(", ");
      if (signatureNote) {
        signatureNote.textContent = signatures.ledger === null
          ? t("This browser cannot check Ed25519 signatures: the checkpoint's signature is checked by vledger verify.")
          : t("Checkpoint {size} ({time}): ledger key {key} signature {verdict}", {
            size: checkpoint.tree_size, time: checkpoint.timestamp, key: signatures.keyId,
            verdict: signatures.ledger ? t("✓ verifies") : t("✗ does NOT verify") }) +
            (witnessText ? t("; witnesses: {witnesses}", { witnesses: witnessText }) : t("; no witness cosignatures yet")) +
            t(". Compare the key id with the one you hold.");
      }
      const signatureBad = signatures.ledger === false || !signatures.originMatches ||
        signatures.witnesses.some((w) => w.ok === false);
      if (bad || signatureBad) {
        setBadge(badge, "failed", signatureBad && !bad
          ? t("The checkpoint's signature does not verify: do not trust this page; run vledger verify.")
          : t("{bad} of {total} events do NOT verify against checkpoint {size}: do not trust this page; run vledger verify.",
              { bad, total: rows.length, size: checkpoint.tree_size }));
      } else if (after) {
        setBadge(badge, "partial", t("{ok} of {total} events verified in checkpoint {size}; {after} recorded after it (wait for the next checkpoint).",
          { ok, total: rows.length, size: checkpoint.tree_size, after }));
      } else if (ok) {
        setBadge(badge, "verified", t("Verified in this browser: all {ok} events are in the ledger's Merkle tree at signed checkpoint {size}.",
          { ok, size: checkpoint.tree_size }));
      } else {
        setBadge(badge, "pending", t("No event to check."));
      }
    } catch (error) {
      setBadge(badge, "failed", t("Verification could not run: {error}", { error: error.message }));
    }
  }

  return { run, rootFromInclusionProof, leafHash, nodeHash, hexToBytes, bytesToHex, checkpointBody };
})();

document.addEventListener("DOMContentLoaded", () => {
  const badge = document.getElementById("proof-badge");
  if (badge) VerifyLedger.run(badge);
});
