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
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'perfgate-azure-'));
  fs.cpSync(path.join(root, 'Examples'), path.join(folder, 'perfspec'), { recursive: true });
  fs.rmSync(path.join(folder, 'perfspec', 'perfspec.yaml'));
  fs.rmSync(path.join(folder, 'perfspec', 'perfspec.json'));
  fs.rmSync(path.join(folder, 'perfspec', 'keptn'), { recursive: true });  // a second gate would need choosing
  // The spec that warns, under a name the discovery finds.
  fs.renameSync(path.join(folder, 'perfspec', 'perfspec-warning.yaml'), path.join(folder, 'perfspec', 'checkout.perfspec.yaml'));
  return folder;
}

function agent(folder, inputs, extra = {}) {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, TF_BUILD: 'True', PIPELINE_WORKSPACE: folder,
                BUILD_SOURCESDIRECTORY: path.join(folder, 's'), AGENT_TEMPDIRECTORY: os.tmpdir(), PERFGATE_PATH: binary };
  for (const [name, value] of Object.entries(inputs)) env['INPUT_' + name.toUpperCase()] = value;
  return Object.assign(env, extra);
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
                INPUT_ARGUMENTS: '--var SERVICE=checkout  --timeout 60', INPUT_PROMETHEUSSERVICE: 'ep1',
                ENDPOINT_URL_ep1: 'https://prom.example', ENDPOINT_AUTH_ep1: JSON.stringify({ parameters: { password: 'TOKEN-123' }, scheme: 'UsernamePassword' }) };
  const job = task.plan(env);
  assert.deepStrictEqual(job.args, ['evaluate', '--ci', 'azure', '--spec', 'a b/spec.json', '--report-dir', 'out', '--fail-on', 'warning',
    '--prometheus-url', 'https://prom.example', '--var', 'SERVICE=checkout', '--timeout', '60']);
  assert.deepStrictEqual(job.childEnv, { PROMETHEUS_TOKEN: 'TOKEN-123' });
  assert.ok(!job.args.join(' ').includes('TOKEN-123'));
  assert.deepStrictEqual(task.plan({ INPUT_COMMAND: 'markStop', INPUT_END: 'now', INPUT_WINDOWFILE: 'w.json' }).args,
    ['mark', 'stop', '--ci', 'azure', '--at', 'now', '--window-file', 'w.json']);
  assert.deepStrictEqual(task.plan({ INPUT_COMMAND: 'evaluate', INPUT_ONWARNING: 'failed' }).args, ['evaluate', '--ci', 'azure', '--fail-on', 'warning']);
  assert.throws(() => task.plan({ INPUT_COMMAND: 'deploy' }), /unknown command 'deploy'/);
  assert.deepStrictEqual(task.plan({ INPUT_COMMAND: 'evaluate', INPUT_SLO: 'gate/slo.yaml', INPUT_SLIPROVIDER: 'dynatrace', INPUT_HISTORY: 'h.jsonl' }).args,
    ['evaluate', '--ci', 'azure', '--slo', 'gate/slo.yaml', '--sli-provider', 'dynatrace', '--history', 'h.jsonl', '--fail-on', 'fail']);
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
  const window = JSON.parse(fs.readFileSync(path.join(folder, '.perfgate', 'window.json'), 'utf8'));
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
  assert.match(result.stdout, /^##vso\[task\.logissue type=warning\]checkout_p95_ms: checkout: 581 >= upperWarning 500/m);
  assert.match(result.stdout, /^##vso\[task\.setvariable variable=PERFGATE_RESULT;isOutput=true\]warning$/m);
  assert.match(result.stdout, /^##vso\[task\.setvariable variable=perfgateResult;isOutput=true\]warning$/m);
  assert.match(result.stdout, /^##vso\[task\.setvariable variable=perfgateScore;isOutput=true\]85$/m);
  assert.match(result.stdout, /^##vso\[task\.complete result=SucceededWithIssues\]/m);
  assert.ok(fs.existsSync(path.join(reports, 'perfgate-junit.xml')));

  const failed = await runTask(agent(folder, { command: 'evaluate', onWarning: 'failed' }));
  assert.strictEqual(failed.code, 1);
  assert.match(failed.stdout, /^##vso\[task\.complete result=Failed\]perfgate: the performance gate failed$/m);
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
  assert.match(invalid.stdout, /^##vso\[task\.complete result=Failed\]perfgate: the spec or its input is invalid \(see the log\)$/m);
  assert.match(invalid.stderr, /indicators: 'indicators' must be a list/);
  const usage = await runTask(agent(folder, { command: 'evaluate', start: 'yesterday' }));
  assert.strictEqual(usage.code, 1);
  assert.match(usage.stdout, /a usage error/);
  const missing = await runTask(agent(folder, { command: 'validate' }, { PERFGATE_PATH: '/nope', PATH: '/nowhere' }));
  assert.strictEqual(missing.code, 1);
  assert.match(missing.stdout, /^##vso\[task\.complete result=Failed\]perfgate: perfgate binary not found/m);
});
