// prometheus/ and grafana/: every query names a series the backend exports,
// the rules pass promtool's checks and unit tests (where promtool exists),
// and the dashboards are the four the operators expect.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createMetrics } from '../src/metrics/metrics.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8');

/** Every series name the backend can expose (histograms as their three series). */
async function exported(): Promise<Set<string>> {
  const names = new Set<string>(['up']);
  for (const m of await createMetrics().registry.getMetricsAsJSON()) {
    if (String(m.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m.name + s);
    else names.add(m.name);
  }
  return names;
}

const seriesIn = (expr: string) => [...expr.matchAll(/\b(sipcall_[a-z0-9_]+|up)\b(?=\s*[{[)\s]|$)/g)].map((m) => m[1]!);

interface Dashboard {
  uid: string;
  title: string;
  panels: Array<{ title: string; datasource: { uid: string }; targets: Array<{ expr: string }> }>;
}
const dashboards = readdirSync(path.join(ROOT, 'grafana/dashboards')).map((f) => JSON.parse(read(`grafana/dashboards/${f}`)) as Dashboard);
const rules = (parse(read('prometheus/alerts.yml')) as { groups: Array<{ rules: Array<{ alert: string; expr: string; labels: { severity: string }; annotations: { summary: string } }> }> }).groups.flatMap((g) => g.rules);

describe('grafana/', () => {
  it('has the four dashboards', () => {
    expect(dashboards.map((d) => d.title).sort()).toEqual(['SIPCall · Call load', 'SIPCall · Quality and routing', 'SIPCall · Records and spend', 'SIPCall · Switch health']);
  });

  it('queries only series the backend exports, through the provisioned datasource', async () => {
    const names = await exported();
    const uid = (parse(read('grafana/provisioning/datasources/prometheus.yml')) as { datasources: Array<{ uid: string }> }).datasources[0]!.uid;
    for (const d of dashboards) {
      for (const p of d.panels) {
        expect(p.datasource.uid, `${d.title} / ${p.title}`).toBe(uid);
        expect(p.targets.length, `${d.title} / ${p.title}`).toBeGreaterThan(0);
        for (const t of p.targets) {
          const used = seriesIn(t.expr);
          expect(used.length, `${d.title} / ${p.title}: ${t.expr}`).toBeGreaterThan(0);
          for (const s of used) expect(names.has(s), `${d.title} / ${p.title}: ${s} is not exported`).toBe(true);
        }
      }
    }
  });
});

describe('prometheus/', () => {
  it('alerts on what the operators asked for, each with a severity and a summary', () => {
    expect(rules.map((r) => r.alert).sort()).toEqual(
      ['SipcallAsrCollapse', 'SipcallBackendDown', 'SipcallCdrIngestFailing', 'SipcallCdrSpoolGrowing', 'SipcallEslReconnectStorm', 'SipcallRefusalSpike', 'SipcallSpendVelocity', 'SipcallSwitchNodeDown'].sort(),
    );
    for (const r of rules) {
      expect(['critical', 'warning']).toContain(r.labels.severity);
      expect(r.annotations.summary.length).toBeGreaterThan(10);
    }
  });

  it('writes its rules over series the backend exports', async () => {
    const names = await exported();
    for (const r of rules) for (const s of seriesIn(r.expr)) expect(names.has(s), `${r.alert}: ${s}`).toBe(true);
  });

  const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
  if (!promtool) console.warn('promtool is not installed: prometheus/ checked by parsing only (CI installs it)');

  it.skipIf(!promtool)('passes promtool check config and check rules', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sipcall-prometheus-'));
    for (const f of ['prometheus.yml', 'alerts.yml']) copyFileSync(path.join(ROOT, 'prometheus', f), path.join(dir, f));
    mkdirSync(path.join(dir, 'secrets'));
    writeFileSync(path.join(dir, 'secrets/metrics-token'), 'token\n');
    const config = spawnSync('promtool', ['check', 'config', path.join(dir, 'prometheus.yml')], { encoding: 'utf8' });
    expect(config.status, config.stdout + config.stderr).toBe(0);
    const checked = spawnSync('promtool', ['check', 'rules', path.join(ROOT, 'prometheus/alerts.yml')], { encoding: 'utf8' });
    expect(checked.stdout).toContain('SUCCESS: 8 rules found');
  });

  it.skipIf(!promtool)('passes the alert unit tests', () => {
    const run = spawnSync('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: path.join(ROOT, 'prometheus'), encoding: 'utf8' });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('SUCCESS');
  });
});
