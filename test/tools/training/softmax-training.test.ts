import { CompactSoftmaxModel, LabeledText, SoftmaxModel, SoftmaxModelV1, softmaxClassifier } from "../../../functions/shared/classifier/model";
import { compactModel } from "../../../scripts/training/compact-model";
import { trainNaiveBayes, trainSoftmax } from "../../../scripts/training/softmax-training";

const CORPUS: LabeledText[] = [
  { label: "IRA", text: "Can I convert my traditional IRA to a Roth IRA?" },
  { label: "IRA", text: "What is the IRA contribution limit this year?" },
  { label: "IRA", text: "I want to open a Roth IRA account" },
  { label: "IRA", text: "Required minimum distribution from my inherited IRA" },
  { label: "529", text: "How do I use my 529 plan for college tuition?" },
  { label: "529", text: "Change the beneficiary on the 529 college savings plan" },
  { label: "529", text: "Can 529 money pay for my daughter's books?" },
  { label: "529", text: "Age-based portfolio in the college savings plan" },
  { label: "GENERAL", text: "I forgot my password and cannot log in" },
  { label: "GENERAL", text: "Please update my mailing address" },
  { label: "GENERAL", text: "Why was I charged a debit card fee?" },
  { label: "GENERAL", text: "The mobile app keeps crashing when I log in" },
];

const PROBES = ["Roth conversion of my IRA", "paying tuition from the 529 college plan", "reset my password", "something unrelated entirely"];

describe("trainSoftmax", () => {
  let model: SoftmaxModelV1;

  beforeAll(() => {
    model = trainSoftmax(CORPUS);
  });

  it("is deterministic: the same corpus trained twice gives identical JSON", () => {
    // Act
    const again = trainSoftmax(CORPUS);

    // Assess
    expect(JSON.stringify(again)).toBe(JSON.stringify(model));
  });

  it("records the sorted labels, the model kind and the number of training documents", () => {
    // Assess
    expect(model.kind).toBe("softmax-tfidf");
    expect(model.version).toBe(1);
    expect(model.labels).toEqual(["529", "GENERAL", "IRA"]);
    expect(model.trainedOn).toEqual({ documents: 12 });
    expect(model.weights).toHaveLength(3);
    expect(model.bias).toHaveLength(3);
    expect(model.weights[0]).toHaveLength(model.idf.length);
  });

  it("returns one score per label that sum to 1, best first", () => {
    // Prepare
    const classifier = softmaxClassifier(model);

    // Act
    const scores = classifier.classify("Can I convert my IRA to a Roth?");

    // Assess
    expect(scores.map((s) => s.label).sort()).toEqual(["529", "GENERAL", "IRA"]);
    expect(scores.reduce((sum, s) => sum + s.score, 0)).toBeCloseTo(1, 10);
    for (let i = 1; i < scores.length; i++) expect(scores[i - 1]!.score).toBeGreaterThanOrEqual(scores[i]!.score);
  });

  it("ranks the label whose vocabulary the text uses first", () => {
    // Prepare
    const classifier = softmaxClassifier(model);

    // Act
    const best = ["Roth conversion of my IRA", "paying tuition from the 529 college plan", "reset my password"].map(
      (text) => classifier.classify(text)[0]?.label,
    );

    // Assess
    expect(best).toEqual(["IRA", "529", "GENERAL"]);
  });

  it("gives identical predictions after a JSON round trip of the model", () => {
    // Prepare
    const original = softmaxClassifier(model);
    const restored = softmaxClassifier(JSON.parse(JSON.stringify(model)) as SoftmaxModel);

    // Act
    const before = PROBES.map((text) => original.classify(text));
    const after = PROBES.map((text) => restored.classify(text));

    // Assess
    expect(after).toEqual(before);
  });

  it("gives a different model for a different seed", () => {
    // Act
    const other = trainSoftmax(CORPUS, { seed: 8 });

    // Assess
    expect(JSON.stringify(other.weights)).not.toBe(JSON.stringify(model.weights));
  });

  it("leaves terms rarer than minDocumentFrequency out of the vocabulary", () => {
    // Act
    const pruned = trainSoftmax(CORPUS, { minDocumentFrequency: 2, epochs: 1, keepWeightShare: 1 });

    // Assess
    expect(Object.keys(pruned.vocabulary).length).toBeLessThan(Object.keys(trainSoftmax(CORPUS, { epochs: 1, keepWeightShare: 1 }).vocabulary).length);
    expect(pruned.vocabulary).toHaveProperty("ira");
    expect(pruned.vocabulary).not.toHaveProperty("crashing");
  });

  it("keeps only the features carrying the chosen share of the weight, and all of them at share 1", () => {
    // Act
    const full = trainSoftmax(CORPUS, { keepWeightShare: 1 });
    const half = trainSoftmax(CORPUS, { keepWeightShare: 0.5 });

    // Assess
    expect(Object.keys(model.vocabulary)).toEqual(Object.keys(half.vocabulary));
    expect(Object.keys(half.vocabulary).length).toBeLessThan(Object.keys(full.vocabulary).length);
    expect(Object.keys(half.vocabulary)).toEqual(expect.arrayContaining(["ira", "529", "password"]));
    const best = (m: SoftmaxModel) => PROBES.slice(0, 3).map((text) => softmaxClassifier(m).classify(text)[0]?.label);
    expect(best(half)).toEqual(best(full));
  });

  it("rejects a weight share outside (0, 1]", () => {
    // Act / Assess
    expect(() => trainSoftmax(CORPUS, { keepWeightShare: 0 })).toThrow("keepWeightShare must be in (0, 1], got 0");
    expect(() => trainSoftmax(CORPUS, { keepWeightShare: 1.5 })).toThrow("keepWeightShare must be in (0, 1], got 1.5");
  });

  it("throws on an empty corpus", () => {
    // Act / Assess
    expect(() => trainSoftmax([])).toThrow("cannot train on an empty corpus");
  });

  it("rejects feature options the extractor cannot use", () => {
    // Act / Assess
    expect(() => trainSoftmax(CORPUS, { features: { subjectWeight: 1.5 } })).toThrow("features.subjectWeight must be an integer from 1 to 10, got 1.5");
    expect(() => trainSoftmax(CORPUS, { features: { charNgrams: [5, 3] } })).toThrow("features.charNgrams must be [min, max] with 2 <= min <= max <= 8, got [5,3]");
  });
});

