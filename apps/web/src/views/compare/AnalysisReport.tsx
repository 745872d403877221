import { Section } from '../../components/Section';
import { Markdown } from './Markdown';
import type { OpenedReport } from './reportTypes';
import { figureUrl, REPORT_KIND_LABELS } from './reportTypes';

/** An analysis' report (Table 2, Figure 3, Table 4, Table 6, Figure 5): its report.md and its figures. */
export function AnalysisReport({ report }: { report: OpenedReport }) {
  const markdown = report.markdown ?? '';
  // Figures the Markdown does not show itself are listed below it.
  const unshown = report.figures.filter((f) => !markdown.includes(f));
  return (
    <div className="report" data-testid="analysis-report">
      <Section id="report-head" title={`${report.name} · ${REPORT_KIND_LABELS[report.kind]}`}>
        <div className="panel-body">
          {report.markdown === null ? (
            <div className="state state-empty">
              <div className="state-title">No report.md in this folder</div>
              <div className="state-body">
                The analysis wrote only its data; it is shown below as JSON. Folder:{' '}
                <code>{report.outDir}</code>
              </div>
            </div>
          ) : (
            <Markdown text={report.markdown} reportId={report.id} figures={report.figures} />
          )}
        </div>
      </Section>
      {unshown.length > 0 && (
        <Section id="report-figures" title="Figures" count={unshown.length}>
          <div className="panel-body report-figures">
            {unshown.map((f) => (
              <figure key={f} className="report-figure">
                <img src={figureUrl(report.id, f)} alt={f} />
                <figcaption className="mono">{f}</figcaption>
              </figure>
            ))}
          </div>
        </Section>
      )}
      {report.markdown === null && report.data !== null && (
        <Section id="report-data" title="result.json">
          <pre className="text-block">{JSON.stringify(report.data, null, 2)}</pre>
        </Section>
      )}
    </div>
  );
}
