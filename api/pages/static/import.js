// The import page (api/pages/imports.py): the server reads the file and
// answers each row's unsigned steps; this page signs each step with the key
// kept at login (envelope.js) and sends them in the file's order, BATCH_STEPS
// at a time (POST /v1/command-batches, as `vledger import` does), showing each
// row's outcome as its batch is answered; then the server writes the outcome
// file. A new trainee's key pair is made here and offered for download; no
// key ever leaves this browser.
"use strict";
(function () {
  const form = document.getElementById("import-form");
  if (!form) return;
  const kindSelect = document.getElementById("import-kind");
  const fileInput = document.getElementById("import-file");
  const statusLine = document.getElementById("import-status");
  const progress = document.getElementById("import-progress");
  const summary = document.getElementById("import-summary");
  const downloads = document.getElementById("import-downloads");
  const outcomeLink = document.getElementById("outcome-link");
  const keysLink = document.getElementById("trainee-keys-link");
  const tableBody = document.querySelector("#import-rows tbody");
  const BATCH_STEPS = Number(form.dataset.batchSteps) || 200;
  const ALREADY_USED = "command-id-reused";

  function say(text, kind) {
    statusLine.textContent = text;
    statusLine.className = "status " + (kind || "");
  }
  // The outcomes as the page shows them; the outcome file keeps the English words.
  const OUTCOME_WORDS = { "recorded": t("recorded"), "refused": t("refused"), "already recorded": t("already recorded"),
                          "not sent": t("not sent") };
  function base64(bytes) {
    let text = "";
    const view = new Uint8Array(bytes);
    for (let i = 0; i < view.length; i += 0x8000) text += String.fromCharCode.apply(null, view.subarray(i, i + 0x8000));
    return btoa(text);
  }
  function fromBase64url(text) {
    const plain = text.replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(plain + "===".slice((plain.length + 3) % 4)), (c) => c.charCodeAt(0));
  }
  async function problemOf(reply) {
    try { return await reply.json(); } catch (error) { return { detail: t("the server answered {status}", { status: reply.status }) }; }
  }

  // -- signing: one step, with the command_id the server derived ---------------
  let ledgerName = null;
  let kept = null;  // the signer kept at login, read from IndexedDB once per import
  async function readySigner() {
    const envelopes = window.VledgerEnvelope;
    kept = envelopes ? await envelopes.signer() : null;
    if (!kept) throw new Error(t("no signing key is kept in this browser: log out, then log in again with your key file"));
    if (kept.actor !== document.body.dataset.viewer) throw new Error(t("the key kept in this browser is another party's: log in again"));
    if (ledgerName === null) {
      const keys = await fetch("/v1/keys?limit=1", { credentials: "same-origin" });
      ledgerName = (await keys.json()).origin;
    }
  }

  async function signedPayload(step, body) {
    const envelopes = window.VledgerEnvelope;
    const envelope = envelopes.buildEnvelope({
      command_id: step.command_id, ledger: ledgerName, actor: kept.actor, key_id: kept.key_id,
      signed_at: envelopes.isoNow(), command: step.command, target: step.target, body });
    const message = new TextEncoder().encode(envelopes.canonicalJson(envelope));
    const signature = base64(await crypto.subtle.sign({ name: "Ed25519" }, kept.key, message));
    const payload = { envelope, signature };
    if (step.personal) payload.personal = step.personal;
    return payload;
  }

  // -- a new trainee's key pair, made here --------------------------------------
  async function traineeKey(actor) {
    const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
    const publicRaw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
    const privateJwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", publicRaw));
    const keyId = Array.from(digest.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
    return { actor, role: "trainee", key_id: keyId, public_key: base64(publicRaw),
             private_key: base64(fromBase64url(privateJwk.d)) };
  }

  // -- rows in batches, in the file's order, as `vledger import` sends them --------
  let stopped = null;
  async function importBatch(rows, traineeKeys) {
    const payloads = [];
    const spans = new Map();  // row number -> [first payload, its steps' keys]
    try {
      for (const row of rows) {
        if (row.outcome) continue;
        const made = [];
        spans.set(row.row, [payloads.length, made]);
        for (const step of row.steps) {
          const body = Object.assign({}, step.body);
          if (step.trainee_key) {
            const key = await traineeKey(step.target);
            body.public_key = key.public_key;
            made.push(key);
          }
          payloads.push(await signedPayload(step, body));
        }
      }
    } catch (error) {
      stopped = stopped || error.message;
    }
    let results = null;
    if (payloads.length && !stopped) {
      try {
        const reply = await fetch("/v1/command-batches", {
          method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ commands: payloads }) });
        const problem = reply.ok ? null : await problemOf(reply);
        results = reply.ok ? (await reply.json()).results : payloads.map(() => ({ status: reply.status, problem }));
      } catch (error) {
        stopped = error instanceof TypeError ? t("the server did not answer; upload the same file again later") : error.message;
      }
    }
    return rows.map((row) => rowOutcome(row, results, spans.get(row.row), traineeKeys));
  }

  // One row's outcome from its steps' answers: the first not recorded decides it (a later step of it is
  // refused by the ledger too, and records nothing).
  function rowOutcome(row, results, span, traineeKeys) {
    if (row.outcome) return { row: row.row, outcome: row.outcome, rule: row.rule, reason: row.reason, ids: [] };
    if (!results) return { row: row.row, outcome: "not sent", rule: null, reason: stopped, ids: row.ids };
    const [first, made] = span;
    const outcomes = [];
    for (const result of results.slice(first, first + row.steps.length)) {
      if (result.status < 300) { outcomes.push(result.status === 200 ? "already recorded" : "recorded"); continue; }
      const problem = result.problem || {};
      if (String(problem.type || "").split("/").pop() === ALREADY_USED) { outcomes.push("already recorded"); continue; }
      return { row: row.row, outcome: "refused", rule: problem.rule || null, reason: problem.detail || String(result.status),
               ids: row.ids };
    }
    if (outcomes.every((outcome) => outcome === "already recorded")) {
      return { row: row.row, outcome: "already recorded", rule: null, reason: null, ids: row.ids };
    }
    traineeKeys.push(...made);
    return { row: row.row, outcome: "recorded", rule: null, reason: null, ids: row.ids };
  }

  // Rows are drawn in batches, a few times a second: one layout per batch, not per row.
  const waiting = [];
  let drawing = null;
  function show(outcome) {
    waiting.push(outcome);
    if (drawing === null) drawing = setTimeout(drawWaiting, 200);
  }
  function drawWaiting() {
    drawing = null;
    const fixes = document.createDocumentFragment();
    const fine = document.createDocumentFragment();
    for (const outcome of waiting.splice(0)) {
      const line = rowLine(outcome);
      (outcome.outcome === "refused" || outcome.outcome === "not sent" ? fixes : fine).appendChild(line);
    }
    tableBody.prepend(fixes);  // the rows to fix, on top
    tableBody.appendChild(fine);
    progress.value = outcomesSeen;
    summary.textContent = summaryText;
  }
  let outcomesSeen = 0;
  let summaryText = "";

  function rowLine(outcome) {
    const line = document.createElement("tr");
    line.dataset.outcome = outcome.outcome;
    line.className = "outcome-" + outcome.outcome.replace(/ /g, "-");
    // the outcome in the page's language; the rule with its line as a title; the reason as the ledger wrote it
    for (const text of [outcome.row, OUTCOME_WORDS[outcome.outcome] || outcome.outcome, outcome.rule || "", outcome.reason || "", (outcome.ids || []).join(" ")]) {
      const cell = document.createElement("td");
      cell.textContent = String(text);  // text, never HTML
      line.appendChild(cell);
    }
    if (ruleLine(outcome.rule)) line.children[2].title = ruleLine(outcome.rule);
    return line;
  }

  function count(counts) {
    return Object.keys(counts).sort().map((name) => t("{count} {outcome}", { count: counts[name], outcome: OUTCOME_WORDS[name] || name })).join(t(", "));
  }

  async function offerOutcomeFile(kind, file, outcomes) {
    const content = await new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
    const reply = await fetch("/import/" + encodeURIComponent(kind) + "/outcome.json", {
      method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ file: file.name, content, outcomes }) });
    if (!reply.ok) throw new Error((await problemOf(reply)).detail);
    const disposition = reply.headers.get("Content-Disposition") || "";
    const named = /filename\*=UTF-8''([^;]+)/.exec(disposition);
    outcomeLink.download = named ? decodeURIComponent(named[1]) : "outcome";
    outcomeLink.href = URL.createObjectURL(await reply.blob());
    outcomeLink.textContent = t("Outcome file {name}", { name: outcomeLink.download });
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = fileInput.files[0];
    const kind = kindSelect.value;
    if (!file) { say(t("Choose a .xlsx or .csv file first."), "bad"); return; }
    if (!window.crypto || !crypto.subtle) { say(t("This browser gives no Web Crypto here: open the pages over HTTPS or on localhost."), "bad"); return; }
    delete document.body.dataset.importDone;
    tableBody.textContent = "";
    summary.textContent = "";
    outcomesSeen = 0;
    downloads.hidden = true;
    keysLink.hidden = true;
    stopped = null;
    try {
      await readySigner();
    } catch (error) {
      say(error.message, "bad");
      document.body.dataset.importDone = "refused";
      return;
    }
    say(t("Reading {file}…", { file: file.name }));
    const planned = await fetch("/import/" + encodeURIComponent(kind) + "/plan.json?file=" + encodeURIComponent(file.name), {
      method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/octet-stream" }, body: file });
    if (!planned.ok) {
      say(t("Refused: {detail}", { detail: (await problemOf(planned)).detail }), "bad");
      document.body.dataset.importDone = "refused";
      return;
    }
    const { rows } = await planned.json();
    const outcomes = [];
    const counts = {};
    const traineeKeys = [];
    progress.max = Math.max(rows.length, 1);
    progress.value = 0;
    progress.hidden = false;
    say(t("Signing and sending {count} rows…", { count: rows.length }));
    for (let first = 0; first < rows.length;) {
      const batch = [];
      for (let steps = 0; first < rows.length && steps < BATCH_STEPS; first++) {
        batch.push(rows[first]);
        steps += rows[first].outcome ? 0 : rows[first].steps.length;
      }
      for (const outcome of await importBatch(batch, traineeKeys)) {
        outcomes.push(outcome);
        counts[outcome.outcome] = (counts[outcome.outcome] || 0) + 1;
        show(outcome);
      }
      outcomesSeen = outcomes.length;
      summaryText = t("{done} of {count} rows: {outcomes}", { done: outcomes.length, count: rows.length, outcomes: count(counts) });
    }
    if (drawing !== null) { clearTimeout(drawing); }
    summaryText = t("{count} rows: {outcomes}", { count: rows.length, outcomes: count(counts) });
    drawWaiting();
    try {
      await offerOutcomeFile(kind, file, outcomes);
      if (traineeKeys.length) {
        const lines = traineeKeys.map((key) => JSON.stringify(key)).join("\n") + "\n";
        keysLink.href = URL.createObjectURL(new Blob([lines], { type: "application/x-ndjson" }));
        keysLink.download = file.name.replace(/\.[^.]*$/, "") + ".trainee-keys.jsonl";
        keysLink.hidden = false;
      }
      downloads.hidden = false;
      say(t("Done. {summary}", { summary: summary.textContent }), outcomes.every((o) => o.outcome === "recorded" || o.outcome === "already recorded") ? "good" : "");
    } catch (error) {
      say(t("The rows were sent, but the outcome file could not be made: {error}", { error: error.message }), "bad");
    }
    document.body.dataset.importDone = "yes";
  });
})();
