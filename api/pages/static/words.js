// The pages' scripts speak the page's language: t(english, {name: value})
// looks the text up in the page's #page-words (the Chinese the server put there,
// api/pages/language.py) and fills its {name} places; on an English page it
// returns the English.
"use strict";
const t = (function () {
  let words = null;
  return function (text, values) {
    if (words === null) {
      const source = document.getElementById("page-words");
      words = source ? JSON.parse(source.textContent) : {};
    }
    let out = Object.prototype.hasOwnProperty.call(words, text) ? words[text] : text;
    for (const [name, value] of Object.entries(values || {})) out = out.split("{" + name + "}").join(String(value));
    return out;
  };
})();
window.VledgerWords = t;  // for the scripts that keep their own scope (envelope.js)

// A rule's line from DOMAIN.md in the page's language, from the page's
// #rule-lines (api/pages/language.py rule_lines); "" when the page has none.
const ruleLine = (function () {
  let lines = null;
  return function (rule) {
    if (lines === null) {
      const source = document.getElementById("rule-lines");
      lines = source ? JSON.parse(source.textContent) : {};
    }
    return (rule && Object.prototype.hasOwnProperty.call(lines, rule)) ? lines[rule] : "";
  };
})();