describe("a model trained with feature options", () => {
  const FEATURES = { charNgrams: [3, 5], subjectWeight: 2 } as const;

  it("records them, keeps them through the compact encoding, and classifies with them after a JSON round trip", () => {
    // Prepare
    const model = trainSoftmax(CORPUS, { features: FEATURES });
    const shipped = JSON.parse(JSON.stringify(compactModel(model))) as SoftmaxModel;

    // Act
    const [best] = softmaxClassifier(shipped).classify("Roth conversions\nsomething about my account");

    // Assess
    expect(model.features).toEqual(FEATURES);
    expect(shipped.features).toEqual(FEATURES);
    expect(Object.keys(model.vocabulary).some((term) => term.startsWith("#"))).toBe(true);
    expect(best?.label).toBe("IRA");
  });

  it("matches a word the corpus only has in another form through its character n-grams", () => {
    // Prepare
    const words = softmaxClassifier(trainSoftmax(CORPUS, { keepWeightShare: 1 }));
    const withCharacters = softmaxClassifier(trainSoftmax(CORPUS, { keepWeightShare: 1, features: { charNgrams: [3, 5] } }));

    // Act
    const wordsOnly = words.classify("beneficiaries");
    const [characters] = withCharacters.classify("beneficiaries");

    // Assess: without character n-grams the word is unknown, so only the biases score it
    expect(wordsOnly).toEqual(words.classify(""));
    expect(characters?.label).toBe("529");
  });
});

