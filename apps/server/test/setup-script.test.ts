import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** scripts/setup.sh, which `npm start` and `npm test` run first on a fresh clone. */
const ROOT = join(import.meta.dirname, '..', '..', '..');

describe('set-up', () => {
  it('leaves npm nothing to warn about in the project’s own config', () => {
    const npm = spawnSync('npm', ['config', 'get', 'fund'], { cwd: ROOT, encoding: 'utf8' });
    expect(npm.status).toBe(0);
    // e.g. `Unknown project config "onnxruntime-node-install"`, printed on every npm command.
    expect(npm.stderr).not.toMatch(/project config/i);
  });

  it('has every optional package of the lock in the lock, so npm has nothing to add to it', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { optionalDependencies?: Record<string, string> }>;
    };
    /** Whether `dep`, needed by the package at `path`, is in the lock where node would find it. */
    const found = (path: string, dep: string): boolean => {
      for (let base = path; ; ) {
        if (lock.packages[`${base ? `${base}/` : ''}node_modules/${dep}`]) return true;
        if (!base) return false;
        const up = base.lastIndexOf('/node_modules/');
        base = up >= 0 ? base.slice(0, up) : '';
      }
    };
    const missing = Object.entries(lock.packages).flatMap(([path, pkg]) =>
      Object.keys(pkg.optionalDependencies ?? {})
        .filter((dep) => !found(path, dep))
        .map((dep) => `${path || '(root)'} → ${dep}`),
    );
    // npm 11 leaves other platforms' builds (biome's) out of a lock it writes over an installed
    // tree; the next `npm install` elsewhere adds them back and the clone shows the lock modified.
    expect(missing).toEqual([]);
  });

  it('names every dependency with an install script in allowScripts, so npm installs without a warning', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { hasInstallScript?: boolean; name?: string }>;
    };
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      allowScripts?: Record<string, boolean>;
    };
    const withScripts = Object.entries(lock.packages)
      .filter(([path, p]) => path && p.hasInstallScript)
      .map(([path, p]) => p.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    // npm 11.16+ warns about each one not listed, and npm 12 skips its script (better-sqlite3 would not build).
    expect(withScripts.filter((name) => pkg.allowScripts?.[name] === undefined)).toEqual([]);
  });

  it('installs from package-lock.json without writing it back', () => {
    const script = readFileSync(join(ROOT, 'scripts', 'setup.sh'), 'utf8');
    const installs = script.split('\n').filter((line) => /^\s*[^#]*\bnpm (install|i|ci)\b/.test(line));
    expect(installs.length).toBeGreaterThan(0);
    // Whatever npm would change in the lock (a newer npm's format, say) stays out of the clone.
    for (const line of installs) expect(line).toMatch(/--no-save\b/);
  });
});
