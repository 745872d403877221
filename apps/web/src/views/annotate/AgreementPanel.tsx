import { type UseQueryResult, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { trpc } from '../../api/trpc';
import { Section } from '../../components/Section';
import { Empty, QueryState } from '../../components/States';
import { StatusBadge } from '../../components/StatusBadge';
import { allPairs } from '../../lib/agreement';
import { num, pct } from '../../lib/format';
import type { Dispute } from './reviewTypes';

/** Who annotated what, agreement between annotators, and the steps still to adjudicate. */
export function AgreementPanel({
  datasetId,
  disputes,
}: {
  datasetId: string;
  disputes: UseQueryResult<Dispute[], unknown>;
}) {
  const all = useQuery(trpc.annotations.list.queryOptions({ datasetId }));
  const stats = useMemo(() => {
    const rows = all.data ?? [];
    const perAnnotator = new Map<string, { accepted: number; rejected: number; edited: number }>();
    for (const r of rows) {
      const s = perAnnotator.get(r.annotator) ?? { accepted: 0, rejected: 0, edited: 0 };
      s[r.status]++;
      perAnnotator.set(r.annotator, s);
    }
    return { perAnnotator: [...perAnnotator.entries()], pairs: allPairs(rows) };
  }, [all.data]);
  const open = (disputes.data ?? []).filter((d) => !d.adjudication);
  const adjudicate = (exampleId?: string) =>
    `/annotate/${datasetId}?view=adjudicate${exampleId ? `&example=${encodeURIComponent(exampleId)}` : ''}`;

  return (
    <Section
      id="agreement"
      title="Annotators and agreement"
      actions={
        <Link to={adjudicate()} className="btn btn-small" id="open-adjudication">
          Adjudicate{open.length > 0 ? ` (${open.length} open)` : ''}
        </Link>
      }
    >
      <QueryState query={all} what="annotations">
        {() =>
          stats.perAnnotator.length === 0 ? (
            <Empty title="No annotation yet">Verdicts of every annotator are counted here.</Empty>
          ) : (
            <>
              <table className="table">
                <thead>
                  <tr>
                    <th>Annotator</th>
                    <th className="num">accepted</th>
                    <th className="num">rejected</th>
                    <th className="num">edited</th>
                  </tr>
                </thead>
                <tbody>
                  {stats.perAnnotator.map(([name, s]) => (
                    <tr key={name}>
                      <td>{name}</td>
                      <td className="num">{s.accepted}</td>
                      <td className="num">{s.rejected}</td>
                      <td className="num">{s.edited}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {stats.pairs.length > 0 && (
                <table className="table">
                  <thead>
                    <tr>
                      <th>Pair</th>
                      <th className="num">shared</th>
                      <th className="num">agree %</th>
                      <th className="num">Cohen κ</th>
                    </tr>
                  </thead>
                  <tbody>
                    {stats.pairs.map((p) => (
                      <tr key={`${p.a}|${p.b}`}>
                        <td>
                          {p.a} · {p.b}
                        </td>
                        <td className="num">{p.shared}</td>
                        <td className="num">{pct(p.observed)}</td>
                        <td className="num">{num(p.kappa, 2)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {open.length > 0 && (
                <div className="panel-body">
                  <div className="field-label">To adjudicate ({open.length})</div>
                  <ul className="dispute-list">
                    {open.slice(0, 20).map((d) => (
                      <li key={d.exampleId}>
                        <Link to={adjudicate(d.exampleId)} className="mono">
                          {d.exampleId}
                        </Link>{' '}
                        {d.verdicts.map((v) => (
                          <span key={v.annotator} className="muted">
                            {v.annotator} <StatusBadge status={v.status} />{' '}
                          </span>
                        ))}
                      </li>
                    ))}
                  </ul>
                </div>
              )}
            </>
          )
        }
      </QueryState>
    </Section>
  );
}
