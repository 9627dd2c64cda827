import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { deepline, finished, listening, start, tempDir } from './helpers.js';

// `deepline serve` as an operator runs it: a registered model behind TF Serving's REST API,
// answering raw records, then a clean stop on SIGTERM.

describe('deepline serve', () => {
  test('serves the production churn model until SIGTERM, answering records with the version', async () => {
    const dir = tempDir();
    const env = { DEEPLINE_HOME: join(dir, 'home') };
    expect((await deepline(['init', 'churn'], dir)).code).toBe(0);
    const yaml = readFileSync(join(dir, 'churn.yaml'), 'utf8').replace('epochs: 30', 'epochs: 3');
    writeFileSync(join(dir, 'churn.yaml'), yaml);
    const run = await deepline(['run', 'churn.yaml', '--no-report'], dir, env);
    expect(run.code, run.stderr).toBe(0);

    const server = start(['serve', '--port', '0'], dir, env);
    const done = finished(server);
    const url = await listening(server);

    const status = await (await fetch(`${url}/v1/models/churn`)).json();
    expect(status.model_version_status).toEqual([
      { version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
    ]);
    const example = {
      gender: 'Female',
      SeniorCitizen: 0,
      Partner: 'Yes',
      Dependents: 'No',
      tenure: 1,
      PhoneService: 'No',
      MultipleLines: 'No phone service',
      InternetService: 'DSL',
      OnlineSecurity: 'No',
      OnlineBackup: 'Yes',
      DeviceProtection: 'No',
      TechSupport: 'No',
      StreamingTV: 'No',
      StreamingMovies: 'No',
      Contract: 'Month-to-month',
      PaperlessBilling: 'Yes',
      PaymentMethod: 'Electronic check',
      MonthlyCharges: 29.85,
      TotalCharges: '29.85',
    };
    const answer = await fetch(`${url}/v1/models/churn:classify`, {
      method: 'POST',
      body: JSON.stringify({ examples: [example, { ...example, Contract: 'Two year', tenure: 70 }] }),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-model-version')).toBe('1');
    const body = await answer.json();
    expect(body.result).toHaveLength(2);
    const churnScore = (r: [string, number][]) => r.find(([label]) => label === 'Yes')![1];
    // A new month-to-month customer is far likelier to leave than a 70-month two-year one.
    expect(churnScore(body.result[0])).toBeGreaterThan(churnScore(body.result[1]));

    const bad = await fetch(`${url}/v1/models/churn:classify`, {
      method: 'POST',
      body: JSON.stringify({ examples: [{ ...example, MonthlyCharges: 'lots' }] }),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/MonthlyCharges/);

    server.kill('SIGTERM');
    const exit = await done;
    expect(exit.code).toBe(0);
  }, 120_000);
});