describe("compactModel", () => {
  let model: SoftmaxModelV1;
  let compact: CompactSoftmaxModel;

  beforeAll(() => {
    model = trainSoftmax(CORPUS);
    compact = compactModel(model);
  });

  it("encodes the same labels, features and training record in far fewer bytes", () => {
    // Assess
    expect(compact).toMatchObject({ kind: "softmax-tfidf", version: 2, labels: model.labels, trainedOn: model.trainedOn });
    expect(compact.terms.split("\n")).toEqual(Object.keys(model.vocabulary).sort((a, b) => model.vocabulary[a]! - model.vocabulary[b]!));
    expect(JSON.stringify(compact).length).toBeLessThan(JSON.stringify(model).length / 2);
  });

  it("scores every probe within 0.005 of the full-precision model, with the same best label", () => {
    // Prepare
    const full = softmaxClassifier(model);
    const small = softmaxClassifier(JSON.parse(JSON.stringify(compact)) as SoftmaxModel);

    // Act / Assess
    for (const text of [...PROBES, ...CORPUS.map((d) => d.text)]) {
      const [a, b] = [full.classify(text), small.classify(text)];
      expect(b[0]?.label).toBe(a[0]?.label);
      for (const score of a) expect(Math.abs(b.find((s) => s.label === score.label)!.score - score.score)).toBeLessThan(0.005);
    }
  });

  it("is deterministic", () => {
    // Act / Assess
    expect(JSON.stringify(compactModel(trainSoftmax(CORPUS)))).toBe(JSON.stringify(compact));
  });

  it("rejects a compact model whose parts disagree in length", () => {
    // Prepare
    const truncated = { ...compact, weights: compact.weights.map((w) => w.slice(0, 4)) };

    // Act / Assess
    expect(() => softmaxClassifier(truncated)).toThrow(/model weight row 0 has \d+ values for \d+ terms/);
  });
});

describe("softmaxClassifier", () => {
  let model: SoftmaxModel;

  beforeAll(() => {
    model = trainSoftmax(CORPUS, { epochs: 1 });
  });

  it("rejects a model of an unsupported kind", () => {
    // Prepare
    const foreign = { ...model, kind: "naive-bayes" } as unknown as SoftmaxModel;

    // Act / Assess
    expect(() => softmaxClassifier(foreign)).toThrow("unsupported model kind naive-bayes v1");
  });

  it("rejects a model of an unsupported version", () => {
    // Prepare
    const future = { ...model, version: 3 } as unknown as SoftmaxModel;

    // Act / Assess
    expect(() => softmaxClassifier(future)).toThrow("unsupported model kind softmax-tfidf v3");
  });

  it("exposes the model's labels", () => {
    // Act
    const classifier = softmaxClassifier(model);

    // Assess
    expect(classifier.labels).toEqual(["529", "GENERAL", "IRA"]);
  });
});

describe("trainNaiveBayes", () => {
  it("classifies texts by the vocabulary of their class", () => {
    // Prepare
    const classifier = trainNaiveBayes(CORPUS);

    // Act
    const best = ["Roth conversion of my IRA", "paying tuition from the 529 college plan", "reset my password"].map(
      (text) => classifier.classify(text)[0]?.label,
    );

    // Assess
    expect(best).toEqual(["IRA", "529", "GENERAL"]);
  });

  it("returns sorted scores over all labels that sum to 1", () => {
    // Prepare
    const classifier = trainNaiveBayes(CORPUS);

    // Act
    const scores = classifier.classify("college savings");

    // Assess
    expect(classifier.labels).toEqual(["529", "GENERAL", "IRA"]);
    expect(scores).toHaveLength(3);
    expect(scores.reduce((sum, s) => sum + s.score, 0)).toBeCloseTo(1, 10);
    for (let i = 1; i < scores.length; i++) expect(scores[i - 1]!.score).toBeGreaterThanOrEqual(scores[i]!.score);
  });

  it("falls back to the class priors for text with no known terms", () => {
    // Prepare
    const classifier = trainNaiveBayes([
      { label: "A", text: "alpha" },
      { label: "A", text: "beta" },
      { label: "A", text: "gamma" },
      { label: "B", text: "delta" },
    ]);

    // Act
    const scores = classifier.classify("");

    // Assess
    expect(scores[0]?.label).toBe("A");
    expect(scores[0]?.score).toBeCloseTo(0.75, 10);
    expect(scores[1]?.score).toBeCloseTo(0.25, 10);
  });
});
