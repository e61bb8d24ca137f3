import { emailToText, MAX_HTML_CHARS, MAX_SCANNED_CHARS, ownWords, truncateUtf8, visibleMarkup } from "../../../functions/shared/classifier/email-text";

describe("emailToText", () => {
  it("converts an HTML body to plain text", async () => {
    // Prepare
    const body = "<html><body><p>I need help with my <b>529</b> plan.</p><div>Second&nbsp;line</div></body></html>";

    // Act
    const text = await emailToText("Help", body);

    // Assess
    expect(text).toBe("Help\nI need help with my 529 plan. Second line");
  });

  it("drops quoted history that HTML mail clients wrap in blockquote or gmail_quote", async () => {
    // Prepare
    const body = '<div>My own words</div><div class="gmail_quote">On Mon someone wrote: old</div><blockquote>their text</blockquote>';

    // Act
    const text = await emailToText("Re: question", body);

    // Assess
    expect(text).toBe("Re: question\nMy own words");
  });

  it("removes an 'On ... wrote:' header and the '>' quoted lines under it", async () => {
    // Prepare
    const body = "I want to roll over my 401k.\n\nOn Mon, Jan 1, 2024 at 9:00 AM Bank <help@bank.example> wrote:\n> How can we help?\n> Regards";

    // Act
    const text = await emailToText("Roll over", body);

    // Assess
    expect(text).toBe("Roll over\nI want to roll over my 401k.");
  });

  it("removes quoted history with Windows line endings", async () => {
    // Prepare
    const body = "Line one\r\nLine two\r\n\r\nOn Mon, Jan 1, 2024, Bank wrote:\r\n> old text";

    // Act
    const text = await emailToText("Q", body);

    // Assess
    expect(text).toBe("Q\nLine one Line two");
  });

  it("removes everything from an '-----Original Message-----' separator on", async () => {
    // Prepare
    const body = "My question is here.\n\n-----Original Message-----\nFrom: Bank\nSent: Monday\nSubject: old\n\nOld text here";

    // Act
    const text = await emailToText("Q", body);

    // Assess
    expect(text).toBe("Q\nMy question is here.");
  });

  it("removes a signature after a '-- ' delimiter line", async () => {
    // Prepare
    const body = "My question is here.\n\n-- \nJohn Smith\nAcme Corp";

    // Act
    const text = await emailToText("Q", body);

    // Assess
    expect(text).toBe("Q\nMy question is here.");
  });

  it("removes a 'Sent from my iPhone' signature", async () => {
    // Prepare
    const body = "My question is here.\n\nSent from my iPhone";

    // Act
    const text = await emailToText("Q", body);

    // Assess
    expect(text).toBe("Q\nMy question is here.");
  });

  it("keeps the full text when stripping quotes would leave nothing", async () => {
    // Prepare
    const body = "> only quoted\n> lines";

    // Act
    const text = await emailToText("Q", body);

    // Assess
    expect(text).toBe("Q\n> only quoted > lines");
  });

  it("puts the subject first and collapses runs of whitespace", async () => {
    // Prepare
    const subject = "  Fee   question ";
    const body = "   spaced    out \n\n text\t here  ";

    // Act
    const text = await emailToText(subject, body);

    // Assess
    expect(text).toBe("Fee question\nspaced out text here");
  });

  it("puts a subject on the first line and the whole body on the second, the shape featureTerms' subjectWeight reads", async () => {
    // Act
    const text = await emailToText("Roth\r\nquestion", "line one\r\nline two\n\nline three");

    // Assess
    expect(text.split("\n")).toEqual(["Roth question", "line one line two line three"]);
  });

  it("omits an empty subject rather than leaving a blank first line", async () => {
    // Act
    const text = await emailToText("", "Just the body");

    // Assess
    expect(text).toBe("Just the body");
  });

  it("returns an empty string for an empty subject and body", async () => {
    // Act
    const text = await emailToText("", "");

    // Assess
    expect(text).toBe("");
  });

  it("drops head, style, script, title and comments before converting HTML", async () => {
    // Prepare
    const body =
      "<html><head><title>Newsletter</title><style>p { color: red }</style></head><body><!-- tracking pixel -->" +
      "<script>alert('x')</script><p>Please roll over my 401k</p><STYLE type=text/css>.x{}</STYLE></body></html>";

    // Act
    const text = await emailToText("", body);

    // Assess
    expect(text).toBe("Please roll over my 401k");
  });

  it("keeps the words of HTML nested up to the depth limit and answers for 4,000 nested elements", async () => {
    // Prepare
    const shallow = "<div>".repeat(50) + "IRA rollover" + "</div>".repeat(50);
    const deep = "<div>".repeat(4000) + "hidden far down" + "</div>".repeat(4000);

    // Act
    const [fromShallow, fromDeep] = await Promise.all([emailToText("", shallow), emailToText("Subject", deep)]);

    // Assess
    expect(fromShallow).toBe("IRA rollover");
    expect(fromDeep).toBe("Subject");
  });

  it("cuts an 'On ... wrote:' header that the mail client wrapped over two lines", async () => {
    // Prepare
    const body = "Please change my 529 beneficiary.\n\nOn Mon, Jan 1, 2024 at 9:00 AM Bank Support <help@bank.example>\nwrote:\n> Hello";

    // Act
    const text = await emailToText("", body);

    // Assess
    expect(text).toBe("Please change my 529 beneficiary.");
  });

  it("cuts an Outlook header block (From:, then Sent:) and a 'From: name <address>' line", async () => {
    // Act
    const outlook = await emailToText("", "My IRA question.\n\nFrom: Bank Support\nSent: Monday, January 1, 2024\nTo: me\nOld text");
    const gmail = await emailToText("", "My 529 question.\n\nFrom: Bank Support <help@bank.example>\nOld text");

    // Assess
    expect([outlook, gmail]).toEqual(["My IRA question.", "My 529 question."]);
  });

  it("keeps a line that merely starts like a header", async () => {
    // Act
    const text = await emailToText("", "On Monday I opened an IRA.\nFrom: my old employer's plan, I want to move money.");

    // Assess
    expect(text).toBe("On Monday I opened an IRA. From: my old employer's plan, I want to move money.");
  });

  it("replaces lone surrogates so the text is valid UTF-8", async () => {
    // Act
    const text = await emailToText("\uD800 subject", "body \uDC00 end \uD83D\uDE00");

    // Assess
    expect(text).toBe("\uFFFD subject\nbody \uFFFD end \uD83D\uDE00");
    expect(Buffer.from(text, "utf8").toString("utf8")).toBe(text);
  });

  it("looks only at the first MAX_SCANNED_CHARS of a body", async () => {
    // Prepare
    const body = "a ".repeat(MAX_SCANNED_CHARS / 2) + "beyond";

    // Act
    const text = await emailToText("", body);

    // Assess
    expect(text).not.toContain("beyond");
  });
});

