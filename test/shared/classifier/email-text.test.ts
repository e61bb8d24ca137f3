import { emailToText, truncateUtf8 } from "../../../functions/shared/classifier/email-text";

describe("emailToText", () => {
  it("converts an HTML body to plain text", () => {
    // Prepare
    const body = "<html><body><p>I need help with my <b>529</b> plan.</p><div>Second&nbsp;line</div></body></html>";

    // Act
    const text = emailToText("Help", body);

    // Assess
    expect(text).toBe("Help\nI need help with my 529 plan. Second line");
  });

  it("drops quoted history that HTML mail clients wrap in blockquote or gmail_quote", () => {
    // Prepare
    const body = '<div>My own words</div><div class="gmail_quote">On Mon someone wrote: old</div><blockquote>their text</blockquote>';

    // Act
    const text = emailToText("Re: question", body);

    // Assess
    expect(text).toBe("Re: question\nMy own words");
  });

  it("removes an 'On ... wrote:' header and the '>' quoted lines under it", () => {
    // Prepare
    const body = "I want to roll over my 401k.\n\nOn Mon, Jan 1, 2024 at 9:00 AM Bank <help@bank.example> wrote:\n> How can we help?\n> Regards";

    // Act
    const text = emailToText("Roll over", body);

    // Assess
    expect(text).toBe("Roll over\nI want to roll over my 401k.");
  });

  it("removes quoted history with Windows line endings", () => {
    // Prepare
    const body = "Line one\r\nLine two\r\n\r\nOn Mon, Jan 1, 2024, Bank wrote:\r\n> old text";

    // Act
    const text = emailToText("Q", body);

    // Assess
    expect(text).toBe("Q\nLine one Line two");
  });

  it("removes everything from an '-----Original Message-----' separator on", () => {
    // Prepare
    const body = "My question is here.\n\n-----Original Message-----\nFrom: Bank\nSent: Monday\nSubject: old\n\nOld text here";

    // Act
    const text = emailToText("Q", body);

    // Assess
    expect(text).toBe("Q\nMy question is here.");
  });

  it("removes a signature after a '-- ' delimiter line", () => {
    // Prepare
    const body = "My question is here.\n\n-- \nJohn Smith\nAcme Corp";

    // Act
    const text = emailToText("Q", body);

    // Assess
    expect(text).toBe("Q\nMy question is here.");
  });

  it("removes a 'Sent from my iPhone' signature", () => {
    // Prepare
    const body = "My question is here.\n\nSent from my iPhone";

    // Act
    const text = emailToText("Q", body);

    // Assess
    expect(text).toBe("Q\nMy question is here.");
  });

  it("keeps the full text when stripping quotes would leave nothing", () => {
    // Prepare
    const body = "> only quoted\n> lines";

    // Act
    const text = emailToText("Q", body);

    // Assess
    expect(text).toBe("Q\n> only quoted > lines");
  });

  it("puts the subject first and collapses runs of whitespace", () => {
    // Prepare
    const subject = "  Fee   question ";
    const body = "   spaced    out \n\n text\t here  ";

    // Act
    const text = emailToText(subject, body);

    // Assess
    expect(text).toBe("Fee question\nspaced out text here");
  });

  it("omits an empty subject rather than leaving a blank first line", () => {
    // Act
    const text = emailToText("", "Just the body");

    // Assess
    expect(text).toBe("Just the body");
  });

  it("returns an empty string for an empty subject and body", () => {
    // Act
    const text = emailToText("", "");

    // Assess
    expect(text).toBe("");
  });
});

describe("truncateUtf8", () => {
  it("does not truncate text exactly at the byte limit", () => {
    // Prepare
    const text = "abcé"; // 3 + 2 = 5 bytes

    // Act
    const result = truncateUtf8(text, 5);

    // Assess
    expect(result).toEqual({ text: "abcé", truncated: false, bytes: 5 });
  });

  it("does not truncate text under the byte limit", () => {
    // Act
    const result = truncateUtf8("abc", 10);

    // Assess
    expect(result).toEqual({ text: "abc", truncated: false, bytes: 3 });
  });

  it("cuts ASCII text at the byte limit", () => {
    // Act
    const result = truncateUtf8("abcdef", 4);

    // Assess
    expect(result).toEqual({ text: "abcd", truncated: true, bytes: 4 });
  });

  it.each([
    ["é (2 bytes)", "é", 1],
    ["€ (3 bytes)", "€", 2],
    ["an emoji (4 bytes, surrogate pair)", "😀", 3],
  ])("never splits %s that straddles the limit", (_name, char, overhang) => {
    // Prepare
    const text = `a${char}b`;
    const maxBytes = 1 + overhang; // room for "a" plus all but one byte of the character

    // Act
    const result = truncateUtf8(text, maxBytes);

    // Assess
    expect(result).toEqual({ text: "a", truncated: true, bytes: 1 });
  });

  it.each([
    ["é", 2],
    ["€", 3],
    ["😀", 4],
  ])("keeps a whole %s that ends exactly at the limit", (char, size) => {
    // Prepare
    const text = `a${char}b`;

    // Act
    const result = truncateUtf8(text, 1 + size);

    // Assess
    expect(result).toEqual({ text: `a${char}`, truncated: true, bytes: 1 + size });
  });

  it("reports a byte count that matches the returned text and stays within the limit", () => {
    // Prepare
    const text = "é€😀".repeat(1000);
    const maxBytes = 1001;

    // Act
    const result = truncateUtf8(text, maxBytes);

    // Assess
    expect(result.truncated).toBe(true);
    expect(result.bytes).toBeLessThanOrEqual(maxBytes);
    expect(Buffer.byteLength(result.text, "utf8")).toBe(result.bytes);
    expect(text.startsWith(result.text)).toBe(true);
    expect(result.text).not.toMatch(/[\uD800-\uDBFF]$/); // no dangling high surrogate
  });
});
