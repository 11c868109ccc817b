// The example's configuration (datasets.json) and real checks of the dataset
// folders: readiness (status/reason pairs of codeanatomy-telemetry.md §3) and
// Delta log health. All checks are bounded and never throw.
import fs from 'node:fs';
import path from 'node:path';

const MAX_WALK = 10_000;
const COMMIT_FILE = /^\d{20}\.(json|checkpoint(\.\d+\.\d+)?\.parquet)$/;
const SUPPORTED_READER = ['columnMapping', 'deletionVectors', 'timestampNtz', 'v2Checkpoint', 'vacuumProtocolCheck'];
const SUPPORTED_WRITER = [...SUPPORTED_READER, 'appendOnly', 'invariants', 'checkConstraints', 'changeDataFeed',
  'generatedColumns', 'identityColumns', 'rowTracking', 'domainMetadata'];

export function loadConfig(exampleDir) {
  const raw = JSON.parse(fs.readFileSync(path.join(exampleDir, 'datasets.json'), 'utf8'));
  const datasets = new Map(raw.datasets.map((d) => [d.name, d]));
  const views = new Map(raw.views.map((v) => [v.name, v]));
  return { datasets, views, scenarios: raw.scenarios };
}

const isRemote = (p) => /^[a-z][a-z0-9+.-]*:\/\//i.test(p) && !p.startsWith('file://');

export function datasetPath(exampleDir, ds) {
  if (!ds.path) return undefined;
  return isRemote(ds.path) ? ds.path : path.resolve(exampleDir, ds.path);
}

function statOrNull(p) {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

// Data files below dir (not the _delta_log), with total size; bounded walk.
function dataFiles(dir) {
  const files = [];
  const stack = [dir];
  let seen = 0;
  while (stack.length > 0 && seen < MAX_WALK) {
    const d = stack.pop();
    let entries = [];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (++seen > MAX_WALK) break;
      if (e.name === '_delta_log' || e.name.startsWith('.') || e.name.startsWith('_')) continue;
      const full = path.join(d, e.name);
      if (e.isDirectory()) stack.push(full);
      else if (e.isFile()) files.push({ path: full, size: statOrNull(full)?.size ?? 0 });
    }
  }
  return files;
}

function commitFiles(logDir) {
  try {
    return fs.readdirSync(logDir).filter((n) => COMMIT_FILE.test(n)).sort();
  } catch {
    return [];
  }
}

/** dataset_readiness_v1 payload for one dataset, from the folder as it is now. */
export function checkReadiness(exampleDir, ds) {
  const p = datasetPath(exampleDir, ds);
  const base = { dataset: ds.name, path: p ?? '', format: ds.format, path_exists: false, delta_log_present: false,
    delta_log_file_count: 0, file_count: 0 };
  if (!p) return { ...base, status: 'missing_location', reason: 'no_dataset_location_configured' };
  if (isRemote(p)) return { ...base, status: 'remote_path', reason: 'remote_scheme' };
  const st = statOrNull(p);
  if (!st) return { ...base, status: 'missing_path', reason: 'path_not_found' };
  const files = st.isDirectory() ? dataFiles(p) : [{ path: p, size: st.size }];
  const result = { ...base, path_exists: true, file_count: files.length };
  if (ds.format === 'delta') {
    const logDir = path.join(p, '_delta_log');
    const present = statOrNull(logDir)?.isDirectory() ?? false;
    const commits = present ? commitFiles(logDir).length : 0;
    Object.assign(result, { delta_log_present: present, delta_log_file_count: commits });
    if (!present) return { ...result, status: 'missing_delta_log', reason: 'delta_log_missing' };
    if (commits === 0) return { ...result, status: 'empty_delta_log', reason: 'delta_log_empty' };
  }
  if (files.length === 0) return { ...result, status: 'empty_path', reason: 'no_files_found' };
  return { ...result, status: 'ok', reason: 'ok' };
}

/** A dataset blocks when it is neither ok nor remote (§3). */
export const blocks = (readiness) => readiness.status !== 'ok' && readiness.status !== 'remote_path';