describe("visibleMarkup", () => {
  it("drops each hidden element up to its own closing tag, case-insensitively", () => {
    // Act / Assess
    expect(visibleMarkup("a<STYLE>x</style >b<script src=x></SCRIPT>c<!-- d -->e<head><title>t</title></head>f")).toBe("abcef");
  });

  it("drops everything after an unterminated comment, style or script", () => {
    // Act / Assess
    expect(visibleMarkup("keep<!-- never closed <p>lost</p>")).toBe("keep");
    expect(visibleMarkup("keep<style>p{} <p>lost</p>")).toBe("keep");
  });

  it("does not mistake <header> or <headline> for <head>", () => {
    // Act / Assess
    expect(visibleMarkup("<header>kept</header><headline>too</headline>")).toBe("<header>kept</header><headline>too</headline>");
  });

  it("keeps at most maxChars of markup, counting only what is kept", () => {
    // Act
    const kept = visibleMarkup("<style>" + "x".repeat(1000) + "</style>" + "y".repeat(MAX_HTML_CHARS * 2));

    // Assess
    expect(kept).toBe("y".repeat(MAX_HTML_CHARS));
  });

  it("handles a million unterminated openers in one forward pass", () => {
    // Act / Assess
    expect(visibleMarkup("<style".repeat(1_000_000))).toBe("");
    expect(visibleMarkup("<!--".repeat(1_000_000))).toBe("");
  });
});

describe("ownWords", () => {
  it("keeps the text above the first marker and skips '>' lines", () => {
    // Act / Assess
    expect(ownWords("> quoted first\nmy answer\n-- \nJohn")).toBe("my answer");
  });

  it("never matches a marker pattern against a line longer than any marker", () => {
    // Prepare: each line is a near-miss of a header pattern, long enough to make a backtracking pattern slow.
    const line = "On " + "a ".repeat(5000) + "wrot";

    // Act / Assess
    expect(ownWords(`${line}\n${line}`)).toBe(`${line}\n${line}`);
  });

  it("answers for the inputs that made the previous reply parser backtrack for seconds", () => {
    // Prepare
    const dutch = "Op x schreef y\n".repeat(5000);
    const polish = "W dniu x pisze y\n".repeat(5000);

    // Act / Assess
    expect(ownWords(dutch)).toBe(dutch.slice(0, 64 * 1024));
    expect(ownWords(polish)).toBe(polish.slice(0, 64 * 1024));
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
