/**
 * Splits a chat message into plain text and web links, so that links can be drawn as anchors.
 * Only http(s) links: anything else (javascript:, file:, ferry:) stays text, so a message can never
 * run code or reach into the machine when clicked.
 */
export type ChatPiece =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'link'; readonly text: string; readonly href: string };

const LINK = /\bhttps?:\/\/[^\s<>"'`]+/gi;
// Punctuation that ends a sentence more often than it ends a URL ("see https://x.org.").
const TRAILING = /[.,;:!?)\]}'"»”’]+$/;

export function linkPieces(text: string): ChatPiece[] {
  const pieces: ChatPiece[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const start = match.index;
    let candidate = match[0];
    // Keep a closing parenthesis that closes one inside the link (Wikipedia-style URLs).
    const trailing = TRAILING.exec(candidate)?.[0] ?? '';
    if (trailing) candidate = candidate.slice(0, candidate.length - trailing.length);
    const opens = candidate.split('(').length - 1;
    const closes = candidate.split(')').length - 1;
    if (trailing.startsWith(')') && opens > closes) candidate += ')';
    const href = safeHref(candidate);
    if (!href) continue;
    if (start > last) pieces.push({ kind: 'text', text: text.slice(last, start) });
    pieces.push({ kind: 'link', text: candidate, href });
    last = start + candidate.length;
  }
  if (last < text.length) pieces.push({ kind: 'text', text: text.slice(last) });
  return pieces;
}

function safeHref(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}
