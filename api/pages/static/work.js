// The Work page's forms (api/pages/workbench.py): read a form into a step's
// body, refuse bad input with a sentence before anything is signed, show what
// the rules give (a quote from the server, read-only), then sign and send
// with envelope.js and show the receipt (event hashes, the voucher's
// timeline) or the refusal (its rule and reason). A press after a send that
// got no answer resends the same signed envelope, so it is recorded once.
"use strict";
(function () {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  const DAY = /^\d{4}-\d{2}-\d{2}$/;
  const SHA256 = /^[0-9a-f]{64}$/;
  const MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

  class BadField extends Error {}
  const unanswered = new WeakMap();  // form -> the signed envelope sent without an answer

  function label(input) {
    return input.dataset.label || input.name.replace(/_/g, " ");
  }

  function yuanToFen(text, input) {
    const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
    if (!match) throw new BadField(t("{label} must be yuan with at most two decimals, e.g. 800 or 800.50", { label: label(input) }));
    return Number(match[1]) * 100 + Number((match[2] || "").padEnd(2, "0") || 0);
  }

  // A list: one item a line (courses, teachers), or the options chosen in a multiple select.
  function listOf(input) {
    const items = input.dataset.kind === "choices"
      ? Array.from(input.selectedOptions, (option) => option.value)
      : input.value.split("\n").map((line) => line.trim()).filter((line) => line);
    if (!items.length) {
      if (input.dataset.optional !== undefined) return undefined;
      throw new BadField(input.dataset.kind === "choices" ? t("{label} needs at least one choice", { label: label(input) })
        : t("{label} needs at least one line", { label: label(input) }));
    }
    const longest = Number(input.dataset.maxLength || 0);
    const tooLong = items.find((item) => longest && item.length > longest);
    if (tooLong) throw new BadField(t("{label} has a line longer than {count} characters", { label: label(input), count: longest }));
    return items;
  }

  function withinLimits(input, number) {
    const { min, max } = input.dataset;
    if ((min !== undefined && number < Number(min)) || (max !== undefined && number > Number(max))) {
      throw new BadField(t("{label} must be from {min} to {max}", { label: label(input), min: min ?? t("any"), max: max ?? t("any") }));
    }
    return number;
  }

  function valueOf(input) {
    if (input.dataset.kind === "lines" || input.dataset.kind === "choices") return listOf(input);
    const text = (input.type === "checkbox" ? (input.checked ? "true" : "false") : input.value).trim();
    if (text === "") {
      if (input.dataset.optional !== undefined) return undefined;
      throw new BadField(t("{label} is needed", { label: label(input) }));
    }
    switch (input.dataset.kind) {
      case "integer":
        if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
          throw new BadField(input.dataset.unit ? t("{label} must be a whole number of {unit}", { label: label(input), unit: input.dataset.unit })
            : t("{label} must be a whole number", { label: label(input) }));
        }
        return withinLimits(input, Number(text));
      case "yuan": return yuanToFen(text, input);
      case "boolean":
        if (text !== "true" && text !== "false") throw new BadField(t("{label} must be yes or no", { label: label(input) }));
        return text === "true";
      case "uuid":
        if (!UUID.test(text)) throw new BadField(t("{label} must be an id like 7d1c2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f (lowercase)", { label: label(input) }));
        return text;
      case "day":
        if (!DAY.test(text)) throw new BadField(t("{label} must be a date written YYYY-MM-DD", { label: label(input) }));
        return text;
      case "moment":
        if (!MOMENT.test(text) || Number.isNaN(Date.parse(text))) {
          throw new BadField(t("{label} must be a time with its timezone, e.g. 2023-03-01T08:00:00Z", { label: label(input) }));
        }
        return text;
      case "sha256":
        if (!SHA256.test(text)) throw new BadField(t("{label} must be 64 lowercase hex digits (SHA-256)", { label: label(input) }));
        return text;
      default:
        if (input.maxLength > 0 && text.length > input.maxLength) {
          throw new BadField(t("{label} must be at most {count} characters", { label: label(input), count: input.maxLength }));
        }
        if (input.dataset.pattern && !new RegExp(input.dataset.pattern).test(text)) {
          throw new BadField(input.dataset.hint ? t("{label} is not in the expected form: {hint}", { label: label(input), hint: input.dataset.hint })
            : t("{label} is not in the expected form", { label: label(input) }));
        }
        return text;
    }
  }

  async function sha256Hex(file) {
    const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // Evidence (H6): each row a kind and a file hashed here, or a SHA-256 typed; the file never leaves.
  async function evidenceOf(fieldset) {
    const items = [];
    for (const row of fieldset.querySelectorAll(".evidence-row")) {
      const kind = row.querySelector("[data-evidence=kind]").value;
      const file = row.querySelector("[data-evidence=file]");
      const typed = row.querySelector("[data-evidence=sha256]").value.trim().toLowerCase();
      if (file && file.files.length) items.push({ kind, sha256: await sha256Hex(file.files[0]) });
      else if (typed) {
        if (!SHA256.test(typed)) throw new BadField(t("a typed evidence hash must be 64 hex digits (SHA-256)"));
        items.push({ kind, sha256: typed });
      }
    }
    if (items.length) return items;
    if (fieldset.dataset.optional !== undefined) return undefined;  // optional evidence left out
    throw new BadField(t("give at least one piece of evidence: a file to hash or its SHA-256"));
  }

  async function bodyOf(form) {
    const body = {};
    for (const input of form.querySelectorAll("[name]")) {
      if (input.dataset.role === "target" || input.dataset.skip !== undefined) continue;
      const value = valueOf(input);
      if (value !== undefined) body[input.name] = value;
    }
    for (const fieldset of form.querySelectorAll("fieldset[data-kind=evidence]")) {
      const evidence = await evidenceOf(fieldset);
      if (evidence !== undefined) body[fieldset.dataset.field] = evidence;
    }
    return body;
  }

  // A trainee's name and national ID (register_party by a bureau): they go beside the
  // envelope to the personal-data store; the envelope carries only their commitment,
  // SHA-256 of the canonical {name, national_id, nonce} (ledger/personal.py commitment).
  async function personalOf(form, body) {
    const name = form.querySelector("[data-personal=name]").value.trim();
    const nationalId = form.querySelector("[data-personal=national_id]").value.trim().toUpperCase();
    if (body.role !== "trainee") {
      if (name || nationalId) throw new BadField(t("only a trainee's registration carries personal data; clear the name and national ID"));
      return undefined;
    }
    if (!name) throw new BadField(t("a trainee's name is needed (it stays out of the log)"));
    if (!/^[0-9]{17}[0-9X]$/.test(nationalId)) throw new BadField(t("a national ID is 18 characters: 17 digits and a digit or X"));
    const nonce = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
    const personal = { name, national_id: nationalId, nonce };
    const bytes = new TextEncoder().encode(window.VledgerEnvelope.canonicalJson(personal));
    const digest = await crypto.subtle.digest("SHA-256", bytes);
    return { personal, sha256: Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("") };
  }

  function targetOf(form) {
    if (form.dataset.target === "new") {  // a new record: its id is chosen once per signed command
      const typed = form.querySelector("[data-role=target]");
      if (typed && typed.value.trim()) return valueOf(typed);
      const pending = unanswered.get(form);
      return pending ? pending.envelope.target : crypto.randomUUID();
    }
    if (form.dataset.target) return form.dataset.target;
    const input = form.querySelector("[data-role=target]");
    return valueOf(input);
  }

  function element(tag, attributes, ...children) {
    const made = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => made.setAttribute(name, value));
    children.forEach((child) => made.append(child));
    return made;
  }

  function yuan(fen) {
    return t("{amount} yuan", { amount: (fen / 100).toLocaleString("en", { minimumFractionDigits: 2, maximumFractionDigits: 2 }) });
  }

  // A rule's ID, with its line from DOMAIN.md (words.js ruleLine) as its title.
  function ruleOf(rule) {
    const words = ruleLine(rule);
    return element("span", Object.assign({ class: "rule", "data-rule": rule }, words ? { title: words } : {}), rule);
  }

  // A quote's payment stages and payees (ledger/subsidy.py) as the page shows them.
  const QUOTE_WORDS = { online: t("online"), offline: t("offline"), prepayment: t("prepayment"), balance: t("balance"),
                        full: t("full"), allowance: t("allowance"), institution: t("institution"),
                        platform: t("platform"), trainee: t("trainee") };

  function showRefusal(box, problem, status) {
    box.replaceChildren();
    box.className = "receipt refused";
    box.dataset.state = "refused";
    const line = element("p", { class: "refusal" }, status ? t("Refused ({status}): ", { status }) : t("Refused: "));
    if (problem && problem.rule) line.append(ruleOf(problem.rule), " ");
    line.append(String((problem && (problem.detail || problem.title)) || t("no reason given")));
    box.append(line);
    const words = problem && ruleLine(problem.rule);
    if (words) box.append(element("p", { class: "rule-line", "data-rule": problem.rule }, problem.rule + " · " + words));
    box.append(element("p", { class: "note" }, t("Nothing was recorded.")));
  }

  function showBadInput(box, sentence) {
    box.replaceChildren(element("p", { class: "refusal" }, t("Not signed: {reason}. Nothing was sent.", { reason: sentence })));
    box.className = "receipt refused";
    box.dataset.state = "bad-input";
  }

  function showReceipt(box, form, target, result) {
    box.replaceChildren();
    box.className = "receipt recorded";
    box.dataset.state = "recorded";
    box.append(element("p", { class: "status good" },
      t("Recorded: {command} on {target}, version {version}, at {time}",
        { command: result.command, target: result.target, version: result.version, time: result.recorded_at })));
    const list = element("ul", { class: "event-hashes" });
    (result.event_hashes || []).forEach((hash) => list.append(element("li", {}, t("event hash") + " ", element("code", { class: "wrap event-hash" }, hash))));
    box.append(list);
    if (form.dataset.timeline === "yes") {
      box.append(element("p", {}, element("a", { href: "/vouchers/" + encodeURIComponent(target), class: "timeline-link" }, t("Open the voucher's timeline"))));
    }
    box.append(element("p", { class: "note" }, t("Command id {id}. Reload the page to see the queue without it.", { id: result.command_id })));
  }

  async function submit(form, event) {
    event.preventDefault();
    const box = form.querySelector(".receipt");
    const button = form.querySelector("button[type=submit]");
    let body, target, personal;
    try {
      target = targetOf(form);
      body = await bodyOf(form);
      if (form.dataset.personal === "yes") personal = await personalOf(form, body);
    } catch (error) {
      if (!(error instanceof BadField)) throw error;
      showBadInput(box, error.message);
      return;
    }
    button.disabled = true;
    box.className = "receipt";
    box.dataset.state = "signing";
    box.textContent = t("Signing with your key and sending…");
    // A retry after no answer resends the same signed envelope (same command_id: recorded
    // at most once); a changed form, or any answer, means the next press signs afresh.
    const wanted = JSON.stringify([form.dataset.command, target, body,
                                   personal ? [personal.personal.name, personal.personal.national_id] : null]);
    if (personal) body.personal_sha256 = personal.sha256;
    try {
      let signed = unanswered.get(form);
      if (!signed || signed.wanted !== wanted) {
        signed = Object.assign(await window.VledgerEnvelope.sign(form.dataset.command, target, body),
                               { wanted, extra: personal ? { personal: personal.personal } : undefined });
        unanswered.set(form, signed);
      }
      const sent = await window.VledgerEnvelope.send(signed, signed.extra);
      unanswered.delete(form);
      if (sent.ok) showReceipt(box, form, target, sent.result);
      else showRefusal(box, sent.problem, sent.status);
    } catch (error) {
      showRefusal(box, { detail: t("could not sign or send ({error}); press again to resend the same signed command, which the ledger records at most once", { error: error.message }) }, 0);
    } finally {
      button.disabled = false;
    }
  }

  // -- what the rules give, before signing ------------------------------------
  function quoteTable(quote) {
    const box = element("div", {});
    if (quote.steps && quote.steps.length) {
      const table = element("table", { class: "compact" }, element("tr", {}, element("th", {}, t("rule")), element("th", {}, t("step")), element("th", {}, t("amount"))));
      quote.steps.forEach((step) => table.append(element("tr", {}, element("td", {}, ruleOf(step.rule)),
        element("td", {}, step.description), element("td", {}, yuan(step.fen)))));
      box.append(table);
    }
    const total = t("Subsidy the rules give: {amount} ({fen} fen)", { amount: yuan(quote.total_fen), fen: quote.total_fen });
    const payments = (quote.payments || []).map((p) => t("{stage} {amount} to the {payee}", { stage: QUOTE_WORDS[p.stage] || p.stage, amount: yuan(p.fen), payee: QUOTE_WORDS[p.payee] || p.payee }));
    box.append(element("p", { class: "quote-total" }, total + (payments.length ? t("; paid as {payments}", { payments: payments.join(t(", ")) }) : "")));
    (quote.refusals || []).forEach((refusal) => box.append(element("p", { class: "refusal" },
      ruleOf(refusal.rule), " " + refusal.reason)));
    return box;
  }

  function previewer(form) {
    const box = form.querySelector(".preview");
    let timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const query = new URLSearchParams();
        form.querySelectorAll("[data-preview-as]").forEach((input) => query.set(input.dataset.previewAs, input.value.trim()));
        if (!query.get("occupation") || !query.get("level")) { box.textContent = t("Choose an occupation and a level to see the subsidy the rules give."); return; }
        const reply = await fetch(form.dataset.preview + "?" + query.toString(), { credentials: "same-origin" });
        const answer = await reply.json();
        box.replaceChildren(reply.ok ? quoteTable(answer) : element("p", { class: "refusal" }, answer.detail || t("no quote")));
        box.dataset.state = reply.ok ? "quoted" : "bad-input";
      }, 250);
    };
  }

  document.querySelectorAll("form.act").forEach((form) => {
    form.addEventListener("submit", (event) => submit(form, event));
    if (form.dataset.preview) {
      const update = previewer(form);
      form.addEventListener("input", update);
      form.addEventListener("change", update);
      update();
    }
  });
  // A choice from a queue fills the form it names.
  document.querySelectorAll("[data-fill]").forEach((button) => {
    button.addEventListener("click", () => {
      const input = document.getElementById(button.dataset.fill);
      const folded = input.closest("details");
      if (folded) folded.open = true;  // a generated form starts folded
      input.value = button.dataset.value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
    });
  });
})();
