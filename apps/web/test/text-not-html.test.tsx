import type { TraceStep } from '@steper/core';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { PassageCard } from '../src/components/PassageCard';
import { stepViews } from '../src/lib/trace';
import { StepCard } from '../src/views/explorer/StepCard';

const SCRIPT = '<script>window.__pwned = 1</script>';
const MARKUP = '<img src=x onerror="alert(1)"><b>bold</b>';

describe('passages and model outputs render as text, never as HTML', () => {
  it('shows a passage with a script tag and markup literally', () => {
    const html = renderToStaticMarkup(
      <PassageCard
        passage={{
          id: 'p1',
          title: `Title ${MARKUP}`,
          text: `Before ${SCRIPT} after`,
          score: 3.5,
          rank: 0,
          seenBefore: false,
          isGold: true,
        }}
      />,
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;b&gt;bold&lt;/b&gt;');
  });

  it('shows a step whose query, passage and reasoning carry markup literally', () => {
    const step: TraceStep = {
      step: 1,
      stage: 'init',
      query: `q ${MARKUP}`,
      retrieved: [{ id: 'p1', title: 'T', text: SCRIPT, score: 1, rank: 0, seenBefore: false }],
      accessibleIds: ['p1'],
      prompt: SCRIPT,
      output: SCRIPT,
      sentence: `r1 ${SCRIPT}`,
      retrievalMs: 1,
      generationMs: 1,
    };
    const [view] = stepViews({ steps: [step] } as never);
    const html = renderToStaticMarkup(<StepCard view={view!} focused={false} showPrompt />);
    expect(html).not.toMatch(/<script|<img|<b>/);
    expect(html.match(/&lt;script&gt;/g)?.length).toBe(3); // passage, reasoning, prompt
  });
});
