// The ballots of an assembly whose ballots are encrypted (assemblies/templates/assemblies/
// _yours.html). Each ballot form lists, in `data-encrypt`, the ballots it casts: for each
// resolution and voter (oneself, a principal), the key and context of the vote that takes it
// and the radio buttons of its choice. The browser encrypts each with its proofs and posts
// only the encrypted ballots, as one JSON object in "ballots"; the choices are never sent.
// "Check the encryption" shows an encryption with its randomness, then discards it.
import * as c from "./crypto.js";

const texts = JSON.parse(document.getElementById("ballot-texts").textContent);
const OPTIONS = ["for", "against", "abstain"];
const SHAPE = c.shape("resolution", OPTIONS.length, 1, 0);

for (const form of document.querySelectorAll("form[data-encrypt]")) {
  const targets = JSON.parse(form.dataset.encrypt);
  const say = (text) => { form.querySelector("[data-message]").textContent = text; };
  const encrypt = (rng) => {  // {ballot key: encrypted ballot}, and the choices encrypted
    const ballots = {};
    const choices = {};
    for (const t of targets) {
      const checked = form.querySelector(`input[name="${t.radio}"]:checked`);
      if (!checked) throw new Error(texts.resolution);
      const matrix = c.plain("resolution", OPTIONS, [], checked.value);
      ballots[t.out] = c.encryptBallot(t.context, c.point(t.key), SHAPE, matrix, rng);
      choices[t.out] = checked.value;
    }
    return { ballots, choices };
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    say(texts.encrypting);
    setTimeout(() => {
      let ballots;
      try { ({ ballots } = encrypt(c.randomScalar)); } catch (err) { say(err.message); return; }
      form.querySelector('input[name="ballots"]').value = JSON.stringify(ballots);
      for (const input of form.querySelectorAll('input[type="radio"]')) input.disabled = true;
      form.submit();
    }, 0);
  });
  const audit = form.querySelector("[data-audit]");
  audit.hidden = false;
  audit.querySelector("button").addEventListener("click", () => {
    const used = [];
    const rng = () => { const r = c.randomScalar(); used.push(c.scalarHex(r)); return r; };
    try {
      const { ballots, choices } = encrypt(rng);
      audit.querySelector("output").textContent = JSON.stringify(
        { targets, choices, ballots, randomness: used }, null, 1);
      audit.querySelector("[data-audit-done]").hidden = false;
    } catch (err) { say(err.message); }
  });
  form.querySelector("[data-needs-js]").hidden = true;
  form.querySelector('button[type="submit"]').disabled = false;
}
