import EmailReplyParser from "email-reply-parser";
import { convert } from "html-to-text";

const LOOKS_LIKE_HTML = /<(html|body|div|p|br|table|span|font|a)\b[^>]*>/i;

function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: "a", options: { ignoreHref: true } },
      { selector: "img", format: "skip" },
      { selector: "style", format: "skip" },
      { selector: "script", format: "skip" },
      // Outlook and Gmail wrap quoted history in these; it is someone else's text.
      { selector: "blockquote", format: "skip" },
      { selector: "div.gmail_quote", format: "skip" },
    ],
  });
}

/**
 * The customer's own words from an email: HTML converted to text, quoted reply history and
 * signatures removed where that is safe (when stripping would leave nothing, the full text is
 * kept), whitespace collapsed, subject first.
 */
export function emailToText(subject: string, body: string): string {
  const plain = LOOKS_LIKE_HTML.test(body) ? htmlToText(body) : body;
  const visible = new EmailReplyParser().read(plain.replace(/\r\n?/g, "\n")).getVisibleText();
  const ownWords = visible.trim() ? visible : plain;
  return [subject, ownWords]
    .map((part) => part.replace(/\s+/g, " ").trim())
    .filter(Boolean)
    .join("\n");
}

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): { text: string; truncated: boolean; bytes: number } {
  const buffer = new Uint8Array(maxBytes);
  const { read, written } = new TextEncoder().encodeInto(text, buffer);
  return { text: text.slice(0, read), truncated: read < text.length, bytes: written };
}
