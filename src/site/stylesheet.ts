/**
 * `feeds/feed.xsl`: one XSLT 1.0 stylesheet that a browser applies to an RSS
 * 2.0 or Atom 1.0 feed carrying `<?xml-stylesheet href="…/feed.xsl"
 * type="text/xsl"?>`, so that a person who opens a feed sees a readable page
 * (what a feed is, the address to copy into a reader, the latest items)
 * instead of raw XML. Feed readers ignore the processing instruction.
 *
 * The page takes its language and direction from the feed (RSS
 * `channel/language`, Atom `feed/@xml:lang`). Its interface text comes from
 * the i18next resources at build time: one `xsl:when` per resource language,
 * English otherwise, so a new language is only a resources entry. Dates are
 * formatted by templates generated from the platform's CLDR data
 * (`Intl.DateTimeFormat`), since XSLT 1.0 has no date functions.
 *
 * Nothing from a feed is ever output unescaped: HTML summaries are reduced to
 * text (tags dropped, the usual entities decoded, then written as a text
 * node), and only http(s) links become `href`s.
 */
import { resources } from '../i18n/resources.js';
import { IANAZone } from 'luxon';
import { RTL_LANGUAGES, translator } from '../i18n/index.js';

/** The language whose text is used when the feed's language has no resources (i18next's fallbackLng). */
const FALLBACK_LANGUAGE = 'en';

/** Interface strings of the page, under `page.feed.` in the resources. */
const FEED_TEXT_KEYS = ['badge', 'whatIsThis', 'explanation', 'subscribe', 'howTo', 'visitSite', 'latest', 'empty', 'untitled'] as const;

/** Longest summary shown, in characters, and the longest HTML read to find it. */
const SUMMARY_LIMIT = 600;
const SUMMARY_HTML_LIMIT = 4000;

/** Elements after which a space separates the text of an HTML summary. */
const BLOCK_ELEMENTS = ['p', 'br', 'li', 'ul', 'ol', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'hr', 'table', 'tr', 'td', 'th', 'dd', 'dt', 'figure', 'figcaption', 'section'];

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';

/** Escapes text for an XML text node or a double-quoted attribute. */
function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An XPath 1.0 string literal (no escape syntax exists: pick the quote the text lacks), escaped for an attribute. */
function xpathString(text: string): string {
  if (!text.includes("'")) return xml(`'${text}'`);
  if (!text.includes('"')) return xml(`"${text}"`);
  const pieces = text.split("'").map((piece) => `'${piece}'`);
  return xml(`concat(${pieces.join(`, "'", `)})`);
}

type DatePart = { readonly kind: 'literal'; readonly text: string } | { readonly kind: 'day' | 'month' | 'year' };

interface DateStyle {
  /** The order and punctuation of a long date, or undefined to show the ISO date. */
  readonly parts?: readonly DatePart[];
  /** Month names in the form they take inside a date, January first. */
  readonly months: readonly string[];
  /** The language's ten digits, zero first. */
  readonly digits: string;
}

/** How `lang` writes a long Gregorian date, from CLDR (the same style as `formatDate` in src/i18n). */
function dateStyleOf(lang: string): DateStyle {
  const format = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC', calendar: 'gregory' });
  const months = Array.from({ length: 12 }, (_, month) => format.formatToParts(new Date(Date.UTC(2026, month, 14))).find((part) => part.type === 'month')?.value ?? String(month + 1));
  const numbers = new Intl.NumberFormat(lang, { useGrouping: false });
  const localDigits = Array.from({ length: 10 }, (_, digit) => numbers.format(digit));
  const digits = localDigits.every((digit) => [...digit].length === 1) ? localDigits.join('') : '0123456789';
  const parts: DatePart[] = [];
  for (const part of format.formatToParts(new Date(Date.UTC(2026, 2, 14)))) {
    if (part.type === 'literal') parts.push({ kind: 'literal', text: part.value });
    else if (part.type === 'day' || part.type === 'month' || part.type === 'year') parts.push({ kind: part.type });
    else return { months, digits };
  }
  return { parts, months, digits };
}

interface UiLanguage {
  readonly code: string;
  readonly text: Readonly<Record<(typeof FEED_TEXT_KEYS)[number], string>>;
  readonly date: DateStyle;
}

