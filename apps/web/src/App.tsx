import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { Layout } from './components/Layout';
import { Loading } from './components/States';
import { HomeView } from './views/home/HomeView';

// Views with heavy dependencies (charts, Monaco) load when first opened.
const ExplorerView = lazy(() => import('./views/explorer/ExplorerView'));
const AnnotateView = lazy(() => import('./views/annotate/AnnotateView'));
const TrainingView = lazy(() => import('./views/training/TrainingView'));
const CompareView = lazy(() => import('./views/compare/CompareView'));
const PromptsView = lazy(() => import('./views/prompts/PromptsView'));
const PlaygroundView = lazy(() => import('./views/playground/PlaygroundView'));

export function App() {
  return (
    <Layout>
      <Suspense fallback={<Loading what="view" />}>
        <Routes>
          <Route path="/" element={<HomeView />} />
          <Route path="/explore/:runId?/:questionId?" element={<ExplorerView />} />
          <Route path="/annotate/:datasetId?/:questionId?" element={<AnnotateView />} />
          <Route path="/training/:runId?" element={<TrainingView />} />
          <Route path="/compare" element={<CompareView />} />
          <Route path="/prompts" element={<PromptsView />} />
          <Route path="/playground" element={<PlaygroundView />} />
          <Route path="*" element={<NotFoundView />} />
        </Routes>
      </Suspense>
    </Layout>
  );
}

function NotFoundView() {
  return (
    <div className="state state-empty">
      <div className="state-title">No such view</div>
      <div className="state-body">Pick a view on the left.</div>
    </div>
  );
}
