// lighthouse-batch runs Lighthouse on many pages in one Node process and
// one headless Chromium, for e2e TestLighthouse: starting Node, loading
// Lighthouse and launching a browser for each page took most of the time
// of a run of the lighthouse command.
//
// LIGHTHOUSE is the lighthouse command of an npm install (its package is
// found from it), CHROME_PATH the browser. Each line on stdin is a request
//   {"url": "...", "desktop": true, "headers": {"Cookie": "..."}, "out": "/path/report.json"}
// and gets one line on stdout when its JSON report is written to out:
//   {"ok": true} or {"error": "..."}.
// The requests run one after another; the browser stops when stdin ends.
import {spawn} from 'node:child_process';
import {mkdtempSync, realpathSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import readline from 'node:readline';
import {pathToFileURL} from 'node:url';

const root = dirname(dirname(realpathSync(process.env.LIGHTHOUSE))); // <pkg>/cli/index.js
const {default: lighthouse} = await import(pathToFileURL(join(root, 'core/index.js')).href);
const {default: desktopConfig} = await import(pathToFileURL(join(root, 'core/config/desktop-config.js')).href);

const profile = mkdtempSync(join(tmpdir(), 'lighthouse-batch-'));
const chrome = spawn(process.env.CHROME_PATH, ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--no-default-browser-check', '--remote-debugging-port=0', '--user-data-dir=' + profile, 'about:blank'],
{stdio: ['ignore', 'ignore', 'pipe']});
const port = await new Promise((resolve, reject) => {
  let seen = '';
  chrome.stderr.on('data', (d) => {
    if (seen.length < 100000) seen += d;
    const m = seen.match(/DevTools listening on ws:\/\/[^:]+:(\d+)\//);
    if (m) resolve(Number(m[1]));
  });
  chrome.on('exit', (code) => reject(new Error('chromium exited with ' + code + ':\n' + seen)));
});

function stop(code) {
  chrome.kill();
  try { rmSync(profile, {recursive: true, force: true}); } catch {}
  process.exit(code);
}

const lines = readline.createInterface({input: process.stdin});
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    const req = JSON.parse(line);
    const flags = {port, output: 'json', logLevel: 'error', onlyCategories: ['accessibility', 'best-practices'],
      extraHeaders: req.headers || {}, disableFullPageScreenshot: true};
    const result = await lighthouse(req.url, flags, req.desktop ? desktopConfig : undefined);
    if (!result) throw new Error('lighthouse returned no result');
    writeFileSync(req.out, result.report);
    answer = {ok: true};
  } catch (err) {
    answer = {error: String(err && err.stack || err)};
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
stop(0);
