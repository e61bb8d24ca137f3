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

/**
 * What a model's features are, recorded in the model so that training and the Lambda extract the
 * same ones. Absent options give word unigrams and bigrams over the whole text.
 */
export interface FeatureOptions {
  /**
   * Character n-grams of each token, of these lengths [min, max] (the token framed by '_' marks, so
   * starts and ends are their own n-grams): they carry meaning in short text where whole words are
   * rare or misspelt ("rollover", "rolled", "roll-over" share "roll"). Tokens of up to `min` - 2
   * characters give none (the token itself is already a feature).
   */
  readonly charNgrams?: readonly [min: number, max: number] | undefined;
  /**
   * An email's subject counts this many times (1 = as much as the body). The subject is the text's
   * first line when the text has more than one: the email text builder (email-text.ts) puts the
   * subject on a line of its own and collapses the body's whitespace, so a body has no line break.
   */
  readonly subjectWeight?: number | undefined;
}

/** Word unigrams and bigrams of `text`, plus what `options` add. */
export function featureTerms(text: string, options: FeatureOptions = {}): string[] {
  const weight = options.subjectWeight ?? 1;
  const lineBreak = weight !== 1 ? text.indexOf("\n") : -1;
  if (lineBreak < 0) return termsOf(tokenize(text), options);
  const subject = termsOf(tokenize(text.slice(0, lineBreak)), options);
  const body = termsOf(tokenize(text.slice(lineBreak + 1)), options);
  const terms: string[] = [];
  for (let i = 0; i < weight; i++) terms.push(...subject);
  return terms.concat(body);
}

function termsOf(tokens: readonly string[], { charNgrams }: FeatureOptions): string[] {
  const terms = [...tokens];
  for (let i = 1; i < tokens.length; i++) terms.push(`${tokens[i - 1]} ${tokens[i]}`);
  if (charNgrams) {
    const [min, max] = charNgrams;
    for (const token of tokens) {
      if (token.length <= min - 2) continue;
      const framed = `_${token}_`;
      for (let n = min; n <= max; n++) for (let i = 0; i + n <= framed.length; i++) terms.push(`#${framed.slice(i, i + n)}`);
    }
  }
  return terms;
}
