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
