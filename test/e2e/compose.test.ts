// docker-compose.yml, checked without a container engine: `docker-compose config` must accept it
// for every profile (scripts/validate-compose.sh), and the resolved services must hang together:
// dependencies inside the profile, healthchecks on servers and roles, data on named volumes.
// (scripts/validate-compose.sh runs the same `config -q` round for CI and by hand.)
// Needs the docker-compose binary (Debian package docker-compose); without it the suite is skipped
// with a notice, except under CI=true.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { commands } from '../../src/cli/commands/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const hasCompose = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;
const PROFILES = ['embedded', 'postgres', 'full'] as const;
const SERVERS = ['postgres', 'eventstoredb', 'kafka'];

interface Service {
  image?: string;
  command?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  environment?: Record<string, string>;
  volumes?: string[];
  user?: string;
}
interface Resolved {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  name?: string;
}

const describeCompose = hasCompose || process.env.CI === 'true' ? describe : describe.skip;
if (!hasCompose)
  process.stderr.write(
    '\n[notice] docker-compose not installed: compose checks skipped (apt-get install docker-compose)\n',
  );

describeCompose('docker-compose.yml', () => {
  let scratch: string;
  const cache = new Map<string, Resolved>();
  const resolve = (profile = ''): Resolved => {
    const known = cache.get(profile);
    if (known) return known;
    const yaml = execFileSync('docker-compose', [...(profile ? ['--profile', profile] : []), 'config'], {
      cwd: scratch,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const json = execFileSync(
      'python3',
      ['-c', 'import sys,yaml,json; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'],
      {
        input: yaml,
      },
    );
    const resolved = JSON.parse(json.toString()) as Resolved;
    cache.set(profile, resolved);
    return resolved;
  };
  const active = (resolved: Resolved, profile: string) =>
    Object.fromEntries(
      Object.entries(resolved.services).filter(([, s]) => !s.profiles || s.profiles.includes(profile)),
    );
  const isApp = (service: Service) => service.image?.startsWith('telegram-archive') ?? false;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'ta-compose-'));
    copyFileSync(join(root, 'docker-compose.yml'), join(scratch, 'docker-compose.yml'));
    cpSync(join(root, 'infra'), join(scratch, 'infra'), { recursive: true });
    copyFileSync(join(root, '.env.example'), join(scratch, '.env'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('resolves with docker-compose config for the file and each profile', () => {
    for (const profile of ['', ...PROFILES, 'tools'])
      expect(Object.keys(resolve(profile).services).length).toBeGreaterThan(0);
  }, 30_000);

  it('has no top-level name (docker-compose v1 rejects it)', () => {
    expect(readFileSync(join(root, 'docker-compose.yml'), 'utf8')).not.toMatch(/^name:/m);
  });

  it.each(PROFILES)(
    'profile %s: dependencies stay inside the profile and wait for health',
    (profile) => {
      const services = active(resolve(profile), profile);
      for (const [name, service] of Object.entries(services)) {
        for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
          expect([name, target, Object.keys(services).includes(target)]).toEqual([name, target, true]);
          if (SERVERS.includes(target))
            expect([name, target, condition]).toEqual([name, target, 'service_healthy']);
        }
      }
    },
    30_000,
  );

  it('embedded is one `run` container on SQLite and nothing else', () => {
    const services = active(resolve('embedded'), 'embedded');
    const running = Object.entries(services).filter(([, s]) => !s.profiles?.includes('tools'));
    expect(running.map(([name]) => name)).toEqual(['run']);
    expect(services.run!.command).toEqual(['run']);
    expect(services.run!.environment).toMatchObject({
      EVENT_STORE: 'sqlite',
      READ_MODEL: 'sqlite',
      DATA_DIR: '/data',
    });
  }, 30_000);

  it('postgres and full run each role as its own service from one image', () => {
    const roles = (profile: string) =>
      Object.values(active(resolve(profile), profile))
        .filter((s) => isApp(s) && !s.profiles?.includes('tools'))
        .map((s) => s.command?.[0])
        .sort();
    expect(roles('postgres')).toEqual(['listen', 'projections', 'serve']);
    expect(roles('full')).toEqual(['listen', 'projections', 'relay', 'serve']);
    const full = active(resolve('full'), 'full');
    for (const service of Object.values(full).filter(isApp))
      expect(service.environment).toMatchObject({ EVENT_STORE: 'eventstoredb', READ_MODEL: 'postgres' });
    const postgres = active(resolve('postgres'), 'postgres');
    for (const service of Object.values(postgres).filter((s) => isApp(s) && !s.profiles?.includes('tools')))
      expect(service.environment).toMatchObject({ EVENT_STORE: 'postgres', READ_MODEL: 'postgres' });
  }, 30_000);

  it('every long-running service has a healthcheck; app roles ask `telegram-archive health`', () => {
    const resolved = resolve('full');
    const all = {
      ...resolved.services,
      ...active(resolve('embedded'), 'embedded'),
      ...active(resolve('postgres'), 'postgres'),
    };
    for (const [name, service] of Object.entries(all)) {
      if (service.profiles?.includes('tools')) continue;
      expect([name, Boolean(service.healthcheck)]).toEqual([name, true]);
      if (isApp(service))
        expect([name, service.healthcheck!.test.slice(1, 3)]).toEqual([name, ['telegram-archive', 'health']]);
    }
  }, 30_000);

  it('app services share the data volume as a configurable user; servers keep data on named volumes', () => {
    const resolved = resolve('full');
    for (const [name, service] of Object.entries(resolved.services)) {
      if (isApp(service)) {
        expect([name, service.user]).toEqual([name, '1000:1000']);
        expect([name, service.volumes]).toEqual([name, ['data:/data:rw']]);
      } else {
        const named = (service.volumes ?? []).filter((v) => !v.startsWith('/'));
        expect([name, named.length > 0]).toEqual([name, true]);
        for (const volume of named)
          expect(Object.keys(resolved.volumes ?? {})).toContain(volume.split(':')[0]);
      }
    }
  }, 30_000);

  it('runs only commands the binary has (a ratchet: roles still on their way are listed by name)', () => {
    // Commands other branches provide; remove a name here once its command is registered.
    const NOT_YET_MERGED = new Set<string>([]);
    const registered = new Set(commands.map((c) => c.name));
    const used = new Set<string>();
    for (const profile of [...PROFILES, 'tools'])
      for (const service of Object.values(resolve(profile).services))
        if (isApp(service) && service.command?.[0]) used.add(service.command[0]);
    for (const service of Object.values(resolve('full').services))
      if (isApp(service)) for (const word of service.healthcheck?.test.slice(2, 3) ?? []) used.add(word);
    const missing = [...used].filter((name) => !registered.has(name)).sort();
    expect(missing.filter((name) => !NOT_YET_MERGED.has(name))).toEqual([]);
    expect([...NOT_YET_MERGED].filter((name) => registered.has(name))).toEqual([]);
    const projections = commands.find((c) => c.name === 'projections');
    expect(projections?.subcommands?.map((c) => c.name)).toContain('run');
  }, 30_000);

  it('the auth one-off is interactive and never started by `up`', () => {
    const auth = resolve('tools').services.auth!;
    expect(auth.profiles).toEqual(['tools']);
    expect(auth.command).toEqual(['auth']);
    expect(auth).toMatchObject({ stdin_open: true, tty: true, restart: 'no' });
  }, 30_000);
});
