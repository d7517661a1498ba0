// Accessibility checks for e2e.mjs: axe-core (from tests/ui/node_modules,
// pinned by package-lock.json) injected into the page and run with the
// WCAG 2.0/2.1 A and AA rules (color-contrast among them) and the landmark
// rule "region" (every piece of content inside a landmark).
import { createRequire } from 'node:module';
import fs from 'node:fs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const OPTIONS = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  rules: { region: { enabled: true } },
  resultTypes: ['violations'],
};

// The violations of the page as it is now, as text; '' when none.
export async function axeViolations(page) {
  if (!await page.evaluate(() => typeof window.axe === 'object'))
    // Evaluated, not a <script> tag: the page's Content-Security-Policy
    // refuses inline scripts (the DevTools protocol is not subject to it).
    await page.evaluate(fs.readFileSync(AXE, 'utf8'));
  // Transitions (the folding menu) must be over: axe reads computed colours.
  await page.evaluate(() => Promise.all(document.getAnimations()
    .map((a) => a.finished.catch(() => {}))));
  const found = await page.evaluate((o) => window.axe.run(document, o)
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact,
      help: v.help, nodes: v.nodes.map((n) => ({ target: n.target.join(' '),
        why: n.failureSummary })) }))), OPTIONS);
  return found.map((v) => `${v.id} (${v.impact}): ${v.help}\n` +
    v.nodes.map((n) => `  ${n.target}\n    ${(n.why || '')
      .replace(/\n/g, '\n    ')}`).join('\n')).join('\n');
}

// Throw, naming the page, on any violation.
export async function axeCheck(page, what) {
  const text = await axeViolations(page);
  if (text) throw new Error(`accessibility violations on ${what}:\n${text}`);
}
