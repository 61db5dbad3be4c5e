// An encrypted vote's ballot (votes/templates/votes/_ballot.html): the voter's choice is
// encrypted here under the vote's key, with the proofs that it is well formed; only the
// encrypted ballot is posted (the inputs of the choice are disabled before the form is sent).
// "Check the encryption" makes an encryption the voter may audit, then discards it.
import * as c from "./crypto.js";

const form = document.querySelector("form[data-encrypted]");
const data = JSON.parse(document.getElementById("ballot-data").textContent);
const texts = JSON.parse(document.getElementById("ballot-texts").textContent);
const say = (text) => { form.querySelector("[data-message]").textContent = text; };
const inputs = () => [...form.querySelectorAll("[data-choice]")];

function choice() {
  const checked = inputs().filter((i) => i.checked);
  if (data.method === "resolution") {
    if (!checked.length) throw new Error(texts.resolution);
    return checked[0].value;
  }
  if (data.method === "choice") {
    if (!checked.length) throw new Error(texts.choice);
    return checked[0].value || null;
  }
  if (data.method === "approval") {
    if (checked.length > data.seats) throw new Error(texts.approval);
    return checked.map((i) => i.value);
  }
  const graded = {};
  for (const i of checked) graded[i.dataset.option] = data.grades[Number(i.value)];
  if (!Object.keys(graded).length) throw new Error(texts.judgment);
  return graded;
}

function encrypt(rng) {
  const form_ = c.shape(data.method, data.options.length, data.seats, data.grades.length);
  const matrix = c.plain(data.method, data.options, data.grades, choice());
  return c.encryptBallot(data.context, c.point(data.key), form_, matrix, rng);
}

function recording(rng) {  // the randomness used, shown by the audit
  const used = [];
  return { rng: () => { const r = rng(); used.push(c.scalarHex(r)); return r; }, used };
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  say(texts.encrypting);
  setTimeout(() => {
    try {
      form.querySelector('input[name="ballot"]').value = JSON.stringify(encrypt(c.randomScalar));
    } catch (err) { say(err.message); return; }
    for (const input of inputs()) input.disabled = true;  // the choice itself is never sent
    form.submit();
  }, 0);
});

const audit = form.querySelector("[data-audit]");
audit.hidden = false;
audit.querySelector("button").addEventListener("click", () => {
  try {
    const rec = recording(c.randomScalar);
    const ballot = encrypt(rec.rng);
    audit.querySelector("output").textContent = JSON.stringify(
      { vote: data.vote, key: data.key, choice: choice(), ballot, randomness: rec.used }, null, 1);
    audit.querySelector("[data-audit-done]").hidden = false;
  } catch (err) { say(err.message); }
});
form.querySelector("[data-needs-js]").hidden = true;
form.querySelector('button[type="submit"]').disabled = false;
