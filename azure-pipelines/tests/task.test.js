'use strict';
// Tests of the Azure Pipelines task: its schema, its input mapping, and runs under a simulated
// agent against the real perfgate binary. No network.
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Writable } = require('node:stream');
const task = require('../PerfGateV1/index.js');

const here = __dirname;
const root = path.resolve(here, '..', '..');
const shared = process.env.PERFGATE_SHARED || path.resolve(root, '..', 'shared');
const binary = process.env.PERFGATE_BIN || path.join(root, '.build', 'debug', 'perfgate');
// Every folder the tests make is under this one, removed when the run ends: nothing is left in the
// temporary folder.
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'perfgate-azure-'));
process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));
const taskJson = JSON.parse(fs.readFileSync(path.join(here, '..', 'PerfGateV1', 'task.json'), 'utf8'));

function sink() {
  const chunks = [];
  const stream = new Writable({ write(chunk, _, done) { chunks.push(chunk); done(); } });
  stream.text = () => Buffer.concat(chunks).toString('utf8');
  return stream;
}

// A workspace laid out as a release job after `download: current`: the spec and the results in
// $(Pipeline.Workspace)/perfspec.
function workspace() {
  const folder = fs.mkdtempSync(path.join(scratch, 'workspace-'));
  fs.cpSync(path.join(root, 'Examples'), path.join(folder, 'perfspec'), { recursive: true });
  fs.rmSync(path.join(folder, 'perfspec', 'perfspec.yaml'));
  fs.rmSync(path.join(folder, 'perfspec', 'perfspec.json'));
  fs.rmSync(path.join(folder, 'perfspec', 'keptn'), { recursive: true });  // a second gate would need choosing
  fs.rmSync(path.join(folder, 'perfspec', 'gatling'), { recursive: true });
  // The spec that warns, under a name the discovery finds.
  fs.renameSync(path.join(folder, 'perfspec', 'perfspec-warning.yaml'), path.join(folder, 'perfspec', 'checkout.perfspec.yaml'));
  return folder;
}

// The agent's input pipeline (ci-agent-fidelity.md §1.1, §1.2, §1.5), driven by the real task.json:
// every declared input gets its default (or ""), values are trimmed, filePath inputs that are
// empty become the repository's path (relative ones are rooted there), and names become
// INPUT_ + upper case with '.' and ' ' as '_'. The directory variables are the default layout.
function agentInputs(folder, inputs) {
  const sources = path.join(folder, 's');
  const env = {};
  const declared = new Set();
  for (const spec of taskJson.inputs) {
    declared.add(spec.name);
    let value = String(inputs[spec.name] !== undefined ? inputs[spec.name] : (spec.defaultValue !== undefined ? spec.defaultValue : '')).trim();
    if (spec.type === 'filePath') value = value === '' ? sources : (path.isAbsolute(value) ? path.normalize(value) : path.resolve(sources, value));
    env['INPUT_' + spec.name.replace(/[.\s]/g, '_').toUpperCase()] = value;
  }
  // Inputs task.json does not declare are passed through as well.
  for (const [name, value] of Object.entries(inputs)) if (!declared.has(name)) env['INPUT_' + name.replace(/[.\s]/g, '_').toUpperCase()] = String(value).trim();
  return env;
}

function agent(folder, inputs, extra = {}) {
  fs.mkdirSync(path.join(folder, 's'), { recursive: true });
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, TF_BUILD: 'True', PIPELINE_WORKSPACE: folder, AGENT_BUILDDIRECTORY: folder,
                BUILD_SOURCESDIRECTORY: path.join(folder, 's'), SYSTEM_DEFAULTWORKINGDIRECTORY: path.join(folder, 's'),
                BUILD_ARTIFACTSTAGINGDIRECTORY: path.join(folder, 'a'), SYSTEM_ARTIFACTSDIRECTORY: path.join(folder, 'a'),
                AGENT_TEMPDIRECTORY: path.join(folder, '_temp'), BUILD_BUILDID: String(process.pid), SYSTEM_HOSTTYPE: 'build', PERFGATE_PATH: binary };
  return Object.assign(env, agentInputs(folder, inputs), extra);
}

async function runTask(env) {
  const out = sink();
  const err = sink();
  const code = await task.run(env, out, err);
  return { code, stdout: out.text(), stderr: err.text() };
}

// The schema is a third-party file in ../shared: skipped from a bare clone, required in CI.
const sharedSkip = fs.existsSync(path.join(shared, 'schemas')) || process.env.PERFGATE_REQUIRE_SHARED === '1'
  ? false : 'skipped: ../shared not present';

test('task.json validates against the task schema', { skip: sharedSkip }, () => {
  const result = spawnSync(process.env.PERFGATE_PYTHON || 'python3', [path.join(root, 'scripts', 'check-schema.py'), path.join(shared, 'schemas', 'azure-pipelines-task.schema.json'),
    path.join(here, '..', 'PerfGateV1', 'task.json')], { encoding: 'utf8' });
  assert.strictEqual(result.status, 0, result.stdout + result.stderr);
});

test('task.json has the handlers, commands and visible rules the task needs', () => {
  assert.deepStrictEqual(Object.keys(taskJson.execution).sort(), ['Node20_1', 'Node24']);
  const command = taskJson.inputs.find((i) => i.name === 'command');
  assert.deepStrictEqual(Object.keys(command.options), ['markStart', 'markStop', 'validate', 'evaluate']);
  const names = new Set(taskJson.inputs.map((i) => i.name));
  for (const needed of ['spec', 'slo', 'sli', 'sliProvider', 'history', 'start', 'end', 'windowFile', 'failOn', 'onWarning', 'reportDir', 'prometheusUrl', 'dynatraceUrl']) {
    assert.ok(names.has(needed), needed);
  }
  assert.ok(taskJson.inputs.some((i) => i.type === 'connectedService:Generic'));
  for (const input of taskJson.inputs.filter((i) => i.visibleRule)) {
    for (const clause of input.visibleRule.split('||')) {
      const [name, value] = clause.split('=').map((s) => s.trim());
      assert.ok(names.has(name), `${input.name}: ${name}`);
      assert.ok(Object.keys(command.options).includes(value), `${input.name}: ${value}`);
    }
  }
});

