import sanitizeHtml from 'sanitize-html';

const options: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'span'],
  allowedAttributes: {
    a: ['href', 'title', 'target', 'rel'],
    img: ['src', 'alt', 'width', 'height'],
    '*': ['class'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  disallowedTagsMode: 'discard',
};

/**
 * Makes a product description safe to show on any channel: scripts, styles, event handlers, iframes and
 * `javascript:` links are removed, not escaped, so they are never stored. Returns whether anything was removed,
 * so the caller can tell the merchant.
 */
export function sanitizeDescription(html: string): { html: string; changed: boolean } {
  const clean = sanitizeHtml(html, options).trim();
  // Most descriptions are clean already (every one of a re-imported export is): nothing to compare then.
  if (clean === html) return { html: clean, changed: false };
  return { html: clean, changed: normalise(clean) !== normalise(html) };
}

/** Formatting differences (quotes, self-closing tags, whitespace) are not worth a warning. */
function normalise(html: string): string {
  return sanitizeHtml(html, { allowedTags: false, allowedAttributes: false, allowVulnerableTags: true })
    .replace(/\s+/g, ' ')
    .trim();
}
