// The cryptography of encrypted votes in the browser, the twin of votes/crypto (Python): the
// same group (edwards25519's prime-order subgroup, from the vendored @noble/curves), the same
// hashing, the same proofs and the same k-of-n keys, byte for byte (the known-answer vectors
// in tests/data/crypto-vectors.json are checked in both). See docs/crypto.md.
import { ed25519, sha512 } from "../vendor/noble-2.4.0.min.mjs";

const Point = ed25519.Point;
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;
export const G = Point.BASE;
export const IDENTITY = Point.ZERO;
const TAGS = {
  pok: "coopgov/v1/pok", interval: "coopgov/v1/interval", decryption: "coopgov/v1/decryption",
  encryption: "coopgov/v1/holder-encryption", polynomial: "coopgov/v1/holder-polynomial",
  channel: "coopgov/v1/channel", rng: "coopgov/v1/test-rng",
};
const HEX64 = /^[0-9a-f]{64}$/;
const utf8 = new TextEncoder();

// ------------------------------------------------------------------------------------------
// Encodings.

export const mod = (s) => ((s % L) + L) % L;

export function hexToBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function leToBig(bytes) {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

export function scalarBytes(s) {
  const out = new Uint8Array(32);
  let n = mod(s);
  for (let i = 0; i < 32; i++) { out[i] = Number(n & 255n); n >>= 8n; }
  return out;
}

export const scalarHex = (s) => bytesToHex(scalarBytes(s));
export const pointHex = (p) => p.toHex();

export function scalar(text, where = "scalar") {
  if (typeof text !== "string" || !HEX64.test(text)) throw new Error(`${where}: not 64 lowercase hex digits`);
  const value = leToBig(hexToBytes(text));
  if (value >= L) throw new Error(`${where}: not below the group's order`);
  return value;
}

export function point(text, where = "point") {
  if (typeof text !== "string" || !HEX64.test(text)) throw new Error(`${where}: not 64 lowercase hex digits`);
  let p;
  try { p = Point.fromHex(text); } catch { throw new Error(`${where}: not a point of the group`); }
  if (p.is0() || !p.isTorsionFree() || p.toHex() !== text) throw new Error(`${where}: not a point of the group`);
  return p;
}

// ------------------------------------------------------------------------------------------
// The group.

export function mul(p, s) {
  s = mod(s);
  return s === 0n || p.is0() ? IDENTITY : p.multiply(s);
}

export const base = (s) => mul(G, s);

function part(value) {
  let data;
  if (value instanceof Uint8Array) data = value;
  else if (typeof value === "bigint" || typeof value === "number") data = scalarBytes(BigInt(value));
  else if (typeof value === "string") data = utf8.encode(value);
  else data = value.toBytes(); // a point
  const out = new Uint8Array(4 + data.length);
  new DataView(out.buffer).setUint32(0, data.length);
  out.set(data, 4);
  return out;
}

export function hashToScalar(tag, ...parts) {
  const chunks = [part(tag), ...parts.map(part)];
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { all.set(c, at); at += c.length; }
  return leToBig(sha512(all)) % L;
}

export function randomScalar() {
  for (;;) {
    const s = leToBig(crypto.getRandomValues(new Uint8Array(64))) % L;
    if (s !== 0n) return s;
  }
}

export function seeded(seed) {
  let n = 0;
  return () => hashToScalar(TAGS.rng, seed, n++);
}

// ------------------------------------------------------------------------------------------
// Exponential ElGamal.

export function encrypt(y, m, r) {
  return { alpha: base(r), beta: base(BigInt(m)).add(mul(y, r)) };
}

export const ciphertextJson = (c) => ({ alpha: pointHex(c.alpha), beta: pointHex(c.beta) });
export const ciphertext = (doc, where = "ciphertext") =>
  ({ alpha: point(doc.alpha, `${where}.alpha`), beta: point(doc.beta, `${where}.beta`) });

// ------------------------------------------------------------------------------------------
// Proofs: lists of [challenge, response].

export const proofJson = (proof) =>
  proof.map(([c, z]) => ({ challenge: scalarHex(c), response: scalarHex(z) }));
export const proof = (doc, where = "proof") =>
  doc.map((item, i) => [scalar(item.challenge, `${where}[${i}].challenge`),
                        scalar(item.response, `${where}[${i}].response`)]);

export function proveKey(context, x, rng) {
  const w = rng();
  const c = hashToScalar(TAGS.pok, context, base(x), base(w));
  return [[c, mod(w + c * x)]];
}

export function checkKey(context, X, [[c, z]]) {
  return c === hashToScalar(TAGS.pok, context, X, base(z).subtract(mul(X, c)));
}

function commitments(y, ct, m, c, z) {
  return [base(z).subtract(mul(ct.alpha, c)),
          mul(y, z).subtract(mul(ct.beta.subtract(base(BigInt(m))), c))];
}

export function proveInterval(context, y, ct, r, m, counts, rng) {
  const index = counts.indexOf(m);
  if (index < 0) throw new Error("the count is not among those to prove");
  const fake = new Map();
  const commits = [];
  let w = 0n;
  counts.forEach((mj, j) => {
    if (j === index) { w = rng(); commits.push(base(w), mul(y, w)); }
    else { fake.set(j, [rng(), rng()]); commits.push(...commitments(y, ct, mj, ...fake.get(j))); }
  });
  const c = hashToScalar(TAGS.interval, context, y, ct.alpha, ct.beta, ...commits);
  let ci = c;
  for (const [cj] of fake.values()) ci -= cj;
  ci = mod(ci);
  return counts.map((_, j) => (j === index ? [ci, mod(w + ci * r)] : fake.get(j)));
}

export function checkInterval(context, y, ct, counts, prf) {
  if (prf.length !== counts.length) return false;
  const commits = [];
  counts.forEach((mj, j) => commits.push(...commitments(y, ct, mj, ...prf[j])));
  const c = hashToScalar(TAGS.interval, context, y, ct.alpha, ct.beta, ...commits);
  return c === mod(prf.reduce((sum, [cj]) => sum + cj, 0n));
}

export function proveDecryption(context, s, alpha, rng) {
  const d = mul(alpha, s);
  const w = rng();
  const c = hashToScalar(TAGS.decryption, context, base(s), alpha, d, base(w), mul(alpha, w));
  return [d, [[c, mod(w + c * s)]]];
}

export function checkDecryption(context, V, alpha, d, [[c, z]]) {
  const a = base(z).subtract(mul(V, c));
  const b = mul(alpha, z).subtract(mul(d, c));
  return c === hashToScalar(TAGS.decryption, context, V, alpha, d, a, b);
}

// ------------------------------------------------------------------------------------------
// The bureau's key, k of n.

export const encryptionKey = (seed) => hashToScalar(TAGS.encryption, seed);

export function polynomial(seed, context, k) {
  return Array.from({ length: k }, (_, i) => hashToScalar(TAGS.polynomial, seed, context, i));
}

export function evaluate(coefficients, j) {
  let out = 0n;
  for (let i = coefficients.length - 1; i >= 0; i--) out = mod(out * BigInt(j) + coefficients[i]);
  return out;
}

const pad = (context, shared, ephemeral, recipient) =>
  hashToScalar(TAGS.channel, context, shared, ephemeral, recipient);

export function sealShare(context, recipient, share, rng) {
  const t = rng();
  const ephemeral = base(t);
  return { ephemeral: pointHex(ephemeral),
           value: scalarHex(share + pad(context, mul(recipient, t), ephemeral, recipient)) };
}

export function openShare(context, e, sealed) {
  const ephemeral = point(sealed.ephemeral, "share.ephemeral");
  return mod(scalar(sealed.value, "share.value") - pad(context, mul(ephemeral, e), ephemeral, base(e)));
}

export function expected(commitsOfOne, j) {
  let out = IDENTITY;
  let power = 1n;
  for (const a of commitsOfOne) { out = out.add(mul(a, power)); power = mod(power * BigInt(j)); }
  return out;
}

export const checkShare = (commitsOfOne, j, share) => base(share).equals(expected(commitsOfOne, j));

export const verificationKey = (all, j) => all.reduce((out, one) => out.add(expected(one, j)), IDENTITY);
export const publicKey = (all) => all.reduce((out, one) => out.add(one[0]), IDENTITY);

function inverse(a) {
  let [t, newT, r, newR] = [0n, 1n, L, mod(a)];
  while (newR !== 0n) {
    const q = r / newR;
    [t, newT] = [newT, t - q * newT];
    [r, newR] = [newR, r - q * newR];
  }
  return mod(t);
}

export function lagrange(indices) {
  const out = new Map();
  for (const j of indices) {
    let num = 1n;
    let den = 1n;
    for (const m of indices) {
      if (m !== j) { num = mod(num * BigInt(m)); den = mod(den * BigInt(m - j)); }
    }
    out.set(j, mod(num * inverse(den)));
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// Ballots (votes/crypto/ballots.py): per answer, its number of choices, the sums it may take
// and each choice's coefficient in that sum (null: all 1); the sums the whole ballot may take
// (null: none).

export function shape(method, options, seats = 1, grades = 0) {
  const range = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
  if (method === "resolution") return { answers: [[3, [1], null]], total: null };
  if (method === "choice") return { answers: [[options, [0, 1], null]], total: null };
  if (method === "approval") {
    const coefs = [...Array(options).fill(1), seats];
    return { answers: [[options + 1, range(1, seats), coefs]], total: null };
  }
  return { answers: Array.from({ length: options }, () => [grades, [0, 1], null]), total: range(1, options) };
}

export function plain(method, options, grades, choice) {
  if (method === "resolution") return [["for", "against", "abstain"].map((o) => Number(choice === o))];
  if (method === "choice") return [options.map((o) => Number(choice === o))];
  if (method === "approval") return [[...options.map((o) => Number(choice.includes(o))), Number(!choice.length)]];
  return options.map((o) => grades.map((g) => Number(choice[o] === g)));
}

const sumCiphertexts = (cts, coefs = null) =>
  cts.reduce((s, c, i) => {
    const k = coefs ? BigInt(coefs[i]) : 1n;
    return { alpha: s.alpha.add(mul(c.alpha, k)), beta: s.beta.add(mul(c.beta, k)) };
  }, { alpha: IDENTITY, beta: IDENTITY });
const weighted = (values, coefs) => values.reduce((s, v, i) => s + v * (coefs ? coefs[i] : 1), 0);

export function encryptBallot(context, y, form, matrix, rng) {
  const answers = [];
  let allR = 0n;
  let allM = 0;
  const all = [];
  matrix.forEach((row, i) => {
    const [size, sums, coefs] = form.answers[i];
    const total = row.reduce((a, b) => a + b, 0);
    if (row.length !== size || !sums.includes(weighted(row, coefs))) throw new Error("the choice does not fit the shape");
    const rs = row.map(() => rng());
    const cts = row.map((m, j) => encrypt(y, m, rs[j]));
    const individual = cts.map((ct, j) =>
      proofJson(proveInterval(`${context}/a${i}/c${j}`, y, ct, rs[j], row[j], [0, 1], rng)));
    const rSum = mod(rs.reduce((a, b) => a + b, 0n));
    const rWeighted = mod(rs.reduce((a, r, j) => a + r * BigInt(coefs ? coefs[j] : 1), 0n));
    const overall = proveInterval(`${context}/a${i}`, y, sumCiphertexts(cts, coefs), rWeighted,
                                  weighted(row, coefs), sums, rng);
    answers.push({ choices: cts.map(ciphertextJson), individual, overall: proofJson(overall) });
    allR = mod(allR + rSum);
    allM += total;
    all.push(...cts);
  });
  const doc = { answers };
  if (form.total !== null) {
    doc.total = proofJson(proveInterval(`${context}/total`, y, sumCiphertexts(all), allR, allM, form.total, rng));
  }
  return doc;
}
