'use strict';
// The perfgate Azure Pipelines task: maps the task's inputs to perfgate's flags, runs the binary,
// and maps its exit code to the task's result. No npm dependencies; all logic lives in the binary.
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

// The agent passes input NAME as INPUT_NAME: dots and spaces become '_', then upper case.
function input(name, env = process.env) {
  const value = env['INPUT_' + name.replace(/[.\s]/g, '_').toUpperCase()];
  return value === undefined ? '' : value.trim();
}

// A service connection: ENDPOINT_URL_<id> and ENDPOINT_AUTH_<id> (JSON {parameters, scheme}). perfgate's own
// types use the Token scheme (parameters.apitoken), or Basic (UsernamePassword) or None; a Generic
// connection has username and password, a password alone being a token.
function endpoint(id, env = process.env) {
  const found = connection(id, env);
  if (!found) return null;
  const parameters = found.parameters;
  if (parameters.apitoken) return { url: found.url, username: '', password: parameters.apitoken };
  return { url: found.url, username: parameters.username || '', password: parameters.password || '' };
}

// A connection's URL, scheme and parameters, the parameters' names in lower case (the agent keeps
// the case each connection type gives them).
function connection(id, env = process.env) {
  if (!id) return null;
  let auth = {};
  try {
    auth = JSON.parse(env['ENDPOINT_AUTH_' + id] || '{}') || {};
  } catch (error) {
    throw new Error(`the service connection ${id} has unreadable credentials`);
  }
  const parameters = {};
  for (const [name, value] of Object.entries(auth.parameters || {})) parameters[name.toLowerCase()] = String(value);
  return { id, url: env['ENDPOINT_URL_' + id] || '', scheme: auth.scheme || '', parameters };
}

// An Azure Resource Manager connection as Entra ID credentials for perfgate's azure-monitor
// source: a service principal's secret, workload identity federation (an OIDC token the task asks
// Azure DevOps for, in `run`), or the agent's managed identity.
function azureIdentity(id, env = process.env) {
  const arm = connection(id, env);
  if (!arm) return null;
  const childEnv = {};
  const data = (name) => env['ENDPOINT_DATA_' + id + '_' + name] || '';
  if (arm.url) childEnv.AZURE_MONITOR_URL = arm.url;
  if (data('ENVIRONMENTAUTHORITYURL')) childEnv.AZURE_AUTHORITY_HOST = data('ENVIRONMENTAUTHORITYURL');
  const p = arm.parameters;
  switch (arm.scheme) {
    case 'ServicePrincipal':
      if ((p.authenticationtype || 'spnKey') !== 'spnKey' || !p.serviceprincipalkey) {
        throw new Error(`the Azure connection ${id} uses a certificate: perfgate takes a secret, workload identity federation or a managed identity`);
      }
      return { childEnv: Object.assign(childEnv, { AZURE_TENANT_ID: p.tenantid, AZURE_CLIENT_ID: p.serviceprincipalid, AZURE_CLIENT_SECRET: p.serviceprincipalkey }) };
    case 'WorkloadIdentityFederation':
      return { childEnv: Object.assign(childEnv, { AZURE_TENANT_ID: p.tenantid, AZURE_CLIENT_ID: p.serviceprincipalid }), oidc: id };
    case 'ManagedServiceIdentity':
      return { childEnv: Object.assign(childEnv, { AZURE_MONITOR_AUTH: 'managed-identity' }) };
    default:
      throw new Error(`the Azure connection ${id} has the scheme '${arm.scheme}': use workload identity federation, a service principal with a secret, or a managed identity`);
  }
}

