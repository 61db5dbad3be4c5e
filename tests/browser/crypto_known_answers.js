// Recompute tests/votes/crypto_vectors.py's vectors() in the page, step for step.
(async (file) => {
  const c = await import("/static/js/crypto.js");
  const rng = c.seeded(c.hexToBytes(file.rng.seed));
  const hx = c.pointHex;
  const out = {base_point: hx(c.G), order: c.L.toString()};
  out.hash_to_scalar = [{tag: "coopgov/v1/test", parts: [{text: "élection"}, {point: hx(c.G)},
                         {scalar: c.scalarHex(7n)}],
                         scalar: c.scalarHex(c.hashToScalar("coopgov/v1/test", "élection", c.G, 7n))}];
  const first = c.seeded(c.hexToBytes(file.rng.seed));
  out.rng = {seed: file.rng.seed, first: [first(), first(), first()].map(c.scalarHex)};
  out.base = [1n, 2n, 3n, 1000n, c.L - 1n, rng()].map((s) => ({scalar: c.scalarHex(s), point: hx(c.base(s))}));
  const x = rng();
  const y = c.base(x);
  out.pok = {context: "vote-1/holder-1", x: c.scalarHex(x), key: hx(y),
             proof: c.proofJson(c.proveKey("vote-1/holder-1", x, rng))};
  out.interval = [];
  for (const [m, counts] of [[0, [0, 1]], [1, [0, 1]], [2, [0, 1, 2, 3]]]) {
    const r = rng();
    const ct = c.encrypt(y, m, r);
    out.interval.push({context: `vote-1/q${m}`, key: hx(y), m, r: c.scalarHex(r), counts,
                       ciphertext: c.ciphertextJson(ct),
                       proof: c.proofJson(c.proveInterval(`vote-1/q${m}`, y, ct, r, m, counts, rng))});
  }
  const ct = c.encrypt(y, 1, rng());
  const [d, prf] = c.proveDecryption("vote-1/tally", x, ct.alpha, rng);
  out.decryption = {context: "vote-1/tally", s: c.scalarHex(x), key: hx(y), alpha: hx(ct.alpha),
                    partial: hx(d), proof: c.proofJson(prf)};
  const context = "vote-1/ceremony";
  const seeds = [1, 2, 3].map((i) => new Uint8Array(32).fill(i));
  const polys = seeds.map((s) => c.polynomial(s, context, 2));
  const keys = seeds.map((s) => c.base(c.encryptionKey(s)));
  const commits = polys.map((p) => p.map((a) => c.base(a)));
  const shares = polys.map((p) => [0, 1, 2].map((j) => c.sealShare(context, keys[j], c.evaluate(p, j + 1), rng)));
  const lam = c.lagrange([1, 3]);
  out.threshold = {context, threshold: 2, seeds: seeds.map(c.bytesToHex),
    encryption_keys: keys.map(hx), commitments: commits.map((one) => one.map(hx)), shares,
    verification_keys: [1, 2, 3].map((j) => hx(c.verificationKey(commits, j))),
    public_key: hx(c.publicKey(commits)),
    lagrange_1_3: {"1": c.scalarHex(lam.get(1)), "3": c.scalarHex(lam.get(3))}};
  out.ballots = file.ballots.map((b) => ({
    method: b.method, options: b.options, grades: b.grades, seats: b.seats, choice: b.choice,
    context: b.context, key: hx(y),
    ballot: c.encryptBallot(b.context, y, c.shape(b.method, b.options.length, b.seats, b.grades.length),
                            c.plain(b.method, b.options, b.grades, b.choice), rng)}));
  return out;
})
