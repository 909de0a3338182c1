// The page the preview webview shows: the server's HTML (`newsmark.render`) with its
// Content-Security-Policy replaced by one that lets exactly one script run, ours (it scrolls the
// page when the editor scrolls), by its nonce. The article is untrusted: the server escapes its
// raw HTML, and a script it managed to put in the page anyway would lack the nonce. No VS Code
// API here, so the unit tests run it in plain Node.

/** The webview's policy: nothing from the network but images; inline styles (the page's own
 * stylesheet); one script, ours. */
export function contentSecurityPolicy(nonce: string): string {
  return `default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'`;
}

const PAGE_POLICY = /<meta\s+http-equiv="Content-Security-Policy"[^>]*>/i;

/**
 * The script that scrolls the page: `{type: 'scroll', fraction}` scrolls it that fraction of
 * the way it can. The rendered HTML carries no source lines, so the editor's scroll position,
 * as a fraction (see {@link scrollFraction}), is the mapping there is: it keeps roughly the
 * same part of the article in view in both, exactly at the top and the bottom.
 */
function scrollScript(nonce: string, fraction: number): string {
  const start = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  return `<script nonce="${nonce}">
(() => {
  const scrollTo = (fraction) => {
    const room = document.documentElement.scrollHeight - window.innerHeight;
    window.scrollTo(0, Math.max(0, room) * fraction);
  };
  window.addEventListener('message', (event) => {
    const data = event.data;
    if (data && data.type === 'scroll' && typeof data.fraction === 'number') {
      scrollTo(Math.min(1, Math.max(0, data.fraction)));
    }
  });
  window.addEventListener('load', () => scrollTo(${start}));
})();
</script>
`;
}

/**
 * `page` (a standalone HTML page from the server) as the webview shows it: the page's policy
 * replaced with {@link contentSecurityPolicy}, and the scroll script, starting at `fraction`,
 * added at the end of the body.
 */
export function webviewHtml(page: string, nonce: string, fraction: number): string {
  const policy = `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(nonce)}">`;
  let html: string;
  const head = page.search(/<\/head>/i);
  const match = PAGE_POLICY.exec(page);
  if (match !== null && (head < 0 || match.index < head)) {
    html = page.slice(0, match.index) + policy + page.slice(match.index + match[0].length);
  } else {
    // Not the page the server makes: the policy goes first, before anything it could govern.
    const at = page.search(/<head[^>]*>/i);
    const end = at < 0 ? 0 : page.indexOf('>', at) + 1;
    html = page.slice(0, end) + policy + page.slice(end);
  }
  const body = html.toLowerCase().lastIndexOf('</body>');
  const script = scrollScript(nonce, fraction);
  return body < 0 ? html + script : html.slice(0, body) + script + html.slice(body);
}

/**
 * Where the editor is, from its visible lines (0-based, inclusive): how far it has scrolled, as
 * a fraction of how far it can. 0 at the top, 1 when the last line is in view, so both ends of
 * the article line up with both ends of the page.
 */
export function scrollFraction(firstVisible: number, lastVisible: number, lineCount: number): number {
  const room = lineCount - (lastVisible - firstVisible + 1);
  if (room <= 0 || firstVisible <= 0) {
    return 0;
  }
  return Math.min(1, firstVisible / room);
}

/** A page to show when the server cannot render (not running, or an error). */
export function messagePage(message: string): string {
  const text = message.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"></head><body><p style="font-family: sans-serif; opacity: 0.8">${text}</p></body></html>`;
}
