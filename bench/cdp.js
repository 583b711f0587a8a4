// A minimal Chrome DevTools Protocol client over --remote-debugging-pipe:
// no dependencies beyond Node. Used by the search benchmark.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

class Browser {
  constructor(bin) {
    this.profile = fs.mkdtempSync(path.join(os.tmpdir(), 'shiyi-cdp-'));
    this.child = spawn(bin, [...FLAGS, '--remote-debugging-pipe', `--user-data-dir=${this.profile}`, 'about:blank'],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
    this.next = 1;
    this.pending = new Map();
    this.listeners = [];
    let buffer = Buffer.alloc(0);
    this.child.stdio[4].on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      let end;
      while ((end = buffer.indexOf(0)) >= 0) {
        const message = JSON.parse(buffer.subarray(0, end).toString('utf8'));
        buffer = buffer.subarray(end + 1);
        if (message.id && this.pending.has(message.id)) {
          const { resolve, reject } = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (message.error) reject(new Error(JSON.stringify(message.error)));
          else resolve(message.result);
        } else if (message.method) {
          this.listeners.forEach((l) => l(message));
        }
      }
    });
  }

  send(method, params = {}, sessionId) {
    const id = this.next++;
    const message = { id, method, params };
    if (sessionId) message.sessionId = sessionId;
    this.child.stdio[3].write(JSON.stringify(message) + '\0');
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  on(listener) { this.listeners.push(listener); }

  async page() {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    return new Page(this, sessionId);
  }

  close() {
    this.child.kill();
    try { fs.rmSync(this.profile, { recursive: true, force: true }); } catch (e) { /* still in use */ }
  }
}

class Page {
  constructor(browser, sessionId) {
    this.browser = browser;
    this.session = sessionId;
    this.bytes = 0;
    this.requests = [];
    this.urls = {};
    this.count = null; // a RegExp: only matching URLs are counted
    this.children = new Set();
    browser.on((m) => {
      if (m.method === 'Target.attachedToTarget' && m.sessionId === sessionId) {
        // A worker of the page (Pagefind fetches from one): count its traffic too.
        const child = m.params.sessionId;
        this.children.add(child);
        browser.send('Network.enable', {}, child)
          .then(() => browser.send('Network.setCacheDisabled', { cacheDisabled: true }, child))
          .catch(() => {})
          .then(() => browser.send('Runtime.runIfWaitingForDebugger', {}, child))
          .catch(() => {});
        return;
      }
      if (m.sessionId !== sessionId && !this.children.has(m.sessionId)) return;
      if (m.method === 'Network.requestWillBeSent') this.urls[m.params.requestId] = m.params.request.url;
      if (m.method === 'Network.loadingFinished') {
        const url = this.urls[m.params.requestId] || '';
        if (!this.count || this.count.test(url)) {
          this.bytes += m.params.encodedDataLength;
          this.requests.push(url);
        }
      }
      if (m.method === 'Page.loadEventFired' && this.onload) this.onload();
    });
  }

  send(method, params) { return this.browser.send(method, params, this.session); }

  async open(url) {
    await this.send('Page.enable');
    await this.send('Network.enable');
    await this.send('Network.setCacheDisabled', { cacheDisabled: true });
    await this.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true });
    const loaded = new Promise((resolve) => { this.onload = resolve; });
    this.bytes = 0;
    this.requests = [];
    await this.send('Page.navigate', { url });
    await loaded;
  }

  async eval(expression) {
    const r = await this.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails) throw new Error(JSON.stringify(r.exceptionDetails));
    return r.result.value;
  }
}

module.exports = { Browser };