function uiLanguage(code: string): UiLanguage {
  const t = translator(code);
  const text = Object.fromEntries(FEED_TEXT_KEYS.map((key) => [key, t(`page.feed.${key}`)])) as UiLanguage['text'];
  return { code, text, date: dateStyleOf(code) };
}

/** Resource languages, the fallback last (it is the `xsl:otherwise`). */
function uiLanguages(): UiLanguage[] {
  const codes = Object.keys(resources).filter((code) => code !== FALLBACK_LANGUAGE);
  return [...codes, FALLBACK_LANGUAGE].map(uiLanguage);
}

/** `<xsl:choose>` with one branch per language, the fallback as `otherwise`. */
function perLanguage(languages: readonly UiLanguage[], body: (language: UiLanguage) => string): string {
  const branches = languages.map((language) =>
    language.code === FALLBACK_LANGUAGE
      ? `<xsl:otherwise>${body(language)}</xsl:otherwise>`
      : `<xsl:when test="$lang = ${xpathString(language.code.toLowerCase())} or $primary = ${xpathString(language.code.toLowerCase())}">${body(language)}</xsl:when>`,
  );
  return `<xsl:choose>${branches.join('')}</xsl:choose>`;
}

function textVariables(languages: readonly UiLanguage[]): string {
  return FEED_TEXT_KEYS.map((key) => `  <xsl:variable name="t.${key}">${perLanguage(languages, (language) => `<xsl:text>${xml(language.text[key])}</xsl:text>`)}</xsl:variable>`).join('\n');
}

function digitsOf(value: string, style: DateStyle): string {
  return style.digits === '0123456789' ? value : `translate(${value}, '0123456789', ${xpathString(style.digits)})`;
}

