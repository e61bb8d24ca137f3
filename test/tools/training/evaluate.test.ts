import { crossValidate, Evaluation, formatEvaluation, stratifiedFolds } from "../../../scripts/training/evaluate";
import { LabeledText, softmaxClassifier, TextClassifier } from "../../../functions/shared/classifier/model";
import { trainSoftmax } from "../../../scripts/training/softmax-training";

const FILLER = ["red", "green", "blue", "cyan", "magenta", "yellow", "black", "white", "orange", "purple"];

/** Two classes with disjoint vocabularies, ten documents each. */
const SEPARABLE: LabeledText[] = FILLER.flatMap((word) => [
  { label: "FRUIT", text: `apple banana cherry ${word}` },
  { label: "SPACE", text: `rocket planet orbit ${word}ish` },
]);

const labelsOf = (docs: readonly LabeledText[]) => docs.map((d) => d.label);
const countOf = (docs: readonly LabeledText[], label: string) => docs.filter((d) => d.label === label).length;

describe("stratifiedFolds", () => {
  const docs: LabeledText[] = [
    ...Array.from({ length: 10 }, (_, i) => ({ label: "A", text: `a${i}` })),
    ...Array.from({ length: 7 }, (_, i) => ({ label: "B", text: `b${i}` })),
    ...Array.from({ length: 5 }, (_, i) => ({ label: "C", text: `c${i}` })),
  ];

  it("puts every document in exactly one fold", () => {
    // Act
    const folds = stratifiedFolds(docs, 5);

    // Assess
    const all = folds.flat();
    expect(all).toHaveLength(docs.length);
    expect(new Set(all).size).toBe(docs.length);
    for (const d of docs) expect(all).toContain(d);
  });

  it("keeps each class balanced across folds (sizes differ by at most one)", () => {
    // Act
    const folds = stratifiedFolds(docs, 5);

    // Assess
    expect(folds.map((f) => countOf(f, "A"))).toEqual([2, 2, 2, 2, 2]);
    expect(folds.map((f) => countOf(f, "B")).sort()).toEqual([1, 1, 1, 2, 2]);
    expect(folds.map((f) => countOf(f, "C"))).toEqual([1, 1, 1, 1, 1]);
  });

  it("is deterministic for the same seed", () => {
    // Act
    const first = stratifiedFolds(docs, 5, 3);
    const second = stratifiedFolds(docs, 5, 3);

    // Assess
    expect(second).toEqual(first);
  });

  it("returns k folds even when there are fewer documents than folds", () => {
    // Act
    const folds = stratifiedFolds([{ label: "A", text: "only" }], 3);

    // Assess
    expect(folds.map(labelsOf)).toEqual([["A"], [], []]);
  });
});

describe("crossValidate", () => {
  let evaluation: Evaluation;

  beforeAll(() => {
    evaluation = crossValidate(SEPARABLE, (training) => softmaxClassifier(trainSoftmax(training)), { folds: 5, threshold: 0.5 });
  });

  it("reaches accuracy 1 on a separable corpus", () => {
    // Assess
    expect(evaluation.accuracy).toBe(1);
    expect(evaluation.documents).toBe(20);
    expect(evaluation.folds).toBe(5);
    expect(evaluation.labels).toEqual(["FRUIT", "SPACE"]);
  });

  it("fills the confusion matrix with every document on the diagonal", () => {
    // Assess
    expect(evaluation.confusion).toEqual({ FRUIT: { FRUIT: 10, SPACE: 0 }, SPACE: { FRUIT: 0, SPACE: 10 } });
    expect(evaluation.perClass).toEqual({
      FRUIT: { precision: 1, recall: 1, support: 10 },
      SPACE: { precision: 1, recall: 1, support: 10 },
    });
  });

  it("reports no fallbacks when every best score clears the threshold", () => {
    // Assess
    expect(evaluation.threshold).toBe(0.5);
    expect(evaluation.fallbackRate).toBe(0);
    expect(evaluation.accuracyAboveThreshold).toBe(1);
  });

  it("records misclassifications off the diagonal with matching precision and recall", () => {
    // Prepare
    const alwaysFruit: TextClassifier = {
      labels: ["FRUIT", "SPACE"],
      classify: () => [
        { label: "FRUIT", score: 0.6 },
        { label: "SPACE", score: 0.4 },
      ],
    };

    // Act
    const result = crossValidate(SEPARABLE, () => alwaysFruit, { folds: 5, threshold: 0.75 });

    // Assess
    expect(result.accuracy).toBe(0.5);
    expect(result.confusion).toEqual({ FRUIT: { FRUIT: 10, SPACE: 0 }, SPACE: { FRUIT: 10, SPACE: 0 } });
    expect(result.perClass).toEqual({
      FRUIT: { precision: 0.5, recall: 1, support: 10 },
      SPACE: { precision: 0, recall: 0, support: 10 },
    });
    expect(result.fallbackRate).toBe(1);
    expect(result.accuracyAboveThreshold).toBe(0);
  });

  it("tests each document once, with a classifier trained on the other folds only", () => {
    // Prepare
    const rounds: Array<{ trainedOn: string[]; tested: string[] }> = [];
    const train = (training: LabeledText[]): TextClassifier => {
      const round = { trainedOn: training.map((d) => d.text), tested: [] as string[] };
      rounds.push(round);
      return {
        labels: [],
        classify: (text) => {
          round.tested.push(text);
          return [];
        },
      };
    };

    // Act
    crossValidate(SEPARABLE, train, { folds: 5 });

    // Assess
    expect(rounds).toHaveLength(5);
    for (const { trainedOn, tested } of rounds) {
      expect(trainedOn).toHaveLength(16);
      expect(tested.filter((t) => trainedOn.includes(t))).toEqual([]);
    }
    expect(rounds.flatMap((r) => r.tested).sort()).toEqual(SEPARABLE.map((d) => d.text).sort());
  });
});

describe("formatEvaluation", () => {
  it("shows the headline accuracy and a row per class in the table and the confusion matrix", () => {
    // Prepare
    const evaluation = crossValidate(SEPARABLE, (training) => softmaxClassifier(trainSoftmax(training, { epochs: 20 })), {
      folds: 5,
      threshold: 0.5,
    });

    // Act
    const text = formatEvaluation("email-intents", evaluation);

    // Assess
    expect(text).toContain("email-intents: 5-fold cross-validated accuracy 100.0% over 20 documents");
    expect(text).toContain("fallback rate at threshold 0.5: 0.0% (accuracy of the rest: 100.0%)");
    expect(text).toMatch(/^ {2}FRUIT\s+100\.0%\s+100\.0%\s+10$/m);
    expect(text).toMatch(/^ {2}SPACE\s+100\.0%\s+100\.0%\s+10$/m);
    expect(text).toMatch(/^ {2}FRUIT\s+10\s+0$/m);
    expect(text).toMatch(/^ {2}SPACE\s+0\s+10$/m);
  });
});
