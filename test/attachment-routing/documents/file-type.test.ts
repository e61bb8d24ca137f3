import { countTiffPages, detectFileType, firstTiffPages, typeFromFileName } from "../../../functions/attachment-routing/core/documents";
import { writeTiff } from "../../support/documents";

const bytes = (...values: number[]) => Uint8Array.from(values);
const ascii = (text: string) => Uint8Array.from(Buffer.from(text, "latin1"));

describe("detectFileType", () => {
  it.each([
    ["pdf", ascii("%PDF-1.7\n...")],
    ["pdf", ascii("\ufeff\n%PDF-1.4\n")],
    ["png", bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13)],
    ["jpeg", bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10)],
    ["tiff", bytes(0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0)],
    ["tiff", bytes(0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8)],
  ])("recognises %s", (type, data) => {
    expect(detectFileType(data)).toBe(type);
  });

  it.each([
    ["a ZIP (docx/xlsx)", bytes(0x50, 0x4b, 0x03, 0x04, 20, 0)],
    ["a GIF", ascii("GIF89a")],
    ["plain text", ascii("Dear team, please find attached")],
    ["a PDF header after the first KiB", new Uint8Array([...new Uint8Array(1100).fill(32), ...ascii("%PDF-1.7")])],
    ["an incomplete PNG signature", bytes(0x89, 0x50, 0x4e)],
    ["nothing", new Uint8Array(0)],
  ])("does not recognise %s", (_, data) => {
    expect(detectFileType(data)).toBeUndefined();
  });
});

describe("typeFromFileName", () => {
  it.each([
    ["scan.pdf", "pdf"],
    ["SCAN.PDF", "pdf"],
    ["photo.jpg", "jpeg"],
    ["photo.JPEG", "jpeg"],
    ["page.tif", "tiff"],
    ["page.tiff", "tiff"],
    ["image.png", "png"],
    ["letter.docx", undefined],
    ["archive.pdf.zip", undefined],
    ["README", undefined],
    ["constructor", undefined],
    ["x.toString", undefined],
  ])("%s -> %s", (name, type) => {
    expect(typeFromFileName(name)).toBe(type);
  });
});

describe("countTiffPages", () => {
  const page = { width: 2, height: 2, pixels: bytes(0, 255, 255, 0) };

  it("follows the image directory chain", () => {
    expect(countTiffPages(writeTiff([page]))).toBe(1);
    expect(countTiffPages(writeTiff([page, page, page]))).toBe(3);
  });

  it("returns undefined for a broken chain or a loop", () => {
    const tiff = writeTiff([page]);
    expect(countTiffPages(tiff.subarray(0, 20))).toBeUndefined();
    const looped = writeTiff([page]);
    const view = new DataView(looped.buffer);
    view.setUint32(8 + 2 + 11 * 12, 8, true);
    expect(countTiffPages(looped)).toBeUndefined();
    expect(countTiffPages(bytes(0x49, 0x49, 0x2a, 0x00, 0, 0, 0, 0))).toBeUndefined();
  });
});

describe("firstTiffPages", () => {
  const page = { width: 2, height: 2, pixels: bytes(0, 255, 255, 0) };

  it("ends the image directory chain after the pages kept, changing nothing else and not the original", () => {
    // Prepare
    const tiff = writeTiff([page, page, page]);
    const original = tiff.slice();

    // Act
    const copy = firstTiffPages(tiff, 2)!;

    // Assess
    const changed = [...copy].flatMap((byte, i) => (byte === original[i] ? [] : [i]));
    const changedSpan = Math.max(...changed) - Math.min(...changed) + 1;
    expect({ pages: countTiffPages(copy), length: copy.length, original: countTiffPages(tiff) }).toEqual({ pages: 2, length: tiff.length, original: 3 });
    expect(changedSpan).toBeLessThanOrEqual(4); // one 4-byte offset: the second directory's "next"
    expect(tiff).toEqual(original);
  });

  it("keeps every image when asked for as many or more", () => {
    const tiff = writeTiff([page, page]);
    expect(firstTiffPages(tiff, 2)).toEqual(tiff);
    expect(firstTiffPages(tiff, 9)).toEqual(tiff);
    expect(firstTiffPages(tiff, 2)).not.toBe(tiff);
  });

  it("cuts a big-endian chain", () => {
    // Prepare: "MM", 42, first directory at 8; two directories without entries, at 8 and 14.
    const tiff = bytes(0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8, 0, 0, 0, 0, 0, 14, 0, 0, 0, 0, 0, 0);

    // Act
    const copy = firstTiffPages(tiff, 1)!;

    // Assess
    expect([countTiffPages(tiff), countTiffPages(copy)]).toEqual([2, 1]);
  });

  it("refuses a broken chain and a page count that is not a positive integer", () => {
    expect(firstTiffPages(writeTiff([page]).subarray(0, 20), 1)).toBeUndefined();
    expect(() => firstTiffPages(writeTiff([page]), 0)).toThrow(RangeError);
    expect(() => firstTiffPages(writeTiff([page]), 1.5)).toThrow(/positive integer/);
  });
});