test('inputs are read with the agent naming rule and mapped to flags', () => {
  const env = { INPUT_COMMAND: 'evaluate', INPUT_SPEC: 'a b/spec.json', INPUT_FAILON: 'warning', INPUT_REPORTDIR: 'out',
                INPUT_ARGUMENTS: '--var SERVICE=checkout  --timeout 60 --var "LABEL=web shop"', INPUT_PROMETHEUSSERVICE: 'ep1',
                ENDPOINT_URL_ep1: 'https://prom.example', ENDPOINT_AUTH_ep1: JSON.stringify({ parameters: { password: 'TOKEN-123' }, scheme: 'UsernamePassword' }) };
  const job = task.plan(env);
  assert.deepStrictEqual(job.args, ['evaluate', '--ci', 'azure', '--spec', 'a b/spec.json', '--report-dir', 'out', '--fail-on', 'warning',
    '--on-warning', 'issues', '--prometheus-url', 'https://prom.example', '--var', 'SERVICE=checkout', '--timeout', '60', '--var', 'LABEL=web shop']);
  assert.deepStrictEqual(job.childEnv, { PROMETHEUS_TOKEN: 'TOKEN-123' });
  assert.ok(!job.args.join(' ').includes('TOKEN-123'));
  assert.deepStrictEqual(task.plan({ INPUT_COMMAND: 'markStop', INPUT_END: 'now', INPUT_WINDOWFILE: 'w.json' }).args,
    ['mark', 'stop', '--ci', 'azure', '--at', 'now', '--window-file', 'w.json']);
  assert.deepStrictEqual(task.plan({ INPUT_COMMAND: 'evaluate', INPUT_ONWARNING: 'failed' }).args, ['evaluate', '--ci', 'azure', '--fail-on', 'fail', '--on-warning', 'failed']);
  assert.throws(() => task.plan({ INPUT_COMMAND: 'deploy' }), /unknown command 'deploy'/);
  assert.deepStrictEqual(task.plan({ INPUT_COMMAND: 'evaluate', INPUT_SLO: 'gate/slo.yaml', INPUT_SLIPROVIDER: 'dynatrace', INPUT_HISTORY: 'h.jsonl' }).args,
    ['evaluate', '--ci', 'azure', '--slo', 'gate/slo.yaml', '--sli-provider', 'dynatrace', '--history', 'h.jsonl', '--fail-on', 'fail', '--on-warning', 'issues']);
  assert.deepStrictEqual(task.plan({ INPUT_COMMAND: 'validate', INPUT_SLO: 'slo.yaml', INPUT_SLI: 's/sli.yaml', INPUT_SLIPROVIDER: 'auto' }).args,
    ['validate', '--ci', 'azure', '--slo', 'slo.yaml', '--sli', 's/sli.yaml']);
});

test('a missing binary names every place looked', () => {
  assert.throws(() => task.findBinary({ PERFGATE_PATH: '/nope/perfgate', PATH: '/nowhere' }, '/tmp/no-task'),
    /perfgate binary not found; looked in PERFGATE_PATH \(\/nope\/perfgate\), the bundled \/tmp\/no-task\/bin\/linux-x64\/perfgate, PATH/);
});