// The Delta actions of all JSON commits, in order (bounded).
function deltaActions(logDir) {
  const actions = [];
  for (const name of commitFiles(logDir).filter((n) => n.endsWith('.json')).slice(-100)) {
    try {
      for (const line of fs.readFileSync(path.join(logDir, name), 'utf8').split('\n')) {
        if (line.trim()) actions.push(JSON.parse(line));
      }
    } catch {
      /* a torn commit is reported as unreadable below */
    }
  }
  return actions;
}

/** delta_log_health_v1 payload (without run_id) for a Delta dataset. */
export function deltaLogHealth(exampleDir, ds, readiness) {
  const p = datasetPath(exampleDir, ds) ?? '';
  const base = { dataset: ds.name, path: p, delta_log_present: readiness.delta_log_present,
    delta_log_file_count: readiness.delta_log_file_count, 'diagnostic.category': 'delta_protocol' };
  if (!readiness.delta_log_present || readiness.delta_log_file_count === 0) {
    const reason = readiness.delta_log_present ? 'delta_log_empty' : 'delta_log_missing';
    return { ...base, delta_log_reason: reason, protocol_compatible: false, protocol_reason: reason,
      'diagnostic.severity': 'error' };
  }
  const logDir = path.join(p, '_delta_log');
  const protocol = deltaActions(logDir).filter((a) => a.protocol).map((a) => a.protocol).pop();
  let lastCheckpoint;
  try {
    lastCheckpoint = JSON.parse(fs.readFileSync(path.join(logDir, '_last_checkpoint'), 'utf8')).version;
  } catch {
    lastCheckpoint = undefined;
  }
  if (!protocol) {
    return { ...base, delta_log_reason: 'ok', protocol_compatible: false, protocol_reason: 'protocol_action_missing',
      last_checkpoint_version: lastCheckpoint, 'diagnostic.severity': 'warn' };
  }
  const reader = protocol.readerFeatures ?? [];
  const writer = protocol.writerFeatures ?? [];
  const missingReader = reader.filter((f) => !SUPPORTED_READER.includes(f));
  const missingWriter = writer.filter((f) => !SUPPORTED_WRITER.includes(f));
  const versionsOk = (protocol.minReaderVersion ?? 1) <= 3 && (protocol.minWriterVersion ?? 2) <= 7;
  const compatible = versionsOk && missingReader.length === 0 && missingWriter.length === 0;
  return {
    ...base,
    delta_log_reason: 'ok',
    last_checkpoint_version: lastCheckpoint,
    min_reader_version: protocol.minReaderVersion ?? 1,
    min_writer_version: protocol.minWriterVersion ?? 2,
    reader_features: reader,
    writer_features: writer,
    table_features: [...new Set([...reader, ...writer])],
    protocol_compatible: compatible,
    protocol_reason: compatible ? 'ok' : versionsOk ? 'unsupported_features' : 'unsupported_protocol_version',
    missing_reader_features: missingReader,
    missing_writer_features: missingWriter,
    'diagnostic.severity': compatible ? 'info' : 'warn',
  };
}

/** Sizes of a dataset as a scan would see them (rows from Delta stats or CSV lines). */
export function datasetStats(exampleDir, ds) {
  const p = datasetPath(exampleDir, ds);
  const st = p ? statOrNull(p) : null;
  if (!st) return { rows: 0, columns: ds.columns ?? 0, fragments: 0, rowGroups: 0, bytes: 0 };
  const files = st.isDirectory() ? dataFiles(p) : [{ path: p, size: st.size }];
  const bytes = files.reduce((n, f) => n + f.size, 0);
  let rows = ds.rows ?? 0;
  if (ds.format === 'csv') {
    try {
      rows = Math.max(0, fs.readFileSync(p, 'utf8').split('\n').filter((l) => l.trim()).length - 1);
    } catch {
      rows = 0;
    }
  } else if (ds.format === 'delta' && st.isDirectory()) {
    const adds = deltaActions(path.join(p, '_delta_log')).filter((a) => a.add);
    if (adds.length > 0) {
      rows = adds.reduce((n, a) => {
        try {
          return n + (JSON.parse(a.add.stats ?? '{}').numRecords ?? 0);
        } catch {
          return n;
        }
      }, 0);
    }
  }
  return { rows, columns: ds.columns ?? 0, fragments: files.length, rowGroups: files.length, bytes };
}
