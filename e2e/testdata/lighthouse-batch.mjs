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
const {default: WebSocket} = await import(pathToFileURL(join(dirname(root), 'ws', 'index.js')).href); // a dependency of lighthouse

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

// clearCookies empties the browser's cookie jar before each audit: every
// story's server is on 127.0.0.1 (another port), cookies do not keep ports
// apart, and a cookie one server set during an audit would otherwise go
// with the next story's requests beside the session the request gives.
async function clearCookies() {
  const version = await (await fetch(`http://127.0.0.1:${port}/json/version`)).json();
  const ws = new WebSocket(version.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  try {
    await new Promise((resolve, reject) => {
      ws.once('message', (m) => { const r = JSON.parse(m); r.error ? reject(new Error(r.error.message)) : resolve(); });
      ws.send(JSON.stringify({id: 1, method: 'Storage.clearCookies'}));
    });
  } finally {
    ws.close();
  }
}

const lines = readline.createInterface({input: process.stdin});
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    const req = JSON.parse(line);
    await clearCookies();
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