// Workload identity federation: the connection's OIDC token from Azure DevOps
// (POST $(System.OidcRequestUri)?api-version=7.1&serviceConnectionId=ID with the job's access token,
// answered {"oidcToken": …}), which perfgate exchanges with Entra ID as AZURE_FEDERATED_TOKEN.
function oidcToken(id, env = process.env) {
  return new Promise((resolve, reject) => {
    const uri = env.SYSTEM_OIDCREQUESTURI;
    let access = env.ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN || env.SYSTEM_ACCESSTOKEN || '';
    if (!access) {
      const vss = connection('SYSTEMVSSCONNECTION', env);
      access = (vss && vss.parameters.accesstoken) || '';
    }
    if (!uri || !access) {
      return reject(new Error('workload identity federation needs System.OidcRequestUri and the job\'s access token; run on Azure DevOps with the connection authorized for this pipeline'));
    }
    const target = new URL(uri);
    target.searchParams.set('api-version', '7.1');
    target.searchParams.set('serviceConnectionId', id);
    const client = target.protocol === 'https:' ? require('https') : require('http');
    const request = client.request(target, { method: 'POST', headers: { Authorization: 'Bearer ' + access, 'Content-Type': 'application/json', 'Content-Length': 0 }, timeout: 30000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { if (body.length < 1 << 20) body += chunk; });
      response.on('end', () => {
        let token = '';
        try { token = JSON.parse(body).oidcToken || ''; } catch (error) { token = ''; }
        if (response.statusCode === 200 && token) return resolve(token);
        reject(new Error(`Azure DevOps gave no OIDC token for the connection ${id} (HTTP ${response.statusCode})`));
      });
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (error) => reject(new Error(`cannot ask Azure DevOps for the connection's OIDC token: ${error.message}`)));
    request.end();
  });
}

// A filePath input is never empty: the agent fills an empty one with the repository's path
// (ci-agent-fidelity.md §1.2). As task-lib's filePathSupplied does, a value that resolves to
// Build.SourcesDirectory (else System.DefaultWorkingDirectory) is "not supplied"; so is any folder,
// which is what the agent's filling produces when the checkout path differs. Not supplied means
// perfgate searches the pipeline's folders itself.
function filePathInput(name, env = process.env) {
  const value = input(name, env);
  if (!value) return '';
  const root = env.BUILD_SOURCESDIRECTORY || env.SYSTEM_DEFAULTWORKINGDIRECTORY || '';
  const resolved = path.resolve(value);
  if (root && resolved === path.resolve(root)) return '';
  try {
    if (fs.statSync(resolved).isDirectory()) return '';
  } catch (error) {
    // A path that does not exist is the user's to get wrong: perfgate says so.
  }
  return value;
}

