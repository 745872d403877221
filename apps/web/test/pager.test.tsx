import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Pager } from '../src/components/Pager';

const render = (page: number, total: number, noun?: string) =>
  renderToStaticMarkup(<Pager page={page} pageSize={20} total={total} onPage={() => {}} noun={noun} />);
const disabled = (html: string) =>
  [...html.matchAll(/<button[^>]*?(disabled="")?[^>]*>(← Prev|Next →)<\/button>/g)]
    .filter((m) => m[0].includes('disabled'))
    .map((m) => m[2]);

describe('Pager', () => {
  it('counts the rows shown and blocks the ends', () => {
    expect(render(0, 45, 'questions')).toContain('1–20 of 45 questions');
    expect(disabled(render(0, 45))).toEqual(['← Prev']);
    expect(render(1, 45)).toContain('21–40 of 45');
    expect(disabled(render(1, 45))).toEqual([]);
    expect(render(2, 45)).toContain('41–45 of 45');
    expect(disabled(render(2, 45))).toEqual(['Next →']);
  });

  it('shows an empty list as 0–0 with both ways blocked', () => {
    expect(render(0, 0)).toContain('0–0 of 0');
    expect(disabled(render(0, 0))).toEqual(['← Prev', 'Next →']);
  });
});
