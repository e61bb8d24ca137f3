import { classifyDocumentText, MAX_DOCUMENT_TEXT_BYTES } from "../../../functions/attachment-routing/core/documents";
import { softmaxClassifier, TextClassifier } from "../../../functions/shared/classifier/model";
import { trainCorpusModel } from "../../../scripts/build/corpus-models";
import { SAMPLE_TEXTS } from "../../support/documents";

const classifier = softmaxClassifier(trainCorpusModel("document-types"));

describe("classifyDocumentText with the document-types model", () => {
  it.each([
    ["Invoice", SAMPLE_TEXTS.invoice],
    ["Complaint", SAMPLE_TEXTS.complaint],
    ["ClaimForm", SAMPLE_TEXTS.claim],
    ["Other", SAMPLE_TEXTS.statement],
  ])("classifies a sample as %s", async (label, lines) => {
    const result = await classifyDocumentText(lines.join("\n"), classifier);
    expect(result.documentType).toBe(label);
    expect(result.confidence).toBeGreaterThan(0.6);
    expect(result.confidence).toBeLessThanOrEqual(1);
    expect(result.textTruncated).toBe(false);
  });

  it("classifies OCR-like text with line breaks and noise", async () => {
    const ocr = "Invoice No. 4471\n\nDATE 03/15/2024\nSubtota1 $943.00\nSales Tax $77.80\nTotal Due $1,020.80\nRemit payment within 30 days";
    expect((await classifyDocumentText(ocr, classifier)).documentType).toBe("Invoice");
  });

  it("returns no type for blank text", async () => {
    await expect(classifyDocumentText(" \n\t ", classifier)).resolves.toEqual({ documentType: null, confidence: 0, scores: [], textBytes: 0, textTruncated: false });
  });
});

describe("classifyDocumentText input", () => {
  const recording = () => {
    const seen: string[] = [];
    const fake: TextClassifier = {
      labels: ["A", "B"],
      classify: (text) => {
        seen.push(text);
        return [
          { label: "B", score: 0.876543 },
          { label: "A", score: 0.123457 },
        ];
      },
    };
    return { seen, fake };
  };

  it("collapses whitespace, rounds the confidence and takes the best class", async () => {
    const { seen, fake } = recording();
    await expect(classifyDocumentText("  Total\n\n due\t$5 ", fake)).resolves.toEqual({
      documentType: "B",
      confidence: 0.8765,
      scores: [
        { label: "B", score: 0.876543 },
        { label: "A", score: 0.123457 },
      ],
      textBytes: 12,
      textTruncated: false,
    });
    expect(seen).toEqual(["Total due $5"]);
  });

  it("truncates to the byte limit without splitting a character", async () => {
    const { seen, fake } = recording();
    const result = await classifyDocumentText("é".repeat(MAX_DOCUMENT_TEXT_BYTES), fake);
    expect(result).toMatchObject({ textTruncated: true, textBytes: MAX_DOCUMENT_TEXT_BYTES });
    expect(seen[0]).toBe("é".repeat(MAX_DOCUMENT_TEXT_BYTES / 2));
    await expect(classifyDocumentText("abcdef", fake, 4)).resolves.toMatchObject({ textBytes: 4, textTruncated: true });
  });

  it("fails loudly when the classifier returns nothing", async () => {
    await expect(classifyDocumentText("text", { classify: () => [] })).rejects.toThrow(/no classes/);
  });

  it("takes an asynchronous backend (attachment-classify's) the same way, best class first", async () => {
    const backend = { name: "fake", classify: async () => [{ label: "A", score: 0.2 }, { label: "B", score: 0.8 }] };
    await expect(classifyDocumentText("Total due", backend)).resolves.toMatchObject({ documentType: "B", confidence: 0.8 });
  });
});