// `arguments` split as Microsoft's tasks split them (task-lib's ToolRunner): spaces separate,
// double quotes group, and inside quotes \" is a quote and \\ a backslash.
function splitArguments(text) {
  const args = [];
  let current = '';
  let quoted = false;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      current += text[++i];
    } else if (c === '"') {
      quoted = !quoted;
      started = true;
    } else if (/\s/.test(c) && !quoted) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (started) args.push(current);
  return args;
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
    if (input('strict', env).toLowerCase() === 'true') args.push('--strict');
    flag('--spec', filePathInput('spec', env));
    flag('--slo', filePathInput('slo', env));
    flag('--sli', filePathInput('sli', env));
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
    flag('--fail-on', input('failOn', env) || 'fail');
    // What a warning does is the binary's to say (--on-warning); the task only passes the choice.
    flag('--on-warning', { succeededWithIssues: 'issues', succeeded: 'succeeded', failed: 'failed' }[input('onWarning', env) || 'succeededWithIssues']);
    const prometheus = endpoint(input('prometheusConnection', env) || input('prometheusService', env), env);
    flag('--prometheus-url', (prometheus && prometheus.url) || input('prometheusUrl', env));
    if (prometheus && prometheus.password) {
      if (prometheus.username) {
        childEnv.PROMETHEUS_USERNAME = prometheus.username;
        childEnv.PROMETHEUS_PASSWORD = prometheus.password;
      } else {
        childEnv.PROMETHEUS_TOKEN = prometheus.password;
      }
    }
    const dynatrace = endpoint(input('dynatraceConnection', env) || input('dynatraceService', env), env);
    flag('--dynatrace-url', (dynatrace && dynatrace.url) || input('dynatraceUrl', env));
    if (dynatrace && dynatrace.password) childEnv.DYNATRACE_API_TOKEN = dynatrace.password;
    const influxdb = endpoint(input('influxdbConnection', env) || input('influxdbService', env), env);
    flag('--influxdb-url', (influxdb && influxdb.url) || input('influxdbUrl', env));
    if (influxdb && influxdb.password) {
      if (influxdb.username) {
        childEnv.INFLUXDB_USERNAME = influxdb.username;
        childEnv.INFLUXDB_PASSWORD = influxdb.password;
      } else {
        childEnv.INFLUXDB_TOKEN = influxdb.password;
      }
    }
    if (input('influxdbDatabase', env)) childEnv.INFLUXDB_DATABASE = input('influxdbDatabase', env);
    // Graphite has no credentials of its own; a Generic connection's, if a proxy asks, as for Prometheus.
    const graphite = endpoint(input('graphiteService', env), env);
    flag('--graphite-url', (graphite && graphite.url) || input('graphiteUrl', env));
    if (graphite && graphite.password) {
      if (graphite.username) {
        childEnv.GRAPHITE_USERNAME = graphite.username;
        childEnv.GRAPHITE_PASSWORD = graphite.password;
      } else {
        childEnv.GRAPHITE_TOKEN = graphite.password;
      }
    }
    // Datadog and New Relic: the connection's API URL as a flag, the keys in the environment only.
    const datadog = connection(input('datadogConnection', env), env);
    if (datadog) {
      flag('--datadog-url', datadog.url);
      childEnv.DD_API_KEY = datadog.parameters.apitoken || '';
      childEnv.DD_APP_KEY = datadog.parameters.appkey || '';
    }
    flag('--datadog-site', input('datadogSite', env));
    const newrelic = connection(input('newrelicConnection', env), env);
    if (newrelic) {
      flag('--newrelic-url', newrelic.url);
      childEnv.NEW_RELIC_API_KEY = newrelic.parameters.apitoken || '';
    }
    flag('--newrelic-account-id', input('newrelicAccountId', env));
    const azure = azureIdentity(input('azureSubscription', env), env);
    if (azure) Object.assign(childEnv, azure.childEnv);
    flag('--web-url', input('webUrl', env));
    // A perfgate server evaluates: its URL as a flag, its API key in the environment only.
    const server = endpoint(input('serverConnection', env), env);
    flag('--server', (server && server.url) || input('server', env));
    if (server && server.password) childEnv.PERFGATE_API_KEY = server.password;
    // The pull request thread and status: the job's own access token, in the environment only.
    if (input('comment', env).toLowerCase() === 'true') {
      args.push('--comment', 'azure');
      const vss = connection('SYSTEMVSSCONNECTION', env);
      const access = env.ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN || (vss && vss.parameters.accesstoken) || env.SYSTEM_ACCESSTOKEN || '';
      if (access) childEnv.SYSTEM_ACCESSTOKEN = access;
    }
    for (const target of input('notify', env).split(/[\s,]+/).filter(Boolean)) args.push('--notify', target);
    if (input('notify', env)) flag('--notify-on', input('notifyOn', env) || 'fail');
  }
  if (command === 'evaluate' || command === 'validate') {
    args.push(...splitArguments(input('arguments', env)));
  }
  const oidc = command === 'evaluate' ? (azureIdentity(input('azureSubscription', env), env) || {}).oidc : undefined;
  return { command, args, childEnv, oidc };
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
  if (fs.existsSync(bundled)) {
    // A VSIX keeps no Unix permissions: the extracted binary is not executable until we say so.
    fs.chmodSync(bundled, 0o755);
    return bundled;
  }
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

// The binary needs Linux with glibc 2.17 or newer and libcurl 7.61 or newer (the README's "Install").
const MINIMUM_GLIBC = [2, 17];
const MINIMUM_LIBCURL = [7, 61];
const ELSEWHERE = 'run this step in a container job with perfgate\'s image (container: ghcr.io/OWNER/perfgate:1), or on a Linux agent with glibc 2.17 and libcurl 7.61 or newer';

function older(version, minimum) {
  const parts = String(version).split('.').map(Number);
  for (let index = 0; index < minimum.length; index++) {
    if ((parts[index] || 0) !== minimum[index]) return (parts[index] || 0) < minimum[index];
  }
  return false;
}

// One clear line for an agent the binary cannot run on; null when it can. `libcurl` is what
// libcurlOnAgent found: {path, version}, a null version when it could not tell, or null when the
// agent has no libcurl.so.4 (undefined: not looked for).
function unsupported(platform = process.platform, glibc = glibcVersion(), libcurl = libcurlOnAgent()) {
  if (platform !== 'linux') return `perfgate runs on Linux agents only (this agent is ${platform}); ${ELSEWHERE}`;
  if (glibc && older(glibc, MINIMUM_GLIBC)) {
    return `perfgate needs glibc ${MINIMUM_GLIBC.join('.')} or newer (this agent has ${glibc}); ${ELSEWHERE}`;
  }
  if (libcurl === null) {
    return `perfgate needs libcurl (libcurl.so.4), which this agent lacks; install it (apt-get install libcurl4, dnf install libcurl) or ${ELSEWHERE}`;
  }
  if (libcurl && libcurl.version && older(libcurl.version, MINIMUM_LIBCURL)) {
    return `perfgate needs libcurl ${MINIMUM_LIBCURL.join('.')} or newer (this agent has ${libcurl.version} at ${libcurl.path}); ${ELSEWHERE}`;
  }
  return null;
}

