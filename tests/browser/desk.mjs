// Drives the desk in Debian's headless chromium (never a downloaded browser), as a person would.
//
//   node desk.mjs walk  <desk URL with token> <n>          walk n posts: copy, check the clipboard,
//                                                          paste a Naver URL, record
//   node desk.mjs check <desk URL with token> <id,id,...>  after a restart: progress kept, those
//                                                          posts never offered again
//   node desk.mjs fallback <desk URL with token>           the copy buttons without the Clipboard
//                                                          API (document.execCommand('copy')); records nothing
//   node desk.mjs naver <desk URL with token>              the Naver check: press its button, wait for
//                                                          the result per post, record the one unrecorded post
//
// Both fail (exit 1) on any console error, page error, error banner, or request to a host other
// than 127.0.0.1. The last line printed is `OK <json>` or `FAIL <reason>`.
import { chromium } from 'playwright-core';

const [mode, deskUrl, arg] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const origin = new URL(deskUrl).origin;
const problems = [];

function check(cond, what) {
  if (!cond) { throw new Error(what); }
}

async function noErrorShown(page, when) {
  const shown = await page.locator('.banner.error, #copy-status.error').count();
  check(shown === 0, `an error is shown ${when}: ${shown ? await page.locator('.banner.error, #copy-status.error').first().innerText() : ''}`);
}

async function count(page, id) {
  return Number(await page.locator(`#${id}`).innerText());
}

async function walk(page, context, n) {
  await page.goto(deskUrl);
  check(new URL(page.url()).pathname === '/', `the token URL leads to the start page, not ${page.url()}`);
  const before = await count(page, 'published-count');
  const walked = [];
  await page.click('#start-next');
  for (let i = 1; i <= n; i += 1) {
    await page.waitForSelector('#post-title');
    const id = Number(await page.locator('#post-title').getAttribute('data-post'));
    check(!walked.includes(id), `post ${id} offered twice`);
    const data = JSON.parse(await page.locator('#desk-data').textContent());

    await page.click('#copy-title');
    await page.waitForSelector('#copy-status:not(:empty)');
    await noErrorShown(page, 'after copying the title');
    check(await page.evaluate(() => navigator.clipboard.readText()) === data.title, 'the clipboard holds the title');

    await page.click('#copy-body');
    await page.waitForFunction(() => document.querySelector('#copy-body').classList.contains('done'));
    await noErrorShown(page, 'after copying the body');
    const clip = await page.evaluate(async () => {
      const items = await navigator.clipboard.read();
      const out = {};
      for (const item of items) {
        for (const type of item.types) { out[type] = await (await item.getType(type)).text(); }
      }
      return out;
    });
    check((clip['text/html'] || '').includes('[[사진') || (clip['text/html'] || '').includes('<p>'), 'the clipboard holds the body as text/html');
    check((clip['text/plain'] || '').length > 0, 'the clipboard holds the body as text/plain');

    if (await page.locator('#copy-tags').count()) {
      await page.click('#copy-tags');
      await page.waitForFunction(() => document.querySelector('#copy-tags').classList.contains('done'));
      await noErrorShown(page, 'after copying the tags');
      check(await page.evaluate(() => navigator.clipboard.readText()) === data.tags, 'the clipboard holds the tags');
    }

    const images = page.locator('#images img');
    for (let k = 0; k < await images.count(); k += 1) {
      const ok = await images.nth(k).evaluate((img) => img.complete && img.naturalWidth > 0);
      check(ok, `image ${k + 1} of post ${id} is shown`);
    }

    await page.fill('#naver-url', `https://blog.naver.com/hangangnotes/22300000001${i}`);
    await Promise.all([page.waitForNavigation(), page.click('#record')]);
    await page.waitForSelector('#saved');
    await noErrorShown(page, `after recording post ${id}`);
    walked.push(id);
  }
  const after = await count(page, 'published-count');
  check(after === before + n, `published went from ${before} to ${after}, not +${n}`);
  return { walked, published: after, today: await count(page, 'today-count') };
}

async function recheck(page, ids) {
  await page.goto(deskUrl);
  const published = await count(page, 'published-count');
  check(published === ids.length, `progress shows ${published} published, not ${ids.length}`);
  for (const id of ids) {
    const row = page.locator(`#post-list tr[data-post="${id}"] .state-published`);
    check(await row.count() === 1, `post ${id} is listed as published`);
  }
  await page.click('#start-next');
  await page.waitForSelector('#post-title');
  const offered = Number(await page.locator('#post-title').getAttribute('data-post'));
  check(!ids.includes(offered), `published post ${offered} offered again`);
  for (const id of ids) {
    await page.goto(`${origin}/post/${id}`);
    check(await page.locator('#already-published').count() === 1, `post ${id} says it is published`);
    check(await page.locator('#naver-url').count() === 0, `post ${id} has no form to publish it again`);
  }
  await noErrorShown(page, 'after the restart');
  return { published, offered };
}

async function fallback(page, context) {
  await context.addInitScript(() => { Object.defineProperty(navigator, 'clipboard', { value: undefined }); });
  await page.goto(deskUrl);
  await page.click('#start-next');
  await page.waitForSelector('#post-title');
  const copied = [];
  for (const id of ['copy-title', 'copy-body', 'copy-tags']) {
    if (await page.locator(`#${id}`).count() === 0) { continue; }
    await page.click(`#${id}`);
    await page.waitForFunction((b) => document.getElementById(b).classList.contains('done'), id);
    await noErrorShown(page, `after ${id} without the Clipboard API`);
    copied.push(id);
  }
  return { copied };
}

async function naverCheck(page) {
  await page.goto(deskUrl);
  await Promise.all([page.waitForNavigation(), page.click('nav a[href="/check"]')]);
  await Promise.all([page.waitForNavigation(), page.click('#start-check')]);
  // The page reloads itself while the check runs.
  await page.waitForSelector('#check-results', { timeout: 90000 });
  await noErrorShown(page, 'after the check');
  const statuses = {};
  for (const row of await page.locator('#check-results tr[data-post]').all()) {
    statuses[await row.getAttribute('data-post')] = await row.getAttribute('data-status');
  }
  const offered = await page.locator('.record-unrecorded').count();
  check(offered === 1, `one unrecorded post offered for recording, not ${offered}`);
  await Promise.all([page.waitForNavigation(), page.click('.record-unrecorded')]);
  await page.waitForSelector('#notice');
  await noErrorShown(page, 'after recording the unrecorded post');
  check(await page.locator('.record-unrecorded').count() === 0, 'the recorded post is offered again');
  return { statuses, checked: await count(page, 'check-checked'), ok: await count(page, 'check-ok') };
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let code = 0;
try {
  const context = await browser.newContext({ locale: 'ko-KR' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) && url.hostname !== '127.0.0.1') {
      problems.push(`request to another host: ${request.url()}`);
    }
  });
  const page = await context.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') { problems.push(`console error: ${msg.text()}`); } });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  const result = mode === 'walk' ? await walk(page, context, Number(arg))
    : mode === 'fallback' ? await fallback(page, context)
      : mode === 'naver' ? await naverCheck(page)
      : await recheck(page, arg.split(',').map(Number));
  check(problems.length === 0, problems.join('; '));
  console.log(`OK ${JSON.stringify(result)}`);
} catch (err) {
  console.log(`FAIL ${err.message}${problems.length ? ` (also: ${problems.join('; ')})` : ''}`);
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
