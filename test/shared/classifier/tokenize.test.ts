import { featureTerms, tokenize } from "../../../functions/shared/classifier/tokenize";

describe("tokenize", () => {
  it.each(["401(k)", "401 (k)", "401-k", "401 k", "401k", "401(K)"])("normalizes the plan name %s to 401k", (written) => {
    // Act
    const tokens = tokenize(`my ${written} balance`);

    // Assess
    expect(tokens).toEqual(["401k", "balance"]);
  });

  it("normalizes other plan names written the same ways (403(b) -> 403b)", () => {
    // Act
    const tokens = tokenize("moving a 403(b) and a 457-b");

    // Assess
    expect(tokens).toEqual(["moving", "403b", "457b"]);
  });

  it("does not glue a three-digit number to the word that follows it", () => {
    // Act
    const tokens = tokenize("401 kids");

    // Assess
    expect(tokens).toEqual(["401", "kids"]);
  });

  it("replaces long digit runs (account numbers, amounts, years) with the nnnn placeholder", () => {
    // Act
    const tokens = tokenize("Account 123456789 holds $1,020.80 since 2024");

    // Assess
    expect(tokens).toEqual(["account", "nnnn", "holds", "nnnn", "since", "nnnn"]);
  });

  it("keeps short numbers such as 529 as they are", () => {
    // Act
    const tokens = tokenize("529 plan for 12 years");

    // Assess
    expect(tokens).toEqual(["529", "plan", "12", "years"]);
  });

  it("drops stop words, greetings and single letters and lower-cases the rest", () => {
    // Act
    const tokens = tokenize("Hi, I would like to know about the IRA please. Thanks x");

    // Assess
    expect(tokens).toEqual(["like", "know", "about", "ira"]);
  });

  it("keeps contractions as one token", () => {
    // Act
    const tokens = tokenize("I can't log in");

    // Assess
    expect(tokens).toEqual(["can't", "log"]);
  });

  it("returns no tokens for text without words", () => {
    // Act
    const tokens = tokenize("  ... !!! ");

    // Assess
    expect(tokens).toEqual([]);
  });
});

describe("featureTerms", () => {
  it("returns the unigrams followed by the bigrams of adjacent tokens", () => {
    // Act
    const terms = featureTerms("Roth conversion question");

    // Assess
    expect(terms).toEqual(["roth", "conversion", "question", "roth conversion", "conversion question"]);
  });

  it("builds bigrams over tokens after stop words are removed", () => {
    // Act
    const terms = featureTerms("rollover of my 401(k)");

    // Assess
    expect(terms).toEqual(["rollover", "401k", "rollover 401k"]);
  });

  it("has no bigrams for a single token", () => {
    // Act
    const terms = featureTerms("IRA");

    // Assess
    expect(terms).toEqual(["ira"]);
  });
});
