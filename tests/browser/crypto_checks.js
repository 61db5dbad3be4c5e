// Check in the page what Python made: proofs accepted, altered ones refused, shares opened.
(async (file) => {
  const c = await import("/static/js/crypto.js");
  const flip = (doc) => doc.map((p, i) => i ? p : {...p, response: c.scalarHex(c.scalar(p.response) + 1n)});
  const pok = c.checkKey(file.pok.context, c.point(file.pok.key), c.proof(file.pok.proof));
  const pokBad = c.checkKey("other", c.point(file.pok.key), c.proof(file.pok.proof));
  const intervals = file.interval.map((v) => [
    c.checkInterval(v.context, c.point(v.key), c.ciphertext(v.ciphertext), v.counts, c.proof(v.proof)),
    c.checkInterval(v.context, c.point(v.key), c.ciphertext(v.ciphertext), v.counts, c.proof(flip(v.proof)))]);
  const dv = file.decryption;
  const decryption = [
    c.checkDecryption(dv.context, c.point(dv.key), c.point(dv.alpha), c.point(dv.partial), c.proof(dv.proof)),
    c.checkDecryption(dv.context, c.point(dv.key), c.point(dv.alpha), c.base(5n), c.proof(dv.proof))];
  const t = file.threshold;
  const commits = t.commitments.map((one) => one.map((a) => c.point(a)));
  const opened = [0, 1, 2].map((j) => {
    const e = c.encryptionKey(c.hexToBytes(t.seeds[j]));
    const got = [0, 1, 2].map((i) => c.openShare(t.context, e, t.shares[i][j]));
    return got.every((s, i) => c.checkShare(commits[i], j + 1, s));
  });
  const refused = [];
  for (const bad of ["01" + "00".repeat(31), "ec" + "ff".repeat(30) + "7f", "58" + "66".repeat(30)]) {
    try { c.point(bad); refused.push(false); } catch { refused.push(true); }
  }
  return {pok, pokBad, intervals, decryption, opened, refused};
})
