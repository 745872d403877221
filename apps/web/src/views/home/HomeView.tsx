import { useQuery } from '@tanstack/react-query';
import { trpc } from '../../api/trpc';
import { ViewHeader } from '../../components/Layout';
import { ErrorView } from '../../components/States';
import { ImportPanel } from './ImportPanel';
import { JobsPanel } from './JobsPanel';
import {
  CorporaSection,
  DatasetsSection,
  EvaluationsSection,
  QuestionSetsSection,
  TeacherRunsSection,
  TrainingRunsSection,
} from './Resources';
import { TeacherRunForm } from './TeacherRunForm';

export function HomeView() {
  const info = useQuery(trpc.system.info.queryOptions());
  return (
    <div className="view view-home">
      <ViewHeader
        title="Workspace"
        sub={
          info.data ? (
            <span className="mono">{info.data.workspace}</span>
          ) : info.error ? null : (
            <span className="muted">connecting…</span>
          )
        }
      />
      {info.error !== null && (
        <ErrorView error={info.error} what="the workspace" retry={() => void info.refetch()} />
      )}
      <div className="home-grid">
        <div className="home-main">
          <TeacherRunsSection />
          <DatasetsSection />
          <TrainingRunsSection />
          <EvaluationsSection />
          <CorporaSection />
          <QuestionSetsSection />
        </div>
        <div className="home-side">
          <JobsPanel />
          <TeacherRunForm />
          <ImportPanel />
        </div>
      </div>
    </div>
  );
}
