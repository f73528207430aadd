/**
 * TextBlock text is markdown in Teams (bold, italic, lists, links; CommonMark backslash escapes work).
 * Values from AD (host names, SPNs, messages that quote them) and from the person asking must show as
 * typed, never as formatting or links: every such value goes through `md()` before it joins card text.
 */

/**
 * Characters that can open or close inline markdown anywhere in a line: escapes, code spans, emphasis,
 * strikethrough, links and images (`(` and `!` only act next to a bracket), autolinks/HTML, entities.
 * Kept minimal on purpose so copy-paste PowerShell reads the same where a client shows text raw.
 */
const INLINE_SPECIAL = /[\\`*_~[\]<&]/g;

/**
 * Escapes markdown in one line or several. Inline specials are backslash-escaped everywhere; line
 * starts that would open a block (list item, numbered list, quote, heading, setext/thematic rule) are
 * escaped too. `{{` is split so Adaptive Cards' {{DATE()}} / {{TIME()}} functions never trigger.
 */
export function escapeMarkdown(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(INLINE_SPECIAL, (c) => `\\${c}`)
        // Block openers at the start of a line: list items, setext/thematic rules, quotes, headings.
        .replace(/^(\s*)([-+=>#])/, '$1\\$2')
        // "1. x" / "1) x" numbered lists.
        .replace(/^(\s*\d+)([.)])/, '$1\\$2')
        // "{{DATE(…)}}" / "{{TIME(…)}}" are Adaptive Cards functions: split every "{{" with a zero-width space.
        .replace(/\{(?=\{)/g, '{\u200b'),
    )
    .join('\n');
}

/** Control characters (tabs and newlines included) as spaces: AD values are one line on a card. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this expression looks for
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}

/** Shortens to `max` characters with an ellipsis (never mid-escape: clip before escaping). */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}

/** An untrusted value for inline use in markdown: one line, at most `max` characters, escaped. */
export function md(value: string, max = 200): string {
  return escapeMarkdown(clip(oneLine(value), max));
}
