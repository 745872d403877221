import { num } from '../lib/format';

export interface ShownPassage {
  id: string;
  title: string;
  text: string;
  score?: number;
  rank?: number;
  seenBefore?: boolean;
  isGold?: boolean;
}

/**
 * A retrieved passage. Title and text are corpus data, possibly with markup in them: they are
 * React text nodes, never HTML, so `<script>` shows as the characters it is.
 */
export function PassageCard({ passage, compact = false }: { passage: ShownPassage; compact?: boolean }) {
  const { title, text, score, rank, seenBefore, isGold } = passage;
  return (
    <article
      className={`passage${isGold ? ' passage-gold' : ''}${seenBefore ? ' passage-seen' : ''}${compact ? ' compact' : ''}`}
      data-testid="passage"
      data-passage-id={passage.id}
    >
      <header className="passage-head">
        {rank !== undefined && <span className="passage-rank">#{rank + 1}</span>}
        <span className="passage-title">{title}</span>
        <span className="passage-tags">
          {isGold && (
            <span className="tag tag-gold" title="A gold (supporting) passage of the question">
              gold
            </span>
          )}
          {isGold === false && <span className="tag tag-muted">not gold</span>}
          {seenBefore && (
            <span className="tag tag-seen" title="Already retrieved at an earlier step (duplicative)">
              seen before
            </span>
          )}
          {score !== undefined && (
            <span className="passage-score" title="BM25 score">
              BM25 {num(score, 2)}
            </span>
          )}
        </span>
      </header>
      <p className="passage-text">{text}</p>
    </article>
  );
}
