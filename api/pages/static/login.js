// Login: the key file stays in the browser; only a signature over the
// server's one-time challenge is sent (api/pages/session.py). The key is then
// kept, non-extractable, in IndexedDB for signing commands (envelope.js).
"use strict";
(function () {
  const form = document.getElementById("login");
  const statusLine = document.getElementById("login-status");
  const fileInput = document.getElementById("key-file");
  const textArea = document.getElementById("key-text");

  function say(text, kind) {
    statusLine.textContent = text;
    statusLine.className = "status " + (kind || "");
  }
  function bytesFromBase64(text) {
    const raw = atob(text);
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }
  function base64(bytes) {
    let text = "";
    new Uint8Array(bytes).forEach((b) => { text += String.fromCharCode(b); });
    return btoa(text);
  }
  function base64url(bytes) {
    return base64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  fileInput.addEventListener("change", async () => {
    if (fileInput.files.length) textArea.value = await fileInput.files[0].text();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!window.crypto || !crypto.subtle) {
      say(t("This browser gives no Web Crypto here: open the pages at http://127.0.0.1 or localhost, or over HTTPS."), "bad");
      return;
    }
    let keyFile;
    try {
      keyFile = JSON.parse(textArea.value);
      for (const name of ["actor", "key_id", "public_key", "private_key"]) {
        if (typeof keyFile[name] !== "string" || !keyFile[name]) throw new Error(t("the key file has no {name}", { name }));
      }
    } catch (error) {
      say(t("That is not a vledger key file: {error}", { error: error.message }), "bad");
      return;
    }
    try {
      say(t("Signing the challenge…"));
      const jwk = { kty: "OKP", crv: "Ed25519", d: base64url(bytesFromBase64(keyFile.private_key)),
                    x: base64url(bytesFromBase64(keyFile.public_key)), ext: false };
      const key = await crypto.subtle.importKey("jwk", jwk, { name: "Ed25519" }, false, ["sign"]);
      const issued = await fetch("/login/challenge", { method: "POST", credentials: "same-origin" });
      const { challenge } = await issued.json();
      const message = ["vledger-pages-login-v1", challenge, keyFile.actor, keyFile.key_id].join("\n");
      const signature = await crypto.subtle.sign({ name: "Ed25519" }, key, new TextEncoder().encode(message));
      const reply = await fetch("/login", {
        method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ challenge, actor: keyFile.actor, key_id: keyFile.key_id,
                               signature: base64(signature), next: form.dataset.next }),
      });
      const body = await reply.json();
      textArea.value = "";
      if (!reply.ok) { say(t("Refused: {detail}", { detail: body.detail }), "bad"); return; }
      try {  // kept non-extractable in IndexedDB for signing commands on /work (envelope.js)
        await window.VledgerEnvelope.keepSigner(key, keyFile.actor, keyFile.key_id);
      } catch (error) {
        say(t("Logged in, but this browser could not keep the key for signing: {error}", { error: error.message }), "bad");
        return;
      }
      say(t("Logged in."), "good");
      window.location.assign(body.next || "/");
    } catch (error) {
      say(t("Could not sign with this key: {error}", { error: error.message }), "bad");
    }
  });
})();