test('markStart and markStop record the window and set variables', async () => {
  const folder = workspace();
  const start = await runTask(agent(folder, { command: 'markStart', start: '2024-05-01T12:00:00Z' }));
  assert.strictEqual(start.code, 0, start.stderr);
  assert.match(start.stdout, /^##vso\[task\.setvariable variable=PERFGATE_START\]2024-05-01T12:00:00Z$/m);
  assert.match(start.stdout, /^##vso\[task\.setvariable variable=PERFGATE_START;isOutput=true\]2024-05-01T12:00:00Z$/m);
  assert.match(start.stdout, /^##vso\[task\.setvariable variable=perfgateStart;isOutput=true\]2024-05-01T12:00:00Z$/m);
  const stop = await runTask(agent(folder, { command: 'markStop', end: '2024-05-01T12:10:00Z' }));
  assert.strictEqual(stop.code, 0);
  // One window file per build (BUILD_BUILDID), so pipelines sharing an agent's folder never mix.
  const window = JSON.parse(fs.readFileSync(path.join(folder, '.perfgate', `window-azure-${process.pid}.json`), 'utf8'));
  assert.deepStrictEqual(window, { start: '2024-05-01T12:00:00Z', end: '2024-05-01T12:10:00Z' });
});

test('validate publishes the spec found in the pipeline workspace', async () => {
  const folder = workspace();
  const result = await runTask(agent(folder, { command: 'validate', artifactName: 'checkout-spec' }));
  assert.strictEqual(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`^##vso\\[artifact\\.upload artifactname=checkout-spec\\]${folder}/perfspec/checkout\\.perfspec\\.yaml$`, 'm'));
});

test('evaluate publishes results and maps a warning to succeeded with issues', async () => {
  const folder = workspace();
  await runTask(agent(folder, { command: 'markStart', start: '2024-05-01T12:00:00Z' }));
  await runTask(agent(folder, { command: 'markStop', end: '2024-05-01T12:10:00Z' }));
  const result = await runTask(agent(folder, { command: 'evaluate' }));
  assert.strictEqual(result.code, 0, result.stderr);
  const reports = path.join(folder, '.perfgate');
  assert.ok(result.stdout.includes(`##vso[results.publish type=JUnit;runTitle=perfgate: checkout.perfspec.yaml;resultFiles=${reports}/perfgate-junit.xml]\n`));
  assert.ok(result.stdout.includes(`##vso[task.uploadsummary]${reports}/perfgate-summary.md\n`));
  assert.match(result.stdout, /^##vso\[task\.logissue type=warning\]checkout_p95_ms: checkout: 583\.6 >= upperWarning 500/m);
  assert.match(result.stdout, /^##vso\[task\.setvariable variable=PERFGATE_RESULT;isOutput=true\]warning$/m);
  assert.match(result.stdout, /^##vso\[task\.setvariable variable=perfgateResult;isOutput=true\]warning$/m);
  assert.match(result.stdout, /^##vso\[task\.setvariable variable=perfgateScore;isOutput=true\]85$/m);
  assert.match(result.stdout, /^##vso\[task\.complete result=SucceededWithIssues\]/m);
  assert.ok(fs.existsSync(path.join(reports, 'perfgate-junit.xml')));

  const failed = await runTask(agent(folder, { command: 'evaluate', onWarning: 'failed' }));
  assert.strictEqual(failed.code, 1);
  assert.match(failed.stdout, /^##vso\[task\.complete result=Failed\]perfgate: result warning \(exit 1: --fail-on warning\)$/m);
  const quiet = await runTask(agent(folder, { command: 'evaluate', onWarning: 'succeeded' }));
  assert.strictEqual(quiet.code, 0);
  assert.doesNotMatch(quiet.stdout, /SucceededWithIssues/);
});

test('secrets from a service connection reach the binary as environment only, and are masked', async () => {
  const folder = workspace();
  const result = await runTask(agent(folder, { command: 'evaluate', start: '2024-05-01T12:00:00Z', end: '2024-05-01T12:10:00Z', dynatraceService: 'dt' }, {
    ENDPOINT_URL_dt: 'http://127.0.0.1:9', ENDPOINT_AUTH_dt: JSON.stringify({ parameters: { username: '', password: 'DT-SECRET-42' } }) }));
  assert.strictEqual(result.code, 0);
  const lines = result.stdout.split('\n').filter((line) => line.includes('DT-SECRET-42'));
  assert.deepStrictEqual(lines, ['##vso[task.setsecret]DT-SECRET-42']);
  assert.ok(!result.stderr.includes('DT-SECRET-42'));
});

test('an invalid spec or a bad flag fails the task with the reason', async () => {
  const folder = workspace();
  fs.writeFileSync(path.join(folder, 'bad.perfspec.json'), '{"indicators": 3}');
  const invalid = await runTask(agent(folder, { command: 'evaluate', spec: path.join(folder, 'bad.perfspec.json') }));
  assert.strictEqual(invalid.code, 1);
  assert.match(invalid.stdout, /^##vso\[task\.complete result=Failed\]perfgate: invalid spec or input \(exit 65\)/m);
  assert.match(invalid.stderr, /indicators: 'indicators' must be a list/);
  const usage = await runTask(agent(folder, { command: 'evaluate', start: 'yesterday' }));
  assert.strictEqual(usage.code, 1);
  assert.match(usage.stdout, /^##vso\[task\.complete result=Failed\]perfgate: usage error \(exit 64\)/m);
  const missing = await runTask(agent(folder, { command: 'validate' }, { PERFGATE_PATH: '/nope', PATH: '/nowhere' }));
  assert.strictEqual(missing.code, 1);
  assert.match(missing.stdout, /^##vso\[task\.complete result=Failed\]perfgate: perfgate binary not found/m);
});

test('filePath inputs the agent filled with the repository path are not supplied', async () => {
  const folder = workspace();
  // The default filling, the repository typed explicitly, and any folder: perfgate searches itself.
  for (const spec of ['', '.', '$(Build.SourcesDirectory)'.replace('$(Build.SourcesDirectory)', path.join(folder, 's')), '../perfspec']) {
    const env = agent(folder, { command: 'evaluate', spec });
    assert.ok(!task.plan(env).args.includes('--spec'), `spec '${spec}'`);
  }
  const env = agent(folder, { command: 'evaluate', spec: '../perfspec/checkout.perfspec.yaml' });
  assert.deepStrictEqual(task.plan(env).args.slice(3, 5), ['--spec', path.join(folder, 'perfspec', 'checkout.perfspec.yaml')]);
  // A job with just `command: evaluate` finds the spec under $(Pipeline.Workspace), as the README says.
  await runTask(agent(folder, { command: 'markStart', start: '2024-05-01T12:00:00Z' }));
  await runTask(agent(folder, { command: 'markStop', end: '2024-05-01T12:10:00Z' }));
  const result = await runTask(agent(folder, { command: 'evaluate' }));
  assert.strictEqual(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /^##vso\[task\.complete result=SucceededWithIssues\]perfgate: result warning/m);
});

test('the task refuses agents the binary cannot run on, in one line', () => {
  assert.match(task.unsupported('win32', null), /Linux agents only .*container job with perfgate's image/);
  assert.match(task.unsupported('darwin', null), /Linux agents only/);
  const curl = { path: '/usr/lib64/libcurl.so.4', version: '7.61.1' };
  assert.match(task.unsupported('linux', '2.12', curl), /needs glibc 2\.17 or newer \(this agent has 2\.12\)/);
  assert.strictEqual(task.unsupported('linux', '2.17', curl), null);
  assert.strictEqual(task.unsupported('linux', '2.36', { path: '/x/libcurl.so.4', version: '8.5.0' }), null);
  assert.match(task.unsupported('linux', '2.17', { path: '/usr/lib64/libcurl.so.4', version: '7.29.0' }),
    /needs libcurl 7\.61 or newer \(this agent has 7\.29\.0 at \/usr\/lib64\/libcurl\.so\.4\)/);
  assert.match(task.unsupported('linux', '2.28', null), /needs libcurl \(libcurl\.so\.4\), which this agent lacks/);
  // A libcurl whose version cannot be read is given the benefit of the doubt.
  assert.strictEqual(task.unsupported('linux', '2.28', { path: '/lib/libcurl.so.4', version: null }), null);
  for (const line of [task.unsupported('win32', null), task.unsupported('linux', '2.12', curl), task.unsupported('linux', '2.28', null)]) {
    assert.ok(!line.includes('\n'));
  }
});

test('the task finds the agent\'s libcurl and reads its version from the library', () => {
  if (process.platform !== 'linux') return;
  const cache = { stdout: '\tlibcurl.so.4 (libc6,x86-64) => /opt/rhel/libcurl.so.4\n\tlibc.so.6 (libc6,x86-64) => /lib64/libc.so.6\n' };
  const rhel8 = task.libcurlOnAgent(() => cache, () => false, () => Buffer.from('\0junk\0CLIENT libcurl 7.61.1\0'));
  assert.deepStrictEqual(rhel8, { path: '/opt/rhel/libcurl.so.4', version: '7.61.1' });
  const noCache = task.libcurlOnAgent(() => { throw new Error('no ldconfig'); }, (file) => file === '/usr/lib64/libcurl.so.4', () => Buffer.from('libcurl/8.5.0 OpenSSL'));
  assert.deepStrictEqual(noCache, { path: '/usr/lib64/libcurl.so.4', version: '8.5.0' });
  assert.strictEqual(task.libcurlOnAgent(() => ({ stdout: '' }), () => false, () => Buffer.from('')), null);
  // This machine's own libcurl, for real.
  const real = task.libcurlOnAgent();
  assert.ok(real && real.path.endsWith('libcurl.so.4') && /^\d+\.\d+\.\d+$/.test(real.version), JSON.stringify(real));
});

test('the bundled binary runs from a task folder laid out as the agent extracts a VSIX (no executable bit)', () => {
  const folder = workspace();
  // _work/_tasks/<name>_<id>/<version>/: index.js, task.json and bin/linux-x64/perfgate, mode 0644 as unzipped.
  const taskDir = path.join(folder, '_work', '_tasks', `PerfGate_${taskJson.id}`, `${taskJson.version.Major}.${taskJson.version.Minor}.${taskJson.version.Patch}`);
  fs.mkdirSync(path.join(taskDir, 'bin', 'linux-x64'), { recursive: true });
  for (const file of ['index.js', 'task.json']) fs.copyFileSync(path.join(here, '..', 'PerfGateV1', file), path.join(taskDir, file));
  fs.copyFileSync(binary, path.join(taskDir, 'bin', 'linux-x64', 'perfgate'));
  fs.chmodSync(path.join(taskDir, 'bin', 'linux-x64', 'perfgate'), 0o644);
  fs.mkdirSync(path.join(folder, 's'), { recursive: true });
  // As the Node handler runs it: node "<taskdir>/index.js", in the default working directory.
  const env = agent(folder, { command: 'validate' });
  delete env.PERFGATE_PATH;
  const result = spawnSync(process.execPath, [path.join(taskDir, 'index.js')], { env, cwd: path.join(folder, 's'), encoding: 'utf8' });
  assert.strictEqual(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /^##vso\[artifact\.upload artifactname=perfspec\]/m);
});

test("perfgate's own service connections (Token scheme) and Generic ones both reach the binary as environment only", () => {
  const own = task.plan({ INPUT_COMMAND: 'evaluate', INPUT_DYNATRACECONNECTION: 'c1', INPUT_PROMETHEUSCONNECTION: 'c2',
    ENDPOINT_URL_c1: 'https://abc.live.dynatrace.com', ENDPOINT_AUTH_c1: JSON.stringify({ parameters: { apitoken: 'DT-TOKEN-9' }, scheme: 'Token' }),
    ENDPOINT_URL_c2: 'https://prom.example', ENDPOINT_AUTH_c2: JSON.stringify({ parameters: { username: 'u', password: 'p' }, scheme: 'UsernamePassword' }) });
  assert.deepStrictEqual(own.childEnv, { DYNATRACE_API_TOKEN: 'DT-TOKEN-9', PROMETHEUS_USERNAME: 'u', PROMETHEUS_PASSWORD: 'p' });
  assert.ok(own.args.includes('https://abc.live.dynatrace.com') && !own.args.join(' ').includes('DT-TOKEN-9'));
  const extension = JSON.parse(fs.readFileSync(path.join(here, '..', 'vss-extension.json'), 'utf8'));
  const types = extension.contributions.filter((c) => c.type === 'ms.vss-endpoint.service-endpoint-type').map((c) => c.properties.name);
  assert.deepStrictEqual(types, ['perfgate-prometheus', 'perfgate-dynatrace', 'perfgate-influxdb', 'perfgate-server', 'perfgate-datadog', 'perfgate-newrelic']);
  for (const name of types) assert.ok(taskJson.inputs.some((i) => i.type === `connectedService:${name}`), name);
});

test('an InfluxDB connection gives the URL as a flag and a token or Basic credentials as environment only', () => {
  const token = task.plan({ INPUT_COMMAND: 'evaluate', INPUT_INFLUXDBCONNECTION: 'i1', INPUT_INFLUXDBDATABASE: 'k6',
    ENDPOINT_URL_i1: 'https://influx.example:8086', ENDPOINT_AUTH_i1: JSON.stringify({ parameters: { apitoken: 'INFLUX-TOKEN-3' }, scheme: 'Token' }) });
  assert.deepStrictEqual(token.childEnv, { INFLUXDB_TOKEN: 'INFLUX-TOKEN-3', INFLUXDB_DATABASE: 'k6' });
  assert.ok(token.args.join(' ').includes('--influxdb-url https://influx.example:8086') && !token.args.join(' ').includes('INFLUX-TOKEN-3'));
  const basic = task.plan({ INPUT_COMMAND: 'evaluate', INPUT_INFLUXDBSERVICE: 'g1',
    ENDPOINT_URL_g1: 'http://influx:8086', ENDPOINT_AUTH_g1: JSON.stringify({ parameters: { username: 'gate', password: 'pw' }, scheme: 'UsernamePassword' }) });
  assert.deepStrictEqual(basic.childEnv, { INFLUXDB_USERNAME: 'gate', INFLUXDB_PASSWORD: 'pw' });
  const graphite = task.plan({ INPUT_COMMAND: 'evaluate', INPUT_GRAPHITESERVICE: 'g2',
    ENDPOINT_URL_g2: 'https://graphite.example', ENDPOINT_AUTH_g2: JSON.stringify({ parameters: { password: 'GRAPHITE-TOKEN-8' }, scheme: 'UsernamePassword' }) });
  assert.deepStrictEqual(graphite.childEnv, { GRAPHITE_TOKEN: 'GRAPHITE-TOKEN-8' });
  assert.ok(graphite.args.join(' ').includes('--graphite-url https://graphite.example') && !graphite.args.join(' ').includes('GRAPHITE-TOKEN-8'));
  const plain = task.plan({ INPUT_COMMAND: 'evaluate', INPUT_INFLUXDBURL: 'http://influx:8086' });
  assert.deepStrictEqual(plain.childEnv, {});
  assert.ok(plain.args.join(' ').includes('--influxdb-url http://influx:8086'));
});

// A perfgate server (scripts/test-server) for the server inputs: it evaluates, the job holds no backend token.
function startServer() {
  const dir = fs.mkdtempSync(path.join(scratch, 'server-'));
  const started = spawnSync('bash', [path.join(root, 'scripts', 'test-server'), 'start', dir, binary], { encoding: 'utf8' });
  assert.strictEqual(started.status, 0, started.stderr);
  const read = (name) => fs.readFileSync(path.join(dir, name), 'utf8').trim();
  return { url: read('url'), key: read('key'), log: () => read('access.log'), stop: () => spawnSync('bash', [path.join(root, 'scripts', 'test-server'), 'stop', dir]) };
}

test('strict makes every warning about the spec an error (--strict), for validate and evaluate', () => {
  for (const command of ['validate', 'evaluate']) {
    assert.ok(task.plan({ INPUT_COMMAND: command, INPUT_STRICT: 'true' }).args.includes('--strict'), command);
    assert.ok(!task.plan({ INPUT_COMMAND: command, INPUT_STRICT: 'false' }).args.includes('--strict'), command);
  }
});

test('Datadog and New Relic connections give the URL as a flag and the keys as environment only', () => {
  const job = task.plan({ INPUT_COMMAND: 'evaluate', INPUT_DATADOGCONNECTION: 'dd', INPUT_NEWRELICCONNECTION: 'nr', INPUT_NEWRELICACCOUNTID: '1234567',
    ENDPOINT_URL_dd: 'https://api.datadoghq.eu', ENDPOINT_AUTH_dd: JSON.stringify({ parameters: { apitoken: 'DD-API-1', appkey: 'DD-APP-2' }, scheme: 'Token' }),
    ENDPOINT_URL_nr: 'https://api.eu.newrelic.com', ENDPOINT_AUTH_nr: JSON.stringify({ parameters: { apitoken: 'NRAK-3' }, scheme: 'Token' }) });
  assert.deepStrictEqual(job.childEnv, { DD_API_KEY: 'DD-API-1', DD_APP_KEY: 'DD-APP-2', NEW_RELIC_API_KEY: 'NRAK-3' });
  const line = job.args.join(' ');
  assert.ok(line.includes('--datadog-url https://api.datadoghq.eu') && line.includes('--newrelic-url https://api.eu.newrelic.com') && line.includes('--newrelic-account-id 1234567'));
  assert.ok(!/DD-API-1|DD-APP-2|NRAK-3/.test(line));
});

test('an Azure Resource Manager connection becomes Entra ID credentials by its scheme', () => {
  const arm = (scheme, parameters, extra = {}) => task.plan(Object.assign({ INPUT_COMMAND: 'evaluate', INPUT_AZURESUBSCRIPTION: 'az',
    ENDPOINT_URL_az: 'https://management.azure.com/', ENDPOINT_AUTH_az: JSON.stringify({ parameters, scheme }) }, extra));
  const secret = arm('ServicePrincipal', { tenantid: 't-1', serviceprincipalid: 'c-2', serviceprincipalkey: 'SPN-SECRET-3', authenticationType: 'spnKey' });
  assert.deepStrictEqual(secret.childEnv, { AZURE_MONITOR_URL: 'https://management.azure.com/', AZURE_TENANT_ID: 't-1', AZURE_CLIENT_ID: 'c-2', AZURE_CLIENT_SECRET: 'SPN-SECRET-3' });
  assert.ok(!secret.args.join(' ').includes('SPN-SECRET-3') && secret.oidc === undefined);
  const federated = arm('WorkloadIdentityFederation', { tenantid: 't-1', serviceprincipalid: 'c-2' }, { ENDPOINT_DATA_az_ENVIRONMENTAUTHORITYURL: 'https://login.microsoftonline.us/' });
  assert.strictEqual(federated.oidc, 'az');
  assert.deepStrictEqual(federated.childEnv, { AZURE_MONITOR_URL: 'https://management.azure.com/', AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us/', AZURE_TENANT_ID: 't-1', AZURE_CLIENT_ID: 'c-2' });
  assert.strictEqual(arm('ManagedServiceIdentity', {}).childEnv.AZURE_MONITOR_AUTH, 'managed-identity');
  assert.throws(() => arm('ServicePrincipal', { tenantid: 't', serviceprincipalid: 'c', authenticationType: 'spnCertificate' }), /certificate/);
  assert.throws(() => arm('PublishProfile', {}), /scheme 'PublishProfile'/);
});

// Servers/fake_saas.py: Entra ID and Azure Monitor from their documentation, on loopback.
function startFakeSaaS() {
  const { spawn } = require('node:child_process');
  const child = spawn('python3', [path.join(root, 'Tests', 'PerfGateTestSupport', 'Servers', 'fake_saas.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk) => resolve({ url: 'http://127.0.0.1:' + String(chunk).trim(), stop: () => child.stdin.end() }));
    child.once('error', reject);
  });
}

test('workload identity federation: the task asks Azure DevOps for the OIDC token and perfgate signs in with it', async () => {
  const http = require('node:http');
  const asked = [];
  // Azure DevOps' OIDC endpoint (System.OidcRequestUri), as AzureCLI@2 and the Azure tasks call it.
  const devops = http.createServer((request, response) => {
    asked.push({ method: request.method, url: request.url, authorization: request.headers.authorization });
    const ok = request.headers.authorization === 'Bearer JOB-ACCESS-TOKEN-7';
    response.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' });
    response.end(ok ? JSON.stringify({ oidcToken: 'federated-ASSERTION-0123456789' }) : '{"message":"unauthorized"}');
  });
  await new Promise((resolve) => devops.listen(0, '127.0.0.1', resolve));
  const fake = await startFakeSaaS();
  try {
    const folder = workspace();
    fs.writeFileSync(path.join(folder, 'perfspec', 'checkout.perfspec.yaml'), `spec_version: '1.0'
indicators:
  - id: response_time
    source: azure-monitor
    query: {resource: /subscriptions/sub-1/resourceGroups/shop/providers/Microsoft.Web/sites/task-site, metric: HttpResponseTime, aggregation: Average}
    grading: {type: Threshold, thresholds: {upperSevere: 1}, metricScore: 100}
objectives: {pass: 90, warning: 75}
`);
    const env = agent(folder, { command: 'evaluate', azureSubscription: 'arm', start: '2024-05-01T12:00:00Z', end: '2024-05-01T12:10:00Z' }, {
      ENDPOINT_URL_arm: fake.url, ENDPOINT_DATA_arm_ENVIRONMENTAUTHORITYURL: fake.url,
      ENDPOINT_AUTH_arm: JSON.stringify({ parameters: { tenantid: '11111111-2222-3333-4444-555555555555', serviceprincipalid: 'client-0123' }, scheme: 'WorkloadIdentityFederation' }),
      ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN: 'JOB-ACCESS-TOKEN-7',
      SYSTEM_OIDCREQUESTURI: `http://127.0.0.1:${devops.address().port}/org/project/_apis/distributedtask/hubs/build/plans/p/jobs/j/oidctoken`,
      AZURE_LOGS_URL: fake.url });
    const result = await runTask(env);
    assert.strictEqual(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^##vso\[task\.setvariable variable=perfgateResult;isOutput=true\]pass$/m);
    assert.strictEqual(asked.length, 1);
    assert.strictEqual(asked[0].method, 'POST');
    assert.match(asked[0].url, /\/oidctoken\?api-version=7\.1&serviceConnectionId=arm$/);
    // The token is masked from the start (the agent's masker learns it) and never shown.
    assert.deepStrictEqual(result.stdout.split('\n').filter((line) => line.includes('federated-ASSERTION')), ['##vso[task.setsecret]federated-ASSERTION-0123456789']);
    assert.ok(!result.stderr.includes('federated-ASSERTION-0123456789'));
    // A refused access token fails the task before perfgate runs, and says why.
    const refused = await runTask(Object.assign({}, env, { ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN: 'WRONG' }));
    assert.strictEqual(refused.code, 1);
    assert.match(refused.stdout, /^##vso\[task\.complete result=Failed\]perfgate: Azure DevOps gave no OIDC token for the connection arm \(HTTP 401\)/m);
  } finally {
    fake.stop();
    devops.close();
  }
});

const REMOTE_SPEC = fs.readFileSync(path.join(root, 'Examples', 'perfspec-static.yaml'), 'utf8');

test('a perfgate server connection evaluates on the server, with its key in the environment only', async () => {
  const server = startServer();
  try {
    const folder = workspace();
    fs.writeFileSync(path.join(folder, 'perfspec', 'checkout.perfspec.yaml'), REMOTE_SPEC);
    const window = { start: '2024-05-01T12:00:00Z', end: '2024-05-01T12:10:00Z' };
    const result = await runTask(agent(folder, Object.assign({ command: 'evaluate', serverConnection: 'pg' }, window), {
      ENDPOINT_URL_pg: server.url, ENDPOINT_AUTH_pg: JSON.stringify({ parameters: { apitoken: server.key }, scheme: 'Token' }) }));
    assert.strictEqual(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^##vso\[task\.setvariable variable=perfgateResult;isOutput=true\]warning$/m);
    assert.match(result.stdout, /^##vso\[task\.setvariable variable=perfgateScore;isOutput=true\]70$/m);
    assert.match(result.stdout, /^##vso\[task\.complete result=SucceededWithIssues\]/m);
    assert.deepStrictEqual(result.stdout.split('\n').filter((line) => line.includes(server.key)), [`##vso[task.setsecret]${server.key}`]);
    assert.ok(!result.stderr.includes(server.key));
    assert.match(server.log(), /"method":"POST","route":"\/api\/v1\/evaluate","status":200/);
    // The URL input, with the key mapped from a secret variable (env: PERFGATE_API_KEY: $(key)).
    const byUrl = await runTask(agent(folder, Object.assign({ command: 'evaluate', server: server.url }, window), { PERFGATE_API_KEY: server.key }));
    assert.strictEqual(byUrl.code, 0, byUrl.stdout + byUrl.stderr);
    // Without the key the server refuses: the task fails, and says how to give it.
    const refused = await runTask(agent(folder, Object.assign({ command: 'evaluate', server: server.url }, window)));
    assert.notStrictEqual(refused.code, 0);
    assert.match(refused.stdout, /^##vso\[task\.complete result=Failed\].*PERFGATE_API_KEY/m);
  } finally {
    server.stop();
  }
});

// The scripted review APIs (scripts/test-review-api): Azure DevOps' pull request threads and statuses.
function startReviewAPI() {
  const dir = fs.mkdtempSync(path.join(scratch, 'review-'));
  const started = spawnSync('bash', [path.join(root, 'scripts', 'test-review-api'), 'start', dir], { encoding: 'utf8' });
  assert.strictEqual(started.status, 0, started.stderr);
  return {
    url: fs.readFileSync(path.join(dir, 'url'), 'utf8').trim(),
    state: (platform, key) => spawnSync('bash', [path.join(root, 'scripts', 'test-review-api'), 'state', dir, platform, key], { encoding: 'utf8' }).stdout.trim(),
    stop: () => spawnSync('bash', [path.join(root, 'scripts', 'test-review-api'), 'stop', dir]),
  };
}

test('comment keeps one pull request thread, updated on every run, with the job token from the agent only', async () => {
  const review = startReviewAPI();
  try {
    const folder = workspace();
    const window = { start: '2024-05-01T12:00:00Z', end: '2024-05-01T12:10:00Z' };
    // As the agent runs a pull request build: its variables, and the job's token as the SystemVssConnection endpoint.
    const build = {
      SYSTEM_COLLECTIONURI: review.url + '/azure/fabrikam/', SYSTEM_TEAMPROJECT: 'Shop', SYSTEM_TEAMPROJECTID: 'shop-id', BUILD_REPOSITORY_ID: 'repo-9',
      BUILD_REPOSITORY_PROVIDER: 'TfsGit', SYSTEM_PULLREQUEST_PULLREQUESTID: '17',
      ENDPOINT_AUTH_SYSTEMVSSCONNECTION: JSON.stringify({ parameters: { AccessToken: 'azdo-ACCESSTOKEN-0123456789' }, scheme: 'OAuth' }),
      ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN: 'azdo-ACCESSTOKEN-0123456789',
    };
    for (let run = 0; run < 2; run++) {
      const result = await runTask(agent(folder, Object.assign({ command: 'evaluate', comment: 'true' }, window), build));
      assert.strictEqual(result.code, 0, result.stdout + result.stderr);
      assert.ok(!(result.stdout + result.stderr).split('\n').some((line) => line.includes('azdo-ACCESSTOKEN') && !line.startsWith('##vso[task.setsecret]')));
    }
    assert.strictEqual(review.state('azure', 'fabrikam/shop-id/repo-9/17'), '1 1');
    assert.ok(!task.plan({ INPUT_COMMAND: 'evaluate', INPUT_COMMENT: 'false' }).args.includes('--comment'));
    const notify = task.plan({ INPUT_COMMAND: 'evaluate', INPUT_NOTIFY: 'slack teams', INPUT_NOTIFYON: 'warning' }).args.join(' ');
    assert.ok(notify.includes('--notify slack --notify teams --notify-on warning'), notify);
  } finally {
    review.stop();
  }
});

test('the packaged extension, unpacked as the agent unpacks it, runs a gate with its bundled binary', { skip: process.env.PERFGATE_SKIP_PACKAGE === '1' ? 'PERFGATE_SKIP_PACKAGE=1' : false }, () => {
  const packaged = spawnSync('bash', [path.join(here, '..', 'package.sh')], { encoding: 'utf8' });
  assert.strictEqual(packaged.status, 0, packaged.stdout + packaged.stderr);
  const size = Number(/package: .*, (\d+) bytes/.exec(packaged.stdout)[1]);
  assert.ok(size < 25 * 1024 * 1024, `${size} bytes`);
  const zip = /package: (\S+),/.exec(packaged.stdout)[1];
  // The agent extracts the task into _work/_tasks/<name>_<id>/<version>/ without Unix permissions.
  const folder = workspace();
  const taskDir = path.join(folder, '_work', '_tasks', `PerfGate_${taskJson.id}`, '1.0.0');
  const extracted = path.join(folder, 'extracted');
  const unzip = spawnSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', zip, extracted], { encoding: 'utf8' });
  assert.strictEqual(unzip.status, 0, unzip.stderr);
  fs.mkdirSync(path.dirname(taskDir), { recursive: true });
  fs.renameSync(path.join(extracted, 'PerfGateV1'), taskDir);
  const bundled = path.join(taskDir, 'bin', 'linux-x64', 'perfgate');
  assert.strictEqual(fs.statSync(bundled).mode & 0o111, 0, 'the unpacked binary should not be executable yet');
  fs.mkdirSync(path.join(folder, 's'), { recursive: true });
  for (const [command, extra] of [['markStart', { start: '2024-05-01T12:00:00Z' }], ['markStop', { end: '2024-05-01T12:10:00Z' }], ['evaluate', {}]]) {
    const env = agent(folder, Object.assign({ command }, extra));
    delete env.PERFGATE_PATH;
    const result = spawnSync(process.execPath, [path.join(taskDir, 'index.js')], { env, cwd: path.join(folder, 's'), encoding: 'utf8' });
    assert.strictEqual(result.status, 0, `${command}: ${result.stdout}${result.stderr}`);
    if (command === 'evaluate') assert.match(result.stdout, /^##vso\[task\.complete result=SucceededWithIssues\]perfgate: result warning/m);
  }
});

// What the agent makes of a task's output (ci-agent-fidelity.md §1.6, §1.9.5): `##vso[` anywhere in a line
// of stdout or stderr is a command (hidden from the log); task.complete results are case-sensitive and
// merge pessimistically; in restricted mode publishing commands are refused with a warning; a
// non-zero exit fails the task; artifact.upload outside a build throws (ArtifactCommandExtension.cs:
// UploadArtifactCommandNotSupported), which fails the task.
const RESULTS = ['Succeeded', 'SucceededWithIssues', 'Failed', 'Canceled', 'Skipped', 'Abandoned'];
const RESTRICTED_REFUSED = ['task.uploadsummary', 'task.uploadfile', 'task.addattachment', 'task.setendpoint', 'artifact.upload', 'artifact.associate', 'build.addbuildtag', 'results.publish'];
function agentVerdict(run, { restricted = false, hostType = 'build' } = {}) {
  let result = 'Succeeded';
  const warnings = [];
  const commands = [];
  const worse = (next) => { if (RESULTS.indexOf(next) > RESULTS.indexOf(result)) result = next; };
  for (const line of (run.stdout + '\n' + run.stderr).split(/\r\n|\r|\n/)) {
    const at = line.indexOf('##vso[');
    if (at < 0) continue;
    const close = line.indexOf(']', at);
    if (close < 0) { warnings.push('CommandKeywordDetected'); continue; }
    const info = line.slice(at + 6, close);
    const name = info.split(' ')[0];
    const properties = Object.fromEntries(info.slice(name.length + 1).split(';').filter((p) => p.includes('=')).map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
    commands.push(name);
    if (restricted && RESTRICTED_REFUSED.includes(name)) { warnings.push(`refused in restricted mode: ${name}`); continue; }
    if (name === 'artifact.upload' && hostType !== 'build') { worse('Failed'); continue; }  // CommandProcessFailed
    if (name === 'task.complete') {
      if (RESULTS.includes(properties.result)) worse(properties.result); else worse('Failed');  // CommandProcessFailed
    }
  }
  if (run.code !== 0) worse('Failed');
  return { result, warnings, commands };
}

test('the agent, reading the task output, gets the result the binary decided, also in restricted mode', async () => {
  const folder = workspace();
  await runTask(agent(folder, { command: 'markStart', start: '2024-05-01T12:00:00Z' }));
  await runTask(agent(folder, { command: 'markStop', end: '2024-05-01T12:10:00Z' }));
  const first = await runTask(agent(folder, { command: 'evaluate' }));
  assert.strictEqual(agentVerdict(first).result, 'SucceededWithIssues', first.stdout + first.stderr);
  assert.strictEqual(agentVerdict(await runTask(agent(folder, { command: 'evaluate', onWarning: 'succeeded' }))).result, 'Succeeded');
  assert.strictEqual(agentVerdict(await runTask(agent(folder, { command: 'evaluate', onWarning: 'failed' }))).result, 'Failed');
  fs.writeFileSync(path.join(folder, 'bad.perfspec.json'), '{"indicators": 3}');
  const invalid = await runTask(agent(folder, { command: 'evaluate', spec: path.join(folder, 'bad.perfspec.json') }));
  assert.strictEqual(agentVerdict(invalid).result, 'Failed');
  fs.rmSync(path.join(folder, 'bad.perfspec.json'));  // else the search finds two specs
  // Restricted mode: the publishing commands are refused with warnings, the result still stands,
  // and perfgate's own line says where the reports are.
  const restricted = await runTask(agent(folder, { command: 'evaluate' }));
  const verdict = agentVerdict(restricted, { restricted: true });
  assert.strictEqual(verdict.result, 'SucceededWithIssues');
  assert.deepStrictEqual(verdict.warnings, ['refused in restricted mode: results.publish', 'refused in restricted mode: artifact.upload',
    'refused in restricted mode: task.uploadsummary']);
  assert.match(restricted.stderr, /with restricted commands .* PublishTestResults@2/);
  // A classic release: no artifact.upload (the agent would fail the task on it); the HTML report goes with the step's log.
  const release = await runTask(agent(folder, { command: 'evaluate' }, { SYSTEM_HOSTTYPE: 'release' }));
  const released = agentVerdict(release, { hostType: 'release' });
  assert.strictEqual(released.result, 'SucceededWithIssues', release.stdout + release.stderr);
  assert.ok(released.commands.includes('task.uploadfile') && !released.commands.includes('artifact.upload'), released.commands.join(' '));
  assert.ok(agentVerdict(first).commands.includes('artifact.upload'));
});

// Every `task: PerfGate@1` step of the README's pipelines, as YAML (Debian's python3-yaml reads it).
function readmeSteps() {
  const script = 'import json, sys, yaml, re\n' +
    'text = open(sys.argv[1]).read()\n' +
    'steps = []\n' +
    'def walk(node):\n' +
    '    if isinstance(node, dict):\n' +
    '        if node.get("task") == "PerfGate@1": steps.append(node.get("inputs") or {})\n' +
    '        for value in node.values(): walk(value)\n' +
    '    elif isinstance(node, list):\n' +
    '        for value in node: walk(value)\n' +
    'for block in re.findall(r"```yaml\\n(.*?)```", text, re.S): walk(yaml.safe_load(block))\n' +
    'print(json.dumps(steps))\n';
  const result = spawnSync(process.env.PERFGATE_PYTHON || 'python3', ['-c', script, path.join(here, '..', 'README.md')], { encoding: 'utf8' });
  assert.strictEqual(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

test("the README's pipelines run as written under the simulated agent", async () => {
  const steps = readmeSteps();
  assert.ok(steps.length >= 5, JSON.stringify(steps));
  const folder = workspace();
  // The build job's checkout: the spec and results in the repository (s/perf); the release job's download: perfspec/.
  fs.cpSync(path.join(folder, 'perfspec'), path.join(folder, 's', 'perf'), { recursive: true });
  const expand = (value) => String(value).replace(/\$\(Pipeline\.Workspace\)/g, folder);
  // A service connection input holds the endpoint's id; the agent exports ENDPOINT_* for it.
  const endpoints = { 'dynatrace-prod': 'a1b2c3d4-0000-4000-8000-000000000001', 'prometheus-prod': 'a1b2c3d4-0000-4000-8000-000000000002' };
  for (const inputs of steps) {
    const given = Object.fromEntries(Object.entries(inputs).map(([name, value]) => [name, endpoints[value] || expand(value)]));
    // The example results were recorded on 2024-05-01: the load test "runs" then.
    if (given.command === 'markStart') given.start = '2024-05-01T12:00:00Z';
    if (given.command === 'markStop') given.end = '2024-05-01T12:10:00Z';
    const extra = {};
    for (const id of Object.values(endpoints)) {
      extra['ENDPOINT_URL_' + id] = 'http://127.0.0.1:9';
      extra['ENDPOINT_AUTH_' + id] = JSON.stringify({ parameters: { username: '', password: 'README-SECRET' }, scheme: 'UsernamePassword' });
    }
    const env = agent(folder, given, extra);
    const job = task.plan(env);
    if (given.slo) {
      // The Keptn example needs a Prometheus: its flags are checked, not run.
      assert.deepStrictEqual(job.args.slice(0, 5), ['evaluate', '--ci', 'azure', '--slo', path.join(folder, 'perfspec', 'keptn', 'slo.yaml')]);
      assert.ok(job.args.join(' ').endsWith('--var SERVICE=checkout --var STAGE=hardening'), job.args.join(' '));
      continue;
    }
    const run = await runTask(env);
    assert.strictEqual(run.code, 0, `${JSON.stringify(inputs)}: ${run.stdout}${run.stderr}`);
    if (given.command === 'evaluate') assert.strictEqual(agentVerdict(run).result, 'SucceededWithIssues');
  }
});
