/**
 * The customer's own words from an email, for the classifiers, in time linear in the input and
 * bounded by the caps below whatever arrives (a body up to API Gateway's 10 MB, 4,000 nested
 * elements, binary noise): nothing here recurses over the input or runs a regular expression that
 * can backtrack beyond one bounded line.
 */

/** Of a body, only this much is looked at: a classifier reads 10 KB of text, and own words come first. */
export const MAX_SCANNED_CHARS = 1024 * 1024;
/** Markup handed to the HTML converter, after comments, head, style and script are dropped. */
export const MAX_HTML_CHARS = 64 * 1024;
/** Elements nested deeper than this are left out (html-to-text's limit; it recurses per level). */
export const MAX_HTML_DEPTH = 100;
/** Plain text searched for quoted history and signatures. */
export const MAX_TEXT_CHARS = 64 * 1024;
/** Lines longer than this are never a quote header or a signature, so they are not matched against those patterns. */
const MAX_MARKER_LINE_CHARS = 500;
const MAX_SUBJECT_CHARS = 2000;

const LOOKS_LIKE_HTML = /<(?:html|body|div|p|br|table|span|font|a)\b/i;

/** Starts of content no reader sees; each ends at the matching close (or, unterminated, at the end). */
const HIDDEN_START = /<!--|<(head|style|script|title)\b/gi;

/**
 * Drops comments and head, style, script and title elements, scanning forward only (each search
 * starts where the previous one ended), and stops once `maxChars` of markup are kept.
 */
export function visibleMarkup(html: string, maxChars = MAX_HTML_CHARS): string {
  const parts: string[] = [];
  let kept = 0;
  let position = 0;
  HIDDEN_START.lastIndex = 0;
  while (kept < maxChars) {
    const start = HIDDEN_START.exec(html);
    const end = start ? start.index : html.length;
    const part = html.slice(position, Math.min(end, position + (maxChars - kept)));
    parts.push(part);
    kept += part.length;
    if (!start) break;
    let resume: number;
    if (start[1] === undefined) {
      const close = html.indexOf("-->", start.index + 4);
      resume = close < 0 ? html.length : close + 3;
    } else {
      const closing = new RegExp(`</${start[1]}\\s*>`, "gi");
      closing.lastIndex = start.index + start[0].length;
      const close = closing.exec(html);
      resume = close ? close.index + close[0].length : html.length;
    }
    position = resume;
    HIDDEN_START.lastIndex = resume;
  }
  return parts.join("");
}

type Convert = typeof import("html-to-text").convert;
let converter: Promise<Convert> | undefined;

/** html-to-text (with htmlparser2 and its entity tables, about 200 KB) is loaded on the first HTML body. */
function loadConverter(): Promise<Convert> {
  converter ??= import("html-to-text").then(
    (m) => m.convert,
    (error: unknown) => {
      converter = undefined;
      throw error;
    },
  );
  return converter;
}

async function htmlToText(html: string): Promise<string> {
  const convert = await loadConverter();
  return convert(visibleMarkup(html), {
    wordwrap: false,
    limits: { maxInputLength: MAX_HTML_CHARS, maxDepth: MAX_HTML_DEPTH, ellipsis: " " },
    selectors: [
      { selector: "a", options: { ignoreHref: true } },
      { selector: "img", format: "skip" },
      // Outlook and Gmail wrap quoted history in these; it is someone else's text.
      { selector: "blockquote", format: "skip" },
      { selector: "div.gmail_quote", format: "skip" },
    ],
  });
}

/**
 * Lines that mail clients put above quoted history, and signature lines. Each pattern is anchored at
 * both ends, has one bounded wildcard at most, and only sees lines of at most MAX_MARKER_LINE_CHARS.
 */
