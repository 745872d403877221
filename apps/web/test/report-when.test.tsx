import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { utcTime } from '../src/lib/format';
import { ReportWhen } from '../src/views/compare/ReportsPanel';

const text = (html: string) => html.replace(/<[^>]+>/g, '');

describe('when a report ran', () => {
  it('is the run’s own start time, in ISO form with its time zone, whatever the machine’s locale', () => {
    const html = renderToStaticMarkup(
      <ReportWhen ranAt="2026-11-23T16:42:07.347Z" createdAt="2026-12-06T10:35:00.000Z" />,
    );
    expect(text(html)).toBe('2026-11-23 16:42 UTC');
    expect(html).toContain('dateTime="2026-11-23T16:42:07.347Z"');
  });

  it('says it is the time the report was recorded here when the report gives no run time', () => {
    const html = renderToStaticMarkup(<ReportWhen ranAt={null} createdAt="2026-12-06T10:35:00.000Z" />);
    expect(text(html)).toBe('recorded here 2026-12-06 10:35 UTC');
  });

  it('writes any moment as YYYY-MM-DD HH:MM UTC, never a locale’s day/month order', () => {
    expect(utcTime('2026-01-02T03:04:59Z')).toBe('2026-01-02 03:04 UTC');
    expect(utcTime('2026-01-02T03:04:59+02:00')).toBe('2026-01-02 01:04 UTC');
    expect(utcTime(null)).toBe('—');
    expect(utcTime('not a time')).toBe('not a time');
  });
});