/** The body of `format-date` for one language: `$year`, `$month` (1–12) and `$day` are set. */
function dateBody(language: UiLanguage): string {
  const style = language.date;
  if (!style.parts) return '<xsl:value-of select="$iso"/>';
  return style.parts
    .map((part) => {
      switch (part.kind) {
        case 'literal':
          return `<xsl:text>${xml(part.text)}</xsl:text>`;
        case 'day':
          return `<xsl:value-of select="${digitsOf('string($day)', style)}"/>`;
        case 'year':
          return `<xsl:value-of select="${digitsOf('$year', style)}"/>`;
        case 'month':
          return `<xsl:choose>${style.months.map((name, index) => `<xsl:when test="$month = ${index + 1}"><xsl:text>${xml(name)}</xsl:text></xsl:when>`).join('')}</xsl:choose>`;
      }
    })
    .join('');
}

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #ffffff; color: #1b1b1b; font: 1.0625rem/1.65 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans Arabic", "DejaVu Sans", sans-serif; }
main { max-width: 46rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
a { color: #0b50c0; }
a:visited { color: #5b2d9c; }
a:focus-visible { outline: 3px solid #0b50c0; outline-offset: 2px; }
h1 { font-size: 1.9rem; line-height: 1.25; margin: 0.25rem 0 0.5rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 0.75rem; }
h3 { font-size: 1.1rem; margin: 1rem 0 0.25rem; }
.badge { display: inline-block; margin: 0; padding: 0.1rem 0.6rem; border-radius: 999px; background: #1b1b1b; color: #ffffff; font-size: 0.85rem; font-weight: 600; }
.description { color: #3d3d3d; margin: 0 0 0.5rem; }
.about { margin-top: 1.5rem; padding: 0.25rem 1.25rem 1rem; border: 1px solid #c5d3e8; border-radius: 0.5rem; background: #f2f6fc; }
.about h2 { margin-top: 0.75rem; }
.address code { display: block; padding: 0.5rem 0.75rem; border: 1px solid #9fb3d1; border-radius: 0.35rem; background: #ffffff; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.95rem; overflow-wrap: anywhere; text-align: left; user-select: all; }
.items { list-style: none; margin: 0; padding: 0; }
.items li { padding: 0.75rem 0 1rem; border-bottom: 1px solid #dddddd; }
.items h3 { margin: 0; }
.date { margin: 0.15rem 0 0.35rem; color: #4a4a4a; font-size: 0.95rem; }
.summary { margin: 0; }
`;

/** From 1970 to 2100: the range whose offsets the stylesheet carries; outside it, the nearest offset. */
const ZONE_TABLE_YEARS = { from: 1970, to: 2100 } as const;
const MINUTE = 60_000;
/** How far apart the offset is sampled before a change is narrowed to its minute: no zone changes and changes back within a week. */
const STEP = 7 * 1440 * MINUTE;

/** The zone's offset from UTC at an instant, in minutes. */
function offsetAt(zone: IANAZone, at: number): number {
  return zone.offset(at);
}

/**
 * Every change of the zone's offset in the range, as [minute since 1970, new
 * offset], with the offset in force at the start first: found a week at a time,
 * then to the minute.
 */
export function offsetChanges(timeZone: string): [number, number][] {
  const known = offsetTables.get(timeZone);
  if (known) return known;
  const zone = IANAZone.create(timeZone);
  const start = Date.UTC(ZONE_TABLE_YEARS.from, 0, 1);
  const end = Date.UTC(ZONE_TABLE_YEARS.to, 0, 1);
  const changes: [number, number][] = [[start / MINUTE, offsetAt(zone, start)]];
  let offset = offsetAt(zone, start);
  for (let day = start + STEP; day <= end + STEP; day += STEP) {
    if (offsetAt(zone, day) === offset) continue;
    let low = day - STEP;
    let high = day;
    while (high - low > MINUTE) {
      const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
      if (offsetAt(zone, middle) === offset) low = middle;
      else high = middle;
    }
    offset = offsetAt(zone, high);
    changes.push([high / MINUTE, offset]);
  }
  offsetTables.set(timeZone, changes);
  return changes;
}

const offsetTables = new Map<string, [number, number][]>();

/** The `xsl:when`s that give `$offset` for `$minute`, newest change first. */
function offsetTable(timeZone: string): string {
  const [first, ...later] = offsetChanges(timeZone);
  const whens = later.reverse().map(([minute, offset]) => `            <xsl:when test="$minute &gt;= ${minute}">${offset}</xsl:when>`);
  // An xsl:choose needs a when: a zone that never changed (UTC) has only its one offset.
  if (whens.length === 0) return `            <xsl:when test="true()">${first?.[1] ?? 0}</xsl:when>`;
  return [...whens, `            <xsl:otherwise>${first?.[1] ?? 0}</xsl:otherwise>`].join('\n');
}

/**
 * The XSLT 1.0 stylesheet, shipped as `feeds/feed.xsl`, showing dates in the
 * site's time zone. Deterministic: the same resources and zone give the same bytes.
 */
export function renderFeedStylesheet(timeZone = 'UTC'): string {
  const languages = uiLanguages();
  const rtl = ` ${RTL_LANGUAGES.join(' ')} `;
  const blocks = ` ${BLOCK_ELEMENTS.join(' ')} `;
  const months = 'janfebmaraprmayjunjulaugsepoctnovdec';
  return `<?xml version="1.0" encoding="utf-8"?>
<!-- Generated by nashra (src/site/stylesheet.ts): a browser shows an RSS or Atom feed that links this stylesheet as a readable page. Feed readers ignore it. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" indent="no" doctype-system="about:legacy-compat"/>

  <xsl:variable name="upper" select="${xpathString(UPPER)}"/>
  <xsl:variable name="lower" select="${xpathString(LOWER)}"/>

  <!-- The feed's language: RSS channel/language or Atom feed/@xml:lang, lower case; the fallback when it has none. -->
  <xsl:variable name="declaredLang" select="translate(normalize-space(/rss/channel/language | /atom:feed/@xml:lang), $upper, $lower)"/>
  <xsl:variable name="lang">
    <xsl:choose>
      <xsl:when test="$declaredLang != ''"><xsl:value-of select="$declaredLang"/></xsl:when>
      <xsl:otherwise>${FALLBACK_LANGUAGE}</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="primary" select="substring-before(concat($lang, '-'), '-')"/>
  <xsl:variable name="dir">
    <xsl:choose>
      <xsl:when test="contains(${xpathString(rtl)}, concat(' ', $primary, ' '))">rtl</xsl:when>
      <xsl:otherwise>ltr</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <!-- Interface text, from the i18next resources (page.feed.*). -->
${textVariables(languages)}

  <xsl:variable name="feedTitle">
    <xsl:choose>
      <xsl:when test="/atom:feed">
        <xsl:call-template name="atom-text"><xsl:with-param name="node" select="/atom:feed/atom:title"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="normalize-space(/rss/channel/title)"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="feedDescription">
    <xsl:choose>
      <xsl:when test="/atom:feed">
        <xsl:call-template name="atom-text"><xsl:with-param name="node" select="/atom:feed/atom:subtitle"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="normalize-space(/rss/channel/description)"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="selfLink" select="normalize-space((/rss/channel/atom:link[@rel = 'self'] | /atom:feed/atom:link[@rel = 'self'])[1]/@href)"/>
  <xsl:variable name="siteLink" select="normalize-space((/rss/channel/link | /atom:feed/atom:link[not(@rel) or @rel = 'alternate'][1]/@href)[1])"/>
  <xsl:variable name="selfLinkIsWeb" select="starts-with(translate($selfLink, $upper, $lower), 'https://') or starts-with(translate($selfLink, $upper, $lower), 'http://')"/>
  <xsl:variable name="siteLinkIsWeb" select="starts-with(translate($siteLink, $upper, $lower), 'https://') or starts-with(translate($siteLink, $upper, $lower), 'http://')"/>

  <xsl:template match="/">
    <html lang="{$lang}" dir="{$dir}">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$feedTitle"/><xsl:text> · </xsl:text><xsl:value-of select="$t.badge"/></title>
        <link rel="icon" href="data:,"/>
        <style>${xml(CSS)}</style>
      </head>
      <body>
        <main>
          <header>
            <p class="badge"><xsl:value-of select="$t.badge"/></p>
            <h1><xsl:value-of select="$feedTitle"/></h1>
            <xsl:if test="$feedDescription != ''"><p class="description"><xsl:value-of select="$feedDescription"/></p></xsl:if>
            <xsl:if test="$siteLinkIsWeb">
              <xsl:call-template name="link">
                <xsl:with-param name="href" select="$siteLink"/>
                <xsl:with-param name="text" select="$t.visitSite"/>
                <xsl:with-param name="wrap" select="'p'"/>
              </xsl:call-template>
            </xsl:if>
          </header>
          <section class="about" aria-labelledby="about-title">
            <h2 id="about-title"><xsl:value-of select="$t.whatIsThis"/></h2>
            <p><xsl:value-of select="$t.explanation"/></p>
            <xsl:if test="$selfLinkIsWeb">
              <h3><xsl:value-of select="$t.subscribe"/></h3>
              <p><xsl:value-of select="$t.howTo"/></p>
              <p class="address"><code dir="ltr"><xsl:value-of select="$selfLink"/></code></p>
            </xsl:if>
          </section>
          <section aria-labelledby="latest-title">
            <h2 id="latest-title"><xsl:value-of select="$t.latest"/></h2>
            <xsl:choose>
              <xsl:when test="/rss/channel/item | /atom:feed/atom:entry">
                <ol class="items"><xsl:apply-templates select="/rss/channel/item | /atom:feed/atom:entry"/></ol>
              </xsl:when>
              <xsl:otherwise><p><xsl:value-of select="$t.empty"/></p></xsl:otherwise>
            </xsl:choose>
          </section>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="item">
    <xsl:call-template name="entry">
      <xsl:with-param name="title" select="normalize-space(title)"/>
      <xsl:with-param name="href" select="normalize-space(link)"/>
      <xsl:with-param name="iso">
        <xsl:call-template name="local-date">
          <xsl:with-param name="instant"><xsl:call-template name="rfc822-date"><xsl:with-param name="text" select="normalize-space(pubDate)"/></xsl:call-template></xsl:with-param>
        </xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="rawDate" select="normalize-space(pubDate)"/>
      <xsl:with-param name="summary">
        <xsl:call-template name="html-to-text"><xsl:with-param name="html" select="string(description)"/></xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="atom:entry">
    <xsl:variable name="alternates" select="atom:link[not(@rel) or @rel = 'alternate']"/>
    <xsl:variable name="own" select="$alternates[not(@hreflang) or translate(@hreflang, $upper, $lower) = $lang]"/>
    <xsl:variable name="date" select="normalize-space((atom:published | atom:updated)[1])"/>
    <xsl:call-template name="entry">
      <xsl:with-param name="title">
        <xsl:call-template name="atom-text"><xsl:with-param name="node" select="atom:title"/></xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="href" select="normalize-space(($own | $alternates)[1]/@href)"/>
      <xsl:with-param name="iso">
        <xsl:call-template name="local-date"><xsl:with-param name="instant" select="$date"/></xsl:call-template>
      </xsl:with-param>
      <xsl:with-param name="rawDate" select="$date"/>
      <xsl:with-param name="summary">
        <xsl:call-template name="atom-text"><xsl:with-param name="node" select="atom:summary"/></xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- One item of the list, whatever the format. -->
  <xsl:template name="entry">
    <xsl:param name="title"/>
    <xsl:param name="href"/>
    <xsl:param name="iso"/>
    <xsl:param name="rawDate"/>
    <xsl:param name="summary"/>
    <xsl:variable name="text">
      <xsl:choose>
        <xsl:when test="normalize-space($title) != ''"><xsl:value-of select="$title"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$t.untitled"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <li>
      <article>
        <xsl:call-template name="link">
          <xsl:with-param name="href" select="$href"/>
          <xsl:with-param name="text" select="$text"/>
          <xsl:with-param name="wrap" select="'h3'"/>
        </xsl:call-template>
        <xsl:if test="$rawDate != ''">
          <p class="date"><xsl:call-template name="format-date"><xsl:with-param name="iso" select="$iso"/><xsl:with-param name="raw" select="$rawDate"/></xsl:call-template></p>
        </xsl:if>
        <xsl:variable name="plain" select="normalize-space($summary)"/>
        <xsl:if test="$plain != ''">
          <p class="summary">
            <xsl:choose>
              <xsl:when test="string-length($plain) &gt; ${SUMMARY_LIMIT}"><xsl:value-of select="concat(substring($plain, 1, ${SUMMARY_LIMIT}), '…')"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="$plain"/></xsl:otherwise>
            </xsl:choose>
          </p>
        </xsl:if>
      </article>
    </li>
  </xsl:template>

  <!-- A link in a p or h3 when href is http(s); the text alone otherwise (no javascript: or data: URL ever becomes a link). -->
  <xsl:template name="link">
    <xsl:param name="href"/>
    <xsl:param name="text"/>
    <xsl:param name="wrap"/>
    <xsl:variable name="scheme" select="translate(substring-before($href, ':'), $upper, $lower)"/>
    <xsl:element name="{$wrap}">
      <xsl:choose>
        <xsl:when test="($scheme = 'https' or $scheme = 'http') and starts-with(substring-after($href, ':'), '//')">
          <a href="{$href}"><xsl:value-of select="$text"/></a>
        </xsl:when>
        <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
      </xsl:choose>
    </xsl:element>
  </xsl:template>

  <!-- Atom text constructs as plain text: type="html" has its markup removed. -->
  <xsl:template name="atom-text">
    <xsl:param name="node"/>
    <xsl:choose>
      <xsl:when test="$node/@type = 'html'">
        <xsl:call-template name="html-to-text"><xsl:with-param name="html" select="string($node)"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="normalize-space($node)"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "Tue, 06 Oct 2026 09:00:00 GMT" to "2026-10-06"; empty when it is not of that shape. -->
  <xsl:template name="rfc822-date">
    <xsl:param name="text"/>
    <xsl:variable name="rest">
      <xsl:choose>
        <xsl:when test="contains($text, ',')"><xsl:value-of select="normalize-space(substring-after($text, ','))"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="day" select="substring-before($rest, ' ')"/>
    <xsl:variable name="afterDay" select="substring-after($rest, ' ')"/>
    <xsl:variable name="monthName" select="translate(substring-before($afterDay, ' '), $upper, $lower)"/>
    <xsl:variable name="year" select="substring-before(concat(substring-after($afterDay, ' '), ' '), ' ')"/>
    <xsl:variable name="offset" select="string-length(substring-before(${xpathString(months)}, $monthName))"/>
    <xsl:if test="string-length($monthName) = 3 and contains(${xpathString(months)}, $monthName) and $offset mod 3 = 0 and string-length($year) = 4 and number($year) = number($year) and number($day) &gt;= 1 and number($day) &lt;= 31">
      <xsl:variable name="time" select="substring-before(concat(substring-after(substring-after($afterDay, ' '), ' '), ' '), ' ')"/>
      <xsl:variable name="zone" select="normalize-space(substring-after(substring-after(substring-after($afterDay, ' '), ' '), ' '))"/>
      <xsl:value-of select="concat($year, '-', format-number($offset div 3 + 1, '00'), '-', format-number($day, '00'))"/>
      <xsl:if test="string-length($time) = 8 and ($zone = 'GMT' or $zone = 'UT' or $zone = 'Z' or $zone = '+0000')"><xsl:value-of select="concat('T', $time, 'Z')"/></xsl:if>
    </xsl:if>
  </xsl:template>

  <!--
    An instant written in UTC (YYYY-MM-DDTHH:MM:SSZ) as the date it is in the site's time zone
    (${xml(timeZone)}); the first ten characters of anything else. XSLT 1.0 has no dates: days are
    counted from 1970 (H. Hinnant's civil-calendar arithmetic) and the zone's offsets are a table.
  -->
  <xsl:template name="local-date">
    <xsl:param name="instant"/>
    <xsl:variable name="text" select="string($instant)"/>
    <xsl:choose>
      <xsl:when test="string-length($text) = 20 and substring($text, 11, 1) = 'T' and substring($text, 20, 1) = 'Z' and number(translate($text, '-T:Z', '')) = number(translate($text, '-T:Z', ''))">
        <xsl:variable name="y" select="number(substring($text, 1, 4)) - number(number(substring($text, 6, 2)) &lt;= 2)"/>
        <xsl:variable name="m" select="number(substring($text, 6, 2))"/>
        <xsl:variable name="era" select="floor($y div 400)"/>
        <xsl:variable name="yoe" select="$y - $era * 400"/>
        <xsl:variable name="doy" select="floor((153 * ($m + 9 - 12 * number($m &gt; 2)) + 2) div 5) + number(substring($text, 9, 2)) - 1"/>
        <xsl:variable name="days" select="$era * 146097 + $yoe * 365 + floor($yoe div 4) - floor($yoe div 100) + $doy - 719468"/>
        <xsl:variable name="minute" select="$days * 1440 + number(substring($text, 12, 2)) * 60 + number(substring($text, 15, 2))"/>
        <xsl:variable name="offset">
          <xsl:choose>
${offsetTable(timeZone)}
          </xsl:choose>
        </xsl:variable>
        <xsl:variable name="z" select="floor(($minute + number($offset)) div 1440) + 719468"/>
        <xsl:variable name="era2" select="floor($z div 146097)"/>
        <xsl:variable name="doe" select="$z - $era2 * 146097"/>
        <xsl:variable name="yoe2" select="floor(($doe - floor($doe div 1460) + floor($doe div 36524) - floor($doe div 146096)) div 365)"/>
        <xsl:variable name="doy2" select="$doe - (365 * $yoe2 + floor($yoe2 div 4) - floor($yoe2 div 100))"/>
        <xsl:variable name="mp" select="floor((5 * $doy2 + 2) div 153)"/>
        <xsl:variable name="month" select="$mp + 3 - 12 * number($mp &gt;= 10)"/>
        <xsl:variable name="year" select="$yoe2 + $era2 * 400 + number($month &lt;= 2)"/>
        <xsl:value-of select="concat(format-number($year, '0000'), '-', format-number($month, '00'), '-', format-number($doy2 - floor((153 * $mp + 2) div 5) + 1, '00'))"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="substring($text, 1, 10)"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A YYYY-MM-DD date as the page's language writes it, in a time element; the raw text when it is not a date. -->
  <xsl:template name="format-date">
    <xsl:param name="iso"/>
    <xsl:param name="raw"/>
    <xsl:variable name="year" select="substring($iso, 1, 4)"/>
    <xsl:variable name="month" select="number(substring($iso, 6, 2))"/>
    <xsl:variable name="day" select="number(substring($iso, 9, 2))"/>
    <xsl:choose>
      <xsl:when test="string-length($iso) = 10 and substring($iso, 5, 1) = '-' and substring($iso, 8, 1) = '-' and number($year) = number($year) and $month &gt;= 1 and $month &lt;= 12 and $day &gt;= 1 and $day &lt;= 31">
        <time datetime="{$iso}">${perLanguage(languages, dateBody)}</time>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$raw"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- HTML to plain text: tags dropped (a space after block elements), the usual entities decoded, spaces collapsed. -->
  <xsl:template name="html-to-text">
    <xsl:param name="html"/>
    <xsl:variable name="stripped">
      <xsl:call-template name="strip-tags"><xsl:with-param name="html" select="substring($html, 1, ${SUMMARY_HTML_LIMIT})"/></xsl:call-template>
    </xsl:variable>
    <xsl:variable name="lt"><xsl:call-template name="replace"><xsl:with-param name="text" select="string($stripped)"/><xsl:with-param name="from" select="'&amp;lt;'"/><xsl:with-param name="to" select="'&lt;'"/></xsl:call-template></xsl:variable>
    <xsl:variable name="gt"><xsl:call-template name="replace"><xsl:with-param name="text" select="string($lt)"/><xsl:with-param name="from" select="'&amp;gt;'"/><xsl:with-param name="to" select="'&gt;'"/></xsl:call-template></xsl:variable>
    <xsl:variable name="quot"><xsl:call-template name="replace"><xsl:with-param name="text" select="string($gt)"/><xsl:with-param name="from" select="'&amp;quot;'"/><xsl:with-param name="to" select="'&quot;'"/></xsl:call-template></xsl:variable>
    <xsl:variable name="apos"><xsl:call-template name="replace"><xsl:with-param name="text" select="string($quot)"/><xsl:with-param name="from" select="'&amp;#39;'"/><xsl:with-param name="to" select="&quot;'&quot;"/></xsl:call-template></xsl:variable>
    <xsl:variable name="nbsp"><xsl:call-template name="replace"><xsl:with-param name="text" select="string($apos)"/><xsl:with-param name="from" select="'&amp;nbsp;'"/><xsl:with-param name="to" select="'&#160;'"/></xsl:call-template></xsl:variable>
    <xsl:variable name="amp"><xsl:call-template name="replace"><xsl:with-param name="text" select="string($nbsp)"/><xsl:with-param name="from" select="'&amp;amp;'"/><xsl:with-param name="to" select="'&amp;'"/></xsl:call-template></xsl:variable>
    <xsl:value-of select="normalize-space($amp)"/>
  </xsl:template>

  <xsl:template name="strip-tags">
    <xsl:param name="html"/>
    <xsl:choose>
      <xsl:when test="contains($html, '&lt;')">
        <xsl:value-of select="substring-before($html, '&lt;')"/>
        <xsl:variable name="tag" select="substring-before(substring-after($html, '&lt;'), '&gt;')"/>
        <xsl:variable name="name" select="translate(substring-before(concat(normalize-space(translate($tag, '/', ' ')), ' '), ' '), $upper, $lower)"/>
        <xsl:if test="contains(${xpathString(blocks)}, concat(' ', $name, ' '))"><xsl:text> </xsl:text></xsl:if>
        <xsl:call-template name="strip-tags"><xsl:with-param name="html" select="substring-after(substring-after($html, '&lt;'), '&gt;')"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$html"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="replace">
    <xsl:param name="text"/>
    <xsl:param name="from"/>
    <xsl:param name="to"/>
    <xsl:choose>
      <xsl:when test="contains($text, $from)">
        <xsl:value-of select="substring-before($text, $from)"/>
        <xsl:value-of select="$to"/>
        <xsl:call-template name="replace">
          <xsl:with-param name="text" select="substring-after($text, $from)"/>
          <xsl:with-param name="from" select="$from"/>
          <xsl:with-param name="to" select="$to"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
`;
}
