import type { ReactNode } from 'react';
import { NavLink } from 'react-router';

const VIEWS = [
  { to: '/', label: 'Workspace', hint: 'corpora, runs, jobs', end: true },
  { to: '/explore', label: 'Question explorer', hint: 'traces step by step' },
  { to: '/annotate', label: 'Annotation', hint: 'accept · reject · edit' },
  { to: '/training', label: 'Training', hint: 'losses and σ' },
  { to: '/compare', label: 'Comparison', hint: 'students side by side' },
  { to: '/prompts', label: 'Prompts', hint: 'templates and demos' },
  { to: '/playground', label: 'Playground', hint: 'student in the browser' },
] as const;

export function Layout({ children }: { children: ReactNode }) {
  return (
    <div className="app">
      <nav className="sidebar" aria-label="Views">
        <div className="brand">
          <span className="brand-mark">S</span>
          <span>
            <strong>StepER</strong> Workbench
          </span>
        </div>
        <ul>
          {VIEWS.map((v) => (
            <li key={v.to}>
              <NavLink
                to={v.to}
                end={'end' in v ? v.end : false}
                id={`nav-${v.to === '/' ? 'home' : v.to.slice(1)}`}
                className={({ isActive }) => (isActive ? 'active' : undefined)}
              >
                <span className="nav-label">{v.label}</span>
                <span className="nav-hint">{v.hint}</span>
              </NavLink>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot">Step-wise KD for multi-step RAG · EMNLP 2025</div>
      </nav>
      <main className="main">{children}</main>
    </div>
  );
}

/** The title row every view starts with. */
export function ViewHeader({ title, sub, actions }: { title: string; sub?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="view-header">
      <div>
        <h1>{title}</h1>
        {sub && <div className="view-sub">{sub}</div>}
      </div>
      {actions && <div className="view-actions">{actions}</div>}
    </header>
  );
}
