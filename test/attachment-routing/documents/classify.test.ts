import { classifyDocumentText, MAX_DOCUMENT_TEXT_BYTES } from "../../../functions/attachment-routing/core/documents";
import { softmaxClassifier, TextClassifier } from "../../../functions/shared/classifier/model";
import { trainCorpusModel } from "../../../scripts/training/train";
import { SAMPLE_TEXTS } from "../../support/documents";

const classifier = softmaxClassifier(trainCorpusModel("document-types"));

describe("classifyDocumentText with the document-types model", () => {
  it.each([
    ["Invoice", SAMPLE_TEXTS.invoice],
    ["Complaint", SAMPLE_TEXTS.complaint],
    ["ClaimForm", SAMPLE_TEXTS.claim],
    ["Other", SAMPLE_TEXTS.statement],
  ])("classifies a sample as %s", (label, lines) => {
    const result = classifyDocumentText(lines.join("\n"), classifier);
    expect(result.documentType).toBe(label);
    expect(result.confidence).toBeGreaterThan(0.6);
    expect(result.confidence).toBeLessThanOrEqual(1);
    expect(result.textTruncated).toBe(false);
  });

  it("classifies OCR-like text with line breaks and noise", () => {
    const ocr = "Invoice No. 4471\n\nDATE 03/15/2024\nSubtota1 $943.00\nSales Tax $77.80\nTotal Due $1,020.80\nRemit payment within 30 days";
    expect(classifyDocumentText(ocr, classifier).documentType).toBe("Invoice");
  });

  it("returns no type for blank text", () => {
    expect(classifyDocumentText(" \n\t ", classifier)).toEqual({ documentType: null, confidence: 0, textBytes: 0, textTruncated: false });
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

  it("collapses whitespace, rounds the confidence and takes the best class", () => {
    const { seen, fake } = recording();
    expect(classifyDocumentText("  Total\n\n due\t$5 ", fake)).toEqual({ documentType: "B", confidence: 0.8765, textBytes: 12, textTruncated: false });
    expect(seen).toEqual(["Total due $5"]);
  });

  it("truncates to the byte limit without splitting a character", () => {
    const { seen, fake } = recording();
    const result = classifyDocumentText("é".repeat(MAX_DOCUMENT_TEXT_BYTES), fake);
    expect(result).toMatchObject({ textTruncated: true, textBytes: MAX_DOCUMENT_TEXT_BYTES });
    expect(seen[0]).toBe("é".repeat(MAX_DOCUMENT_TEXT_BYTES / 2));
    expect(classifyDocumentText("abcdef", fake, 4)).toMatchObject({ textBytes: 4, textTruncated: true });
  });

  it("fails loudly when the classifier returns nothing", () => {
    expect(() => classifyDocumentText("text", { labels: [], classify: () => [] })).toThrow(/no classes/);
  });
});