function glibcVersion() {
  try {
    return process.report.getReport().header.glibcVersionRuntime || null;
  } catch (error) {
    return null;
  }
}

// The libcurl.so.4 the dynamic loader would give the binary (ldconfig's cache, else the usual
// folders), and its version: libcurl keeps its version text ("libcurl/7.61.1", "libcurl 7.61.1")
// in the library itself. undefined off Linux.
function libcurlOnAgent(run = spawnSync, exists = fs.existsSync, read = fs.readFileSync) {
  if (process.platform !== 'linux') return undefined;
  let found = null;
  try {
    const cache = run('ldconfig', ['-p'], { encoding: 'utf8', env: { PATH: '/sbin:/usr/sbin:/bin:/usr/bin' } });
    const line = String(cache.stdout || '').split('\n').find((entry) => /^\s*libcurl\.so\.4 .*=> /.test(entry));
    if (line) found = line.split('=> ').pop().trim();
  } catch (error) {
    // no ldconfig: the folders below
  }
  const folders = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/lib64', '/usr/lib', '/lib'];
  if (!found) found = folders.map((folder) => path.join(folder, 'libcurl.so.4')).find((candidate) => exists(candidate)) || null;
  if (!found) return null;
  let version = null;
  try {
    const text = read(found).toString('latin1');
    const match = /libcurl[/ ](\d+\.\d+\.\d+)/.exec(text);
    if (match) version = match[1];
  } catch (error) {
    // unreadable: the binary will say what is wrong, if anything
  }
  return { path: found, version };
}

// Runs the binary and passes its output through unchanged: the binary speaks the agent's language
// (output variables, task.complete with the run's meaning). The task only adds a result when the
// binary could not say one (it did not start, or it was killed).
function run(env = process.env, out = process.stdout, err = process.stderr, system = { platform: process.platform, glibc: glibcVersion() }) {
  return new Promise((resolve) => {
    let job;
    let binary;
    try {
      const refusal = unsupported(system.platform, system.glibc);
      if (refusal) throw new Error(refusal);
      job = plan(env);
      binary = findBinary(env);
    } catch (error) {
      out.write(`##vso[task.complete result=Failed]${escapeData('perfgate: ' + error.message)}\n`);
      return resolve(1);
    }
    const federated = job.oidc ? oidcToken(job.oidc, env) : Promise.resolve(null);
    federated.then((token) => {
      // Only what the binary needs: the agent's variables, plus the secrets for this run.
      const childEnv = Object.assign({}, env, job.childEnv);
      if (token) childEnv.AZURE_FEDERATED_TOKEN = token;
      for (const name of Object.keys(childEnv)) if (/^(INPUT_|ENDPOINT_AUTH_)/.test(name)) delete childEnv[name];
      start(binary, job, childEnv, out, err, resolve);
    }, (error) => {
      out.write(`##vso[task.complete result=Failed]${escapeData('perfgate: ' + error.message)}\n`);
      resolve(1);
    });
  });
}

function start(binary, job, childEnv, out, err, resolve) {
  {
    const child = spawn(binary, job.args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    let concluded = false;
    let tail = '';
    child.stdout.on('data', (chunk) => {
      out.write(chunk);
      const text = tail + chunk.toString('utf8');
      if (text.includes('##vso[task.complete ')) concluded = true;
      tail = text.slice(-32);
    });
    child.stderr.on('data', (chunk) => err.write(chunk));
    child.on('error', (error) => {
      out.write(`##vso[task.complete result=Failed]${escapeData('perfgate: cannot run ' + binary + ': ' + error.message)}\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => {
      const status = signal ? 2 : code;
      if (status !== 0 && !concluded) {
        out.write(`##vso[task.complete result=Failed]${escapeData(`perfgate stopped (${signal || 'exit ' + status}) without a result`)}\n`);
      }
      resolve(status === 0 ? 0 : 1);
    });
  }
}

module.exports = { input, filePathInput, splitArguments, endpoint, connection, azureIdentity, oidcToken, plan, findBinary, unsupported, libcurlOnAgent, run, escapeData };

if (require.main === module) {
  run().then((code) => { process.exitCode = code; });
}