const QUOTE_HEADER = [
  // On Mon, Jan 1, 2024 at 9:00 AM Bank <help@bank.example> wrote:  (and the same in other languages)
  /^(?:on|le|el|il|em|am|op|den|w dniu|dnia|pe)\s.{0,400}?(?:wrote|a écrit|écrit|escribió|ha scritto|scritto|escreveu|schrieb|schreef|skrev|pisze|napisał|kirjoitti)\s?:?$/iu,
  /^-{2,}\s?(?:original message|message d'origine|ursprüngliche nachricht|oprindelig besked|mensaje original|messaggio originale)\s?-{0,}$/iu,
  // From: Bank <help@bank.example>
  /^(?:from|von|de|van|da)\s?:.{0,300}[<[][^<>[\]]{0,300}[>\]]$/iu,
];
/** An Outlook header block: a From: line followed by Sent:/Date:/To:/Subject: lines. */
const HEADER_FROM = /^(?:from|von|de|van|da)\s?:/iu;
const HEADER_NEXT = /^(?:sent|date|to|subject|gesendet|datum|an|betreff|envoyé|à|objet|enviado|para|asunto)\s?:/iu;
const SIGNATURE = [
  /^(?:--|—|__)$/u,
  /^_{2,}$/u,
  /^(?:sent from|get outlook for|envoyé de|enviado desde|von meinem|verzonden vanaf|verstuurd vanaf)\s.{1,100}$/iu,
  /^(?:(?:best|kind|warm|warmest)\s)?(?:regards|wishes)[,.!]?$/iu,
  /^(?:cheers|sincerely|cordialement|mit freundlichen grüßen|met vriendelijke groet)[,.!]?$/iu,
];

function isMarker(line: string, next: string | undefined): boolean {
  if (line.length > MAX_MARKER_LINE_CHARS) return false;
  if (QUOTE_HEADER.some((p) => p.test(line)) || SIGNATURE.some((p) => p.test(line))) return true;
  // A header wrapped over two lines: "On Mon, Jan 1, 2024 at 9:00 AM Bank <help@bank.example>" / "wrote:".
  if (next !== undefined && next.length <= MAX_MARKER_LINE_CHARS && QUOTE_HEADER[0]!.test(`${line} ${next}`)) return true;
  return HEADER_FROM.test(line) && next !== undefined && HEADER_NEXT.test(next);
}

/**
 * The text above the first quote header or signature, without '>'-quoted lines; the whole text when
 * that would leave nothing (better something to classify than nothing).
 */
export function ownWords(text: string): string {
  const lines = text.slice(0, MAX_TEXT_CHARS).replace(/\r\n?/g, "\n").split("\n");
  const own: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (isMarker(line, lines[i + 1]?.trim())) break;
    if (!line.startsWith(">")) own.push(line);
  }
  const kept = own.join("\n");
  return kept.trim() ? kept : text.slice(0, MAX_TEXT_CHARS);
}

/** With the u flag, a surrogate half not paired with the other is a code point of its own, category Cs. */
const LONE_SURROGATE = /\p{Cs}/gu;

const collapse = (text: string) => text.replace(/\s+/g, " ").trim();

/**
 * The customer's own words from an email: HTML converted to text, quoted reply history and
 * signatures removed where that is safe, whitespace collapsed, subject first. The subject, when there
 * is one, is the first line and the body the second (neither holds a line break of its own): the
 * embedded model's features weight the subject by that shape (FeatureOptions.subjectWeight). Lone surrogates
 * become U+FFFD, so the text is valid UTF-8 for any backend.
 */
export async function emailToText(subject: string, body: string): Promise<string> {
  const scanned = body.slice(0, MAX_SCANNED_CHARS);
  const plain = LOOKS_LIKE_HTML.test(scanned) ? await htmlToText(scanned) : scanned;
  return [collapse(subject.slice(0, MAX_SUBJECT_CHARS)), collapse(ownWords(plain))].filter(Boolean).join("\n").replace(LONE_SURROGATE, "\uFFFD");
}

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): { text: string; truncated: boolean; bytes: number } {
  const buffer = new Uint8Array(maxBytes);
  const { read, written } = new TextEncoder().encodeInto(text, buffer);
  return { text: text.slice(0, read), truncated: read < text.length, bytes: written };
}
