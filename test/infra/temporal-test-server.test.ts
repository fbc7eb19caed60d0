// The order in which resolveTestServer() looks for a Temporal test server, and its errors, on throwaway project
// trees (a copy of the provisioning script and pom), so nothing here touches the real .cache or Maven Central.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROVISION_SCRIPT, SERVER_PATH_ENV, resolveTestServer, type ResolveTestServerOptions } from '../../src/infra/temporal-test-server';

const POM = path.join(path.dirname(PROVISION_SCRIPT), 'temporal-test-server', 'pom.xml');
const unreachable = async (): Promise<string> => 'ENOTFOUND (stubbed)';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-server-resolve-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A project tree with the provisioning script and pom but nothing provisioned; returns the script's path. */
function projectCopy(): string {
  const script = path.join(tmp, 'project', 'scripts', path.basename(PROVISION_SCRIPT));
  fs.mkdirSync(path.join(path.dirname(script), 'temporal-test-server'), { recursive: true });
  fs.copyFileSync(PROVISION_SCRIPT, script);
  fs.copyFileSync(POM, path.join(path.dirname(script), 'temporal-test-server', 'pom.xml'));
  // …and the small modules it imports.
  fs.cpSync(path.join(path.dirname(PROVISION_SCRIPT), 'lib'), path.join(path.dirname(script), 'lib'), { recursive: true });
  return script;
}

function executable(file: string, body = '#!/bin/sh\nexit 0\n'): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, body, { mode: 0o755 });
  return file;
}

/** Options for a machine whose PATH is `bin` only (no Maven, no Java unless put there), quietly. */
function options(script: string, bin: string, extra: Partial<ResolveTestServerOptions> = {}): ResolveTestServerOptions {
  fs.mkdirSync(bin, { recursive: true });
  return { env: { PATH: bin, HOME: tmp }, provisionScript: script, probeDownloadHost: unreachable, log: () => undefined, ...extra };
}

describe('resolveTestServer', () => {
  it(`uses ${SERVER_PATH_ENV} first, when it names an executable`, async () => {
    const exe = executable(path.join(tmp, 'my-test-server'));
    const resolved = await resolveTestServer({ env: { [SERVER_PATH_ENV]: exe }, log: () => undefined });
    expect(resolved.source).toBe('env');
    expect(resolved.executable).toEqual({ type: 'existing-path', path: exe });
  });

  it(`fails clearly when ${SERVER_PATH_ENV} names a path that does not exist, rather than falling back`, async () => {
    const missing = path.join(tmp, 'nope', 'temporal-test-server');
    await expect(resolveTestServer({ env: { [SERVER_PATH_ENV]: missing }, log: () => undefined })).rejects.toThrow(
      `${SERVER_PATH_ENV}=${missing} does not exist`,
    );
  });

  it(`fails clearly when ${SERVER_PATH_ENV} names a file that is not executable`, async () => {
    const file = path.join(tmp, 'plain-file');
    fs.writeFileSync(file, 'x', { mode: 0o644 });
    await expect(resolveTestServer({ env: { [SERVER_PATH_ENV]: file }, log: () => undefined })).rejects.toThrow('is not executable');
  });

  it('uses the provisioned copy in .cache before trying to provision or download', async () => {
    const script = projectCopy();
    const pom = fs.readFileSync(path.join(path.dirname(script), 'temporal-test-server', 'pom.xml'), 'utf8');
    const version = /<temporal-test-server\.version>([^<]+)</.exec(pom)![1]!;
    const dir = path.join(tmp, 'project', '.cache', 'temporal-test-server', version);
    const exe = executable(path.join(dir, 'temporal-test-server'));
    executable(path.join(dir, 'lib', `temporal-test-server-${version}.jar`), '');
    fs.writeFileSync(path.join(dir, 'provisioned.json'), JSON.stringify({ version, pomHash: createHash('sha256').update(pom).digest('hex') }));
    const probeDownloadHost = jest.fn(unreachable);
    const resolved = await resolveTestServer(options(script, path.join(tmp, 'bin'), { probeDownloadHost }));
    expect(resolved.source).toBe('provisioned-cache');
    expect(resolved.executable).toEqual({ type: 'existing-path', path: exe });
    expect(probeDownloadHost).not.toHaveBeenCalled();
  });

  it("falls back to the SDK's own download when nothing local works but its host answers", async () => {
    const resolved = await resolveTestServer(options(projectCopy(), path.join(tmp, 'bin'), { probeDownloadHost: async () => true }));
    expect(resolved.source).toBe('sdk-download');
    expect(resolved.executable).toEqual({ type: 'cached-download' });
    expect(resolved.reason).toMatch(/mvn .*not found/);
  });

  it('says what is missing and both ways to fix it when no server can be had', async () => {
    const attempt = resolveTestServer(options(projectCopy(), path.join(tmp, 'bin')));
    await expect(attempt).rejects.toThrow(/java .*and mvn .*not found/);
    await expect(attempt).rejects.toThrow('npm run provision:temporal');
    await expect(attempt).rejects.toThrow(`set ${SERVER_PATH_ENV}`);
    await expect(attempt).rejects.toThrow('temporal.download is not reachable');
  });

  it('reports a failed provisioning (Maven present but failing) and still tries the download', async () => {
    const bin = path.join(tmp, 'bin');
    executable(path.join(bin, 'mvn'), '#!/bin/sh\necho "[ERROR] Could not transfer artifact (stub)" >&2\nexit 1\n');
    executable(path.join(bin, 'java'));
    const probeDownloadHost = jest.fn(unreachable);
    const attempt = resolveTestServer(options(projectCopy(), bin, { probeDownloadHost }));
    await expect(attempt).rejects.toThrow(/provisioning with Maven failed \(exit 1\).*Could not transfer artifact/s);
    expect(probeDownloadHost).toHaveBeenCalledTimes(1);
  });
});
