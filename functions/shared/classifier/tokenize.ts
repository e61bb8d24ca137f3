/**
 * Text to features for the embedded classifiers: lower-cased word tokens plus bigrams.
 * Plan names written many ways ("401(k)", "401-k", "401 k") become one token; long digit runs
 * (amounts, account and phone numbers, years) become one placeholder so they do not dilute the
 * vocabulary. Nothing here knows the classes of any corpus.
 */
const STOP_WORDS = new Set(
  (
    "a an and are as at be been but by can could did do does for from had has have i i'm if in into is it its " +
    "me my of on or our so than that the their them then there these they this to was we were what when which " +
    "who will with would you your hi hello dear thanks thank regards please"
  ).split(" "),
);

export function tokenize(text: string): string[] {
  const normalized = text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\b(\d{3})\s*(?:\(\s*([a-z])\s*\)|[-\s]([a-z]))(?![a-z])/g, (_m, digits: string, a?: string, b?: string) => `${digits}${a ?? b}`)
    .replace(/\d[\d,.]{3,}\d|\d{4,}/g, " nnnn ");
  const tokens = normalized.match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? [];
  return tokens.filter((t) => !STOP_WORDS.has(t) && (t.length > 1 || /\d/.test(t)));
}

/** Unigrams and bigrams of the tokens. */
export function featureTerms(text: string): string[] {
  const tokens = tokenize(text);
  const terms = [...tokens];
  for (let i = 1; i < tokens.length; i++) terms.push(`${tokens[i - 1]} ${tokens[i]}`);
  return terms;
}
