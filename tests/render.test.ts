/** The render stage: safe HTML, absolute URLs, and summaries cut where a reader would cut them. */
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { markdownToHtml } from '../src/render/markdown.js';
import { sanitizeHtml } from '../src/render/sanitize.js';
import { cutAtWordBoundary, htmlToText, summarizeHtml } from '../src/render/summary.js';

const PAGE = 'https://rights.example.org/en/statements/release-them/';
const render = (markdown: string) => sanitizeHtml(markdownToHtml(markdown), PAGE, 100).html;
const dom = (html: string) => new JSDOM(`<body>${html}</body>`).window.document.body;

describe('sanitising', () => {
  it('keeps the article and drops what could run', () => {
    const html = render(
      [
        '# Heading',
        'Text with **bold** and a [link](https://example.org/a).',
        '<script>alert(1)</script><img src="x.jpg" onerror="alert(2)" alt="photo"><iframe src="https://evil.example/"></iframe>',
        '<a href="javascript:alert(3)">js</a> <a href="JaVaScRiPt&#x3A;alert(4)">entity</a> <a href="java\tscript:alert(5)">tab</a>',
        '<form action="https://evil.example/"><input name=q></form><style>body{}</style><p style="color:red">styled</p>',
        '<svg onload="alert(6)"></svg><object data="x.swf"></object><embed src="x.swf"><meta http-equiv="refresh" content="0"><base href="https://evil.example/">',
      ].join('\n\n'),
    );
    const body = dom(html);
    expect(body.querySelectorAll('script, iframe, form, input, style, svg, object, embed, meta, base')).toHaveLength(0);
    for (const element of body.querySelectorAll('*')) {
      for (const attribute of element.getAttributeNames()) expect(attribute).not.toMatch(/^on|^style$/);
    }
    for (const link of body.querySelectorAll('a[href]')) expect(link.getAttribute('href')).toMatch(/^https:/);
    expect(body.textContent).toContain('Text with bold and a link.');
    expect(body.querySelector('img')?.getAttribute('alt')).toBe('photo');
    expect(html).not.toContain(']]>');
  });

  it('makes relative links and image sources absolute, as a browser would on the article page', () => {
    const body = dom(render('[root](/en/reports/annual/) [up](../contact/) [here](sources.pdf) [abs](https://example.org/x)\n\n![A vigil](/images/vigil.jpg)'));
    expect([...body.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual([
      'https://rights.example.org/en/reports/annual/',
      'https://rights.example.org/en/statements/contact/',
      'https://rights.example.org/en/statements/release-them/sources.pdf',
      'https://example.org/x',
    ]);
    expect(body.querySelector('img')?.getAttribute('src')).toBe('https://rights.example.org/images/vigil.jpg');
  });

  it('allows raster data: images but not SVG or HTML data URLs', () => {
    const body = dom(render('![ok](data:image/png;base64,iVBORw0KGgo=) <img src="data:image/svg+xml;base64,PHN2Zz4=" alt="svg"> [x](data:text/html,<script>alert(1)</script>)'));
    expect([...body.querySelectorAll('img')].map((img) => img.getAttribute('src'))).toEqual(['data:image/png;base64,iVBORw0KGgo=']);
    expect(body.querySelector('a')?.hasAttribute('href') ?? false).toBe(false);
  });

  it('removes <bdo>, the markup form of a direction override, and keeps its text; <bdi> isolates stay', () => {
    const body = dom(render('Invoice <bdo dir="rtl">fdp.exe</bdo> from <bdi>مركز</bdi>.'));
    expect(body.querySelector('bdo')).toBeNull();
    expect(body.querySelector('bdi')?.textContent).toBe('مركز');
    expect(body.textContent).toContain('Invoice fdp.exe from');
  });
});

describe('summaries', () => {
  const english = '<p>The centre calls on the authorities to release the detained journalists without delay.</p>';
  const arabic = '<p>يدعو المركز السلطاتِ إلى الإفراج عن الصحفيين المحتجزين دون إبطاء، وضمان محاكمة عادلة.</p>';

  it('keeps a short text whole, without an ellipsis', () => {
    expect(summarizeHtml(english, 300, 'en')).toBe(english);
  });

  it('cuts English at a word boundary, closes open tags and ends with an ellipsis', () => {
    const summary = summarizeHtml('<p>The centre calls on the <strong>authorities to release</strong> them.</p>', 36, 'en');
    expect(summary).toBe('<p>The centre calls on the <strong>authorities…</strong></p>');
  });

  it('never breaks an Arabic word, and drops punctuation before the ellipsis', () => {
    const summary = summarizeHtml(arabic, 60, 'ar');
    const text = htmlToText(summary);
    expect(text.endsWith('…')).toBe(true);
    const words = text.slice(0, -1).split(' ');
    const original = htmlToText(arabic).split(' ');
    expect(words).toEqual(original.slice(0, words.length));
    expect(text.length).toBeLessThanOrEqual(61);
    expect(text).not.toMatch(/[،,]…$/);
  });

  it('never cuts inside an entity or a tag', () => {
    const summary = summarizeHtml('<p>Fish &amp; chips &lt;b&gt; and <a href="https://example.org/?a=1&amp;b=2">more words here</a></p>', 25, 'en');
    expect(summary).toBe('<p>Fish &amp; chips &lt;b&gt; and <a href="https://example.org/?a=1&amp;b=2">more…</a></p>');
    expect(dom(summary).textContent).toBe('Fish & chips <b> and more…');
  });

  it('leaves out headings, images, tables and code: only prose', () => {
    const summary = summarizeHtml('<h2>Background</h2><p><img src="https://x/y.jpg" alt="a">First words.</p><table><tr><td>cell</td></tr></table><pre><code>x</code></pre><p>Second.</p>', 300, 'en');
    expect(summary).toBe('<p>First words.</p><p>Second.</p>');
  });

  it('finds word boundaries with the language’s own segmentation', () => {
    expect(cutAtWordBoundary('والمعتقلين في السجون', 14, 'ar')).toBe('والمعتقلين في');
    expect(cutAtWordBoundary('Extraordinarily long', 5, 'en')).toBe('');
  });
});
