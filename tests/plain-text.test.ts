/**
 * `plainText`: what a title, a name, a tag or an alt text becomes, whatever an
 * editor pasted into it. Tag-free text, as WordPress makes feed titles.
 */
import { describe, expect, it } from 'vitest';
import { plainText } from '../src/render/plainText.js';
import { htmlToText } from '../src/render/summary.js';
import { markupRemoved } from '../src/load/plainFields.js';
import { englishText } from '../src/i18n/message.js';

describe('plainText', () => {
  it('keeps ordinary text as it is, Arabic and its direction marks included', () => {
    expect(plainText('Curfew lifted in Wadi Safi')).toBe('Curfew lifted in Wadi Safi');
    expect(plainText('بيان\u200F مشترك\u00A0حول الاحتجاز')).toBe('بيان\u200F مشترك\u00A0حول الاحتجاز');
  });

  it('removes tags and keeps the text between them', () => {
    expect(plainText('Omar <img src=x onerror=alert(1)> Saleh')).toBe('Omar Saleh');
    expect(plainText('Read <a href="javascript:alert(1)">the statement</a> now')).toBe('Read the statement now');
    expect(plainText('A <strong>bold</strong>er claim')).toBe('A bolder claim');
  });

  it('removes script and style elements with their content', () => {
    expect(plainText("<script>alert('x')</script> Curfew lifted")).toBe('Curfew lifted');
    expect(plainText('News<style>body{display:none}</style>')).toBe('News');
  });

  it('decodes character references once', () => {
    expect(plainText('Fish &amp; chips &#8211; &quot;today&quot;')).toBe('Fish & chips \u2013 "today"');
    expect(plainText('Written as &amp;lt;b&amp;gt;')).toBe('Written as &lt;b&gt;');
  });

  it('removes markup that appears only once references are decoded', () => {
    expect(plainText('&lt;script&gt;alert(1)&lt;/script&gt; Curfew')).toBe('Curfew');
    expect(plainText('Omar &#x3C;img src=x onerror=alert(1)&#x3E; Saleh')).toBe('Omar Saleh');
    expect(plainText('&#60;a href=javascript:alert(1)&#62;click&#60;/a&#62;')).toBe('click');
  });

  it('keeps a less-than sign that cannot start a tag', () => {
    expect(plainText('3 < 4 and 5 > 2')).toBe('3 < 4 and 5 > 2');
    expect(plainText('3 &lt; 4')).toBe('3 < 4');
  });

  it('never leaves the start of a tag, even a cut-off one', () => {
    for (const input of ['Title <img src=x onerror=alert(1)', 'a <!-- comment', '&lt;&lt;&lt;img src=x onerror=alert(1)&gt;', 'x &amp;lt;&lt;img&gt;']) {
      expect(plainText(input), input).not.toMatch(/<[a-z!/?]/i);
    }
  });

  it('keeps the words of a tag, comment or CDATA section left open at the end, without its <', () => {
    expect(plainText('Statement and <![CDATA[ in a title')).toBe('Statement and ![CDATA[ in a title');
    expect(plainText('Title <img src=x onerror=alert(1)')).toBe('Title img src=x onerror=alert(1)');
  });

  it('collapses whitespace, and block edges separate words', () => {
    expect(plainText('  Two\n\tlines  ')).toBe('Two lines');
    expect(plainText('<p>One</p><p>Two</p>')).toBe('One Two');
    expect(plainText('One<br>Two')).toBe('One Two');
  });
});

describe('the plain-text summary of summary HTML', () => {
  it('holds no markup even when the HTML shows markup as text', () => {
    expect(htmlToText('<p>Written as &lt;img src=x onerror=alert(1)&gt; in the text.</p>')).toBe('Written as in the text.');
  });
});

describe('the warning that markup was removed from a front-matter field', () => {
  it('names each plain-text field that held markup, with what is published instead', () => {
    const data = {
      title: 'Report <em>2026</em>',
      author: [{ name: 'Lina &lt;b&gt;Haddad&lt;/b&gt;' }, 'Omar Saleh'],
      categories: 'News/<script>x</script>',
      tags: ['ok', '<svg onload=alert(1)>'],
      image: { url: '/a.jpg', alt: 'A <b>photo</b>' },
    };
    expect(markupRemoved(data).map(({ field, message }) => `${field}: ${englishText(message)}`)).toEqual([
      'title: title holds markup, which is removed: published as "Report 2026"',
      'author.0.name: author.0.name holds markup, which is removed: published as "Lina Haddad"',
      'categories: categories holds markup, which is removed: published as "News/"',
      'tags.1: tags.1 is only markup and is left out',
      'image.alt: image.alt holds markup, which is removed: published as "A photo"',
    ]);
  });

  it('says nothing about text that only uses references or a lone less-than sign', () => {
    expect(markupRemoved({ title: 'Fish &amp; chips: 3 &lt; 4 and 5 < 6', tags: ['AT&T'] })).toEqual([]);
  });
});
