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

  it("adds the character n-grams of each token, framed by '_', with a '#' no word or pair can start with", () => {
    // Act
    const terms = featureTerms("Roth ira", { charNgrams: [3, 4] });

    // Assess
    expect(terms).toEqual([
      "roth",
      "ira",
      "roth ira",
      ...["#_ro", "#rot", "#oth", "#th_", "#_rot", "#roth", "#oth_"],
      ...["#_ir", "#ira", "#ra_", "#_ira", "#ira_"],
    ]);
  });

  it("gives no character n-grams for a token of up to min - 2 characters (the token is already a feature)", () => {
    // Act
    const terms = featureTerms("go 529", { charNgrams: [4, 5] });

    // Assess
    expect(terms).toEqual(["go", "529", "go 529", "#_529", "#529_", "#_529_"]);
  });

  it("counts the subject (the first line) subjectWeight times and keeps pairs from crossing into the body", () => {
    // Act
    const terms = featureTerms("Roth question\nplease call me", { subjectWeight: 2 });

    // Assess
    expect(terms).toEqual(["roth", "question", "roth question", "roth", "question", "roth question", "call"]);
  });

  it("treats a text without a line break as all body whatever the subject weight", () => {
    // Act
    const weighted = featureTerms("Roth question call", { subjectWeight: 3 });

    // Assess
    expect(weighted).toEqual(featureTerms("Roth question call"));
  });

  it("reads a line break as an ordinary space when the subject weighs as much as the body", () => {
    // Act
    const terms = featureTerms("Roth question\ncall", {});

    // Assess
    expect(terms).toEqual(featureTerms("Roth question call"));
  });
});
