// Reads a ratelab output directory with DuckDB (an outside Parquet reader) and checks the table contract:
// the named columns exist, one runs row per run, every run has a curve with step 0 and its last step.
//   node jobs/duckdb/check-tables.mjs OUT_DIR        (after: npm install --prefix jobs/duckdb)
import { DuckDBInstance } from '@duckdb/node-api';

const dir = process.argv[2];
if (!dir) { console.error('usage: check-tables.mjs OUT_DIR'); process.exit(2); }
const required = {
  runs: ['run_id', 'experiment', 'model', 'optimizer', 'width', 'seed', 'lr', 'batch_size', 'status', 'steps',
         'oracle_calls', 'final_loss', 'wall_ms', 'blas', 'config_json'],
  curves: ['run_id', 'experiment', 'optimizer', 'step', 'oracle_calls', 'loss', 'grad_norm_sq', 'extra_metrics'],
  rates: ['run_id', 'metric', 'kind', 'value', 'r2', 'step_from', 'step_to'],
  laws: ['experiment', 'group_key', 'metric', 'exponent', 'prefactor', 'r2', 'n_points'],
};
const source = {
  runs: `read_parquet('${dir}/runs/*.parquet')`,
  curves: `read_parquet('${dir}/curves/*/*/*.parquet', hive_partitioning = true)`,
  rates: `read_parquet('${dir}/rates/*.parquet')`,
  laws: `read_parquet('${dir}/laws/*.parquet')`,
};
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const scalar = async (sql) => (await (await con.run(sql)).getRows())[0][0];
let failed = 0;
for (const [table, cols] of Object.entries(required)) {
  const reader = await con.run(`DESCRIBE SELECT * FROM ${source[table]}`);
  const have = (await reader.getRows()).map((r) => r[0]);
  const missing = cols.filter((c) => !have.includes(c));
  const n = await scalar(`SELECT count(*) FROM ${source[table]}`);
  console.log(`${table}: ${n} rows, ${have.length} columns${missing.length ? ', MISSING ' + missing : ''}`);
  if (missing.length || Number(n) === 0) failed++;
}
// plug-in probes' metrics: a map<string,double> column, read as DuckDB's MAP
const extraType = (await (await con.run(`DESCRIBE SELECT extra_metrics FROM ${source.curves}`)).getRows())[0][1];
console.log(`curves.extra_metrics: ${extraType}`);
if (!/^MAP\(VARCHAR, DOUBLE\)$/.test(String(extraType))) failed++;
const runs = Number(await scalar(`SELECT count(*) FROM ${source.runs}`));
const distinct = Number(await scalar(`SELECT count(DISTINCT run_id) FROM ${source.runs}`));
const curveRuns = Number(await scalar(`SELECT count(DISTINCT run_id) FROM ${source.curves}`));
const badEnds = Number(await scalar(`SELECT count(*) FROM (SELECT r.run_id FROM ${source.runs} r JOIN
  ${source.curves} c USING (run_id) GROUP BY r.run_id, r.steps HAVING min(c.step) <> 0 OR max(c.step) <> r.steps)`));
console.log(`runs ${runs}, distinct run_ids ${distinct}, runs with curves ${curveRuns}, curves with bad ends ${badEnds}`);
if (runs !== distinct || curveRuns !== runs || badEnds !== 0) failed++;
console.log(failed ? 'duckdb check: FAILED' : 'duckdb check: ok');
process.exit(failed ? 1 : 0);
