'use strict';
// The perfgate Azure Pipelines task: maps the task's inputs to perfgate's flags, runs the binary,
// and maps its exit code to the task's result. No npm dependencies; all logic lives in the binary.
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const readline = require('readline');

// The agent passes input NAME as INPUT_NAME: dots and spaces become '_', then upper case.
function input(name, env = process.env) {
  const value = env['INPUT_' + name.replace(/[.\s]/g, '_').toUpperCase()];
  return value === undefined ? '' : value.trim();
}

// A Generic service connection: ENDPOINT_URL_<id> and ENDPOINT_AUTH_<id> (JSON with parameters).
function endpoint(id, env = process.env) {
  if (!id) return null;
  const url = env['ENDPOINT_URL_' + id] || '';
  let parameters = {};
  try {
    parameters = (JSON.parse(env['ENDPOINT_AUTH_' + id] || '{}').parameters) || {};
  } catch (error) {
    throw new Error(`the service connection ${id} has unreadable credentials`);
  }
  return { url, username: parameters.username || '', password: parameters.password || '' };
}

const COMMANDS = { markStart: ['mark', 'start'], markStop: ['mark', 'stop'], validate: ['validate'], evaluate: ['evaluate'] };

// The command line and the child's extra environment (secrets travel only there).
function plan(env = process.env) {
  const command = input('command', env) || 'evaluate';
  if (!COMMANDS[command]) throw new Error(`unknown command '${command}': use markStart, markStop, validate or evaluate`);
  const args = [...COMMANDS[command], '--ci', 'azure'];
  const childEnv = {};
  const flag = (name, value) => { if (value) args.push(name, value); };
  if (command === 'markStart') { flag('--at', input('start', env)); flag('--window-file', input('windowFile', env)); }
  if (command === 'markStop') { flag('--at', input('end', env)); flag('--window-file', input('windowFile', env)); }
  const gate = () => {
    flag('--spec', input('spec', env));
    flag('--slo', input('slo', env));
    flag('--sli', input('sli', env));
    const provider = input('sliProvider', env);
    if (provider && provider !== 'auto') flag('--sli-provider', provider);
  };
  if (command === 'validate') { gate(); flag('--artifact-name', input('artifactName', env)); }
  if (command === 'evaluate') {
    gate();
    flag('--history', input('history', env));
    flag('--start', input('start', env));
    flag('--end', input('end', env));
    flag('--window-file', input('windowFile', env));
    flag('--report-dir', input('reportDir', env));
    const onWarning = input('onWarning', env) || 'succeededWithIssues';
    flag('--fail-on', onWarning === 'failed' ? 'warning' : (input('failOn', env) || 'fail'));
    const prometheus = endpoint(input('prometheusService', env), env);
    flag('--prometheus-url', (prometheus && prometheus.url) || input('prometheusUrl', env));
    if (prometheus && prometheus.password) {
      if (prometheus.username) {
        childEnv.PROMETHEUS_USERNAME = prometheus.username;
        childEnv.PROMETHEUS_PASSWORD = prometheus.password;
      } else {
        childEnv.PROMETHEUS_TOKEN = prometheus.password;
      }
    }
    const dynatrace = endpoint(input('dynatraceService', env), env);
    flag('--dynatrace-url', (dynatrace && dynatrace.url) || input('dynatraceUrl', env));
    if (dynatrace && dynatrace.password) childEnv.DYNATRACE_API_TOKEN = dynatrace.password;
  }
  if (command === 'evaluate' || command === 'validate') {
    for (const word of input('arguments', env).split(/\s+/)) if (word) args.push(word);
  }
  return { command, args, childEnv, onWarning: input('onWarning', env) || 'succeededWithIssues' };
}

// PERFGATE_PATH, then the binary bundled with the task, then PATH.
function findBinary(env = process.env, here = __dirname) {
  const tried = [];
  if (env.PERFGATE_PATH) {
    if (fs.existsSync(env.PERFGATE_PATH)) return env.PERFGATE_PATH;
    tried.push(`PERFGATE_PATH (${env.PERFGATE_PATH})`);
  } else {
    tried.push('PERFGATE_PATH (not set)');
  }
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch] || process.arch;
  const bundled = path.join(here, 'bin', `${process.platform}-${arch}`, 'perfgate');
  if (fs.existsSync(bundled)) return bundled;
  tried.push(`the bundled ${bundled}`);
  for (const folder of (env.PATH || '').split(path.delimiter)) {
    const candidate = path.join(folder, 'perfgate');
    if (folder && fs.existsSync(candidate)) return candidate;
  }
  tried.push('PATH');
  throw new Error(`perfgate binary not found; looked in ${tried.join(', ')}`);
}

// An Azure logging command's message data, escaped as azure-pipelines-task-lib does.
function escapeData(text) {
  return String(text).replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

const EXIT_MEANING = { 1: 'the performance gate failed', 2: 'an indicator could not be measured', 64: 'a usage error (see the log)', 65: 'the spec or its input is invalid (see the log)' };

// Forwards the child's stdout line by line, adapting the few commands the task's settings change.
function forward(line, onWarning, out) {
  if (onWarning === 'succeeded' && line.startsWith('##vso[task.complete result=SucceededWithIssues]')) return;
  out.write(line + '\n');
  const output = /^##vso\[task\.setvariable variable=PERFGATE_(RESULT|SCORE|START|END);isOutput=true\](.*)$/.exec(line);
  if (output) {
    const name = 'perfgate' + output[1][0] + output[1].slice(1).toLowerCase();
    out.write(`##vso[task.setvariable variable=${name};isOutput=true]${output[2]}\n`);
  }
}

function run(env = process.env, out = process.stdout, err = process.stderr) {
  return new Promise((resolve) => {
    let job;
    let binary;
    try {
      job = plan(env);
      binary = findBinary(env);
    } catch (error) {
      out.write(`##vso[task.complete result=Failed]${escapeData('perfgate: ' + error.message)}\n`);
      return resolve(1);
    }
    // Only what the binary needs: the agent's variables, plus the secrets for this run.
    const childEnv = Object.assign({}, env, job.childEnv);
    for (const name of Object.keys(childEnv)) if (/^(INPUT_|ENDPOINT_AUTH_)/.test(name)) delete childEnv[name];
    const child = spawn(binary, job.args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    readline.createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => forward(line, job.onWarning, out));
    child.stderr.on('data', (chunk) => err.write(chunk));
    child.on('error', (error) => {
      out.write(`##vso[task.complete result=Failed]${escapeData('perfgate: cannot run ' + binary + ': ' + error.message)}\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => {
      const status = signal ? 2 : code;
      if (status !== 0) {
        const meaning = EXIT_MEANING[status] || `perfgate stopped (${signal || 'exit ' + status})`;
        out.write(`##vso[task.complete result=Failed]${escapeData('perfgate: ' + meaning)}\n`);
      }
      resolve(status === 0 ? 0 : 1);
    });
  });
}

module.exports = { input, endpoint, plan, findBinary, forward, run, escapeData };

if (require.main === module) {
  run().then((code) => { process.exitCode = code; });
}
