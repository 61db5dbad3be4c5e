// The holder's steps of the key ceremony (votes/templates/votes/_ceremony_step.html), in the
// browser: the key code (seed) is made and kept here; only public keys, commitments, sealed
// shares and proofs are posted. The same derivations as votes/crypto/threshold.py
// (docs/crypto.md). A page may hold several ceremonies (an assembly's resolutions, one vote
// each): a step is done for every ceremony at that step, with the same key code.
import * as c from "./crypto.js";

const data = JSON.parse(document.getElementById("ceremony-data").textContent);
const texts = JSON.parse(document.getElementById("ceremony-texts").textContent);
const csrf = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
const say = (text) => { document.querySelector("[data-message]").textContent = text; };
const where = (cer, what, position) =>
  `${cer.context}${position ? `/holder-${position}` : ""}/${what}`;

function readCode(text) {
  const hex = text.toLowerCase().replace(/[^0-9a-f]/g, "");
  if (hex.length !== 64) throw new Error(texts.bad_code);
  return c.hexToBytes(hex);
}

const showCode = (seed) => c.bytesToHex(seed).match(/.{4}/g).join("-");

async function post(cer, step, body) {
  let response;
  try {
    response = await fetch(cer.urls[step], {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    });
  } catch {
    throw new Error(texts.network);
  }
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error || texts.network);
}

async function seedFrom(box) {
  const file = box.querySelector("[data-seed-file]").files[0];
  return readCode(file ? await file.text() : box.querySelector("[data-seed]").value);
}

function publishKey(cer, seed) {
  const e = c.encryptionKey(seed);
  return post(cer, "key", { key: c.pointHex(c.base(e)),
    proof: c.proofJson(c.proveKey(where(cer, "key", cer.position), e, c.randomScalar)) });
}

function sendShares(cer, seed) {
  const poly = c.polynomial(seed, where(cer, "polynomial"), cer.threshold);
  const keys = cer.holders.map((h) => c.point(h.key, `holder ${h.position}`));
  return post(cer, "shares", {
    commitments: poly.map((a) => c.pointHex(c.base(a))),
    proof: c.proofJson(c.proveKey(where(cer, "coefficient", cer.position), poly[0], c.randomScalar)),
    shares: keys.map((key, i) => c.sealShare(where(cer, "channel"), key, c.evaluate(poly, i + 1), c.randomScalar)),
  });
}

async function checkShares(cer, seed) {
  const e = c.encryptionKey(seed);
  let s = 0n;
  for (const h of cer.holders) {
    const share = c.openShare(where(cer, "channel"), e, h.share);
    const commits = h.commitments.map((a) => c.point(a));
    if (!c.checkShare(commits, cer.position, share)) {
      await post(cer, "report", { sender: h.position });
      throw new Error(texts.bad_share.replace("{sender}", h.position));
    }
    s = c.mod(s + share);
  }
  return post(cer, "confirm", { proof: c.proofJson(c.proveKey(where(cer, "share", cer.position), s, c.randomScalar)) });
}

// After the close: the holder's part of the decryption of each college's tally (only sums of
// ballots), each with its proof; their share of the key is recomputed from the key code.
function decrypt(cer, seed) {
  const e = c.encryptionKey(seed);
  const s = c.mod(cer.holders.reduce((sum, h) => sum + c.openShare(where(cer, "channel"), e, h.share), 0n));
  if (!c.base(s).equals(c.point(cer.holders[cer.position - 1].verification_key))) throw new Error(texts.wrong_code);
  const partials = [];
  const proofs = [];
  for (const entry of cer.tally) {
    const mine = entry.ciphertexts.map((row, i) => row.map((ct, j) =>
      c.proveDecryption(`${entry.context}/a${i}/c${j}`, s, c.point(ct.alpha), c.randomScalar)));
    partials.push(mine.map((row) => row.map(([d]) => c.pointHex(d))));
    proofs.push(mine.map((row) => row.map(([, prf]) => c.proofJson(prf))));
  }
  return post(cer, "decrypt", { partials, proofs });
}

const STEPS = { key: publishKey, shares: sendShares, checks: checkShares, open: decrypt };

// Do `step` for every ceremony of the page at that step, one after the other, then reload.
async function runAll(step, seed) {
  for (const cer of data.ceremonies.filter((x) => x.todo === step)) await STEPS[step](cer, seed);
  say(texts.sent);
  setTimeout(() => window.location.reload(), 800);
}

function run(action) {
  return async (event) => {
    event.target.disabled = true;
    try { await action(); } catch (err) { say(err.message); event.target.disabled = false; }
  };
}

const box = document.querySelector("[data-step]");
if (box) {
  box.hidden = false;
  const step = box.dataset.step;
  if (step === "key") {
    let seed = null;
    const created = box.querySelector("[data-created]");
    const saved = box.querySelector("[data-saved]");
    const publish = box.querySelector('[data-action="publish"]');
    box.querySelector('[data-action="create"]').addEventListener("click", (event) => {
      seed = crypto.getRandomValues(new Uint8Array(32));
      const code = showCode(seed);
      box.querySelector("[data-code]").textContent = code;
      const link = box.querySelector("[data-download]");
      link.href = URL.createObjectURL(new Blob([`${code}\n`], { type: "text/plain" }));
      link.download = `coopgov-key-${data.name}-holder-${data.position}.txt`;
      created.hidden = false;
      event.target.disabled = true;
    });
    saved.addEventListener("change", () => { publish.disabled = !saved.checked; });
    publish.addEventListener("click", run(() => runAll("key", seed)));
  } else {
    box.querySelector("[data-action]").addEventListener("click", run(async () =>
      runAll(step, await seedFrom(box))));
  }
}
